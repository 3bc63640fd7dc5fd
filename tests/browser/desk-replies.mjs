// Drives the agents' console through a ready reply: an agent claims a
// WhatsApp case, types `/` and a word in Arabic in the reply box, picks the
// greeting with Enter and sends it with Enter. tests/api/desk_replies_browser.rs
// started khidma with the WhatsApp stand-in and checks what it received.
//
// Environment: KHIDMA_URL, AGENT_TOKEN, WA_APP_SECRET, SCREENSHOT_DIR,
// CHROMIUM (default /usr/bin/chromium). The last line on stdout is one JSON
// object with the results.

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
const TOKEN = env('AGENT_TOKEN');
const SECRET = env('WA_APP_SECRET');
const SHOTS = env('SCREENSHOT_DIR');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const STEP_TIMEOUT = 20000;
const WA_ID = '966500000921';

const log = (...parts) => console.error('[desk-replies.mjs]', ...parts);

/** Posts one signed WhatsApp text message; resolves after the 200. */
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
          contacts: [{ profile: { name: 'مواطن' }, wa_id: waId }],
          messages: [{
            from: waId,
            id: `wamid.BROWSER.replies.${waId}.${Date.now()}`,
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
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
}

async function scenario(page) {
  const id = `whatsapp:${WA_ID}`;
  const result = { conversation_id: id };
  await page.goto(`${BASE}/agent`);
  const token = page.locator('#token');
  await token.waitFor({ state: 'visible' });
  await token.fill(TOKEN);
  await page.keyboard.press('Enter');
  await page.locator('#conn[data-state="live"]').waitFor();

  await citizenSays(WA_ID, 'الكهرباء مقطوعة عندي في البيت من الصبح');
  const item = page.locator(`#queue button[data-conversation-id="${id}"]`);
  await item.click();
  await page.locator('#claim').click();
  await page.locator('#conversation-state[data-state="with_agent"]').waitFor();
  await page.waitForFunction(() => !document.getElementById('reply').disabled);

  // `/` and a word: the matching ready replies open under the box.
  await page.locator('#reply').focus();
  await page.keyboard.type('/ترحيب');
  const pick = page.locator('#reply-picks .reply-pick[data-id="greeting"]');
  await pick.waitFor();
  result.picks_png = join(SHOTS, 'desk-replies-picks.png');
  await page.screenshot({ path: result.picks_png });

  // Enter inserts the chosen reply, filled for this case; Enter again sends.
  await page.keyboard.press('Enter');
  await page.locator('#reply-picks').waitFor({ state: 'hidden' });
  result.reply_text = await page.locator('#reply').inputValue();
  if (result.reply_text.includes('{') || !result.reply_text.includes('KH-')) {
    throw new Error(`the reply's placeholders are filled: ${result.reply_text}`);
  }
  await page.keyboard.press('Enter');
  await page.locator('#transcript .msg.agent', { hasText: 'KH-' }).waitFor();
  await page.waitForFunction(() => document.getElementById('reply').value === '');
  result.sent_png = join(SHOTS, 'desk-replies-sent.png');
  await page.screenshot({ path: result.sent_png });
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
    locale: 'ar-SA',
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
    const failure = join(SHOTS, 'desk-replies-failure.png');
    await page.screenshot({ path: failure }).catch(() => {});
    log(`failed: ${err.stack || err}`);
    for (const problem of problems) log(problem);
    process.exitCode = 1;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
