// The detail pane, and in it one conversation: its transcript, claim,
// reply and resolve.

import { api, idPath } from './api.js';
import { $, clearDraft, draftArea, el, field } from './dom.js';
import { reloadSoon } from './events.js';
import { renderIncident } from './incident.js';
import { noteForm, noteItem } from './notes.js';
import { chooseOutcome, resolvedText } from './outcome.js';
import { renderQueue, urgencyBadge } from './queue.js';
import { breachedText, slaBadge, slaMoveText } from './sla.js';
import { attachReplies } from './replies.js';
import { state } from './state.js';
import { transferButton } from './transfer.js';
import { isTick, templateOffer, tickMark, ticksOf } from './ticks.js';
import {
  areaName,
  channelOf,
  clock,
  entryLabel,
  errorText,
  failureText,
  has,
  languageName,
  reasonName,
  t,
} from './strings.js';

export function openItem(kind, id) {
  state.open = { kind, id };
  state.view = null;
  state.notice = null;
  document.body.classList.add('has-detail');
  renderQueue();
  renderDetail();
  loadOpen(true);
}

export function closeDetail() {
  state.open = null;
  state.view = null;
  document.body.classList.remove('has-detail');
  renderQueue();
  renderDetail();
  const first = $('queue').querySelector('button');
  if (first) first.focus();
}

export async function loadOpen(focus) {
  const open = state.open;
  if (!open || !state.token) return;
  state.openSerial += 1;
  const serial = state.openSerial;
  try {
    const view = open.kind === 'conversation'
      ? await api('/conversations/' + idPath(open.id))
      : await api('/incidents/' + encodeURIComponent(open.id));
    if (state.open !== open || serial !== state.openSerial) return;
    state.view = view;
    state.viewError = null;
  } catch (err) {
    if (state.open !== open || serial !== state.openSerial) return;
    state.viewError = errorText(err);
  }
  renderDetail(focus);
}

export function renderDetail(focus) {
  const detail = $('detail');
  // Keep the focus (and caret) across live re-renders.
  // Keep the transcript where the agent scrolled it, unless at the end.
  const oldTranscript = $('transcript');
  const scrolledBack = oldTranscript && oldTranscript.dataset.key === (state.open && state.open.id)
    && oldTranscript.scrollHeight - oldTranscript.scrollTop - oldTranscript.clientHeight > 40
    ? oldTranscript.scrollTop : null;
  const active = document.activeElement;
  const focusedId = active && detail.contains(active) ? active.id : null;
  const caret = active && active.tagName === 'TEXTAREA' ? [active.selectionStart, active.selectionEnd] : null;
  detail.textContent = '';
  detail.classList.remove('conversation-mode');
  const open = state.open;
  if (!open) {
    detail.append(el('p', { class: 'empty' }, t('detail-empty')));
    return;
  }
  detail.append(el('button', { type: 'button', class: 'ghost back', onclick: closeDetail }, t('back')));
  if (state.viewError && !state.view) {
    detail.append(el('p', { class: 'alert', role: 'alert' }, state.viewError));
    return;
  }
  if (!state.view) {
    detail.append(el('p', { class: 'empty' }, t('loading')));
    return;
  }
  if (state.viewError) detail.append(el('p', { class: 'alert', role: 'alert' }, state.viewError));
  detail.classList.toggle('conversation-mode', open.kind === 'conversation');
  if (open.kind === 'conversation') renderConversation(detail, state.view);
  else renderIncident(detail, state.view);
  const transcript = $('transcript');
  if (transcript) transcript.scrollTop = scrolledBack === null ? transcript.scrollHeight : scrolledBack;
  const again = focusedId && $(focusedId);
  if (again && !again.disabled) {
    again.focus();
    if (caret && again.tagName === 'TEXTAREA') again.setSelectionRange(caret[0], caret[1]);
  } else if (focus && $('detail-heading')) {
    $('detail-heading').focus();
  }
}

function lastEscalation(history) {
  for (let i = history.length - 1; i >= 0; i -= 1) {
    if (history[i].type === 'escalated') return history[i];
  }
  return null;
}

