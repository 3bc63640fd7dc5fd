// The supervisors' page of the console (a supervisor's token at /agent):
// every team's line and load, the agents with their presence and load,
// the cases past their targets, and every open case, which a supervisor
// can move to a team or give to an agent.

import { alertList, stopAlerts, watchAlerts } from './alerts.js';
import { $, announce, el } from './dom.js';
import { state } from './state.js';
import { channelOf, clock, errorText, t, waited } from './strings.js';

const SUPERVISOR_API = '/api/v1/supervisor';
// The desk has no live stream of its own: it is read again this often,
// and at each alert.
const REFRESH_MS = 10000;

let desk = null;
let deskError = null;
let timer = null;

async function call(path, options) {
  const method = (options && options.method) || 'GET';
  const headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
  let body;
  if (options && options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(SUPERVISOR_API + path, { method, headers, body, cache: 'no-store' });
  } catch (err) {
    throw Object.assign(new Error(err.message), { network: true });
  }
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw Object.assign(new Error(error.message || String(response.status)),
      { status: response.status, code: error.code, apiMessage: error.message });
  }
  return data;
}

// Whether `token` is a supervisor's: their desk answers. An agent's token
// is refused with a 403 (not counted as a wrong token), anything else
// with a 401.
export async function trySupervisor(token) {
  state.token = token;
  try {
    desk = await call('/desk');
    return true;
  } catch (err) {
    if (err.status === 403) return false;
    throw err;
  }
}

function view() {
  let main = $('supervisor-view');
  if (!main) {
    main = el('main', { id: 'supervisor-view', class: 'supervisor', 'aria-labelledby': 'desk-heading' });
    $('app-view').after(main);
  }
  return main;
}

export function showSupervisor() {
  $('login-view').hidden = true;
  $('app-view').hidden = true;
  $('logout').hidden = false;
  const who = $('who');
  who.hidden = false;
  who.textContent = t('supervisor-signed-in');
  view().hidden = false;
  renderSupervisor();
  clearInterval(timer);
  timer = setInterval(refresh, REFRESH_MS);
  watchAlerts(() => refresh());
}

export function closeSupervisor() {
  stopAlerts();
  clearInterval(timer);
  timer = null;
  desk = null;
  const main = $('supervisor-view');
  if (main) main.remove();
}

async function refresh() {
  if (!state.token || !$('supervisor-view')) return;
  try {
    desk = await call('/desk');
    deskError = null;
  } catch (err) {
    deskError = errorText(err);
  }
  // A supervisor filling in a move keeps what they typed.
  if (!$('move-dialog')) renderSupervisor();
}

function table(id, headings, rows) {
  return el('table', { id, class: 'desk-table' },
    el('thead', null, el('tr', null, ...headings.map((heading) => el('th', { scope: 'col' }, heading)))),
    el('tbody', null, ...rows));
}

function targets(breaches) {
  return breaches.map((target) => el('span', { class: 'badge overdue', 'data-target': target }, t('target-' + target)));
}

export function renderSupervisor() {
  const main = $('supervisor-view');
  if (!main || !desk) return;
  main.textContent = '';
  main.append(el('div', { class: 'pane-head' },
    el('h2', { id: 'desk-heading', tabindex: '-1' }, t('desk-heading')),
    el('span', { class: 'count' }, t('desk-as-of', { time: clock(desk.at_ms) }))));
  if (deskError) main.append(el('p', { class: 'alert', role: 'alert' }, deskError));
  main.append(alertList());

  main.append(el('h3', null, t('desk-teams-heading')), table('desk-teams',
    [t('desk-team'), t('desk-waiting'), t('desk-oldest-wait'), t('desk-held'), t('desk-incidents'), t('desk-past-target')],
    desk.teams.map((team) => el('tr', { 'data-team': team.team },
      el('th', { scope: 'row', dir: 'auto' }, team.team),
      el('td', { class: 'queue-length' }, String(team.queue_length)),
      el('td', null, team.oldest_wait_ms === null ? '—' : waited(desk.at_ms - team.oldest_wait_ms)),
      el('td', null, String(team.held)),
      el('td', null, String(team.open_incidents)),
      el('td', { class: team.past_target ? 'overdue' : null }, String(team.past_target))))));

  main.append(el('h3', null, t('desk-agents-heading')), table('desk-agents',
    [t('desk-agent'), t('desk-agent-teams'), t('desk-presence'), t('desk-load')],
    desk.agents.map((agent) => el('tr', { 'data-agent': agent.name },
      el('th', { scope: 'row', dir: 'auto' }, agent.name),
      el('td', { dir: 'auto' }, agent.teams.join(state.lang === 'ar' ? '، ' : ', ')),
      el('td', { 'data-availability': agent.availability }, t('presence-' + agent.availability)),
      el('td', { class: 'load' }, String(agent.load))))));

  const late = desk.cases.filter((item) => item.breaches.length > 0);
  main.append(el('h3', null, t('desk-past-target-heading', { count: late.length })));
  main.append(late.length === 0
    ? el('p', { class: 'empty' }, t('desk-none-past-target'))
    : caseTable('desk-late', late));
  main.append(el('h3', null, t('desk-cases-heading', { count: desk.cases.length })));
  main.append(desk.cases.length === 0
    ? el('p', { class: 'empty' }, t('desk-no-cases'))
    : caseTable('desk-cases', desk.cases));
}

