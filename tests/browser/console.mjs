// Drives the agents' console (GET /agent) in Debian's chromium through
// playwright-core, against a khidma that tests/api/console_browser.rs
// started with the WhatsApp stand-in. Citizens write through signed
// WhatsApp webhooks, exactly as Meta would send them.
//
// Environment: KHIDMA_URL, AGENT_TOKEN, WA_APP_SECRET, SCREENSHOT_DIR,
// SCENARIO (urgent | incident), CHROMIUM (default /usr/bin/chromium).
// The last line on stdout is one JSON object with the results.

import { join } from 'node:path';

import { STEP_TIMEOUT, env, logger, runInBrowser, signIn, whatsappSender } from './lib.mjs';

const BASE = env('KHIDMA_URL');
const TOKEN = env('AGENT_TOKEN');
const SHOTS = env('SCREENSHOT_DIR');
const SCENARIO = env('SCENARIO', 'urgent');

const NAME = `console-${SCENARIO}`;
const log = logger(NAME);
const { citizenSays } = whatsappSender({
  base: BASE,
  secret: env('WA_APP_SECRET'),
  idPrefix: SCENARIO,
  profileName: 'مواطن',
});

/** Resolves with Date.now() in the page when `selector` first matches. */
async function watchFor(page, selector) {
  await page.evaluate((wanted) => {
    window.__appeared = new Promise((resolve) => {
      const check = () => {
        if (document.querySelector(wanted)) {
          resolve(Date.now());
          return true;
        }
        return false;
      };
      if (check()) return;
      const observer = new MutationObserver(() => {
        if (check()) observer.disconnect();
      });
      observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    });
  }, selector);
}