export function stateText(handoff) {
  if (!handoff || handoff.state === 'bot') return t('state-bot');
  if (handoff.state === 'waiting') return t('state-waiting');
  if (handoff.agent === (state.me && state.me.name)) return t('state-with-me');
  return t('state-with_agent', { agent: handoff.agent });
}

function renderConversation(detail, view) {
  const conversation = view.conversation || {};
  const handoff = conversation.handoff || { state: 'bot' };
  const history = view.history || [];
  const escalation = lastEscalation(history) || {};
  const reason = handoff.reason || escalation.reason;
  const entryId = handoff.entry_id || escalation.entry_id || null;
  const entryTitle = view.entry_title || conversation.entry_title || null;
  const area = view.area || conversation.area || null;
  const incidentId = view.incident_id || conversation.incident_id || null;
  const urgent = (handoff.priority || escalation.priority) === 'urgent';
  const mine = handoff.state === 'with_agent' && state.me && handoff.agent === state.me.name;
  const id = conversation.id || state.open.id;

  const actions = el('div', { class: 'actions head-actions' });
  if (handoff.state === 'waiting') {
    actions.append(el('button', { type: 'button', class: 'primary', id: 'claim', onclick: () => claim(id) }, t('claim')));
  }
  if (mine) {
    actions.append(el('button', { type: 'button', class: 'danger', id: 'resolve', onclick: () => resolve(id) }, t('resolve')));
  }
  const transfer = transferButton(id, handoff, mine, (notice, moved) => {
    reloadSoon();
    // A case that left the agent's teams is no longer theirs to read.
    const stays = (state.me.teams || []).includes(moved.team) || moved.agent === state.me.name;
    if (!stays) {
      closeDetail();
      return;
    }
    state.notice = notice;
    loadOpen(false);
  });
  if (transfer) actions.append(transfer);
  detail.append(el('div', { class: 'detail-head' },
    el('h2', { id: 'detail-heading', tabindex: '-1', class: 'detail-heading' },
      urgencyBadge(urgent),
      slaBadge(view),
      el('span', { class: 'conversation-id' }, t('conversation-heading', { id }))),
    actions));

  const entryText = entryLabel(entryTitle, entryId);
  detail.append(el('dl', { class: 'facts' },
    field(t('field-state'), stateText(handoff), { 'data-state': handoff.state, id: 'conversation-state' }),
    field(t('field-channel'), channelOf(id)),
    field(t('field-language'), languageName(conversation.language)),
    field(t('field-reason'), reasonName(reason)),
    field(t('field-entry'), entryText, { dir: 'auto' }),
    field(t('field-area'), areaName(area), { dir: 'auto' }),
    field(t('field-team'), view.team, { dir: 'auto' })));
  detail.append(...earlierCases(view.earlier_cases || []));

  if (incidentId) {
    const incident = state.incidents.find((candidate) => candidate.id === incidentId);
    if (incident && incident.count >= 2) {
      detail.append(el('p', null, el('button', {
        type: 'button', class: 'link', onclick: () => openItem('incident', incidentId),
      }, t('open-incident', { count: incident.count }))));
    }
  }

  const failure = state.replyFailures.get(id);
  if (failure) {
    detail.append(el('div', { class: 'alert persistent', role: 'alert', id: 'reply-failure', 'data-failure': failure.failure },
      el('div', { class: 'alert-body' },
        el('p', null, el('strong', null, t('reply-failed-heading'))),
        el('p', null, failureText(failure.failure)),
        failure.detail ? el('p', { class: 'detail-text', dir: 'auto' }, t('failure-detail', { detail: failure.detail })) : null,
        templateOffer(id, failure, (delivery) => afterTemplate(id, delivery))),
      el('button', { type: 'button', class: 'ghost small', onclick: () => { state.replyFailures.delete(id); renderDetail(); } }, t('dismiss'))));
  }
  if (state.notice) detail.append(el('p', { class: 'notice', role: 'status' }, state.notice));

  const transcript = el('ol', { class: 'transcript', id: 'transcript', 'aria-labelledby': 'transcript-heading', 'data-key': id, tabindex: '0' });
  const ticks = ticksOf(history);
  for (const item of history) if (!isTick(item)) transcript.append(historyItem(item, ticks));
  detail.append(el('h3', { id: 'transcript-heading' }, t('transcript-heading')));
  if (history.length === 0) detail.append(el('p', { class: 'empty' }, t('transcript-empty')));
  detail.append(transcript);

  // Agents' failed messages are already marked in the transcript.
  const agentFailures = new Set(history
    .filter((item) => item.type === 'message' && item.failure).map((item) => item.text));
  const botFailures = (conversation.failed_deliveries || []).filter((failed) => !agentFailures.has(failed.text));
  if (botFailures.length) {
    const list = el('ul', { class: 'failures' });
    for (const failed of botFailures) {
      list.append(el('li', null,
        el('span', { class: 'time' }, clock(failed.at_ms)), ' ',
        el('span', null, failureText(failed.failure)),
        el('p', { dir: 'auto', class: 'detail-text' }, failed.text)));
    }
    detail.append(el('details', { class: 'bot-failures' },
      el('summary', null, t('bot-failures-heading', { count: botFailures.length })), list));
  }

  detail.append(replyForm(id, mine));
  detail.append(noteForm(id, () => loadOpen(false)));
}

