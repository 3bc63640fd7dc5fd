// Alerts on the supervisors' page, live: read from the supervisors'
// stream (GET /api/v1/supervisor/events: surges, rating drops, unclaimed
// urgent cases, missed service levels), newest first. Each alert also
// re-reads the desk, so the case it names shows where it is now.

import { el } from './dom.js';
import { parseBlock } from './events.js';
import { state } from './state.js';
import { clock, t } from './strings.js';

const STREAM = '/api/v1/supervisor/events';
// Alerts kept on the page; the dashboard and the event store keep them all.
const KEPT = 20;
const RETRY_MS = 5000;

const alerts = [];
let controller = null;

// Reads the stream until stopAlerts(), reconnecting after a drop; calls
// `onAlert` with each alert.
export function watchAlerts(onAlert) {
  stopAlerts();
  controller = new AbortController();
  const { signal } = controller;
  (async () => {
    while (!signal.aborted) {
      try {
        const response = await fetch(STREAM, {
          headers: { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal,
        });
        if (!response.ok || !response.body) throw new Error('alerts ' + response.status);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const { type, event } = parseBlock(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (type !== 'alert' || !event) continue;
            alerts.unshift(event);
            alerts.length = Math.min(alerts.length, KEPT);
            onAlert(event);
          }
        }
      } catch (_) {
        if (signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  })();
}

export function stopAlerts() {
  if (controller) controller.abort();
  controller = null;
  alerts.length = 0;
}

// The alerts since the page opened, each in the supervisor's language.
export function alertList() {
  const items = alerts.map((alert) => el('li', { class: 'desk-alert', 'data-rule': alert.rule },
    el('span', { class: 'hint' }, clock(alert.at_ms) + ' · '),
    el('span', { dir: 'auto' }, (alert.title && (alert.title[state.lang] || alert.title.en)) || alert.rule)));
  return el('section', { id: 'desk-alerts', 'aria-live': 'polite' },
    el('h3', null, t('desk-alerts-heading')),
    items.length === 0 ? el('p', { class: 'empty' }, t('desk-no-alerts')) : el('ul', { class: 'desk-alerts' }, ...items));
}