function caseTable(id, cases) {
  return table(id,
    [t('desk-case'), t('desk-team'), t('desk-state'), t('desk-waited'), t('desk-targets'), ''],
    cases.map((item) => el('tr', { 'data-conversation': item.conversation_id },
      el('th', { scope: 'row' },
        item.priority === 'urgent' ? el('span', { class: 'badge urgent-badge' }, t('urgent')) : null, ' ',
        el('span', { class: 'conversation-id' }, item.conversation_id),
        el('span', { class: 'hint' }, ' · ' + channelOf(item.conversation_id))),
      el('td', { dir: 'auto' }, item.team),
      el('td', { dir: 'auto' }, item.agent ? t('state-with_agent', { agent: item.agent }) : t('state-waiting')),
      el('td', null, waited(item.since_ms)),
      el('td', null, ...targets(item.breaches)),
      el('td', null, el('button', { type: 'button', class: 'ghost small move', onclick: () => move(item) }, t('desk-move'))))));
}

// The move dialog: a team's queue or an agent, and the reason the next
// agent reads in the transcript.
function move(item) {
  const select = el('select', { id: 'move-target', required: true },
    el('optgroup', { label: t('desk-move-teams') },
      ...desk.teams.map((team) => el('option', { value: 'team:' + team.team }, team.team))),
    el('optgroup', { label: t('desk-move-agents') },
      ...desk.agents.map((agent) => el('option', { value: 'agent:' + agent.name },
        agent.name + ' (' + t('presence-' + agent.availability) + ', ' + t('desk-load-of', { load: agent.load }) + ')'))));
  const reason = el('textarea', { id: 'move-reason', rows: 2, dir: 'auto', maxlength: 500 });
  const error = el('p', { class: 'alert', role: 'alert', id: 'move-error', hidden: true });
  const form = el('form', { class: 'confirm-form', id: 'move-form' },
    el('h2', { id: 'move-title' }, t('desk-move-title', { id: item.conversation_id })),
    el('label', { for: 'move-target' }, t('desk-move-to')), select,
    el('label', { for: 'move-reason' }, t('desk-move-reason')), reason,
    error,
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'ghost', id: 'move-cancel', onclick: () => dialog.close() }, t('cancel')),
      el('button', { type: 'submit', class: 'primary', id: 'move-ok' }, t('desk-move-confirm'))));
  const dialog = el('dialog', { id: 'move-dialog', 'aria-labelledby': 'move-title' }, form);
  document.body.append(dialog);
  dialog.addEventListener('close', () => { dialog.remove(); renderSupervisor(); }, { once: true });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      error.textContent = t('desk-move-need-reason');
      error.hidden = false;
      return;
    }
    const [kind, name] = select.value.split(/:(.*)/s);
    try {
      await call('/conversations/' + encodeURIComponent(item.conversation_id).replace(/%3A/gi, ':') + '/transfer',
        { method: 'POST', body: { [kind]: name, reason: reason.value } });
      dialog.close();
      announce(t('desk-moved', { id: item.conversation_id, to: name }));
      await refresh();
    } catch (err) {
      error.textContent = err.code === 'already_there' ? t('desk-already-there') : errorText(err);
      error.hidden = false;
    }
  });
  dialog.showModal();
  select.focus();
}
