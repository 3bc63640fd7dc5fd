// Signing in with an agent token (kept for the tab's session) and out.

import { api } from './api.js';
import { renderDetail } from './conversation.js';
import { $, el } from './dom.js';
import { connect, renderConn } from './events.js';
import { loadPresence } from './presence.js';
import { renderQueue } from './queue.js';
import { state } from './state.js';
import { t } from './strings.js';
import { closeSupervisor, showSupervisor, trySupervisor } from './supervisor.js';

export const TOKEN_KEY = 'khidma-agent-token';

// A supervisor's token opens the supervisors' page, an agent's the queue.
// Whose token it is is asked first, so that neither kind is refused on its
// way in (a refusal would show as an error in the browser).
export async function signIn(token) {
  state.token = token;
  const { role } = await api('/api/v1/console/role', { login: true });
  if (role === 'supervisor' && await trySupervisor(token)) {
    sessionStorage.setItem(TOKEN_KEY, token);
    showSupervisor();
    return;
  }
  state.token = token;
  state.me = await api('/me', { login: true });
  sessionStorage.setItem(TOKEN_KEY, token);
  showApp();
}

export function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  closeSupervisor();
  if (state.stream) state.stream.abort();
  state.stream = null;
  state.token = null;
  state.me = null;
  state.open = null;
  state.view = null;
  state.queue = [];
  state.incidents = [];
  state.seenUrgent = null;
  state.presence = null;
  const presence = $('presence');
  if (presence) presence.remove();
  $('app-view').hidden = true;
  $('conn').hidden = true;
  $('who').hidden = true;
  $('logout').hidden = true;
  $('login-view').hidden = false;
  const error = $('login-error');
  error.hidden = !message;
  error.textContent = message || '';
  $('token').value = '';
  $('token').focus();
}

export function renderWho() {
  if (!state.me) return;
  const who = $('who');
  who.textContent = '';
  who.append(
    el('span', { class: 'who-name', dir: 'auto' }, t('signed-in-as', { name: state.me.name })),
    el('span', { class: 'who-teams', dir: 'auto' }, t('teams', { teams: (state.me.teams || []).join(state.lang === 'ar' ? '، ' : ', ') })),
  );
}

function showApp() {
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('logout').hidden = false;
  $('who').hidden = false;
  $('conn').hidden = false;
  renderWho();
  renderConn();
  renderQueue();
  renderDetail();
  loadPresence();
  connect();
}
