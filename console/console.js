// The agents' console: plain DOM and ES modules, no framework, no build
// step. This entry module wires the page up and starts it.

import { closeDetail, renderDetail } from './conversation.js';
import { $ } from './dom.js';
import { renderConn } from './events.js';
import { renderPresence } from './presence.js';
import { renderQueue, tickClocks } from './queue.js';
import { renderWho, signIn, signOut, TOKEN_KEY } from './session.js';
import { state } from './state.js';
import { defaultLang, errorText, LANG_KEY, loadStrings, t } from './strings.js';
import { showSupervisor } from './supervisor.js';

const CLOCK_TICK_MS = 30000;

async function switchLang() {
  const next = state.lang === 'ar' ? 'en' : 'ar';
  localStorage.setItem(LANG_KEY, next);
  await loadStrings(next);
  if (!state.me && state.token) showSupervisor();
  if (state.me) {
    renderWho();
    renderPresence();
    renderConn();
    renderQueue();
    renderDetail();
  }
  $('lang-toggle').focus();
}

async function start() {
  await loadStrings(defaultLang());
  $('lang-toggle').addEventListener('click', switchLang);
  $('logout').addEventListener('click', () => signOut(null));
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    const error = $('login-error');
    if (!token) {
      error.textContent = t('login-invalid');
      error.hidden = false;
      return;
    }
    try {
      await signIn(token);
    } catch (err) {
      state.token = null;
      error.textContent = err.status === 401 ? t('login-invalid') : errorText(err);
      error.hidden = false;
      $('token').focus();
    }
  });
  document.addEventListener('keydown', (event) => {
    // Esc leaves an open case on a narrow screen (dialogs close themselves).
    if (event.key === 'Escape' && !$('confirm').open && state.open
      && window.matchMedia('(max-width: 900px)').matches) {
      closeDetail();
    }
  });
  setInterval(tickClocks, CLOCK_TICK_MS);
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) {
    try {
      await signIn(saved);
      return;
    } catch (_) {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  }
  signOut(null);
}

start();
