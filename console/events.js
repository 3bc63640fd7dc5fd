// Live events: the server-sent event stream, and the reloads it triggers.

import { API } from './api.js';
import { loadOpen } from './conversation.js';
import { $ } from './dom.js';
import { loadQueue } from './queue.js';
import { signOut } from './session.js';
import { state } from './state.js';
import { t } from './strings.js';
import { onReturned } from './transfer.js';

const RELOAD_DEBOUNCE_MS = 50;

export function renderConn() {
  const conn = $('conn');
  conn.dataset.state = state.connState;
  if (state.connState === 'live') conn.textContent = t('conn-live');
  else if (state.connState === 'offline') conn.textContent = t('conn-offline', { seconds: state.retryIn });
  else conn.textContent = t('conn-connecting');
}

function setConn(next, retryIn) {
  state.connState = next;
  state.retryIn = retryIn || 0;
  renderConn();
}

// EventSource cannot send a bearer token: read the stream with fetch and
// parse server-sent events here.
export async function connect() {
  let backoff = 1000;
  const controller = new AbortController();
  state.stream = controller;
  while (!controller.signal.aborted) {
    setConn('connecting');
    try {
      const response = await fetch(API + '/events', {
        headers: { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: controller.signal,
      });
      if (response.status === 401) {
        signOut(t('session-ended'));
        return;
      }
      if (!response.ok || !response.body) throw new Error('events ' + response.status);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let live = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (!live) {
          // The server's first comment says the subscription is live:
          // anything before it was missed, so reload.
          live = true;
          backoff = 1000;
          setConn('live');
          reloadSoon(0);
          if (state.open) reloadOpenSoon();
        }
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          handleBlock(block);
        }
      }
    } catch (err) {
      if (controller.signal.aborted) return;
    }
    if (controller.signal.aborted) return;
    let seconds = Math.round(backoff / 1000);
    setConn('offline', seconds);
    const countdown = setInterval(() => {
      seconds = Math.max(0, seconds - 1);
      if (state.connState === 'offline') setConn('offline', seconds);
    }, 1000);
    await new Promise((resolve) => setTimeout(resolve, backoff));
    clearInterval(countdown);
    backoff = Math.min(backoff * 2, 30000) * (0.8 + Math.random() * 0.4);
  }
}

// One server-sent event: its type, its JSON data (null when it has none
// or it does not parse), and its comment line, if any. The supervisors'
// alerts (alerts.js) are read with it too.
export function parseBlock(block) {
  let type = 'message';
  const data = [];
  let comment = null;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) { comment = line.slice(1).trim(); continue; }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  let event = null;
  if (data.length > 0) {
    try { event = JSON.parse(data.join('\n')); } catch (_) { event = null; }
  }
  return { type, event, comment, hasData: data.length > 0 };
}

function handleBlock(block) {
  const { type, event, comment, hasData } = parseBlock(block);
  if (!hasData) {
    // "N events missed; reload the queue"
    if (comment && comment.includes('missed')) {
      reloadSoon();
      if (state.open) reloadOpenSoon();
    }
    return;
  }
  if (event) onEvent(type, event);
}

function onEvent(type, event) {
  reloadSoon();
  if (type === 'returned') onReturned(event);
  const open = state.open;
  if (!open) return;
  if (open.kind === 'conversation' && event.conversation_id === open.id) reloadOpenSoon();
  if (open.kind === 'incident') {
    const members = state.view && state.view.conversations
      ? state.view.conversations.map((member) => member.conversation_id) : [];
    if (event.incident_id === open.id || members.includes(event.conversation_id)) reloadOpenSoon();
  }
}

// Events come in bursts (an escalation is a message and an escalated
// record, an incident update one message per citizen): one reload
// RELOAD_DEBOUNCE_MS after the first of them covers the burst. The timer
// is not pushed back by later events, so a busy stream cannot postpone
// the reload forever.
export function reloadSoon(delay) {
  if (delay !== undefined) clearTimeout(state.reloadTimer);
  else if (state.reloadTimer) return;
  state.reloadTimer = setTimeout(() => {
    state.reloadTimer = null;
    loadQueue();
  }, delay === undefined ? RELOAD_DEBOUNCE_MS : delay);
}

function reloadOpenSoon() {
  if (state.openTimer) return;
  state.openTimer = setTimeout(() => {
    state.openTimer = null;
    loadOpen(false);
  }, RELOAD_DEBOUNCE_MS);
}
