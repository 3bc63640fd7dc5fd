// The queue: waiting conversations and incidents of the agent's teams,
// urgent first.

import { api } from './api.js';
import { openItem } from './conversation.js';
import { $, announce, el } from './dom.js';
import { reloadSoon } from './events.js';
import { slaBadge, tickSla } from './sla.js';
import { state } from './state.js';
import {
  areaName,
  channelOf,
  errorText,
  languageName,
  reasonName,
  t,
  title,
  waited,
} from './strings.js';

export async function loadQueue() {
  if (!state.token) return;
  // Only the latest reload may render: answers can arrive out of order.
  state.queueSerial += 1;
  const serial = state.queueSerial;
  try {
    const [queue, incidents] = await Promise.all([
      api('/queue'),
      api('/incidents').catch((err) => {
        // A server without incidents still serves the queue.
        if (err.status === 404) return { incidents: [] };
        throw err;
      }),
    ]);
    if (serial !== state.queueSerial) return;
    state.queue = queue.conversations || [];
    state.incidents = (incidents && incidents.incidents) || [];
    $('queue-error').hidden = true;
    noticeNewItems();
    renderQueue();
  } catch (err) {
    if (!state.token) return;
    const box = $('queue-error');
    box.textContent = errorText(err);
    box.hidden = false;
  }
}

// Open incidents reported by two or more citizens are one queue item.
function grouped() {
  const incidents = new Map();
  for (const incident of state.incidents) {
    if (incident.status !== 'resolved' && incident.count >= 2) incidents.set(incident.id, incident);
  }
  return incidents;
}

function queueItems() {
  const incidents = grouped();
  const items = [];
  const placed = new Set();
  for (const item of state.queue) {
    const incident = item.incident_id && incidents.get(item.incident_id);
    if (incident) {
      if (!placed.has(incident.id)) {
        placed.add(incident.id);
        items.push({ kind: 'incident', incident, urgent: item.priority === 'urgent' });
      }
      continue;
    }
    items.push({ kind: 'conversation', item, urgent: item.priority === 'urgent' });
  }
  // Incidents whose citizens are all with agents still need updates.
  for (const incident of incidents.values()) {
    if (!placed.has(incident.id)) items.push({ kind: 'incident', incident, urgent: true });
  }
  // Urgent first, keeping the server's order within each group.
  return items.filter((i) => i.urgent).concat(items.filter((i) => !i.urgent));
}

function noticeNewItems() {
  const urgentNow = new Map();
  for (const item of state.queue) {
    if (item.priority === 'urgent') urgentNow.set(item.conversation_id, item);
  }
  const first = state.seenUrgent === null;
  if (!first) {
    for (const [id, item] of urgentNow) {
      if (!state.seenUrgent.has(id)) {
        announce(t('announce-urgent', { title: title(item.entry_title, item.entry_id) || reasonName(item.reason) }));
      }
    }
    for (const incident of grouped().values()) {
      const before = state.incidentCounts.get(incident.id) || 0;
      if (incident.count > before) {
        announce(t('announce-incident', { title: title(incident.entry_title, incident.entry_id), count: incident.count }));
      }
    }
  }
  state.seenUrgent = new Set(urgentNow.keys());
  state.incidentCounts = new Map(state.incidents.map((incident) => [incident.id, incident.count]));
}

export function renderQueue() {
  const list = $('queue');
  const focusedKey = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.key : null;
  list.textContent = '';
  const items = queueItems();
  for (const entry of items) list.append(queueItem(entry));
  $('queue-empty').hidden = items.length > 0;
  $('queue-count').textContent = t('queue-count', { count: state.queue.length });
  if (focusedKey) {
    const again = list.querySelector('[data-key="' + CSS.escape(focusedKey) + '"]');
    if (again) again.focus();
  }
}

// The open incident of two or more reports that a conversation is in.
function incidentOf(item) {
  if (!item.incident_id) return null;
  const incident = state.incidents.find((candidate) => candidate.id === item.incident_id);
  return incident && incident.count >= 2 ? incident : null;
}

export function urgencyBadge(urgent) {
  return urgent
    ? el('span', { class: 'badge urgent-badge' }, el('span', { 'aria-hidden': 'true' }, '⚠ '), t('urgent'))
    : null;
}

function queueItem(entry) {
  const open = state.open;
  if (entry.kind === 'incident') {
    const incident = entry.incident;
    const key = 'incident:' + incident.id;
    const area = areaName(incident.area);
    const button = el('button', {
      type: 'button',
      class: 'item incident' + (entry.urgent ? ' urgent' : ''),
      'data-key': key,
      'data-incident-id': incident.id,
      'data-priority': entry.urgent ? 'urgent' : 'normal',
      'aria-current': open && open.kind === 'incident' && open.id === incident.id ? 'true' : null,
      onclick: () => openItem('incident', incident.id),
    },
    el('span', { class: 'item-top' },
      urgencyBadge(entry.urgent),
      el('span', { class: 'badge incident-badge' }, t('incident-badge')),
      el('span', { class: 'badge count-badge', 'data-count': incident.count }, t('incident-count', { count: incident.count }))),
    el('span', { class: 'item-title', dir: 'auto' }, title(incident.entry_title, incident.entry_id)),
    el('span', { class: 'item-meta' },
      area ? el('span', { dir: 'auto' }, area) : null,
      el('span', { class: 'since', 'data-since': incident.opened_ms }, t('waiting-since', { time: waited(incident.opened_ms) }))));
    return el('li', null, button);
  }
  const item = entry.item;
  const key = 'conversation:' + item.conversation_id;
  const area = areaName(item.area);
  const heading = title(item.entry_title, item.entry_id) || reasonName(item.reason);
  const button = el('button', {
    type: 'button',
    class: 'item' + (entry.urgent ? ' urgent' : ''),
    'data-key': key,
    'data-conversation-id': item.conversation_id,
    'data-priority': item.priority,
    'aria-current': open && open.kind === 'conversation' && open.id === item.conversation_id ? 'true' : null,
    onclick: () => openItem('conversation', item.conversation_id),
  },
  el('span', { class: 'item-top' },
    urgencyBadge(entry.urgent),
    incidentOf(item) ? el('span', { class: 'badge incident-badge' }, t('incident-badge')) : null,
    slaBadge(item),
    el('span', { class: 'since', 'data-since': item.since_ms }, t('waiting-since', { time: waited(item.since_ms) }))),
  el('span', { class: 'item-title', dir: 'auto' }, heading),
  el('span', { class: 'item-meta' },
    el('span', null, reasonName(item.reason)),
    el('span', null, channelOf(item.conversation_id)),
    el('span', null, languageName(item.language)),
    area ? el('span', { dir: 'auto' }, area) : null));
  return el('li', null, button);
}

export function tickClocks() {
  for (const node of document.querySelectorAll('[data-since]')) {
    node.textContent = t('waiting-since', { time: waited(Number(node.dataset.since)) });
  }
  tickSla();
  // Events are at most once (an instance that dies between a commit and
  // its event loses the event): a periodic reload bounds what is missed.
  if (state.token && state.connState === 'live') reloadSoon();
}
