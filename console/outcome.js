// Resolving a case: the agent says how it ended (solved, referred to
// another agency, duplicate, citizen did not answer), and the citizen's
// closing message follows from it (the server words it).

import { $, el } from './dom.js';
import { t } from './strings.js';

export const OUTCOMES = ['solved', 'referred', 'duplicate', 'no_response'];

// Asks for the outcome in the console's confirmation dialog, with the
// choices added for the occasion: resolves to the chosen one, or null
// when the agent cancels (Esc, or the safe button, which has the focus).
export function chooseOutcome() {
  const dialog = $('confirm');
  $('confirm-title').textContent = t('resolve-title');
  $('confirm-body').textContent = t('resolve-body');
  $('confirm-ok').textContent = t('resolve-confirm');
  $('confirm-cancel').textContent = t('cancel');
  const choices = el('fieldset', { class: 'outcomes', id: 'outcomes' },
    el('legend', null, t('outcome-legend')),
    ...OUTCOMES.map((outcome, index) => el('label', { class: 'outcome-choice' },
      el('input', { type: 'radio', name: 'outcome', value: outcome, id: 'outcome-' + outcome, checked: index === 0 }),
      el('span', null, el('strong', null, t('outcome-' + outcome)), ' ',
        el('span', { class: 'hint' }, t('outcome-' + outcome + '-hint'))))));
  $('confirm-body').after(choices);
  const opener = document.activeElement;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const chosen = choices.querySelector('input[name=outcome]:checked');
      resolve(dialog.returnValue === 'ok' && chosen ? chosen.value : null);
      choices.remove();
      if (opener && document.contains(opener)) opener.focus();
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}

// The transcript's line for a resolve, with its outcome when it has one.
export function resolvedText(item) {
  return item.outcome
    ? t('record-resolved-outcome', { agent: item.agent, outcome: t('outcome-' + item.outcome) })
    : t('record-resolved', { agent: item.agent });
}
