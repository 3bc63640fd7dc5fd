// The agents' desk, part 1 (service levels), in Debian's chromium through
// playwright-core, against a khidma that tests/api/desk_sla_browser.rs
// started with the WhatsApp stand-in: a citizen reports an urgent outage;
// a utilities agent sees the case's time left, then sees it overdue; the
// case rises to the escalation team, whose agent (a second page) finds it
// in their queue with the missed target and the move in its transcript.
//
// Environment: KHIDMA_URL, AGENT_TOKEN (utilities), ESCALATION_TOKEN (the
// escalation team), WA_APP_SECRET, SCREENSHOT_DIR, CHROMIUM (default
// /usr/bin/chromium). The last line on stdout is one JSON object with the
// results.

import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const BASE = env('KHIDMA_URL');
const AGENT_TOKEN = env('AGENT_TOKEN');
const ESCALATION_TOKEN = env('ESCALATION_TOKEN');
const SUPERVISOR_TOKEN = env('SUPERVISOR_TOKEN');
const SECRET = env('WA_APP_SECRET');
const SHOTS = env('SCREENSHOT_DIR');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const STEP_TIMEOUT = 20000;

const log = (...parts) => console.error('[desk-sla.mjs]', ...parts);

/** Posts one signed WhatsApp text message from `waId`; resolves after the 200. */
async function citizenSays(waId, text) {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: '100000000000001',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '966110000000', phone_number_id: '200000000000002' },
          contacts: [{ profile: { name: 'Citizen' }, wa_id: waId }],
          messages: [{
            from: waId,
            id: `wamid.BROWSER.desk-sla.${waId}.${Date.now()}`,
            timestamp: String(Math.floor(Date.now() / 1000)),
            type: 'text',
            text: { body: text },
          }],
        },
      }],
    }],
  });
  const signature = 'sha256=' + createHmac('sha256', SECRET).update(body, 'utf8').digest('hex');
  const response = await fetch(`${BASE}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
    body,
  });
  if (response.status !== 200) {
    throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
  }
}

async function signIn(page, token) {
  await page.goto(`${BASE}/agent`);
  const field = page.locator('#token');
  await field.waitFor({ state: 'visible' });
  await field.fill(token);
  await page.keyboard.press('Enter');
  await page.locator('#app-view').waitFor({ state: 'visible' });
  await page.locator('#conn[data-state="live"]').waitFor();
}

/** A supervisor's token opens the desk, with its live alerts. */
async function signInSupervisor(page, token) {
  await page.goto(`${BASE}/agent`);
  const field = page.locator('#token');
  await field.waitFor({ state: 'visible' });
  await field.fill(token);
  await page.keyboard.press('Enter');
  await page.locator('#supervisor-view #desk-alerts').waitFor();
}

/** The text of the case's badge in `state` ("false": time left, "true": overdue). */
async function badgeText(page, id, overdue) {
  const selector = `#queue button[data-conversation-id="${id}"] .badge.sla[data-overdue="${overdue}"]`;
  // Polled often: once overdue, the case leaves this queue as soon as
  // the server's watch moves it up.
  const shown = await page.waitForFunction(
    (css) => document.querySelector(css)?.textContent || null,
    selector,
    { polling: 10 },
  );
  return shown.jsonValue();
}

async function scenario(utilities, escalation, supervisor) {
  const waId = '966500000941';
  const id = `whatsapp:${waId}`;
  const result = { conversation_id: id };
  await signIn(utilities, AGENT_TOKEN);
  await signIn(escalation, ESCALATION_TOKEN);
  await signInSupervisor(supervisor, SUPERVISOR_TOKEN);

  // A tab in the background runs its timers seldom: watch utilities'.
  await utilities.bringToFront();
  await citizenSays(waId, 'the electricity has been cut in my house since morning');
  const card = utilities.locator(`#queue button[data-conversation-id="${id}"]`);
  result.badge_before = await badgeText(utilities, id, 'false');
  result.due_ms = Number(await card.locator('.badge.sla').getAttribute('data-due'));
  result.badge_before_png = join(SHOTS, 'desk-sla-badge.png');
  await utilities.screenshot({ path: result.badge_before_png });

  result.badge_overdue = await badgeText(utilities, id, 'true');
  result.overdue_seen_ms = Date.now();
  result.overdue_png = join(SHOTS, 'desk-sla-overdue.png');
  await utilities.screenshot({ path: result.overdue_png });
  // Moved up, it leaves utilities' queue.
  await card.waitFor({ state: 'detached' });

  // The escalation team's agent finds it, overdue, with its story.
  await escalation.bringToFront();
  const risen = escalation.locator(`#queue button[data-conversation-id="${id}"]`);
  await risen.waitFor();
  result.escalated_priority = await risen.getAttribute('data-priority');
  await risen.click();
  const breached = escalation.locator('#transcript li.sys-breached');
  await breached.waitFor();
  result.breached_line = await breached.textContent();
  result.transferred_line = await escalation.locator('#transcript li.sys-transferred').textContent();
  result.escalated_badge = await escalation.locator(`#queue button[data-conversation-id="${id}"] .badge.sla`)
    .getAttribute('data-overdue');
  result.escalated_png = join(SHOTS, 'desk-sla-escalated.png');
  await escalation.screenshot({ path: result.escalated_png });

  // The supervisor watching the desk saw the alert arrive, and the case
  // among those past their targets, in the team it rose to.
  await supervisor.bringToFront();
  const alert = supervisor.locator('#desk-alerts li[data-rule="sla_breach"]').first();
  await alert.waitFor();
  result.supervisor_alert = await alert.textContent();
  const late = supervisor.locator(`#desk-late tr[data-conversation="${id}"]`);
  await late.waitFor();
  result.supervisor_late_team = await late.locator('td').first().textContent();
  result.supervisor_png = join(SHOTS, 'desk-sla-supervisor.png');
  await supervisor.screenshot({ path: result.supervisor_png, fullPage: true });
  return result;
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'khidma-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1366, height: 768 },
    locale: 'en-GB',
    timezoneId: 'Asia/Riyadh',
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const utilities = context.pages()[0] ?? await context.newPage();
  const escalation = await context.newPage();
  const supervisor = await context.newPage();
  const problems = [];
  for (const page of [utilities, escalation, supervisor]) {
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    // The console must not reach beyond khidma.
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(BASE) && !url.startsWith('data:')) problems.push(`external request: ${url}`);
    });
  }
  try {
    const result = await scenario(utilities, escalation, supervisor);
    result.problems = problems;
    console.log(JSON.stringify(result));
  } catch (err) {
    for (const [name, page] of [['utilities', utilities], ['escalation', escalation], ['supervisor', supervisor]]) {
      const failure = join(SHOTS, `failure-desk-sla-${name}.png`);
      await page.screenshot({ path: failure }).catch(() => {});
      log(`screenshot of the failure: ${failure}`);
    }
    log(`failed: ${err.stack || err}`);
    for (const problem of problems) log(problem);
    process.exitCode = 1;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
