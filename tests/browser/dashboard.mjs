// Drives the supervisors' CX dashboard (GET /dashboard) and the public
// pages (GET /performance, GET /observatory) in Debian's chromium through
// playwright-core, against a khidma that tests/api/dashboard_browser.rs
// started with a supervisor and an agent token.
//
// The reports API and the public feeds are the server's own; the checks
// compare the page with the JSON the page received.
//
// Environment: KHIDMA_URL, SUPERVISOR_TOKEN, AGENT_TOKEN, SCREENSHOT_DIR,
// CHROMIUM (default /usr/bin/chromium). The last line on stdout is one JSON
// object with the results.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { env, runInBrowser } from './lib.mjs';

const BASE = env('KHIDMA_URL');
const SUPERVISOR = env('SUPERVISOR_TOKEN');
const AGENT = env('AGENT_TOKEN');
const SHOTS = env('SCREENSHOT_DIR');

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function strings(lang) {
  return (await fetch(`${BASE}/dashboard/strings/${lang}`)).json();
}

// The JSON answers of the reports API the page received, by report name,
// the last one of each; and every reports URL requested.
function watchReports(page) {
  const seen = { answers: new Map(), requests: [] };
  page.on('request', (request) => {
    if (request.url().includes('/api/v1/reports/')) seen.requests.push({ url: request.url(), auth: request.headers().authorization || '' });
  });
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/api/v1/reports/') || !response.ok() || url.pathname.endsWith('.csv')) return;
    const name = url.pathname.split('/').pop();
    const key = name === 'timeseries' ? `timeseries:${url.searchParams.get('metric')}` : name;
    try {
      seen.answers.set(key, { json: await response.json(), params: url.searchParams });
    } catch (_) { /* the page navigated away */ }
  });
  return seen;
}

async function loginError(page) {
  const error = page.locator('#login-error');
  await error.waitFor({ state: 'visible' });
  return (await error.textContent()).trim();
}

async function signIn(page, token) {
  await page.locator('#token').fill(token);
  await page.locator('#token').press('Enter');
}

