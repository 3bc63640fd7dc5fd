// The agents' desk, part 3, in Debian's chromium through playwright-core,
// against a khidma that tests/api/desk_console_browser.rs started with the
// WhatsApp stand-in: an agent writes a private note (shown in its own
// style), resolves with the outcome "referred", and a supervisor reads the
// desk and reassigns a waiting case to an agent.
//
// Environment: KHIDMA_URL, AGENT_TOKEN, SUPERVISOR_TOKEN, WA_APP_SECRET,
// SCREENSHOT_DIR, CHROMIUM (default /usr/bin/chromium). The last line on
// stdout is one JSON object with the results.

import { join } from 'node:path';

import { claim, enterToken, env, runInBrowser, signIn, whatsappSender } from './lib.mjs';

const BASE = env('KHIDMA_URL');
const AGENT_TOKEN = env('AGENT_TOKEN');
const SUPERVISOR_TOKEN = env('SUPERVISOR_TOKEN');
const SHOTS = env('SCREENSHOT_DIR');

const { citizenSays } = whatsappSender({
  base: BASE,
  secret: env('WA_APP_SECRET'),
  idPrefix: 'desk-console',
  profileName: 'Citizen',
});

async function scenario(page) {
  const noted = '966500000931';
  const moved = '966500000932';
  const result = { noted: `whatsapp:${noted}`, moved: `whatsapp:${moved}` };

  await signIn(page, BASE, AGENT_TOKEN);
  await citizenSays(noted, 'I want to speak to a human please');
  await claim(page, result.noted);

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
  await enterToken(page, SUPERVISOR_TOKEN);
  await page.locator('#supervisor-view').waitFor({ state: 'visible' });
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

await runInBrowser({
  name: 'desk-console',
  shots: SHOTS,
  locale: 'en-GB',
  // The console must not reach beyond khidma.
  keepWithin: [BASE, 'data:'],
}, scenario);
