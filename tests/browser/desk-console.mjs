// The agents' desk, part 3, in Debian's chromium through playwright-core,
// against a khidma that tests/api/desk_console_browser.rs started with the
// WhatsApp stand-in: an agent writes a private note (shown in its own
// style), resolves with the outcome "referred", and a supervisor reads the
// desk and reassigns a waiting case to an agent.
//
// Environment: KHIDMA_URL, AGENT_TOKEN, SUPERVISOR_TOKEN, WA_APP_SECRET,
// SCREENSHOT_DIR, CHROMIUM (default /usr/bin/chromium). The last line on
// stdout is one JSON object with the results.

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
const SUPERVISOR_TOKEN = env('SUPERVISOR_TOKEN');
const SECRET = env('WA_APP_SECRET');
const SHOTS = env('SCREENSHOT_DIR');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const STEP_TIMEOUT = 20000;

const log = (...parts) => console.error('[desk-console.mjs]', ...parts);

let serial = 0;

/** Posts one signed WhatsApp text message from `waId`; resolves after the 200. */
async function citizenSays(waId, text) {
  serial += 1;
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
            id: `wamid.BROWSER.desk-console.${waId}.${serial}`,
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

async function signIn(page, token, view) {
  const field = page.locator('#token');
  await field.waitFor({ state: 'visible' });
  await field.fill(token);
  await page.keyboard.press('Enter');
  await page.locator(view).waitFor({ state: 'visible' });
}

async function scenario(page) {
  const noted = '966500000931';
  const moved = '966500000932';
  const result = { noted: `whatsapp:${noted}`, moved: `whatsapp:${moved}` };

  await page.goto(`${BASE}/agent`);
  await signIn(page, AGENT_TOKEN, '#app-view');
  await page.locator('#conn[data-state="live"]').waitFor();
  await citizenSays(noted, 'I want to speak to a human please');
  const item = page.locator(`#queue button[data-conversation-id="${result.noted}"]`);
  await item.click();
  await page.locator('#claim').click();
  await page.locator('#conversation-state[data-state="with_agent"]').waitFor();

  // A private note: in the transcript, in its own style.
  result.note_text = 'Called twice before; the old meter is 4411 (private)';
  await page.locator('#note').fill(result.note_text);
  await page.locator('#note-save').click();
  const note = page.locator('#transcript li.note', { hasText: result.note_text });
  await note.waitFor();
  // Read in the page at one moment: a live reload may replace the node.
  const style = await page.waitForFunction(() => {
    const shown = document.querySelector('#transcript li.note');
    return (shown && shown.isConnected && getComputedStyle(shown).borderTopStyle) || null;
  });
  result.note_style = await style.jsonValue();
  result.note_png = join(SHOTS, 'desk-console-note.png');
  await page.screenshot({ path: result.note_png });

  // Resolve, referred to another agency.
  await page.locator('#resolve').click();
  await page.locator('#confirm[open] #outcomes').waitFor();
  await page.locator('#outcome-referred').check();
  result.outcome_png = join(SHOTS, 'desk-console-outcome.png');
  await page.screenshot({ path: result.outcome_png });
  await page.locator('#confirm-ok').click();
  await page.locator('#conversation-state[data-state="bot"]').waitFor();
  result.resolved_line = await page.locator('#transcript .sys-resolved').textContent();

  // A second citizen waits; the supervisor gives their case to sara.
  await citizenSays(moved, 'I want to speak to a human please');
  await page.locator(`#queue button[data-conversation-id="${result.moved}"]`).waitFor();
  await page.locator('#logout').click();
  await signIn(page, SUPERVISOR_TOKEN, '#supervisor-view');
  await page.locator('#desk-teams tr[data-team="general"]').waitFor();
  result.teams = await page.locator('#desk-teams tbody tr').evaluateAll(
    (rows) => rows.map((row) => row.dataset.team));
  result.general_waiting = await page.locator('#desk-teams tr[data-team="general"] .queue-length').textContent();
  result.desk_png = join(SHOTS, 'desk-console-supervisor.png');
  await page.screenshot({ path: result.desk_png, fullPage: true });

  await page.locator(`#desk-cases tr[data-conversation="${result.moved}"] button.move`).click();
  await page.locator('#move-dialog[open]').waitFor();
  await page.locator('#move-target').selectOption('agent:sara');
  await page.locator('#move-reason').fill('Sara handles water billing');
  await page.locator('#move-ok').click();
  await page.locator('#move-dialog').waitFor({ state: 'detached' });
  const row = page.locator(`#desk-cases tr[data-conversation="${result.moved}"]`, { hasText: 'sara' });
  await row.waitFor();
  result.sara_load = await page.locator('#desk-agents tr[data-agent="sara"] .load').textContent();
  result.reassigned_png = join(SHOTS, 'desk-console-reassigned.png');
  await page.screenshot({ path: result.reassigned_png, fullPage: true });
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
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  // The console must not reach beyond khidma.
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(BASE) && !url.startsWith('data:')) problems.push(`external request: ${url}`);
  });
  try {
    const result = await scenario(page);
    result.problems = problems;
    console.log(JSON.stringify(result));
  } catch (err) {
    const failure = join(SHOTS, 'failure-desk-console.png');
    await page.screenshot({ path: failure }).catch(() => {});
    log(`failed: ${err.stack || err}`);
    log(`screenshot of the failure: ${failure}`);
    for (const problem of problems) log(problem);
    process.exitCode = 1;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
