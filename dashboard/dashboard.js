// The supervisors' CX dashboard (GET /dashboard): sign in with a
// supervisor token (kept for the tab's session), choose a period and a
// team, read the figures as tiles and charts, download any of them as CSV,
// print a one-page executive summary. Editors' tab: unanswered questions.

import { TOKEN_KEY, report, session } from './api.js';
import { $, el } from './dom.js';
import { bucketLabel, defaultLang, errorText, loadStrings, t } from './strings.js';
import { loadOverview } from './overview.js';
import { loadUnanswered } from './unanswered.js';

const view = { tab: 'overview', teams: new Set(), loads: 0 };

function isoDay(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

// The last 7 days ending today, as the reports API defaults to.
function defaultPeriod() {
  const today = new Date();
  const start = new Date(today);
  start.setDate(today.getDate() - 6);
  $('from').value = isoDay(start);
  $('to').value = isoDay(today);
}

function filters() {
  return { from: $('from').value, to: $('to').value, team: $('team').value || null };
}

function renderTeams() {
  const select = $('team');
  const chosen = select.value;
  select.replaceChildren(el('option', { value: '' }, t('filter-team-all')),
    ...[...view.teams].sort().map((team) => el('option', { value: team, dir: 'auto' }, team)));
  select.value = chosen;
}

function setState(state, message) {
  $('app-view').dataset.state = state;
  const error = $('load-error');
  error.hidden = !message;
  error.textContent = message || '';
}

async function load() {
  const chosen = filters();
  if (!chosen.from || !chosen.to || chosen.from > chosen.to) {
    setState('error', t('filter-invalid'));
    return;
  }
  setState('loading');
  const period = t('period', { from: bucketLabel(chosen.from, true), to: bucketLabel(chosen.to, true) });
  $('period').textContent = chosen.team ? t('period-team', { period, team: chosen.team }) : period;
  $('print-period').textContent = $('period').textContent;
  try {
    const data = await (view.tab === 'overview' ? loadOverview(chosen) : loadUnanswered(chosen));
    if (data.teams) {
      for (const team of data.teams.teams) view.teams.add(team.team);
      renderTeams();
    }
    view.loads += 1;
    $('app-view').dataset.loads = String(view.loads);
    setState('ready');
  } catch (err) {
    if (err.status === 401) {
      signOut(t('session-ended'));
      return;
    }
    setState('error', errorText(err));
  }
}

function showTab(tab) {
  view.tab = tab;
  for (const button of document.querySelectorAll('[role="tab"]')) {
    const selected = button.dataset.tab === tab;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
  }
  $('overview').hidden = tab !== 'overview';
  $('unanswered').hidden = tab !== 'unanswered';
  load();
}

async function signIn(token) {
  session.token = token;
  // One small report tells a supervisor's token from any other.
  await report('summary', { from: $('to').value, to: $('to').value });
  sessionStorage.setItem(TOKEN_KEY, token);
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('logout').hidden = false;
  showTab(view.tab);
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  session.token = null;
  $('app-view').hidden = true;
  $('logout').hidden = true;
  $('login-view').hidden = false;
  const error = $('login-error');
  error.hidden = !message;
  error.textContent = message || '';
  $('token').value = '';
  $('token').focus();
}

function loginFailure(err) {
  if (err.status === 401) return t('login-invalid');
  if (err.status === 403) return t('login-not-supervisor');
  return errorText(err);
}

async function switchLanguage() {
  await loadStrings(document.documentElement.lang === 'ar' ? 'en' : 'ar', 'title');
  renderTeams();
  if (!$('app-view').hidden) load();
}

async function start() {
  await loadStrings(defaultLang(), 'title');
  defaultPeriod();
  renderTeams();
  $('lang-toggle').addEventListener('click', switchLanguage);
  $('logout').addEventListener('click', () => signOut(null));
  $('print').addEventListener('click', () => window.print());
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  for (const button of document.querySelectorAll('[role="tab"]')) {
    button.addEventListener('click', () => showTab(button.dataset.tab));
    button.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      const next = document.querySelector(`[role="tab"]:not([data-tab="${button.dataset.tab}"])`);
      next.focus();
      showTab(next.dataset.tab);
    });
  }
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    const error = $('login-error');
    if (!token) {
      error.hidden = false;
      error.textContent = t('login-empty');
      return;
    }
    try {
      await signIn(token);
    } catch (err) {
      session.token = null;
      error.hidden = false;
      error.textContent = loginFailure(err);
    }
  });
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) {
    try {
      await signIn(saved);
      return;
    } catch (err) {
      signOut(loginFailure(err));
      return;
    }
  }
  signOut(null);
}

start();
