// The overview tab: headline tiles and the charts, from the reports API
// for the chosen period and team.

import { report } from './api.js';
import { bars, columns, donut, lines } from './charts.js';
import { $, el } from './dom.js';
import { bucketLabel, change, dateTime, duration, named, number, percent, score, t } from './strings.js';
import { card, tile } from './panels.js';

// Every report the overview shows, fetched together.
async function fetchAll(filters) {
  const series = (metric, by) => report('timeseries', { ...filters, metric, bucket: 'day', by });
  const [summary, volume, hours, selfService, urgent, firstReply, csat, inferred, topics, districts, teams, alerts] = await Promise.all([
    report('summary', filters),
    series('messages', 'channel'),
    report('hours', filters),
    series('self_service_rate'),
    series('urgent'),
    series('first_reply_seconds'),
    series('csat'),
    series('inferred_satisfaction'),
    report('topics', filters),
    report('districts', filters),
    report('teams', filters),
    report('alerts', filters),
  ]);
  return { summary, volume, hours, selfService, urgent, firstReply, csat, inferred, topics, districts, teams, alerts };
}

// A timeseries answer as chart categories and series; `label` names each
// series by its key.
function timeline(answer, label) {
  const buckets = (answer.series[0] && answer.series[0].points.map((point) => point.t)) || [];
  return {
    categories: buckets.map((bucket) => bucketLabel(bucket)),
    series: answer.series.map((one) => {
      const byBucket = new Map(one.points.map((point) => [point.t, point.value]));
      return { key: one.key, label: label(one.key), values: buckets.map((bucket) => byBucket.get(bucket) ?? null) };
    }),
  };
}

// Cases within their teams' service-level targets; a missed one turns
// the tile to an alert, since each is a citizen who waited too long.
function serviceLevelTile(levels = {}) {
  return tile('within-target', t('tile-within-target'), percent(levels.within_target_rate),
    t('tile-within-target-detail', { breached: number(levels.breached || 0), cases: number(levels.cases || 0) }),
    levels.breached ? 'alert' : 'good');
}

function tiles(summary) {
  const esc = summary.escalations || {};
  const reply = summary.first_reply_seconds || {};
  const csat = summary.csat || {};
  const inferred = summary.inferred_satisfaction || {};
  return [
    tile('messages', t('tile-messages'), number(summary.messages), t('tile-messages-detail', { answered: number(summary.answered), fallbacks: number(summary.fallbacks) })),
    tile('conversations', t('tile-conversations'), number(summary.conversations), null),
    tile('self-service', t('tile-self-service'), percent(summary.self_service_rate), t('tile-self-service-detail'), 'good'),
    tile('escalations', t('tile-escalations'), number(esc.total), t('tile-escalations-detail', { urgent: number(esc.urgent), person: number(esc.person) }), esc.urgent ? 'alert' : null),
    tile('first-reply', t('tile-first-reply'), duration(reply.p50), t('tile-first-reply-detail', { p90: duration(reply.p90), count: number(reply.count) })),
    serviceLevelTile(summary.service_levels),
    tile('resolved', t('tile-resolved'), number(summary.resolved), null),
    tile('csat', t('tile-csat'), score(csat.average), t('tile-csat-detail', { count: number(csat.count) })),
    tile('inferred', t('tile-inferred'), score(inferred.average), t('tile-inferred-detail', { count: number(inferred.count) })),
  ];
}

function alertList(alerts) {
  if (!alerts.length) return el('p', { class: 'empty' }, t('alerts-none'));
  return el('ul', { class: 'alerts' }, ...alerts.map((alert) => el('li', { 'data-rule': alert.rule },
    el('span', { class: 'alert-rule' }, named('rule', alert.rule)),
    el('span', { class: 'alert-key', dir: 'auto' }, alert.key || ''),
    el('span', { class: 'alert-figures' }, t('alert-figures', { value: number(alert.value, 1), baseline: number(alert.baseline, 1) })),
    el('time', { datetime: alert.at }, dateTime(alert.at)))));
}

