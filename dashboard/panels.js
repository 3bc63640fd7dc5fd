// The dashboard's building blocks: headline tiles, and cards that hold a
// chart with its CSV download under it.

import { downloadCsv } from './api.js';
import { el } from './dom.js';
import { errorText, t } from './strings.js';

// One headline figure: its label, value and a line of context.
export function tile(id, label, value, detail, tone) {
  return el('div', { class: 'tile' + (tone ? ' tile-' + tone : ''), 'data-tile': id },
    el('p', { class: 'tile-label' }, label),
    el('p', { class: 'tile-value' }, value),
    detail ? el('p', { class: 'tile-detail' }, detail) : null);
}

// A card: a heading, a sentence saying what it shows, its body, and one
// CSV download per export (`exports`: [{params, label?}]), which the
// filters in `filters()` complete.
export function card(options, filters) {
  const status = el('p', { class: 'csv-status', role: 'status' });
  const downloads = (options.exports || []).map((one) => {
    const params = { ...filters(), ...one.params };
    const name = `khidma-${options.id}${one.suffix ? '-' + one.suffix : ''}-${params.from}-${params.to}.csv`;
    return el('button', {
      type: 'button', class: 'csv', 'data-report': params.report, 'data-csv': options.id,
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        status.textContent = '';
        try {
          await downloadCsv(params, name);
          status.textContent = t('csv-done');
        } catch (err) {
          status.textContent = errorText(err);
        } finally {
          button.disabled = false;
        }
      },
    }, one.label || t('csv-download'));
  });
  return el('section', {
    class: 'card' + (options.wide ? ' card-wide' : '') + (options.summary ? ' in-summary' : ''),
    'data-card': options.id, 'aria-labelledby': 'card-' + options.id,
  },
  el('h3', { id: 'card-' + options.id }, options.title),
  options.note ? el('p', { class: 'card-note' }, options.note) : null,
  ...options.body,
  downloads.length ? el('div', { class: 'card-foot' }, ...downloads, status) : null);
}
