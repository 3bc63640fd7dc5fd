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

// The console's clock ticks every half minute, too seldom for an urgent
// target of seconds: the badges also turn overdue at the earliest due
// time among them. One timer for all; a stale one only re-reads them.
const LONGEST_TIMER_MS = 2 ** 31 - 1;
let flipTimer = null;
let flipAtMs = Infinity;

function flipAtDue(dueMs) {
  const left = dueMs - Date.now();
  if (left <= 0 || left >= LONGEST_TIMER_MS || dueMs >= flipAtMs) return;
  clearTimeout(flipTimer);
  flipAtMs = dueMs;
  flipTimer = setTimeout(() => {
    flipAtMs = Infinity;
    tickSla();
  }, left + 1);
}

// A badge for an item or view carrying `sla_target` and `due_ms`; none
// when its team sets no target.
export function slaBadge(item) {
  if (!item || !item.sla_target || item.due_ms == null) return null;
  const overdue = item.due_ms <= Date.now();
  flipAtDue(item.due_ms);
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
    flipAtDue(due);
  }
}

// The transcript's line for a missed target (a `breached` record).
export function breachedText(item) {
  const args = { target: t('sla-target-' + item.target), team: item.team };
  return item.escalated_to
    ? t('record-breached-escalated', { ...args, escalated: item.escalated_to })
    : t('record-breached', args);
}

// The service level's own move (a `transferred` record by `sla`): the
// missed target is on the line before it.
export function slaMoveText(item) {
  return t('record-transferred-sla', { from: item.from_team, team: item.team });
}
