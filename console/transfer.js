// Moving a case to another team or agent, with a reason the next agent
// reads in the transcript; and the notice that a silent agent's case went
// back to the queue.

import { api, idPath } from './api.js';
import { $, announce, el } from './dom.js';
import { state } from './state.js';
import { errorText, t } from './strings.js';

// The button in the conversation's header, for a case the agent may move:
// their own, or one waiting in their team.
export function transferButton(id, handoff, mine, onMoved) {
  if (!(mine || handoff.state === 'waiting')) return null;
  return el('button', {
    type: 'button', class: 'ghost', id: 'transfer',
    onclick: () => openTransfer(id, handoff, onMoved),
  }, t('transfer'));
}

function openTransfer(id, handoff, onMoved) {
  const old = $('transfer-dialog');
  if (old) old.remove();
  const teams = (state.me && state.me.desk_teams) || [];
  const select = el('select', { id: 'transfer-team' },
    ...teams.map((team) => el('option', { value: team }, team)));
  const firstOther = teams.find((team) => team !== handoff.team);
  if (firstOther) select.value = firstOther;
  const agent = el('input', { id: 'transfer-agent', type: 'text', autocomplete: 'off', spellcheck: 'false', dir: 'auto', 'aria-describedby': 'transfer-agent-hint' });
  const reason = el('textarea', { id: 'transfer-reason', rows: 3, dir: 'auto', maxlength: 500, required: true });
  const error = el('p', { class: 'alert', role: 'alert', id: 'transfer-error', hidden: true });
  const dialog = el('dialog', { id: 'transfer-dialog', 'aria-labelledby': 'transfer-title' });
  const form = el('form', { class: 'confirm-form transfer-form' },
    el('h2', { id: 'transfer-title' }, t('transfer-title')),
    el('label', { for: 'transfer-team' }, t('transfer-team-label')), select,
    el('label', { for: 'transfer-agent' }, t('transfer-agent-label')), agent,
    el('p', { class: 'hint', id: 'transfer-agent-hint' }, t('transfer-agent-hint')),
    el('label', { for: 'transfer-reason' }, t('transfer-reason-label')), reason,
    error,
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'ghost', onclick: () => dialog.close() }, t('cancel')),
      el('button', { type: 'submit', class: 'primary', id: 'transfer-send' }, t('transfer-send'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      error.textContent = t('transfer-need-reason');
      error.hidden = false;
      reason.focus();
      return;
    }
    const name = agent.value.trim();
    const body = name
      ? { agent: name, reason: reason.value }
      : { team: select.value, reason: reason.value };
    let moved;
    try {
      moved = await api('/conversations/' + idPath(id) + '/transfer', { method: 'POST', body });
    } catch (err) {
      error.textContent = transferError(err);
      error.hidden = false;
      return;
    }
    dialog.close();
    const notice = name ? t('transferred-to-agent', { agent: name }) : t('transferred-to-team', { team: select.value });
    announce(notice);
    onMoved(notice, moved.handoff);
  });
  dialog.append(form);
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
  reason.focus();
}

function transferError(err) {
  if (['unknown_team', 'unknown_agent', 'already_there'].includes(err.code)) return t('transfer-error-' + err.code);
  return errorText(err);
}

// A case the agent had went back to the queue because they wrote nothing
// for too long: say so above the queue until dismissed.
export function onReturned(event) {
  if (!state.me || event.agent !== state.me.name) return;
  const old = $('returned-notice');
  if (old) old.remove();
  const text = t('returned-notice', { id: event.conversation_id });
  const notice = el('div', { class: 'notice returned-notice', role: 'status', id: 'returned-notice' },
    el('p', { dir: 'auto' }, text),
    el('button', { type: 'button', class: 'ghost small', onclick: () => notice.remove() }, t('dismiss')));
  $('queue').before(notice);
  announce(text);
}
