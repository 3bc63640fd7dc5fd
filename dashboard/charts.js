// The dashboard's charts: small SVG drawings of our own (columns, stacked
// columns, lines, horizontal bars, a donut), no third-party library. Each
// chart is a <figure>: an SVG with a title and description for screen
// readers, a legend, and the same figures as a table beside it. Right to
// left, time runs from right to left and bars grow from the right.

import { el, svg } from './dom.js';
import { lang, number, t } from './strings.js';

// A calm palette that keeps its contrast on white and in print.
export const PALETTE = ['#1f4e79', '#2a7f7a', '#b7862b', '#6b7c93', '#4f8a4b', '#8e4a6e', '#a5432f', '#3d6fa8'];

// A chart is drawn at the width it is shown at (half a row, or a whole
// one when `wide`), so that its text keeps one size on the page.
const WIDTH = 640;
const WIDE = 1240;
const H = 240;
const PAD = { top: 14, bottom: 34, side: 52, end: 14 };

let serial = 0;

function rtl() {
  return lang() === 'ar';
}

// The horizontal position of `x` measured from the start side. Text
// anchors need no flipping: SVG text inherits the page's direction, so
// `start` and `end` already mean the right and left edges in Arabic.
function fromStart(x, W) {
  return rtl() ? W - x : x;
}

// A round maximum for the value axis: 1, 2 or 5 times a power of ten.
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

