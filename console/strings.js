// The console's words, from /agent/strings/{lang} (locales/<lang>/console.ftl),
// and how times, names and errors read in them.

import { $ } from './dom.js';
import { state } from './state.js';

export const LANG_KEY = 'khidma-console-lang';

export function t(key, vars) {
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

export function has(key) {
  return Object.prototype.hasOwnProperty.call(state.strings, 'console-' + key);
}

export async function loadStrings(lang) {
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

export function defaultLang() {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved === 'ar' || saved === 'en') return saved;
  const preferred = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return preferred.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

export function waited(sinceMs) {
  const minutes = Math.max(0, Math.floor((Date.now() - sinceMs) / 60000));
  if (minutes < 1) return t('time-now');
  if (minutes < 60) return t('time-minutes', { minutes });
  return t('time-hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

export function clock(atMs) {
  const locale = state.lang === 'ar' ? 'ar-u-nu-latn' : 'en-GB';
  const date = new Date(atMs);
  const sameDay = new Date().toDateString() === date.toDateString();
  const options = sameDay
    ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

export function channelOf(conversationId) {
  const channel = String(conversationId).split(':')[0];
  return has('channel-' + channel) ? t('channel-' + channel) : channel;
}

export function languageName(code) {
  return code ? (has('language-' + code) ? t('language-' + code) : code) : t('language-unknown');
}

export function reasonName(reason) {
  return reason && has('reason-' + reason) ? t('reason-' + reason) : (reason || '');
}

export function failureText(failure) {
  return has('failure-' + failure) ? t('failure-' + failure) : t('failed-mark') + ': ' + failure;
}

export function title(entryTitle, entryId) {
  if (entryTitle && entryTitle[state.lang]) return entryTitle[state.lang];
  if (entryTitle) return entryTitle.ar || entryTitle.en || entryId || '';
  return entryId || '';
}

// "Power outage (electricity-outage)": the title agents read, and the id
// editors and logs use.
export function entryLabel(entryTitle, entryId) {
  if (!entryId) return null;
  return entryTitle ? title(entryTitle, entryId) + ' (' + entryId + ')' : entryId;
}

export function areaName(area) {
  if (!area) return null;
  return area[state.lang] || area.ar || area.en || area.id;
}

export function errorText(error) {
  if (error && error.code && has('error-' + error.code)) return t('error-' + error.code);
  if (error && error.network) return t('error-network');
  return t('error-generic', { message: (error && (error.apiMessage || error.message)) || '' });
}
