// The editors' tab: what citizens asked that the knowledge base could not
// answer (a fallback or a low-confidence answer), grouped by similarity,
// with masked examples and the closest entry, so that editors can add a
// question to an entry or write a new one.

import { report } from './api.js';
import { $, el } from './dom.js';
import { dateTime, named, number, t } from './strings.js';
import { card } from './panels.js';

function group(one) {
  const closest = one.closest_entry
    ? el('p', { class: 'closest' }, t('unanswered-closest'), ' ',
      el('bdi', { class: 'entry-title' }, one.closest_entry.title || one.closest_entry.id), ' ',
      el('code', { dir: 'ltr' }, one.closest_entry.id))
    : el('p', { class: 'closest none' }, t('unanswered-no-closest'));
  return el('li', { class: 'group', 'data-count': one.count },
    el('div', { class: 'group-head' },
      el('span', { class: 'group-count', 'aria-label': t('unanswered-count-label', { count: number(one.count) }) }, number(one.count)),
      el('span', { class: 'group-lang' }, named('language', one.language)),
      el('span', { class: 'group-seen' }, t('unanswered-seen', { first: dateTime(one.first_seen), last: dateTime(one.last_seen) }))),
    el('ul', { class: 'examples' }, ...one.examples.map((text) => el('li', { dir: 'auto', lang: one.language || null }, text))),
    closest);
}

export async function loadUnanswered(filters) {
  const answer = await report('unanswered', filters);
  const groups = answer.groups;
  const body = groups.length
    ? el('ol', { class: 'groups' }, ...groups.map(group))
    : el('p', { class: 'empty' }, t('unanswered-none'));
  $('unanswered-body').replaceChildren(card({
    id: 'unanswered', title: t('unanswered-heading'), note: t('unanswered-note'), wide: true,
    body: [el('p', { class: 'unanswered-total' }, t('unanswered-total', { groups: number(groups.length), questions: number(groups.reduce((sum, one) => sum + one.count, 0)) })), body],
    exports: [{ params: { report: 'unanswered' } }],
  }, () => filters));
  return answer;
}
