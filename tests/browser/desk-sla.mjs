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

import { join } from 'node:path';

import { enterToken, env, runInBrowser, signIn, whatsappSender } from './lib.mjs';

const BASE = env('KHIDMA_URL');
const AGENT_TOKEN = env('AGENT_TOKEN');
const ESCALATION_TOKEN = env('ESCALATION_TOKEN');
const SUPERVISOR_TOKEN = env('SUPERVISOR_TOKEN');
const SHOTS = env('SCREENSHOT_DIR');

const { citizenSays } = whatsappSender({
  base: BASE,
  secret: env('WA_APP_SECRET'),
  idPrefix: 'desk-sla',
  profileName: 'Citizen',
});

/** A supervisor's token opens the desk, with its live alerts. */
async function signInSupervisor(page, token) {
  await page.goto(`${BASE}/agent`);
  await enterToken(page, token);
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
  await signIn(utilities, BASE, AGENT_TOKEN);
  await signIn(escalation, BASE, ESCALATION_TOKEN);
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

await runInBrowser({
  name: 'desk-sla',
  shots: SHOTS,
  locale: 'en-GB',
  pages: ['utilities', 'escalation', 'supervisor'],
  // The console must not reach beyond khidma.
  keepWithin: [BASE, 'data:'],
  failedResponses: true,
}, scenario);
