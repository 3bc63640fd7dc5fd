// Ready replies in the reply box: typing `/` and a word (Arabic or English)
// lists the editors' ready replies and the knowledge base's answers that
// match, worded for this conversation (its language, placeholders filled);
// Up and Down choose, Enter inserts, Esc closes.

import { api, idPath } from './api.js';
import { el } from './dom.js';
import { t } from './strings.js';

// `/` at the start of the box or after a space, then what is being typed.
const COMMAND = /(^|\s)\/([^/\n]*)$/;
// Waits for a pause in typing before asking the server.
const PAUSE_MS = 150;

export function attachReplies(textarea, conversationId) {
  const list = el('ul', { class: 'reply-picks', id: 'reply-picks', role: 'listbox', hidden: true,
    'aria-label': t('replies-heading') });
  let picks = [];
  let chosen = 0;
  let timer = null;
  // Answers that arrive after a newer search are dropped.
  let asked = 0;

  function close() {
    picks = [];
    list.hidden = true;
    list.replaceChildren();
    textarea.removeAttribute('aria-activedescendant');
  }

  function show() {
    list.replaceChildren();
    if (!picks.length) {
      list.append(el('li', { class: 'reply-pick-none' }, t('replies-none')));
    }
    let heading = null;
    picks.forEach((pick, index) => {
      if (pick.group !== heading) {
        heading = pick.group;
        list.append(el('li', { class: 'reply-pick-group', role: 'presentation' }, t(heading)));
      }
      list.append(el('li', {
        class: 'reply-pick' + (index === chosen ? ' chosen' : ''), role: 'option',
        id: 'reply-pick-' + index, 'aria-selected': String(index === chosen), 'data-id': pick.id,
        onmousedown: (event) => { event.preventDefault(); insert(index); },
      }, el('strong', { dir: 'auto' }, pick.title), el('span', { dir: 'auto' }, pick.text)));
    });
    list.hidden = false;
    if (picks.length) textarea.setAttribute('aria-activedescendant', 'reply-pick-' + chosen);
  }

  async function search(words) {
    const mine = ++asked;
    const query = '?q=' + encodeURIComponent(words) + '&conversation=' + idPath(conversationId);
    try {
      const [replies, entries] = await Promise.all([
        api('/replies' + query),
        words.trim() ? api('/entries' + query) : Promise.resolve({ entries: [] }),
      ]);
      if (mine !== asked) return;
      const lang = replies.language || 'ar';
      picks = replies.replies.map((reply) => ({
        group: 'replies-heading', id: reply.id,
        title: reply[lang].title || reply.id, text: reply[lang].text,
      })).concat(entries.entries.map((entry) => ({
        group: 'replies-entries-heading', id: entry.id, title: entry.title, text: entry.answer,
      })));
      chosen = 0;
      show();
    } catch (_) {
      if (mine === asked) close();
    }
  }

  function insert(index) {
    const pick = picks[index];
    if (!pick) return;
    const command = COMMAND.exec(textarea.value);
    const kept = command ? textarea.value.slice(0, command.index + command[1].length) : textarea.value;
    textarea.value = kept + pick.text;
    // The draft follows what the agent sees.
    textarea.dispatchEvent(new Event('input'));
    close();
    textarea.focus();
  }

  textarea.addEventListener('input', () => {
    const command = COMMAND.exec(textarea.value);
    clearTimeout(timer);
    if (!command) {
      asked++;
      close();
      return;
    }
    timer = setTimeout(() => search(command[2]), PAUSE_MS);
  });

  // Capture: runs before the form's own Enter-sends handler, which it stops
  // while a list is open.
  textarea.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'Escape') {
      close();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!picks.length) return;
      chosen = (chosen + (event.key === 'ArrowDown' ? 1 : picks.length - 1)) % picks.length;
      show();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && picks.length) {
      insert(chosen);
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
  textarea.addEventListener('blur', () => setTimeout(close, 200));
  // A live update re-renders the conversation, and this box with it, the
  // agent's draft and focus restored: a `/word` being answered when that
  // happened goes on being answered here, or its picks would land in the
  // old, detached list.
  const pending = COMMAND.exec(textarea.value);
  if (pending) {
    timer = setTimeout(() => {
      if (document.activeElement === textarea) search(pending[2]);
    }, PAUSE_MS);
  }
  return list;
}
