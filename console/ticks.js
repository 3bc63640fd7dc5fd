// WhatsApp's word on the messages khidma sent: the transcript's ticks
// (from the history's `status` lines, which name a message's wamid), and
// the offer to send the `agent_reply` template when the citizen's 24-hour
// window closed on an agent's reply.

import { api, idPath } from './api.js';
import { el } from './dom.js';
import { t } from './strings.js';

// A later status never moves a message back (a late `delivered` after
// `read`); a failure is shown whatever came before.
const RANK = { sent: 1, delivered: 2, read: 3, failed: 4 };

// message id -> its furthest tick, from the history's status lines.
export function ticksOf(history) {
  const ticks = new Map();
  for (const item of history) {
    if (item.type !== 'status') continue;
    const known = ticks.get(item.message_id);
    if (!known || RANK[item.tick] > RANK[known]) ticks.set(item.message_id, item.tick);
  }
  return ticks;
}

// The status lines are shown as ticks on their messages, not as lines.
export function isTick(item) {
  return item.type === 'status';
}

// The tick of a message (its last platform message's), or nothing.
export function tickMark(item, ticks) {
  const ids = item.message_ids || [];
  if (ids.length === 0) return null;
  const tick = ticks.get(ids[ids.length - 1]) || 'sent';
  const marks = { sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };
  return el('span', { class: 'tick tick-' + tick, 'data-tick': tick, title: t('tick-' + tick), 'aria-label': t('tick-' + tick) }, marks[tick]);
}

// The button under a reply the closed window refused, when the server has
// a template for it; `done` runs with the template's delivery.
export function templateOffer(id, failure, done) {
  if (!failure.template || failure.template.sent) return null;
  const button = el('button', { type: 'button', class: 'primary small', id: 'send-template' }, t('template-send'));
  button.onclick = async () => {
    button.disabled = true;
    try {
      done(await api('/conversations/' + idPath(id) + '/template', { method: 'POST' }));
    } catch (err) {
      button.disabled = false;
      done({ delivered: false, failure: 'unreachable', detail: String(err.message || err) });
    }
  };
  return el('p', { class: 'template-offer' }, el('span', null, t('template-offer')), ' ', button);
}
