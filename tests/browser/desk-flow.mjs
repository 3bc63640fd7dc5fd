// The desk's transfer in Debian's chromium (playwright-core), against a
// khidma that tests/api/desk_flow_browser.rs started with the WhatsApp
// stand-in: two citizens ask for a person (general team, omar); omar
// transfers both to utilities with a reason, the later one first; sara
// sees them in her queue in their original order, and the transcript
// with the reason.
//
// Environment: KHIDMA_URL, WA_APP_SECRET, SCREENSHOT_DIR, CHROMIUM.
// The last line on stdout is one JSON object with the results.

import { join } from 'node:path';

import { env, runInBrowser, signIn, whatsappSender } from './lib.mjs';

const BASE = env('KHIDMA_URL');
const SHOTS = env('SCREENSHOT_DIR');
const REASON = 'Water bill dispute: the utilities team handles billing';

const { citizenSays } = whatsappSender({
  base: BASE,
  secret: env('WA_APP_SECRET'),
  idPrefix: 'flow',
  profileName: 'Citizen',
});

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

  await signIn(omar, BASE, 'tok-omar');
  await citizenSays(earlier, 'I want to speak to a human please');
  await citizenSays(later, 'I want to speak to a human please');
  await omar.locator(queueItem(earlierId)).waitFor();
  await omar.locator(queueItem(laterId)).waitFor();

  // The later case first: the earlier one must still go before it.
  result.dialog_png = await transfer(omar, laterId);
  await transfer(omar, earlierId);

  await signIn(sara, BASE, 'tok-sara');
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

await runInBrowser({
  name: 'desk-flow',
  shots: SHOTS,
  locale: 'en-GB',
  // The console keeps its token per tab (sessionStorage): two tabs are
  // two agents.
  pages: ['omar', 'sara'],
  keepWithin: [BASE, 'data:'],
}, scenario);