async function urgentScenario(page) {
  const waId = '966500000901';
  const id = `whatsapp:${waId}`;
  const result = { scenario: 'urgent', conversation_id: id };

  await signIn(page, BASE, TOKEN);
  const dir = await page.evaluate(() => document.documentElement.dir);
  if (dir !== 'rtl') throw new Error(`an Arabic browser gets the Arabic console, right to left; dir=${dir}`);
  await page.locator('#queue-empty').waitFor({ state: 'visible' });
  if (await page.locator('#queue li').count() !== 0) throw new Error('the queue starts empty');

  const item = `#queue button[data-conversation-id="${id}"][data-priority="urgent"]`;
  await watchFor(page, item);
  const t0 = Date.now();
  await citizenSays(waId, 'الكهرباء مقطوعة عندي في البيت من الصبح');
  const t1 = await page.evaluate((limit) => Promise.race([
    window.__appeared,
    new Promise((resolve) => { setTimeout(() => resolve(null), limit); }),
  ]), STEP_TIMEOUT);
  if (t1 === null) throw new Error(`the urgent item did not appear in the queue within ${STEP_TIMEOUT} ms`);
  result.urgent_to_console_ms = t1 - t0;
  log(`urgent item in the console ${result.urgent_to_console_ms} ms after the webhook POST`);

  const button = page.locator(item);
  await button.locator('.urgent-badge').waitFor();
  // Screen readers hear of it (aria-live).
  await page.waitForFunction(() => document.getElementById('announcer').textContent !== '');
  const announced = await page.locator('#announcer').textContent();
  result.announced = announced;
  result.queue_png = join(SHOTS, 'queue.png');
  await page.screenshot({ path: result.queue_png });

  // Open it with the keyboard.
  await button.focus();
  await page.keyboard.press('Enter');
  await page.locator('#detail-heading').waitFor();
  await page.locator('#transcript .msg.citizen .msg-text[dir="auto"]').first().waitFor();
  const transcript = await page.locator('#transcript').textContent();
  if (!transcript.includes('الكهرباء مقطوعة')) throw new Error(`the transcript shows the citizen: ${transcript}`);
  // The citizen's remembered cases, this one first, beside the transcript.
  await page.locator('#earlier-cases li[data-outcome="escalated"]').first().waitFor();

  await page.locator('#claim').focus();
  await page.keyboard.press('Enter');
  await page.locator('#conversation-state[data-state="with_agent"]').waitFor();
  const reply = page.locator('#reply');
  await reply.waitFor({ state: 'visible' });
  await page.waitForFunction(() => !document.getElementById('reply').disabled);
  await reply.focus();
  await page.keyboard.type('أهلًا، معك سارة');
  // Shift+Enter is a new line, not a send.
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('من فريق الطوارئ.');
  await page.keyboard.press('Enter');
  await page.locator('#transcript .msg.agent', { hasText: 'من فريق الطوارئ' }).waitFor();
  result.reply_text = 'أهلًا، معك سارة\nمن فريق الطوارئ.';
  await page.waitForFunction(() => document.getElementById('reply').value === '');
  result.conversation_png = join(SHOTS, 'conversation.png');
  await page.screenshot({ path: result.conversation_png });

  // The stand-in refuses this one as WhatsApp does after 24 hours.
  result.refused_text = 'Are you still there? (window test)';
  await page.locator('#reply').focus();
  await page.keyboard.type(result.refused_text);
  await page.keyboard.press('Enter');
  const warning = page.locator('#reply-failure[data-failure="outside_window"][role="alert"]');
  await warning.waitFor();
  result.failure_warning = await warning.textContent();
  await page.locator('#transcript .msg.agent.failed').waitFor();
  result.failed_reply_png = join(SHOTS, 'conversation-failed-reply.png');
  await page.screenshot({ path: result.failed_reply_png });

  // Resolve: the confirmation closes with Esc, then confirm for real.
  await page.locator('#resolve').focus();
  await page.keyboard.press('Enter');
  await page.locator('#confirm[open]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('#confirm:not([open])').waitFor({ state: 'attached' });
  await page.locator('#conversation-state[data-state="with_agent"]').waitFor();
  await page.locator('#resolve').click();
  await page.locator('#confirm[open]').waitFor();
  await page.locator('#confirm-ok').click();
  await page.locator('#conversation-state[data-state="bot"]').waitFor();
  await page.locator('#transcript .sys-resolved').waitFor();

  // The English console, left to right.
  await page.locator('#lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.dir === 'ltr' && document.documentElement.lang === 'en');
  await page.locator('#conversation-state', { hasText: 'Back with the bot' }).waitFor();
  return result;
}

async function incidentScenario(page) {
  const citizens = [
    ['966500000911', 'المياه مقطوعة في حي النزهة منذ الصباح'],
    ['966500000912', 'انقطاع المياه في حي النزهة'],
    ['966500000913', 'الماء مقطوع عندنا في حي النزهة من أمس'],
  ];
  const result = { scenario: 'incident', citizens: citizens.map(([waId]) => waId) };
  await page.goto(`${BASE}/agent`);
  await page.locator('#token').waitFor({ state: 'visible' });
  result.login_png = join(SHOTS, 'login.png');
  await page.screenshot({ path: result.login_png });
  await signIn(page, BASE, TOKEN);
  if (await page.evaluate(() => document.documentElement.dir) !== 'ltr') throw new Error('English is left to right');

  for (const [waId, text] of citizens) await citizenSays(waId, text);
  const incident = page.locator('#queue button[data-incident-id]', {
    has: page.locator('.count-badge[data-count="3"]'),
  });
  await incident.waitFor();
  const items = await page.locator('#queue button').count();
  const separate = await page.locator('#queue button[data-conversation-id]').count();
  if (separate !== 0) throw new Error(`the incident's conversations are not listed apart (${separate} are, of ${items})`);
  result.incident_id = await incident.getAttribute('data-incident-id');

  await incident.focus();
  await page.keyboard.press('Enter');
  await page.locator('#incident-form').waitFor();
  await page.locator('#detail .members button').nth(2).waitFor();
  result.incident_png = join(SHOTS, 'incident.png');
  await page.screenshot({ path: result.incident_png });

  result.update_ar = 'فرق الصيانة تعمل على إصلاح خط المياه، ونتوقع عودة الخدمة خلال ساعتين.';
  result.update_en = 'Repair crews are fixing the water main; we expect service back within two hours.';
  await page.locator('#update-ar').fill(result.update_ar);
  await page.locator('#update-en').fill(result.update_en);
  await page.locator('#update-send').click();
  const sent = page.locator('#incident-result');
  await sent.waitFor();
  result.sent = Number(await sent.getAttribute('data-sent'));
  result.failed = Number(await sent.getAttribute('data-failed'));
  await page.locator('#detail .updates li', { hasText: 'Repair crews' }).waitFor();
  result.incident_update_png = join(SHOTS, 'incident-update.png');
  await page.screenshot({ path: result.incident_update_png });

  // An update WhatsApp refuses (the stand-in answers 131047 for this text):
  // a warning lists every citizen it did not reach, and why.
  await page.locator('#update-en').fill('Crews are still on site. (window test)');
  await page.locator('#update-send').click();
  const refused = page.locator('#incident-result[data-failed="3"][role="alert"]');
  await refused.waitFor();
  const listed = await refused.locator('li').count();
  if (listed !== 3) throw new Error(`the warning lists the 3 citizens it did not reach, not ${listed}`);
  result.refused_warning = await refused.textContent();
  result.incident_failed_png = join(SHOTS, 'incident-failed-update.png');
  await page.screenshot({ path: result.incident_failed_png });

  // The same incident in the Arabic console, right to left.
  await page.locator('#lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.locator('#incident-form').waitFor();
  await page.locator('#detail').evaluate((detail) => { detail.scrollTop = 0; });
  result.incident_ar_png = join(SHOTS, 'incident-ar.png');
  await page.screenshot({ path: result.incident_ar_png });

  // A narrow window shows one pane at a time; Esc goes back to the queue.
  await page.setViewportSize({ width: 760, height: 900 });
  await page.locator('#detail .back').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await page.locator('#queue-pane').waitFor({ state: 'visible' });
  result.narrow_png = join(SHOTS, 'narrow-queue.png');
  await page.screenshot({ path: result.narrow_png });
  return result;
}

await runInBrowser({
  name: NAME,
  shots: SHOTS,
  // An Arabic browser gets the Arabic console.
  locale: SCENARIO === 'urgent' ? 'ar-SA' : 'en-GB',
  // The console must not reach beyond khidma.
  keepWithin: [BASE, 'data:'],
}, SCENARIO === 'incident' ? incidentScenario : urgentScenario);
