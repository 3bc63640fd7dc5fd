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

import { join } from 'node:path';

import { claim, env, runInBrowser, signIn, whatsappSender } from './lib.mjs';

const BASE = env('KHIDMA_URL');
const TOKEN = env('AGENT_TOKEN');
const SHOTS = env('SCREENSHOT_DIR');
const WA_ID = '966500000931';

const { citizenSays, whatsappReports } = whatsappSender({
  base: BASE,
  secret: env('WA_APP_SECRET'),
  idPrefix: 'window',
  profileName: 'Citizen',
});

async function scenario(page) {
  const id = `whatsapp:${WA_ID}`;
  const result = { conversation_id: id };
  await signIn(page, BASE, TOKEN);

  await citizenSays(WA_ID, 'I want to speak to a human please');
  await claim(page, id);

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

  await whatsappReports(WA_ID, 'wamid.TEMPLATE', 'delivered');
  await whatsappReports(WA_ID, 'wamid.TEMPLATE', 'read');
  await page.locator('#transcript .msg.agent .tick[data-tick="read"]').waitFor();
  result.tick_after = 'read';
  result.ticks_png = join(SHOTS, 'desk-whatsapp-ticks.png');
  await page.screenshot({ path: result.ticks_png });
  return result;
}

await runInBrowser({
  name: 'desk-whatsapp',
  shots: SHOTS,
  locale: 'en-GB',
  keepWithin: [BASE, 'data:'],
}, scenario);
