// An outage incident in the detail pane: its citizens, its updates, and
// the form that sends one to all of them.

import { api } from './api.js';
import { loadOpen, openItem, renderDetail, stateText } from './conversation.js';
import { $, clearDraft, confirmDialog, draftArea, el, field } from './dom.js';
import { reloadSoon } from './events.js';
import { urgencyBadge } from './queue.js';
import { state } from './state.js';
import {
  areaName,
  channelOf,
  clock,
  entryLabel,
  errorText,
  failureText,
  has,
  languageName,
  t,
  title,
} from './strings.js';

export function renderIncident(detail, incident) {
  const resolved = incident.status === 'resolved';
  const members = incident.conversations || [];
  const urgent = state.queue.some((item) => item.incident_id === incident.id && item.priority === 'urgent');
  detail.append(el('h2', { id: 'detail-heading', tabindex: '-1', class: 'detail-heading' },
    urgencyBadge(urgent),
    el('span', { dir: 'auto' }, t('incident-heading', { title: title(incident.entry_title, incident.entry_id) }))));
  detail.append(el('dl', { class: 'facts' },
    field(t('field-state'), resolved ? t('incident-status-resolved') : t('incident-status-open'), { 'data-status': incident.status }),
    field(t('field-area'), areaName(incident.area), { dir: 'auto' }),
    field(t('field-entry'), entryLabel(incident.entry_title, incident.entry_id), { dir: 'auto' }),
    field(t('field-team'), incident.team, { dir: 'auto' }),
    field(t('incident-badge'), t('incident-count', { count: incident.count }), { id: 'incident-count', 'data-count': incident.count }),
    field(t('field-opened'), clock(incident.opened_ms)),
    incident.last_report_ms ? field(t('field-last-report'), clock(incident.last_report_ms)) : null,
    incident.resolved_ms ? field(t('field-resolved'), clock(incident.resolved_ms) + (incident.resolved_by ? ' (' + incident.resolved_by + ')' : '')) : null));

  if (state.notice) detail.append(el('p', { class: 'notice', role: 'status' }, state.notice));
  const result = state.incidentResults.get(incident.id);
  if (result) detail.append(incidentResult(incident.id, result));

  detail.append(el('h3', null, t('incident-members-heading', { count: members.length })));
  const list = el('ul', { class: 'members' });
  for (const member of members) {
    const handoff = member.state === 'with_agent'
      ? { state: 'with_agent', agent: member.agent } : { state: member.state };
    list.append(el('li', null, el('button', {
      type: 'button', class: 'member', 'data-conversation-id': member.conversation_id,
      onclick: () => openItem('conversation', member.conversation_id),
    },
    el('span', { dir: 'ltr', class: 'conversation-id' }, member.conversation_id),
    el('span', { class: 'item-meta' },
      el('span', null, channelOf(member.conversation_id)),
      el('span', null, languageName(member.language)),
      el('span', null, stateText(handoff)),
      el('span', { class: 'since' }, clock(member.since_ms))))));
  }
  detail.append(list);

  detail.append(el('h3', null, t('incident-updates-heading')));
  const updates = incident.updates || [];
  if (updates.length === 0) detail.append(el('p', { class: 'empty' }, t('incident-no-updates')));
  const updateList = el('ol', { class: 'updates' });
  for (const update of updates) {
    updateList.append(el('li', null,
      el('p', { class: 'msg-head' }, t('incident-update-by', { agent: update.agent, time: clock(update.at_ms) })),
      update.ar ? el('p', { lang: 'ar', dir: 'rtl', class: 'msg-text' }, update.ar) : null,
      update.en ? el('p', { lang: 'en', dir: 'ltr', class: 'msg-text' }, update.en) : null));
  }
  detail.append(updateList);

  if (!resolved) {
    detail.append(incidentForm(incident));
    detail.append(el('div', { class: 'actions' }, el('button', {
      type: 'button', class: 'danger', id: 'incident-resolve', onclick: () => resolveIncident(incident.id),
    }, t('incident-resolve'))));
  }
}