// The citizen's cases the bot remembers across conversations, newest
// first: what this citizen asked and reported before.
function earlierCases(cases) {
  if (cases.length === 0) return [];
  const list = el('ul', { class: 'earlier-cases', id: 'earlier-cases' });
  for (const item of cases) {
    const outcome = item.outcome === 'resolved' && item.agent
      ? t('case-resolved-by', { agent: item.agent })
      : t('case-' + item.outcome);
    list.append(el('li', { 'data-outcome': item.outcome },
      el('time', { class: 'time', datetime: new Date(item.opened_ms).toISOString() }, day(item.opened_ms)), ' ',
      urgencyBadge(Boolean(item.urgent)), item.urgent ? ' ' : null,
      el('span', { dir: 'auto' }, entryLabel(item.entry_title, item.entry_id) || t('case-no-topic')), ' — ',
      el('span', null, outcome)));
  }
  return [el('h3', { id: 'earlier-cases-heading' }, t('earlier-cases-heading')), list];
}

function day(atMs) {
  const locale = state.lang === 'ar' ? 'ar-u-nu-latn' : 'en-GB';
  return new Date(atMs).toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' });
}

function historyItem(item, ticks) {
  const time = el('time', { class: 'time', datetime: new Date(item.at_ms).toISOString() }, clock(item.at_ms));
  if (item.type === 'message') {
    const speaker = item.speaker === 'agent'
      ? t('speaker-agent', { agent: item.agent || '' })
      : t('speaker-' + item.speaker);
    return el('li', { class: 'msg ' + item.speaker + (item.failure ? ' failed' : '') },
      el('div', { class: 'msg-head' }, el('span', { class: 'speaker', dir: 'auto' }, speaker), ' ', time, ' ', tickMark(item, ticks)),
      el('p', { class: 'msg-text', dir: 'auto' }, item.text),
      item.failure ? el('p', { class: 'failed-note' },
        el('strong', null, t('failed-mark')), ' — ', failureText(item.failure)) : null);
  }
  if (item.type === 'note') return noteItem(item, time);
  let text;
  if (item.type === 'escalated') {
    text = t('record-escalated', { team: item.team, reason: reasonName(item.reason) });
  } else if (item.type === 'claimed') {
    text = t('record-claimed', { agent: item.agent });
  } else if (item.type === 'transferred' && item.by === 'sla') {
    text = slaMoveText(item);
  } else if (item.type === 'transferred') {
    return el('li', { class: 'sys sys-transferred' },
      el('span', { dir: 'auto' }, item.to_agent
        ? t('record-transferred-agent', { by: item.by, agent: item.to_agent, team: item.team })
        : t('record-transferred-team', { by: item.by, team: item.team, from: item.from_team })), ' ', time,
      el('p', { class: 'transfer-reason', dir: 'auto' }, t('record-transfer-reason', { reason: item.reason })));
  } else if (item.type === 'breached') {
    text = breachedText(item);
  } else if (item.type === 'returned') {
    text = t('record-returned', { agent: item.agent, team: item.team });
  } else if (item.type === 'resolved') {
    text = resolvedText(item);
  } else if (item.type === 'rated') {
    text = item.comment
      ? t('record-comment', { comment: item.comment })
      : t('record-rated', { agent: item.agent, score: item.score });
  } else {
    text = item.type;
  }
  return el('li', { class: 'sys sys-' + item.type }, el('span', { dir: 'auto' }, text), ' ', time);
}

