// Drives the agents' console through a ready reply: an agent claims a
// WhatsApp case, types `/` and a word in Arabic in the reply box, picks the
// greeting with Enter and sends it with Enter. tests/api/desk_replies_browser.rs
// started khidma with the WhatsApp stand-in and checks what it received.
//
// Environment: KHIDMA_URL, AGENT_TOKEN, WA_APP_SECRET, SCREENSHOT_DIR,
// CHROMIUM (default /usr/bin/chromium). The last line on stdout is one JSON
// object with the results.

import { join } from 'node:path';

import { claim, env, runInBrowser, signIn, whatsappSender } from './lib.mjs';

const BASE = env('KHIDMA_URL');
const TOKEN = env('AGENT_TOKEN');
const SHOTS = env('SCREENSHOT_DIR');
const WA_ID = '966500000921';

const { citizenSays } = whatsappSender({
  base: BASE,
  secret: env('WA_APP_SECRET'),
  idPrefix: 'replies',
  profileName: 'مواطن',
});

async function scenario(page) {
  const id = `whatsapp:${WA_ID}`;
  const result = { conversation_id: id };
  await signIn(page, BASE, TOKEN);

  await citizenSays(WA_ID, 'الكهرباء مقطوعة عندي في البيت من الصبح');
  await claim(page, id);

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

await runInBrowser({
  name: 'desk-replies',
  shots: SHOTS,
  locale: 'ar-SA',
  keepWithin: [BASE, 'data:'],
}, scenario);
