// A citizen whose WhatsApp window closed, in the agents' console (Debian's
// chromium through playwright-core), against a khidma that
// tests/api/desk_whatsapp_browser.rs started with the WhatsApp stand-in,
// which refuses free text as WhatsApp does after 24 hours and takes
// templates: the console offers the template, the agent sends it, and the
// message's ticks change when WhatsApp reports it read.
//
// Environment: KHIDMA_URL, AGENT_TOKEN, WA_APP_SECRET, SCREENSHOT_DIR,
// CHROMIUM (default /usr/bin/chromium). The last line on stdout is one JSON
// object with the results.

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
const TOKEN = env('AGENT_TOKEN');
const SECRET = env('WA_APP_SECRET');
const SHOTS = env('SCREENSHOT_DIR');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const STEP_TIMEOUT = 20000;
const WA_ID = '966500000931';

const log = (...parts) => console.error('[desk-whatsapp.mjs]', ...parts);

/** Posts one signed WhatsApp webhook carrying `value`; resolves after the 200. */
async function webhook(value) {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '100000000000001', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '966110000000', phone_number_id: '200000000000002' },
      ...value,
    } }] }],
  });
  const signature = 'sha256=' + createHmac('sha256', SECRET).update(body, 'utf8').digest('hex');
  const response = await fetch(`${BASE}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
    body,
  });
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
}

const citizenSays = (text) => webhook({
  contacts: [{ profile: { name: 'Citizen' }, wa_id: WA_ID }],
  messages: [{ from: WA_ID, id: 'wamid.BROWSER.window.1', timestamp: String(Math.floor(Date.now() / 1000)),
    type: 'text', text: { body: text } }],
});

const whatsappReports = (messageId, status) => webhook({
  statuses: [{ id: messageId, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: WA_ID }],
});

async function scenario(page) {
  const id = `whatsapp:${WA_ID}`;
  const result = { conversation_id: id };
  await page.goto(`${BASE}/agent`);
  await page.locator('#token').fill(TOKEN);
  await page.keyboard.press('Enter');
  await page.locator('#conn[data-state="live"]').waitFor();

  await citizenSays('I want to speak to a human please');
  const item = page.locator(`#queue button[data-conversation-id="${id}"]`);
  await item.click();
  await page.locator('#claim').click();
  await page.locator('#conversation-state[data-state="with_agent"]').waitFor();
  await page.waitForFunction(() => !document.getElementById('reply').disabled);

  // The stand-in refuses this text with 131047: the window has closed.
  result.reply_text = 'Your meter was replaced today. (window test)';
  await page.locator('#reply').fill(result.reply_text);
  await page.keyboard.press('Enter');
  await page.locator('#reply-failure[data-failure="outside_window"]').waitFor();
  const offer = page.locator('#send-template');
  await offer.waitFor();
  result.offer_text = await page.locator('.template-offer').textContent();
  result.offer_png = join(SHOTS, 'desk-whatsapp-offer.png');
  await page.screenshot({ path: result.offer_png });

  await offer.click();
  await page.locator('.notice[role="status"]').waitFor();
  await page.locator('#reply-failure').waitFor({ state: 'detached' });
  const sent = page.locator('#transcript .msg.agent:not(.failed) .tick').last();
  await sent.waitFor();
  result.tick_before = await sent.getAttribute('data-tick');

  await whatsappReports('wamid.TEMPLATE', 'delivered');
  await whatsappReports('wamid.TEMPLATE', 'read');
  await page.locator('#transcript .msg.agent .tick[data-tick="read"]').waitFor();
  result.tick_after = 'read';
  result.ticks_png = join(SHOTS, 'desk-whatsapp-ticks.png');
  await page.screenshot({ path: result.ticks_png });
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
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  try {
    const result = await scenario(page);
    result.problems = problems;
    console.log(JSON.stringify(result));
  } catch (err) {
    const failure = join(SHOTS, 'desk-whatsapp-failure.png');
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
