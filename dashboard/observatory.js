// The public observatory (GET /observatory): several agencies' public
// figures side by side, from /api/v1/public/observatory, which khidma
// fetches from each agency's own /api/v1/public/cx.

import { publicFeed } from './api.js';
import { bars } from './charts.js';
import { $, el } from './dom.js';
import { defaultLang, duration, errorText, loadStrings, number, percent, score, t } from './strings.js';

let agencies = null;

// Each compared figure: its label, how it is read from a feed, and how it
// is written.
const ROWS = [
  ['public-conversations', (f) => f.conversations, (v) => number(v)],
  ['public-self-service', (f) => f.self_service_rate, percent],
  ['public-first-reply', (f) => f.first_reply_seconds && f.first_reply_seconds.p50, duration],
  ['public-urgent-first-reply', (f) => f.urgent_first_reply_seconds && f.urgent_first_reply_seconds.p50, duration],
  ['public-resolved', (f) => f.resolved, (v) => number(v)],
  ['public-csat', (f) => f.csat && f.csat.average, score],
  ['public-inferred', (f) => f.inferred_satisfaction && f.inferred_satisfaction.average, score],
];

function nameOf(agency) {
  const lang = document.documentElement.lang;
  const figures = agency.figures;
  return (figures && figures.agency && (figures.agency[lang] || figures.agency.ar)) || agency.name;
}

function cell(agency, read, format) {
  if (!agency.ok || !agency.figures) return el('td', { class: 'unreachable' }, t('observatory-unreachable'));
  const value = read(agency.figures);
  return el('td', null, value === null || value === undefined ? t('public-withheld') : format(value));
}

function render() {
  if (!agencies) return;
  $('compare').replaceChildren(
    el('caption', { class: 'visually-hidden' }, t('observatory-table')),
    el('thead', null, el('tr', null, el('th', { scope: 'col' }, t('observatory-figure')),
      ...agencies.map((agency) => el('th', { scope: 'col', dir: 'auto', 'data-agency': agency.name }, nameOf(agency))))),
    el('tbody', null, ...ROWS.map(([key, read, format]) => el('tr', null,
      el('th', { scope: 'row' }, t(key)), ...agencies.map((agency) => cell(agency, read, format))))));
  const reachable = agencies.filter((agency) => agency.ok && agency.figures);
  const compare = (id, key, read, format, max) => el('section', { class: 'card', 'aria-labelledby': 'h-' + id },
    el('h3', { id: 'h-' + id }, t(key)),
    bars({ id, title: t(key), desc: t('observatory-chart-note'), max,
      items: reachable.map((agency, i) => ({ label: nameOf(agency), value: read(agency.figures), series: i })),
      format: (v) => (v === null || v === undefined ? t('public-withheld') : format(v)),
      itemHeading: t('observatory-agency'), valueHeading: t(key) }));
  $('charts').replaceChildren(
    compare('self-service', 'public-self-service', (f) => f.self_service_rate, percent, 1),
    compare('first-reply', 'public-first-reply', (f) => f.first_reply_seconds && f.first_reply_seconds.p50, duration),
    compare('csat', 'public-csat', (f) => f.csat && f.csat.average, (v) => number(v, 1), 5),
    compare('inferred', 'public-inferred', (f) => f.inferred_satisfaction && f.inferred_satisfaction.average, (v) => number(v, 1), 5));
}

async function start() {
  await loadStrings(defaultLang(), 'observatory-title');
  $('lang-toggle').addEventListener('click', async () => {
    await loadStrings(document.documentElement.lang === 'ar' ? 'en' : 'ar', 'observatory-title');
    render();
  });
  try {
    agencies = (await publicFeed('observatory')).agencies;
    render();
    $('main').dataset.state = 'ready';
  } catch (err) {
    $('load-error').hidden = false;
    $('load-error').textContent = errorText(err);
    $('main').dataset.state = 'error';
  }
}

start();