function incidentResult(incidentId, result) {
  const total = result.sent + result.failed;
  const failedList = (result.deliveries || []).filter((delivery) => !delivery.delivered);
  const body = el('div', { class: 'alert-body' }, el('p', null, result.resolved
    ? t('incident-resolved-notice', { sent: result.sent, total })
    : t('incident-sent', { sent: result.sent, total })));
  if (failedList.length) {
    body.append(el('p', null, el('strong', null, t('incident-failed-heading', { failed: failedList.length }))));
    const list = el('ul', { class: 'failures' });
    for (const delivery of failedList) {
      list.append(el('li', { 'data-conversation-id': delivery.conversation_id },
        el('span', { dir: 'ltr', class: 'conversation-id' }, delivery.conversation_id), ': ',
        el('strong', null, has('kind-' + delivery.failure) ? t('kind-' + delivery.failure) : String(delivery.failure)),
        delivery.detail ? el('span', { dir: 'auto', class: 'detail-text' }, delivery.detail) : null));
    }
    body.append(list);
    // What each kind of failure means, once.
    for (const failure of new Set(failedList.map((delivery) => delivery.failure))) {
      body.append(el('p', { class: 'explain' }, failureText(failure)));
    }
  }
  return el('div', {
    class: failedList.length ? 'alert persistent' : 'notice persistent',
    role: failedList.length ? 'alert' : 'status',
    id: 'incident-result', 'data-sent': result.sent, 'data-failed': result.failed,
  }, body, el('button', { type: 'button', class: 'ghost small', onclick: () => { state.incidentResults.delete(incidentId); renderDetail(); } }, t('dismiss')));
}

function incidentForm(incident) {
  const arabic = draftArea({ id: 'update-ar', rows: 3, dir: 'rtl', lang: 'ar', 'aria-describedby': 'update-hint' });
  const english = draftArea({ id: 'update-en', rows: 3, dir: 'ltr', lang: 'en', 'aria-describedby': 'update-hint' });
  const send = el('button', { type: 'submit', class: 'primary', id: 'update-send', disabled: state.sending },
    state.sending ? t('reply-sending') : t('incident-send'));
  const form = el('form', { class: 'reply incident-form', id: 'incident-form' },
    el('h3', null, t('incident-form-heading')),
    el('p', { class: 'hint', id: 'update-hint' }, t('incident-update-hint')),
    el('div', { class: 'two-columns' },
      el('div', null, el('label', { for: 'update-ar' }, t('incident-update-ar')), arabic),
      el('div', null, el('label', { for: 'update-en' }, t('incident-update-en')), english)),
    el('p', { class: 'alert', role: 'alert', id: 'update-error', hidden: true }),
    el('div', { class: 'actions' }, send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('update-error');
    const body = {};
    if (arabic.value.trim()) body.ar = arabic.value;
    if (english.value.trim()) body.en = english.value;
    if (!body.ar && !body.en) {
      error.textContent = t('incident-need-text');
      error.hidden = false;
      arabic.focus();
      return;
    }
    state.sending = true;
    renderDetail();
    try {
      const result = await api('/incidents/' + encodeURIComponent(incident.id) + '/updates', { method: 'POST', body });
      clearDraft('update-ar');
      clearDraft('update-en');
      state.incidentResults.set(incident.id, result);
      state.viewError = null;
      state.sending = false;
      await loadOpen(false);
      const shown = $('incident-result');
      if (shown) {
        shown.setAttribute('tabindex', '-1');
        shown.focus();
      }
    } catch (err) {
      state.sending = false;
      renderDetail();
      const shown = $('update-error');
      if (shown) {
        shown.textContent = errorText(err);
        shown.hidden = false;
      }
    }
  });
  return form;
}

async function resolveIncident(id) {
  const sure = await confirmDialog(t('incident-resolve-title'), t('incident-resolve-body'), t('resolve-confirm'));
  if (!sure) return;
  try {
    const result = await api('/incidents/' + encodeURIComponent(id) + '/resolve', { method: 'POST' });
    state.incidentResults.set(id, Object.assign({ resolved: true }, result));
    state.viewError = null;
  } catch (err) {
    state.viewError = errorText(err);
  }
  await loadOpen(false);
  reloadSoon();
}