function frame(kind, options, W, height) {
  serial += 1;
  const id = 'chart-' + serial;
  const root = svg('svg', {
    class: 'chart-svg',
    viewBox: `0 0 ${W} ${height || H}`,
    role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`,
    'data-kind': kind,
    preserveAspectRatio: 'xMidYMid meet',
  },
  svg('title', { id: `${id}-title` }, options.title),
  svg('desc', { id: `${id}-desc` }, options.desc || ''));
  return root;
}

// The value axis: grid lines and their labels on the start side.
function valueAxis(root, max, format, W) {
  const plotHeight = H - PAD.top - PAD.bottom;
  // Round steps: fifths of 5 or 250, quarters of 1 or 1000.
  const steps = !Number.isInteger(max / 4) && Number.isInteger(max / 5) ? 5 : 4;
  for (let i = 0; i <= steps; i += 1) {
    const value = (max * i) / steps;
    const y = PAD.top + plotHeight - (plotHeight * i) / steps;
    root.append(svg('line', {
      class: i === 0 ? 'axis' : 'grid',
      x1: fromStart(PAD.side, W), x2: fromStart(W - PAD.end, W), y1: y, y2: y,
    }));
    root.append(svg('text', {
      class: 'tick', x: fromStart(PAD.side - 6, W), y: y + 4,
      'text-anchor': 'end',
    }, format(value)));
  }
}

// Category labels under the plot, thinned out when there are many.
function categoryAxis(root, categories, centre, W) {
  const every = Math.max(1, Math.ceil(categories.length / 12));
  // About 7 units a character at this size: a label keeps to its band.
  const room = Math.max(4, Math.floor(((W - PAD.side - PAD.end) / categories.length) * every / 7));
  categories.forEach((category, i) => {
    if (i % every !== 0) return;
    root.append(svg('text', {
      class: 'tick', x: centre(i), y: H - PAD.bottom + 18, 'text-anchor': 'middle',
    }, clip(category, room), svg('title', null, category)));
  });
}

function legend(series) {
  if (series.length < 2) return null;
  return el('ul', { class: 'legend' }, ...series.map((one, i) => el('li', null,
    el('span', { class: 'swatch swatch-' + (i % PALETTE.length), 'aria-hidden': 'true' }),
    one.label)));
}

// The same figures as a table, for screen readers, print and copying.
function table(options, head, rows) {
  return el('details', { class: 'as-table' },
    el('summary', null, t('show-table')),
    el('table', null,
      el('caption', { class: 'visually-hidden' }, options.title),
      el('thead', null, el('tr', null, ...head.map((cell) => el('th', { scope: 'col' }, cell)))),
      el('tbody', null, ...rows.map((row) => el('tr', null,
        el('th', { scope: 'row' }, row[0]), ...row.slice(1).map((cell) => el('td', null, cell)))))));
}

function figure(kind, options, root, extra) {
  const empty = options.empty ? el('p', { class: 'chart-empty' }, t('no-data')) : null;
  return el('figure', { class: 'chart', 'data-chart': options.id || kind },
    empty || root, legend(options.series || []), extra);
}

function seriesTable(options) {
  const head = [t('table-period'), ...options.series.map((one) => one.label)];
  const rows = options.categories.map((category, i) =>
    [category, ...options.series.map((one) => options.format(one.values[i]))]);
  return table(options, head, rows);
}

// Columns, one per category; with several series, stacked (or side by
// side when `grouped`).
// options: {id, title, desc, categories, series: [{label, values}], format,
// grouped, max}
export function columns(options) {
  const W = options.wide ? WIDE : WIDTH;
  const root = frame('columns', options, W);
  const { categories, series, format } = options;
  const totals = categories.map((_, i) => (options.grouped
    ? Math.max(0, ...series.map((one) => one.values[i] || 0))
    : series.reduce((sum, one) => sum + (one.values[i] || 0), 0)));
  const max = options.max ?? niceMax(Math.max(0, ...totals));
  valueAxis(root, max, format, W);
  const plotWidth = W - PAD.side - PAD.end;
  const plotHeight = H - PAD.top - PAD.bottom;
  const band = plotWidth / Math.max(1, categories.length);
  const lanes = options.grouped ? series.length : 1;
  const barWidth = Math.max(2, Math.min((options.wide ? 56 : 36) * lanes, band * 0.72)) / lanes;
  const centre = (i) => fromStart(PAD.side + band * i + band / 2, W);
  categories.forEach((category, i) => {
    let base = 0;
    const column = svg('g', { class: 'column', 'data-category': category });
    series.forEach((one, s) => {
      const value = one.values[i] || 0;
      const height = (plotHeight * value) / max;
      const y = PAD.top + plotHeight - (plotHeight * (base + value)) / max;
      if (!options.grouped) base += value;
      // Side by side when grouped, in reading order from the start side.
      const lane = options.grouped ? (rtl() ? lanes - 1 - s : s) : 0;
      const x = centre(i) - (barWidth * lanes) / 2 + lane * barWidth;
      column.append(svg('rect', {
        class: 'bar series-' + (s % PALETTE.length), x, y,
        width: Math.max(1, barWidth - (options.grouped ? 2 : 0)), height: Math.max(0, height), 'data-value': value,
      }, svg('title', null, `${category} · ${one.label}: ${format(value)}`)));
    });
    root.append(column);
  });
  categoryAxis(root, categories, centre, W);
  options.empty = options.empty ?? totals.every((total) => total === 0);
  return figure('columns', options, root, seriesTable(options));
}

// Lines over the categories; a null value breaks the line.
// options: {id, title, desc, categories, series, format, max}
export function lines(options) {
  const W = options.wide ? WIDE : WIDTH;
  const root = frame('lines', options, W);
  const { categories, series, format } = options;
  const values = series.flatMap((one) => one.values.filter((value) => value !== null && value !== undefined));
  const max = options.max ?? niceMax(Math.max(0, ...values));
  valueAxis(root, max, format, W);
  const plotWidth = W - PAD.side - PAD.end;
  const plotHeight = H - PAD.top - PAD.bottom;
  const step = categories.length > 1 ? plotWidth / (categories.length - 1) : 0;
  const x = (i) => fromStart(PAD.side + (categories.length > 1 ? step * i : plotWidth / 2), W);
  const y = (value) => PAD.top + plotHeight - (plotHeight * value) / max;
  series.forEach((one, s) => {
    const group = svg('g', { class: 'line series-' + (s % PALETTE.length), 'data-series': one.key || one.label });
    let path = '';
    let broken = true;
    one.values.forEach((value, i) => {
      if (value === null || value === undefined) {
        broken = true;
        return;
      }
      path += (broken ? 'M' : 'L') + x(i).toFixed(1) + ',' + y(value).toFixed(1) + ' ';
      broken = false;
    });
    if (path) group.append(svg('path', { class: 'stroke', d: path.trim() }));
    one.values.forEach((value, i) => {
      if (value === null || value === undefined) return;
      group.append(svg('circle', { class: 'point', cx: x(i), cy: y(value), r: 3.5, 'data-value': value },
        svg('title', null, `${categories[i]} · ${one.label}: ${format(value)}`)));
    });
    root.append(group);
  });
  categoryAxis(root, categories, x, W);
  options.empty = options.empty ?? values.length === 0;
  return figure('lines', options, root, seriesTable(options));
}

// Horizontal bars, one per item, with its value written at its end; for
// rankings and shares. options: {id, title, desc, items: [{label, value,
// note}], format, max}
export function bars(options) {
  const rowHeight = 28;
  const height = Math.max(1, options.items.length) * rowHeight + 8;
  const W = options.wide ? WIDE : WIDTH;
  const root = frame('bars', options, W, height);
  const labelWidth = 190;
  // Room after the longest bar for its value, and its note if any.
  const valueWidth = options.items.some((item) => item.note) ? 290 : 90;
  const max = options.max ?? Math.max(0, ...options.items.map((item) => item.value || 0));
  const span = W - labelWidth - valueWidth;
  options.items.forEach((item, i) => {
    const top = 4 + i * rowHeight;
    const width = max > 0 ? (span * (item.value || 0)) / max : 0;
    const start = labelWidth + 8;
    root.append(svg('g', { class: 'row', 'data-label': item.label },
      svg('text', { class: 'label', x: fromStart(labelWidth, W), y: top + 18, 'text-anchor': 'end' }, clip(item.label, 28)),
      svg('rect', { class: 'bar series-' + ((item.series ?? 0) % PALETTE.length), x: rtl() ? W - start - width : start, y: top + 5, width: Math.max(0, width), height: rowHeight - 10, rx: 2, 'data-value': item.value },
        svg('title', null, `${item.label}: ${options.format(item.value)}`)),
      svg('text', { class: 'value', x: fromStart(start + width + 6, W), y: top + 18, 'text-anchor': 'start' },
        options.format(item.value) + (item.note ? '  ' + item.note : ''))));
  });
  options.empty = options.empty ?? options.items.every((item) => !item.value);
  const rows = options.items.map((item) => [item.label, options.format(item.value)]);
  return figure('bars', options, root, table(options, [options.itemHeading || '', options.valueHeading || ''], rows));
}

function clip(text, length) {
  const value = String(text);
  return value.length > length ? value.slice(0, length - 1) + '…' : value;
}

// Shares of a whole as a ring, with a legend giving each share.
// options: {id, title, desc, items: [{label, value}], format}
export function donut(options) {
  const size = 200;
  serial += 1;
  const id = 'chart-' + serial;
  const root = svg('svg', {
    class: 'chart-svg donut', viewBox: `0 0 ${size} ${size}`, role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`, 'data-kind': 'donut',
  }, svg('title', { id: `${id}-title` }, options.title), svg('desc', { id: `${id}-desc` }, options.desc || ''));
  const total = options.items.reduce((sum, item) => sum + (item.value || 0), 0);
  const r = 80;
  const c = size / 2;
  let angle = -Math.PI / 2;
  const direction = rtl() ? -1 : 1;
  options.items.forEach((item, i) => {
    if (!total || !item.value) return;
    const share = item.value / total;
    const end = angle + direction * share * 2 * Math.PI;
    const point = (a) => `${(c + r * Math.cos(a)).toFixed(2)},${(c + r * Math.sin(a)).toFixed(2)}`;
    const d = share >= 0.9999
      ? `M${c},${c - r} A${r},${r} 0 1,1 ${c - 0.01},${c - r}`
      : `M${point(angle)} A${r},${r} 0 ${share > 0.5 ? 1 : 0},${direction > 0 ? 1 : 0} ${point(end)}`;
    root.append(svg('path', { class: 'slice series-' + (i % PALETTE.length), d, 'data-value': item.value },
      svg('title', null, `${item.label}: ${options.format(item.value / total)}`)));
    angle = end;
  });
  root.append(svg('text', { class: 'donut-total', x: c, y: c + 8, 'text-anchor': 'middle' }, number(total)));
  options.empty = options.empty ?? total === 0;
  const key = el('ul', { class: 'legend legend-shares' }, ...options.items.map((item, i) => el('li', null,
    el('span', { class: 'swatch swatch-' + (i % PALETTE.length), 'aria-hidden': 'true' }),
    `${item.label}: ${options.format(total ? item.value / total : null)} (${number(item.value)})`)));
  const fig = el('figure', { class: 'chart chart-donut', 'data-chart': options.id || 'donut' },
    options.empty ? el('p', { class: 'chart-empty' }, t('no-data')) : root, key);
  return fig;
}
