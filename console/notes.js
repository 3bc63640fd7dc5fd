// Private notes in a case: written by any agent of its team, shown in the
// transcript in their own style, never sent to the citizen.

import { api, idPath } from './api.js';
import { $, clearDraft, draftArea, el } from './dom.js';
import { errorText, t } from './strings.js';

// A note as a transcript line: marked private, so that nobody mistakes
// it for something the citizen read.
export function noteItem(item, time) {
  return el('li', { class: 'note', 'data-type': 'note' },
    el('div', { class: 'msg-head' },
      el('span', { class: 'note-mark' }, t('note-mark')), ' ',
      el('span', { class: 'speaker', dir: 'auto' }, item.agent), ' ', time),
    el('p', { class: 'msg-text', dir: 'auto' }, item.text));
}

// The note box under the reply box. `reload` shows the transcript again.
export function noteForm(id, reload) {
  const area = draftArea({ id: 'note', rows: 1, dir: 'auto', 'aria-describedby': 'note-hint' });
  const save = el('button', { type: 'submit', class: 'ghost', id: 'note-save' }, t('note-save'));
  const error = el('p', { class: 'alert', role: 'alert', id: 'note-error', hidden: true });
  const form = el('form', { class: 'note-form', id: 'note-form' },
    el('label', { for: 'note' }, t('note-label')),
    el('div', { class: 'reply-row' }, area, save),
    el('p', { class: 'hint', id: 'note-hint' }, t('note-hint')),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = area.value;
    if (!text.trim()) {
      error.textContent = t('error-empty_text');
      error.hidden = false;
      return;
    }
    save.disabled = true;
    try {
      await api('/conversations/' + idPath(id) + '/notes', { method: 'POST', body: { text } });
      clearDraft('note');
      await reload();
      const again = $('note');
      if (again) again.focus();
    } catch (err) {
      save.disabled = false;
      error.textContent = errorText(err);
      error.hidden = false;
    }
  });
  return form;
}
