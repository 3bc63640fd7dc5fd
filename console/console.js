// The agents' console: plain DOM, no framework, no build step. Every piece
// of data reaches the page through textContent, never as markup.
'use strict';

(() => {
  const API = '/api/v1/agent';
  const TOKEN_KEY = 'khidma-agent-token';
  const LANG_KEY = 'khidma-console-lang';
  const RELOAD_DEBOUNCE_MS = 50;
  const CLOCK_TICK_MS = 30000;

  const state = {
    lang: 'en',
    strings: {},
    token: null,
    me: null,
    queue: [],
    incidents: [],
    // { kind: 'conversation' | 'incident', id }
    open: null,
    view: null,
    // Conversation id -> the last failed reply's { failure, detail }.
    replyFailures: new Map(),
    // Incident id -> the last update's result, shown until dismissed.
    incidentResults: new Map(),
    notice: null,
    // Textarea id + open item -> what the agent has typed, kept across
    // live re-renders.
    drafts: new Map(),
    sending: false,
    seenUrgent: null,
    incidentCounts: new Map(),
    stream: null,
    reloadTimer: null,
    queueSerial: 0,
    openSerial: 0,
    openTimer: null,
    connState: 'connecting',
    retryIn: 0,
  };

  const $ = (id) => document.getElementById(id);

  // ---------- Strings ----------

  function t(key, vars) {
    let text = state.strings['console-' + key];
    if (text === undefined) return key;
    if (vars) {
      // Each value is isolated (FSI ... PDI), so a Latin id or name keeps
      // its order inside an Arabic sentence and the other way round.
      text = text.replace(/\{\$([a-zA-Z_]+)\}/g, (whole, name) =>
        Object.prototype.hasOwnProperty.call(vars, name) ? '\u2068' + String(vars[name]) + '\u2069' : whole);
    }
    return text;
  }

  function has(key) {
    return Object.prototype.hasOwnProperty.call(state.strings, 'console-' + key);
  }

  async function loadStrings(lang) {
    const response = await fetch('/agent/strings/' + lang, { cache: 'no-cache' });
    if (!response.ok) throw new Error('strings ' + response.status);
    state.strings = await response.json();
    state.lang = lang;
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
    document.title = t('title');
    for (const element of document.querySelectorAll('[data-i18n]')) {
      element.textContent = t(element.dataset.i18n);
    }
    const toggle = $('lang-toggle');
    toggle.textContent = t('lang-switch');
    toggle.setAttribute('aria-label', t('lang-switch-label'));
    toggle.lang = lang === 'ar' ? 'en' : 'ar';
  }

  function defaultLang() {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'ar' || saved === 'en') return saved;
    const preferred = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
    return preferred.toLowerCase().startsWith('ar') ? 'ar' : 'en';
  }

  // ---------- DOM helpers ----------

  // el('p', {class: 'x', dir: 'auto'}, 'text', child...)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [name, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (name === 'class') node.className = value;
        else if (name === 'text') node.textContent = value;
        else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
        else if (value === true) node.setAttribute(name, '');
        else node.setAttribute(name, String(value));
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function announce(text) {
    const announcer = $('announcer');
    announcer.textContent = '';
    // A fresh text node after a tick makes screen readers read it again.
    setTimeout(() => { announcer.textContent = text; }, 50);
  }

  // ---------- Formatting ----------

  function waited(sinceMs) {
    const minutes = Math.max(0, Math.floor((Date.now() - sinceMs) / 60000));
    if (minutes < 1) return t('time-now');
    if (minutes < 60) return t('time-minutes', { minutes });
    return t('time-hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  }

  function clock(atMs) {
    const locale = state.lang === 'ar' ? 'ar-u-nu-latn' : 'en-GB';
    const date = new Date(atMs);
    const sameDay = new Date().toDateString() === date.toDateString();
    const options = sameDay
      ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    return new Intl.DateTimeFormat(locale, options).format(date);
  }

  function channelOf(conversationId) {
    const channel = String(conversationId).split(':')[0];
    return has('channel-' + channel) ? t('channel-' + channel) : channel;
  }

  function languageName(code) {
    return code ? (has('language-' + code) ? t('language-' + code) : code) : t('language-unknown');
  }

  function reasonName(reason) {
    return reason && has('reason-' + reason) ? t('reason-' + reason) : (reason || '');
  }

  function failureText(failure) {
    return has('failure-' + failure) ? t('failure-' + failure) : t('failed-mark') + ': ' + failure;
  }

  function title(entryTitle, entryId) {
    if (entryTitle && entryTitle[state.lang]) return entryTitle[state.lang];
    if (entryTitle) return entryTitle.ar || entryTitle.en || entryId || '';
    return entryId || '';
  }

  // "Power outage (electricity-outage)": the title agents read, and the id
  // editors and logs use.
  function entryLabel(entryTitle, entryId) {
    if (!entryId) return null;
    return entryTitle ? title(entryTitle, entryId) + ' (' + entryId + ')' : entryId;
  }

  function areaName(area) {
    if (!area) return null;
    return area[state.lang] || area.ar || area.en || area.id;
  }

  function errorText(error) {
    if (error && error.code && has('error-' + error.code)) return t('error-' + error.code);
    if (error && error.network) return t('error-network');
    return t('error-generic', { message: (error && (error.apiMessage || error.message)) || '' });
  }

  // ---------- API ----------

  class ApiError extends Error {
    constructor(status, code, message, network) {
      super(message || code || String(status));
      this.status = status;
      this.code = code;
      this.apiMessage = message;
      this.network = network;
    }
  }

  async function api(path, options) {
    const method = (options && options.method) || 'GET';
    const headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
    let body;
    if (options && options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await fetch(API + path, { method, headers, body, cache: 'no-store' });
    } catch (err) {
      throw new ApiError(0, null, err.message, true);
    }
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!response.ok) {
      const error = (data && data.error) || {};
      const failure = new ApiError(response.status, error.code, error.message, false);
      if (response.status === 401 && state.token && !(options && options.login)) {
        signOut(t('session-ended'));
      }
      throw failure;
    }
    return data;
  }

  // Conversation ids are `<channel>:<user id>`; the colon may stay as is.
  function idPath(id) {
    return encodeURIComponent(id).replace(/%3A/gi, ':');
  }

  // ---------- Login ----------

  async function signIn(token) {
    state.token = token;
    state.me = await api('/me', { login: true });
    sessionStorage.setItem(TOKEN_KEY, token);
    showApp();
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    if (state.stream) state.stream.abort();
    state.stream = null;
    state.token = null;
    state.me = null;
    state.open = null;
    state.view = null;
    state.queue = [];
    state.incidents = [];
    state.seenUrgent = null;
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

  function renderWho() {
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
    connect();
  }

  // ---------- Live events ----------

  function renderConn() {
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
  async function connect() {
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

  function handleBlock(block) {
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
    if (data.length === 0) {
      // "N events missed; reload the queue"
      if (comment && comment.includes('missed')) {
        reloadSoon();
        if (state.open) reloadOpenSoon();
      }
      return;
    }
    let event = null;
    try { event = JSON.parse(data.join('\n')); } catch (_) { return; }
    onEvent(type, event);
  }

  function onEvent(type, event) {
    reloadSoon();
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
  function reloadSoon(delay) {
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

  // ---------- Queue ----------

  async function loadQueue() {
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

  function renderQueue() {
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

  function urgencyBadge(urgent) {
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
      el('span', { class: 'since', 'data-since': item.since_ms }, t('waiting-since', { time: waited(item.since_ms) }))),
    el('span', { class: 'item-title', dir: 'auto' }, heading),
    el('span', { class: 'item-meta' },
      el('span', null, reasonName(item.reason)),
      el('span', null, channelOf(item.conversation_id)),
      el('span', null, languageName(item.language)),
      area ? el('span', { dir: 'auto' }, area) : null));
    return el('li', null, button);
  }

  function tickClocks() {
    for (const node of document.querySelectorAll('[data-since]')) {
      node.textContent = t('waiting-since', { time: waited(Number(node.dataset.since)) });
    }
    // Events are at most once (an instance that dies between a commit and
    // its event loses the event): a periodic reload bounds what is missed.
    if (state.token && state.connState === 'live') reloadSoon();
  }

  // ---------- Detail ----------

  function openItem(kind, id) {
    state.open = { kind, id };
    state.view = null;
    state.notice = null;
    document.body.classList.add('has-detail');
    renderQueue();
    renderDetail();
    loadOpen(true);
  }

  function closeDetail() {
    state.open = null;
    state.view = null;
    document.body.classList.remove('has-detail');
    renderQueue();
    renderDetail();
    const first = $('queue').querySelector('button');
    if (first) first.focus();
  }

  async function loadOpen(focus) {
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

  function renderDetail(focus) {
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

  function draftKey(fieldId) {
    return fieldId + '@' + (state.open ? state.open.kind + ':' + state.open.id : '');
  }

  // A textarea whose text survives re-renders until it is sent.
  function draftArea(attrs) {
    const area = el('textarea', attrs);
    const key = draftKey(attrs.id);
    area.value = state.drafts.get(key) || '';
    area.addEventListener('input', () => state.drafts.set(key, area.value));
    return area;
  }

  function clearDraft(fieldId) {
    state.drafts.delete(draftKey(fieldId));
    const area = $(fieldId);
    if (area) area.value = '';
  }

  function field(label, value, attrs) {
    if (value === null || value === undefined || value === '') return null;
    return el('div', { class: 'field' }, el('dt', null, label), el('dd', attrs || null, value));
  }

  function lastEscalation(history) {
    for (let i = history.length - 1; i >= 0; i -= 1) {
      if (history[i].type === 'escalated') return history[i];
    }
    return null;
  }

  function stateText(handoff) {
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
    detail.append(el('div', { class: 'detail-head' },
      el('h2', { id: 'detail-heading', tabindex: '-1', class: 'detail-heading' },
        urgencyBadge(urgent),
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
          failure.detail ? el('p', { class: 'detail-text', dir: 'auto' }, t('failure-detail', { detail: failure.detail })) : null),
        el('button', { type: 'button', class: 'ghost small', onclick: () => { state.replyFailures.delete(id); renderDetail(); } }, t('dismiss'))));
    }
    if (state.notice) detail.append(el('p', { class: 'notice', role: 'status' }, state.notice));

    const transcript = el('ol', { class: 'transcript', id: 'transcript', 'aria-labelledby': 'transcript-heading', 'data-key': id, tabindex: '0' });
    for (const item of history) transcript.append(historyItem(item));
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

  function historyItem(item) {
    const time = el('time', { class: 'time', datetime: new Date(item.at_ms).toISOString() }, clock(item.at_ms));
    if (item.type === 'message') {
      const speaker = item.speaker === 'agent'
        ? t('speaker-agent', { agent: item.agent || '' })
        : t('speaker-' + item.speaker);
      return el('li', { class: 'msg ' + item.speaker + (item.failure ? ' failed' : '') },
        el('div', { class: 'msg-head' }, el('span', { class: 'speaker', dir: 'auto' }, speaker), ' ', time),
        el('p', { class: 'msg-text', dir: 'auto' }, item.text),
        item.failure ? el('p', { class: 'failed-note' },
          el('strong', null, t('failed-mark')), ' — ', failureText(item.failure)) : null);
    }
    let text;
    if (item.type === 'escalated') {
      text = t('record-escalated', { team: item.team, reason: reasonName(item.reason) });
    } else if (item.type === 'claimed') {
      text = t('record-claimed', { agent: item.agent });
    } else if (item.type === 'resolved') {
      text = t('record-resolved', { agent: item.agent });
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
        state.replyFailures.set(id, { failure: delivery.failure, detail: delivery.detail });
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

  function confirmDialog(titleText, bodyText, okText) {
    const dialog = $('confirm');
    $('confirm-title').textContent = titleText;
    $('confirm-body').textContent = bodyText;
    $('confirm-ok').textContent = okText;
    $('confirm-cancel').textContent = t('cancel');
    const opener = document.activeElement;
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => {
        resolve(dialog.returnValue === 'ok');
        if (opener && document.contains(opener)) opener.focus();
      }, { once: true });
      dialog.returnValue = '';
      dialog.showModal();
      // The safe choice has the focus; Esc closes (cancel).
      $('confirm-cancel').focus();
    });
  }

  async function resolve(id) {
    const sure = await confirmDialog(t('resolve-title'), t('resolve-body'), t('resolve-confirm'));
    if (!sure) return;
    try {
      const delivery = await api('/conversations/' + idPath(id) + '/resolve', { method: 'POST' });
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

  // ---------- Incidents ----------

  function renderIncident(detail, incident) {
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

  // ---------- Start ----------

  async function switchLang() {
    const next = state.lang === 'ar' ? 'en' : 'ar';
    localStorage.setItem(LANG_KEY, next);
    await loadStrings(next);
    if (state.me) {
      renderWho();
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
})();
