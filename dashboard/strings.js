// The pages' words, from /dashboard/strings/{lang}
// (locales/<lang>/dashboard.ftl), and how numbers and dates read in them.
// Shared by the dashboard and the two public pages.

export const LANG_KEY = 'khidma-dashboard-lang';

const state = { lang: 'en', strings: {} };

export function lang() {
  return state.lang;
}

export function t(key, vars) {
  let text = state.strings['dashboard-' + key];
  if (text === undefined) return key;
  if (vars) {
    // Each value is isolated (FSI ... PDI), so a Latin id or number keeps
    // its order inside an Arabic sentence and the other way round.
    text = text.replace(/\{\$([a-zA-Z0-9_]+)\}/g, (whole, name) =>
      Object.prototype.hasOwnProperty.call(vars, name) ? '\u2068' + String(vars[name]) + '\u2069' : whole);
  }
  return text;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(state.strings, 'dashboard-' + key);
}

// A label for a code (`channel-web`, `reason-urgent`...), or the code itself
// when locales/ has no word for it (a team's or district's own name).
export function named(prefix, code) {
  if (code === null || code === undefined || code === '') return t('none');
  return has(prefix + '-' + code) ? t(prefix + '-' + code) : String(code);
}

// Loads the words of `lang`, sets the page's language and direction, and
// fills every [data-i18n] element; `titleKey` names the page's title.
export async function loadStrings(language, titleKey) {
  const response = await fetch('/dashboard/strings/' + language, { cache: 'no-cache' });
  if (!response.ok) throw new Error('strings ' + response.status);
  state.strings = await response.json();
  state.lang = language;
  localStorage.setItem(LANG_KEY, language);
  document.documentElement.lang = language;
  document.documentElement.dir = language === 'ar' ? 'rtl' : 'ltr';
  document.title = t(titleKey);
  for (const element of document.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of document.querySelectorAll('[data-i18n-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nLabel));
  }
  const toggle = document.getElementById('lang-toggle');
  if (toggle) {
    toggle.textContent = t('lang-switch');
    toggle.setAttribute('aria-label', t('lang-switch-label'));
    toggle.lang = language === 'ar' ? 'en' : 'ar';
  }
}

export function defaultLang() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked === 'ar' || asked === 'en') return asked;
  const saved = localStorage.getItem(LANG_KEY);
  if (saved === 'ar' || saved === 'en') return saved;
  const preferred = (navigator.languages && navigator.languages[0]) || navigator.language || 'ar';
  return preferred.toLowerCase().startsWith('en') ? 'en' : 'ar';
}

// Latin digits in both languages, as the agents' console shows them:
// figures read the same in a mixed Arabic and English office.
function locale() {
  return state.lang === 'ar' ? 'ar-u-nu-latn' : 'en-GB';
}

export function number(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return t('no-figure');
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits ?? 0 }).format(value);
}

export function percent(value) {
  if (value === null || value === undefined) return t('no-figure');
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(value);
}

// A signed change: +150% / -20%.
export function change(value) {
  if (value === null || value === undefined) return t('no-figure');
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(value);
}

export function score(value) {
  if (value === null || value === undefined) return t('no-figure');
  return t('score-of-five', { score: number(value, 1) });
}

// Seconds as "45 s", "3 min", "1 h 20 min".
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return t('no-figure');
  if (seconds < 60) return t('seconds', { n: number(Math.round(seconds)) });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('minutes', { n: number(minutes) });
  return t('hours-minutes', { h: number(Math.floor(minutes / 60)), m: number(minutes % 60) });
}

// `2026-12-01` as "1 Dec", `2026-12-01T13` as "13:00".
export function bucketLabel(bucket, long) {
  const hour = /T(\d\d)$/.exec(bucket);
  if (hour) return hour[1] + ':00';
  const date = new Date(bucket + 'T12:00:00Z');
  if (Number.isNaN(date.getTime())) return String(bucket);
  const options = long ? { day: 'numeric', month: 'long', year: 'numeric' } : { day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: 'UTC' }).format(date);
}

export function dateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso || '');
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
}

export function errorText(error) {
  if (error && error.status === 401) return t('error-unauthorized');
  if (error && error.status === 403) return t('error-forbidden');
  if (error && error.status === 404) return t('error-not-available');
  if (error && error.network) return t('error-network');
  return t('error-generic');
}