function replyForm(id, mine) {
  const textarea = draftArea({
    id: 'reply', rows: 3, dir: 'auto', 'aria-describedby': 'reply-hint', disabled: !mine,
    readonly: state.sending,
  });
  const send = el('button', { type: 'submit', class: 'primary', id: 'reply-send', disabled: !mine || state.sending },
    state.sending ? t('reply-sending') : t('reply-send'));
  const form = el('form', { class: 'reply', id: 'reply-form' },
    el('label', { for: 'reply' }, t('reply-label')),
    el('div', { class: 'reply-row' }, textarea, send),
    mine ? attachReplies(textarea, id) : null,
    el('p', { class: 'hint', id: 'reply-hint' }, mine ? t('reply-hint') : t('reply-needs-claim')),
    el('p', { class: 'alert', role: 'alert', id: 'reply-error', hidden: true }));
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!state.sending) sendReply(id);
  });
  return form;
}

async function claim(id) {
  const button = $('claim');
  if (button) button.disabled = true;
  try {
    await api('/conversations/' + idPath(id) + '/claim', { method: 'POST' });
    state.viewError = null;
    await loadOpen(false);
    const reply = $('reply');
    if (reply) reply.focus();
  } catch (err) {
    state.viewError = err.code === 'claimed' && err.apiMessage
      ? conflictText(err) : errorText(err);
    await loadOpen(false);
    if (button) button.disabled = false;
  }
  reloadSoon();
}

function conflictText(err) {
  // "agent <name> already has conversation <id>"
  const match = /agent (\S+) already has/.exec(err.apiMessage || '');
  return match ? t('claim-conflict', { agent: match[1] }) : errorText(err);
}

async function sendReply(id) {
  const text = $('reply').value;
  const error = $('reply-error');
  if (!text.trim()) {
    error.textContent = t('error-empty_text');
    error.hidden = false;
    return;
  }
  state.sending = true;
  renderDetail();
  try {
    const delivery = await api('/conversations/' + idPath(id) + '/messages', { method: 'POST', body: { text } });
    clearDraft('reply');
    if (delivery && delivery.delivered === false) {
      state.replyFailures.set(id, { failure: delivery.failure, detail: delivery.detail, template: delivery.template });
    } else {
      state.replyFailures.delete(id);
    }
    state.viewError = null;
    state.sending = false;
    await loadOpen(false);
  } catch (err) {
    state.sending = false;
    renderDetail();
    const shown = $('reply-error');
    if (shown) {
      shown.textContent = errorText(err);
      shown.hidden = false;
    }
  }
  const again = $('reply');
  if (again) again.focus();
}

async function afterTemplate(id, delivery) {
  if (delivery && delivery.delivered) {
    state.replyFailures.delete(id);
    state.notice = t('template-sent');
  } else {
    state.replyFailures.set(id, { failure: delivery.failure, detail: delivery.detail });
  }
  await loadOpen(false);
}

async function resolve(id) {
  const outcome = await chooseOutcome();
  if (!outcome) return;
  try {
    const delivery = await api('/conversations/' + idPath(id) + '/resolve', { method: 'POST', body: { outcome } });
    if (delivery && delivery.delivered === false) {
      state.replyFailures.set(id, { failure: delivery.failure, detail: delivery.detail });
    }
    state.notice = t('resolved-notice');
    state.viewError = null;
  } catch (err) {
    state.viewError = errorText(err);
  }
  await loadOpen(false);
  reloadSoon();
  const heading = $('detail-heading');
  if (heading) heading.focus();
}