// The page may show a report before this script has read the response's
// body: wait until it has.
async function answerOf(seen, key) {
  for (let waited = 0; !seen.answers.has(key); waited += 20) {
    if (waited >= 5000) throw new Error(`the ${key} report was never read`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seen.answers.get(key).json;
}

async function ready(page, loads) {
  await page.waitForFunction((n) => {
    const app = document.getElementById('app-view');
    return app.dataset.state === 'ready' && Number(app.dataset.loads) >= n;
  }, loads);
}

async function count(page, selector) {
  return page.locator(selector).count();
}

// The chart checks: what the page drew against what it received.
async function checkCharts(page, seen, result, label) {
  const volume = await answerOf(seen, 'timeseries:messages');
  const buckets = volume.series[0] ? volume.series[0].points.length : 0;
  const columns = await count(page, 'figure[data-chart="volume-day"] svg g.column');
  check(columns === buckets, `${label}: ${buckets} days, ${columns} columns`);
  const stacked = await count(page, 'figure[data-chart="volume-day"] svg rect.bar');
  check(stacked === buckets * volume.series.length, `${label}: ${stacked} stacked bars for ${buckets} days × ${volume.series.length} channels`);
  const hourBars = await count(page, 'figure[data-chart="volume-hour"] svg rect.bar');
  check(hourBars === 24, `${label}: 24 hour bars, not ${hourBars}`);
  const rates = (await answerOf(seen, 'timeseries:self_service_rate')).series[0].points.filter((p) => p.value !== null).length;
  const points = await count(page, 'figure[data-chart="self-service"] svg circle.point');
  check(points === rates, `${label}: ${rates} self-service rates, ${points} points`);
  const reasons = Object.keys((await answerOf(seen, 'summary')).escalations.by_reason || {}).length;
  const reasonBars = await count(page, 'figure[data-chart="escalations"] svg rect.bar');
  check(reasonBars === reasons, `${label}: ${reasons} reasons, ${reasonBars} bars`);
  const tiles = await count(page, '#tiles .tile');
  check(tiles === 9, `${label}: 9 headline tiles (service levels among them), not ${tiles}`);
  const titled = await page.locator('svg.chart-svg[role="img"]').evaluateAll((all) => all.every((chart) => {
    const [titleId, descId] = chart.getAttribute('aria-labelledby').split(' ');
    return document.getElementById(titleId)?.textContent && document.getElementById(descId);
  }));
  check(titled, `${label}: every chart has a title and a description`);
  result[`${label}_columns`] = columns;
  result[`${label}_points`] = points;
  result[`${label}_reason_bars`] = reasonBars;
}

async function dashboard(page, result) {
  const ar = await strings('ar');
  const seen = watchReports(page);

  await page.goto(`${BASE}/dashboard`);
  await page.locator('#token').waitFor({ state: 'visible' });
  check(await page.evaluate(() => document.documentElement.dir) === 'rtl', 'an Arabic browser gets the dashboard right to left');
  result.login_png = join(SHOTS, 'dashboard-login-ar.png');
  await page.screenshot({ path: result.login_png });

  // A wrong token, then an agent's: each refused in Arabic.
  await signIn(page, 'not-a-token');
  result.wrong_token_error = await loginError(page);
  check(result.wrong_token_error === ar['dashboard-login-invalid'], `a wrong token says so in Arabic: ${result.wrong_token_error}`);
  result.login_error_png = join(SHOTS, 'dashboard-login-error-ar.png');
  await page.screenshot({ path: result.login_error_png });
  await page.evaluate(() => { document.getElementById('login-error').hidden = true; });
  await signIn(page, AGENT);
  result.agent_token_error = await loginError(page);
  check(result.agent_token_error === ar['dashboard-login-not-supervisor'], `an agent's token is refused in Arabic: ${result.agent_token_error}`);
  check(await page.evaluate(() => sessionStorage.getItem('khidma-supervisor-token')) === null, 'a refused token is not kept');

  await signIn(page, SUPERVISOR);
  await ready(page, 1);
  check(await page.evaluate(() => sessionStorage.getItem('khidma-supervisor-token')) !== null, 'the token is kept for the tab');
  await checkCharts(page, seen, result, 'week');
  result.dashboard_ar_png = join(SHOTS, 'dashboard-ar.png');
  await page.screenshot({ path: result.dashboard_ar_png, fullPage: true });

  // A reload keeps the session (sessionStorage) and asks no token.
  await page.reload();
  await ready(page, 1);

  // Filters: 14 days and one team re-query every report.
  const teams = await page.locator('#team option').evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
  const before = seen.requests.length;
  const to = await page.locator('#to').inputValue();
  const from = new Date(to + 'T00:00:00Z');
  from.setUTCDate(from.getUTCDate() - 13);
  await page.locator('#from').fill(from.toISOString().slice(0, 10));
  if (teams.length) await page.locator('#team').selectOption(teams[0]);
  await page.locator('#filters button[type="submit"]').click();
  await ready(page, 2);
  const again = seen.requests.slice(before);
  check(again.length >= 12, `the filters re-query every report (${again.length} requests)`);
  check(again.every((r) => new URL(r.url).searchParams.get('from') === from.toISOString().slice(0, 10)), 'every report gets the new start date');
  if (teams.length) check(again.every((r) => new URL(r.url).searchParams.get('team') === teams[0]), 'every report gets the team');
  check(again.every((r) => r.auth === 'Bearer ' + SUPERVISOR), 'every report carries the token');
  result.requeried = again.length;
  result.team = teams[0] || null;
  await checkCharts(page, seen, result, 'fortnight');

  // CSV under a chart: fetched with the token, saved from a Blob URL.
  const csvButton = page.locator('section[data-card="volume-day"] button.csv');
  const [download] = await Promise.all([page.waitForEvent('download'), csvButton.click()]);
  result.csv_name = download.suggestedFilename();
  check(result.csv_name.endsWith('.csv'), `a CSV file is saved: ${result.csv_name}`);
  result.csv_path = join(SHOTS, 'dashboard-volume.csv');
  await download.saveAs(result.csv_path);
  const csv = readFileSync(result.csv_path, 'utf8');
  check(csv.length > 0 && csv.includes(','), `the CSV has rows: ${csv.slice(0, 80)}`);
  const exportRequest = seen.requests.find((r) => r.url.includes('/export.csv'));
  check(exportRequest && exportRequest.auth === 'Bearer ' + SUPERVISOR, 'the export carries the token');
  const exportParams = new URL(exportRequest.url).searchParams;
  check(exportParams.get('report') === 'timeseries' && exportParams.get('metric') === 'messages', `the export is the chart's: ${exportRequest.url}`);
  check(exportParams.get('from') === from.toISOString().slice(0, 10), 'the export has the chart\'s period');
  result.csv_url = exportRequest.url.replace(BASE, '');

  // The editors' tab.
  await page.locator('#tab-unanswered').click();
  await ready(page, 3);
  const groups = (await answerOf(seen, 'unanswered')).groups.length;
  const shown = await count(page, '#unanswered .groups > li.group');
  check(shown === groups, `${groups} unanswered groups, ${shown} shown`);
  result.unanswered_groups = shown;
  result.unanswered_ar_png = join(SHOTS, 'dashboard-unanswered-ar.png');
  await page.screenshot({ path: result.unanswered_ar_png, fullPage: true });

  // English, left to right, on the overview again.
  await page.locator('#lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.dir === 'ltr' && document.documentElement.lang === 'en');
  await page.locator('#tab-overview').click();
  await ready(page, 5);
  const en = await strings('en');
  check((await page.locator('#tab-overview').textContent()) === en['dashboard-tab-overview'], 'the tabs speak English');
  result.dashboard_en_png = join(SHOTS, 'dashboard-en.png');
  await page.screenshot({ path: result.dashboard_en_png, fullPage: true });

  // The one-page executive summary: the print button, the print sheet.
  await page.evaluate(() => { window.print = () => { window.__printed = true; }; });
  await page.locator('#print').click();
  check(await page.evaluate(() => window.__printed === true), 'the print button prints');
  await page.emulateMedia({ media: 'print' });
  check(!(await page.locator('#filters').isVisible()), 'the filters are not printed');
  check(await page.locator('.print-head').isVisible(), 'the summary has its heading');
  check(!(await page.locator('section[data-card="volume-hour"]').isVisible()), 'the summary keeps to the headline charts');
  check(await page.locator('section[data-card="volume-day"]').isVisible(), 'the summary shows volume by day');
  await page.setViewportSize({ width: 794, height: 1123 });
  result.print_png = join(SHOTS, 'dashboard-print.png');
  await page.screenshot({ path: result.print_png, fullPage: true });
  const printHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  result.print_height_px = printHeight;
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1366, height: 900 });

  await page.locator('#logout').click();
  await page.locator('#token').waitFor({ state: 'visible' });
  check(await page.evaluate(() => sessionStorage.getItem('khidma-supervisor-token')) === null, 'signing out forgets the token');
}

async function publicPages(page, result) {
  await page.goto(`${BASE}/performance?lang=ar`);
  await page.locator('main[data-state="ready"]').waitFor();
  check(await page.evaluate(() => document.documentElement.dir) === 'rtl', 'the public page is right to left in Arabic');
  const tiles = await count(page, '#tiles .tile');
  check(tiles === 7, `the public page shows 7 figures, not ${tiles}`);
  result.performance_ar_png = join(SHOTS, 'dashboard-performance-ar.png');
  await page.screenshot({ path: result.performance_ar_png, fullPage: true });
  await page.locator('#lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  result.performance_en_png = join(SHOTS, 'dashboard-performance-en.png');
  await page.screenshot({ path: result.performance_en_png, fullPage: true });

  const feed = await (await page.request.get(`${BASE}/api/v1/public/observatory`)).json().catch(() => null);
  await page.goto(`${BASE}/observatory`);
  await page.locator('main[data-state="ready"]').waitFor();
  const columns = await count(page, '#compare thead th[data-agency]');
  result.observatory_agencies = columns;
  if (feed && feed.agencies) check(columns === feed.agencies.length, `${feed.agencies.length} agencies, ${columns} columns`);
  check(columns > 0, 'the observatory compares agencies');
  result.observatory_en_png = join(SHOTS, 'dashboard-observatory-en.png');
  await page.screenshot({ path: result.observatory_en_png, fullPage: true });
  await page.locator('#lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  result.observatory_ar_png = join(SHOTS, 'dashboard-observatory-ar.png');
  await page.screenshot({ path: result.observatory_ar_png, fullPage: true });
}

await runInBrowser({
  name: 'dashboard',
  shots: SHOTS,
  locale: 'ar-SA',
  viewport: { width: 1366, height: 900 },
  acceptDownloads: true,
  keepWithin: [BASE, 'data:', 'blob:'],
  // The browser logs each refused token (401, 403) the test sends on purpose.
  expectedConsoleErrors: /status of 40[13]/,
}, async (page) => {
  const result = {};
  await dashboard(page, result);
  await publicPages(page, result);
  return result;
});
