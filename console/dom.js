// DOM helpers. Every piece of data reaches the page through textContent,
// never as markup.

import { state } from './state.js';
import { t } from './strings.js';

export const $ = (id) => document.getElementById(id);

// el('p', {class: 'x', dir: 'auto'}, 'text', child...)
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else if (value === true) node.setAttribute(name, '');
      else node.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export function announce(text) {
  const announcer = $('announcer');
  announcer.textContent = '';
  // A fresh text node after a tick makes screen readers read it again.
  setTimeout(() => { announcer.textContent = text; }, 50);
}

export function field(label, value, attrs) {
  if (value === null || value === undefined || value === '') return null;
  return el('div', { class: 'field' }, el('dt', null, label), el('dd', attrs || null, value));
}

function draftKey(fieldId) {
  return fieldId + '@' + (state.open ? state.open.kind + ':' + state.open.id : '');
}

// A textarea whose text survives re-renders until it is sent.
export function draftArea(attrs) {
  const area = el('textarea', attrs);
  const key = draftKey(attrs.id);
  area.value = state.drafts.get(key) || '';
  area.addEventListener('input', () => state.drafts.set(key, area.value));
  return area;
}

export function clearDraft(fieldId) {
  state.drafts.delete(draftKey(fieldId));
  const area = $(fieldId);
  if (area) area.value = '';
}

export function confirmDialog(titleText, bodyText, okText) {
  const dialog = $('confirm');
  $('confirm-title').textContent = titleText;
  $('confirm-body').textContent = bodyText;
  $('confirm-ok').textContent = okText;
  $('confirm-cancel').textContent = t('cancel');
  const opener = document.activeElement;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      if (opener && document.contains(opener)) opener.focus();
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    // The safe choice has the focus; Esc closes (cancel).
    $('confirm-cancel').focus();
  });
}
