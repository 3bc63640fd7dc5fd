// Service levels on the console: a case's time left before its team's
// target (first reply or resolution), or how long it is overdue, on queue
// cards and in the conversation header. The server says when the target
// is due (in the team's business hours); the clock here only counts down.

import { el } from './dom.js';
import { t } from './strings.js';

function span(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  if (minutes < 1) return t('sla-under-a-minute');
  if (minutes < 60) return t('time-minutes', { minutes });
  return t('time-hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

function text(target, dueMs) {
  const left = dueMs - Date.now();
  const what = t('sla-target-' + target);
  return left > 0
    ? t('sla-due-in', { target: what, time: span(left) })
    : t('sla-overdue-by', { target: what, time: span(left) });
}

// A badge for an item or view carrying `sla_target` and `due_ms`; none
// when its team sets no target.
export function slaBadge(item) {
  if (!item || !item.sla_target || item.due_ms == null) return null;
  const overdue = item.due_ms <= Date.now();
  return el('span', {
    class: 'badge sla' + (overdue ? ' overdue' : ''),
    'data-due': item.due_ms,
    'data-target': item.sla_target,
    'data-overdue': overdue ? 'true' : 'false',
  }, text(item.sla_target, item.due_ms));
}

// Called with the console's clock: a case turns overdue while it is shown.
export function tickSla() {
  for (const node of document.querySelectorAll('[data-due]')) {
    const due = Number(node.dataset.due);
    const overdue = due <= Date.now();
    node.textContent = text(node.dataset.target, due);
    node.classList.toggle('overdue', overdue);
    node.dataset.overdue = overdue ? 'true' : 'false';
  }
}
