// The public service-level page (GET /performance): this agency's figures
// over the last 30 days from /api/v1/public/cx, for citizens, in plain
// words. A figure withheld (fewer than five conversations) says so.

import { publicFeed } from './api.js';
import { bars, donut } from './charts.js';
import { $, el } from './dom.js';
import { bucketLabel, defaultLang, duration, errorText, loadStrings, named, number, percent, score, t } from './strings.js';
import { tile } from './panels.js';

let feed = null;

// A figure, or a plain sentence saying why it is not shown.
const shown = (value, format) => (value === null || value === undefined ? t('public-withheld') : format(value));

function render() {
  if (!feed) return;
  const lang = document.documentElement.lang;
  $('agency').textContent = (feed.agency && (feed.agency[lang] || feed.agency.ar || feed.agency.en)) || t('title');
  document.title = $('agency').textContent + ' · ' + t('performance-heading');
  $('period').textContent = t('period', { from: bucketLabel(feed.period.from, true), to: bucketLabel(feed.period.to, true) });
  const reply = feed.first_reply_seconds || {};
  const urgent = feed.urgent_first_reply_seconds || {};
  const csat = feed.csat || {};
  const inferred = feed.inferred_satisfaction || {};
  $('tiles').replaceChildren(
    tile('conversations', t('public-conversations'), shown(feed.conversations, number), null),
    tile('self-service', t('public-self-service'), shown(feed.self_service_rate, percent), t('public-self-service-detail'), 'good'),
    tile('first-reply', t('public-first-reply'), shown(reply.p50, duration), reply.p90 == null ? null : t('public-first-reply-detail', { p90: duration(reply.p90) })),
    tile('urgent-first-reply', t('public-urgent-first-reply'), shown(urgent.p50, duration), urgent.p90 == null ? null : t('public-first-reply-detail', { p90: duration(urgent.p90) }), 'alert'),
    tile('resolved', t('public-resolved'), shown(feed.resolved, number), null),
    tile('csat', t('public-csat'), shown(csat.average, score), csat.count == null ? null : t('tile-csat-detail', { count: number(csat.count) })),
    tile('inferred', t('public-inferred'), shown(inferred.average, score), t('public-inferred-detail')),
  );
  const share = (object, prefix) => Object.entries(object || {}).sort((a, b) => b[1] - a[1])
    .map(([code, count]) => ({ label: named(prefix, code), value: count }));
  const channels = share(feed.channels, 'channel');
  const total = channels.reduce((sum, item) => sum + item.value, 0);
  $('charts').replaceChildren(
    el('section', { class: 'card', 'aria-labelledby': 'languages-heading' },
      el('h3', { id: 'languages-heading' }, t('chart-languages')),
      donut({ id: 'languages', title: t('chart-languages'), desc: t('chart-mix-note'), items: share(feed.languages, 'language'), format: percent })),
    el('section', { class: 'card', 'aria-labelledby': 'channels-heading' },
      el('h3', { id: 'channels-heading' }, t('chart-channels')),
      bars({ id: 'channels', title: t('chart-channels'), desc: t('chart-mix-note'),
        items: channels.map((item) => ({ label: item.label, value: total ? item.value / total : 0 })), max: 1,
        format: percent, itemHeading: t('table-channel'), valueHeading: t('table-share') })));
}

async function start() {
  await loadStrings(defaultLang(), 'performance-heading');
  $('lang-toggle').addEventListener('click', async () => {
    await loadStrings(document.documentElement.lang === 'ar' ? 'en' : 'ar', 'performance-heading');
    render();
  });
  try {
    feed = await publicFeed('cx');
    render();
    $('main').dataset.state = 'ready';
  } catch (err) {
    $('load-error').hidden = false;
    $('load-error').textContent = errorText(err);
    $('main').dataset.state = 'error';
  }
}

start();
