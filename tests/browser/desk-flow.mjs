// The desk's transfer in Debian's chromium (playwright-core), against a
// khidma that tests/api/desk_flow_browser.rs started with the WhatsApp
// stand-in: two citizens ask for a person (general team, omar); omar
// transfers both to utilities with a reason, the later one first; sara
// sees them in her queue in their original order, and the transcript
// with the reason.
//
// Environment: KHIDMA_URL, WA_APP_SECRET, SCREENSHOT_DIR, CHROMIUM.
// The last line on stdout is one JSON object with the results.

import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const BASE = env('KHIDMA_URL');
const SECRET = env('WA_APP_SECRET');
const SHOTS = env('SCREENSHOT_DIR');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const STEP_TIMEOUT = 20000;
const REASON = 'Water bill dispute: the utilities team handles billing';

const log = (...parts) => console.error('[desk-flow.mjs]', ...parts);

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
            id: `wamid.BROWSER.flow.${waId}.${serial}`,
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

const queueItem = (id) => `#queue button[data-conversation-id="${id}"]`;

async function transfer(page, id) {
  await page.locator(queueItem(id)).click();
  await page.locator('#transfer').click();
  await page.locator('#transfer-dialog').waitFor({ state: 'visible' });
  await page.locator('#transfer-team').selectOption('utilities');
  await page.locator('#transfer-reason').fill(REASON);
  const shot = join(SHOTS, 'desk-flow-dialog.png');
  await page.screenshot({ path: shot });
  await page.locator('#transfer-send').click();
  await page.locator('#transfer-dialog').waitFor({ state: 'detached' });
  await page.locator(queueItem(id)).waitFor({ state: 'detached' });
  return shot;
}

async function scenario(omar, sara) {
  const earlier = '966500000931';
  const later = '966500000932';
  const [earlierId, laterId] = [`whatsapp:${earlier}`, `whatsapp:${later}`];
  const result = {};

  await signIn(omar, 'tok-omar');
  await citizenSays(earlier, 'I want to speak to a human please');
  await citizenSays(later, 'I want to speak to a human please');
  await omar.locator(queueItem(earlierId)).waitFor();
  await omar.locator(queueItem(laterId)).waitFor();

  // The later case first: the earlier one must still go before it.
  result.dialog_png = await transfer(omar, laterId);
  await transfer(omar, earlierId);

  await signIn(sara, 'tok-sara');
  await sara.locator(queueItem(laterId)).waitFor();
  result.sara_queue = await sara.locator('#queue button[data-conversation-id]')
    .evaluateAll((buttons) => buttons.map((button) => button.dataset.conversationId));
  result.queue_png = join(SHOTS, 'desk-flow-queue.png');
  await sara.screenshot({ path: result.queue_png });

  await sara.locator(queueItem(laterId)).click();
  const moved = sara.locator('#transcript .sys-transferred');
  await moved.waitFor();
  result.transferred_text = await moved.innerText();
  result.citizen_lines = await sara.locator('#transcript .msg.citizen').count();
  result.conversation_png = join(SHOTS, 'desk-flow-conversation.png');
  await sara.screenshot({ path: result.conversation_png });
  result.reason = REASON;
  return result;
}

async function main() {
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
  const omar = context.pages()[0] ?? await context.newPage();
  const problems = [];
  const pages = [omar];
  try {
    // The console keeps its token per tab (sessionStorage): two tabs are
    // two agents.
    const sara = await context.newPage();
    pages.push(sara);
    for (const page of pages) {
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
    }
    const result = await scenario(omar, sara);
    result.problems = problems;
    console.log(JSON.stringify(result));
  } catch (err) {
    const failure = join(SHOTS, 'desk-flow-failure.png');
    await pages[pages.length - 1].screenshot({ path: failure }).catch(() => {});
    log(`failed: ${err.stack || err}`);
    for (const problem of problems) log(problem);
    process.exitCode = 1;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