export async function loadOverview(filters) {
  const data = await fetchAll(filters);
  const csv = () => filters;
  const cards = [];
  const add = (options) => cards.push(card(options, csv));
  const timeseriesCsv = (metric, by) => ({ params: { report: 'timeseries', metric, bucket: 'day', by } });

  const volume = timeline(data.volume, (key) => (key === 'all' ? t('series-messages') : named('channel', key)));
  add({ id: 'volume-day', title: t('chart-volume-day'), note: t('chart-volume-day-note'), wide: true, summary: true,
    body: [columns({ id: 'volume-day', wide: true, title: t('chart-volume-day'), desc: t('chart-volume-day-note'), ...volume, format: (v) => number(v) })],
    exports: [timeseriesCsv('messages', 'channel')] });

  const hours = data.hours.hours;
  add({ id: 'volume-hour', title: t('chart-volume-hour'), note: t('chart-volume-hour-note'),
    body: [columns({ id: 'volume-hour', title: t('chart-volume-hour'), desc: t('chart-volume-hour-note'),
      categories: hours.map((hour) => String(hour.hour).padStart(2, '0')),
      series: [{ label: t('series-messages'), values: hours.map((hour) => hour.messages) }], format: (v) => number(v) })],
    exports: [{ params: { report: 'hours' } }] });

  const selfService = timeline(data.selfService, () => t('series-self-service'));
  add({ id: 'self-service', title: t('chart-self-service'), note: t('chart-self-service-note'), summary: true,
    body: [lines({ id: 'self-service', title: t('chart-self-service'), desc: t('chart-self-service-note'), ...selfService, max: 1, format: percent })],
    exports: [timeseriesCsv('self_service_rate')] });

  const urgent = timeline(data.urgent, () => t('series-urgent'));
  urgent.series.forEach((one) => { one.values = one.values.map((v) => v ?? 0); });
  const firstReply = timeline(data.firstReply, () => t('series-first-reply'));
  add({ id: 'urgent', title: t('chart-urgent'), note: t('chart-urgent-note'), wide: true,
    body: [el('div', { class: 'pair' },
      columns({ id: 'urgent-day', title: t('chart-urgent-day'), desc: t('chart-urgent-note'), ...urgent, format: (v) => number(v) }),
      lines({ id: 'first-reply', title: t('chart-first-reply'), desc: t('chart-first-reply-note'), ...firstReply, format: (v) => duration(v) }))],
    exports: [{ ...timeseriesCsv('urgent'), suffix: 'cases', label: t('csv-download-urgent') },
      { ...timeseriesCsv('first_reply_seconds'), suffix: 'first-reply', label: t('csv-download-first-reply') }] });

  const reasons = Object.entries((data.summary.escalations || {}).by_reason || {}).sort((a, b) => b[1] - a[1]);
  add({ id: 'escalations', title: t('chart-escalations'), note: t('chart-escalations-note'), summary: true,
    body: [bars({ id: 'escalations', title: t('chart-escalations'), desc: t('chart-escalations-note'),
      items: reasons.map(([reason, count]) => ({ label: named('reason', reason), value: count, series: reason === 'urgent' || reason === 'danger_to_life' ? 6 : 0 })),
      format: (v) => number(v), itemHeading: t('table-reason'), valueHeading: t('table-cases') })],
    exports: [timeseriesCsv('escalations', 'reason')] });

  const satisfaction = timeline(data.csat, () => t('series-csat'));
  const inferred = timeline(data.inferred, () => t('series-inferred'));
  satisfaction.series.push(...inferred.series);
  add({ id: 'satisfaction', title: t('chart-satisfaction'), note: t('chart-satisfaction-note'), summary: true,
    body: [lines({ id: 'satisfaction', title: t('chart-satisfaction'), desc: t('chart-satisfaction-note'), ...satisfaction, max: 5, format: (v) => number(v, 1) })],
    exports: [{ ...timeseriesCsv('csat'), suffix: 'csat', label: t('csv-download-csat') },
      { ...timeseriesCsv('inferred_satisfaction'), suffix: 'inferred', label: t('csv-download-inferred') }] });

  const teams = data.teams.teams;
  add({ id: 'teams', title: t('chart-teams'), note: t('chart-teams-note'),
    body: [columns({ id: 'teams', title: t('chart-teams'), desc: t('chart-teams-note'), grouped: true, max: 5,
      categories: teams.map((team) => team.team),
      series: [{ label: t('series-csat'), values: teams.map((team) => team.csat.average) },
        { label: t('series-inferred'), values: teams.map((team) => team.inferred_satisfaction.average) }],
      format: (v) => number(v, 1) }),
    teamTable(teams)],
    exports: [{ params: { report: 'teams' } }] });

  const topics = data.topics.topics.slice(0, 8);
  add({ id: 'topic-satisfaction', title: t('chart-topic-satisfaction'), note: t('chart-topic-satisfaction-note'),
    body: [columns({ id: 'topic-satisfaction', title: t('chart-topic-satisfaction'), desc: t('chart-topic-satisfaction-note'), grouped: true, max: 5,
      categories: topics.map((topic) => topic.entry),
      series: [{ label: t('series-csat'), values: topics.map((topic) => topic.csat) },
        { label: t('series-inferred'), values: topics.map((topic) => topic.inferred_satisfaction) }],
      format: (v) => number(v, 1) })],
    exports: [{ params: { report: 'topics' } }] });

  const rising = data.topics.topics.filter((topic) => topic.messages > 0)
    .sort((a, b) => b.change - a.change || b.messages - a.messages).slice(0, 8);
  add({ id: 'rising', title: t('chart-rising'), note: t('chart-rising-note'), summary: true,
    body: [bars({ id: 'rising', title: t('chart-rising'), desc: t('chart-rising-note'),
      items: rising.map((topic) => ({ label: topic.entry, value: topic.messages, note: change(topic.change), series: topic.change > 0 ? 2 : 3 })),
      format: (v) => number(v), itemHeading: t('table-topic'), valueHeading: t('table-messages') })],
    exports: [{ params: { report: 'topics' } }] });

  const districts = data.districts.districts;
  add({ id: 'districts', title: t('chart-districts'), note: t('chart-districts-note'),
    body: [bars({ id: 'districts', title: t('chart-districts'), desc: t('chart-districts-note'),
      items: districts.map((d) => ({ label: d.district, value: d.urgent, series: 6,
        note: t('district-note', { incidents: number(d.incidents), seen: dateTime(d.last_seen) }) })),
      format: (v) => number(v), itemHeading: t('table-district'), valueHeading: t('table-urgent') })],
    exports: [{ params: { report: 'districts' } }] });

  const share = (object, prefix) => Object.entries(object || {}).sort((a, b) => b[1] - a[1])
    .map(([code, count]) => ({ label: named(prefix, code), value: count }));
  add({ id: 'mix', title: t('chart-mix'), note: t('chart-mix-note'), summary: true,
    body: [el('div', { class: 'pair pair-donuts' },
      donut({ id: 'languages', title: t('chart-languages'), desc: t('chart-mix-note'), items: share(data.summary.languages, 'language'), format: percent }),
      donut({ id: 'channels', title: t('chart-channels'), desc: t('chart-mix-note'), items: share(data.summary.channels, 'channel'), format: percent }))],
    exports: [{ params: { report: 'summary' } }] });

  add({ id: 'alerts', title: t('alerts-heading'), note: t('alerts-note'),
    body: [alertList(data.alerts.alerts)], exports: [{ params: { report: 'alerts' } }] });

  $('tiles').replaceChildren(...tiles(data.summary));
  $('charts').replaceChildren(...cards);
  return data;
}

function teamTable(teams) {
  return el('table', { class: 'data' },
    el('thead', null, el('tr', null, ...['table-team', 'table-escalations', 'table-resolved', 'table-first-reply', 'table-csat', 'table-inferred']
      .map((key) => el('th', { scope: 'col' }, t(key))))),
    el('tbody', null, ...teams.map((team) => el('tr', null,
      el('th', { scope: 'row', dir: 'auto' }, team.team),
      el('td', null, number(team.escalations)),
      el('td', null, number(team.resolved)),
      el('td', null, t('p50-p90', { p50: duration(team.first_reply_seconds.p50), p90: duration(team.first_reply_seconds.p90) })),
      el('td', null, score(team.csat.average)),
      el('td', null, score(team.inferred_satisfaction.average))))));
}
