// The harness every browser script of this folder shares, so that each
// script holds only its scenario: reading the environment, logging to
// stderr, posting signed WhatsApp webhooks as Meta would, signing in to
// the agents' console, and running a scenario in Debian's chromium
// (playwright-core) with the result as the last line of stdout, which
// tests/api/browser_helpers.rs::run_script reads as JSON.
//
// Environment read here: CHROMIUM (default /usr/bin/chromium).

import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

/** How long one step (a wait, a click) may take. */
export const STEP_TIMEOUT = 20000;

/** The variable `name`, or `fallback`; throws when neither is there. */
export function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

/** Logs to stderr: stdout is kept for the result. */
export function logger(name) {
  return (...parts) => console.error(`[${name}]`, ...parts);
}

const whatsappTimestamp = () => String(Math.floor(Date.now() / 1000));

/**
 * Posts WhatsApp webhooks to khidma, signed with the app secret
 * (X-Hub-Signature-256) as Meta signs them. `idPrefix` keeps this
 * script's message ids apart from every other script's.
 */
export function whatsappSender({ base, secret, idPrefix, profileName }) {
  let serial = 0;

  /** Posts one signed webhook carrying `value`; resolves after the 200. */
  async function webhook(value) {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{
        id: '100000000000001',
        changes: [{
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '966110000000', phone_number_id: '200000000000002' },
            ...value,
          },
        }],
      }],
    });
    const signature = 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
    const response = await fetch(`${base}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
      body,
    });
    if (response.status !== 200) {
      throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
    }
  }

  /** Posts one text message from `waId`; resolves after the 200. */
  function citizenSays(waId, text) {
    serial += 1;
    return webhook({
      contacts: [{ profile: { name: profileName }, wa_id: waId }],
      messages: [{
        from: waId,
        id: `wamid.BROWSER.${idPrefix}.${waId}.${serial}`,
        timestamp: whatsappTimestamp(),
        type: 'text',
        text: { body: text },
      }],
    });
  }

  /** WhatsApp reports the message `messageId` to `waId` as `status`. */
  function whatsappReports(waId, messageId, status) {
    return webhook({
      statuses: [{ id: messageId, status, timestamp: whatsappTimestamp(), recipient_id: waId }],
    });
  }

  return { citizenSays, whatsappReports };
}

/**
 * Types `token` into the console's sign-in field and presses Enter:
 * keyboard only, as an agent may.
 */
export async function enterToken(page, token) {
  const field = page.locator('#token');
  await field.waitFor({ state: 'visible' });
  await field.focus();
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
}

/** Signs an agent in to the console (GET /agent); resolves once the queue is live. */
export async function signIn(page, base, token) {
  await page.goto(`${base}/agent`);
  await enterToken(page, token);
  await page.locator('#app-view').waitFor({ state: 'visible' });
  await page.locator('#conn[data-state="live"]').waitFor();
}

/** Opens the case `conversationId` from the console's queue and claims it; resolves once the agent may reply. */
export async function claim(page, conversationId) {
  await page.locator(`#queue button[data-conversation-id="${conversationId}"]`).click();
  await page.locator('#claim').click();
  await page.locator('#conversation-state[data-state="with_agent"]').waitFor();
  await page.waitForFunction(() => !document.getElementById('reply').disabled);
}

/**
 * Collects into `problems` what `page` should never do: throw, log an
 * error (but those `expectedConsoleErrors` matches), request anything
 * outside `keepWithin` (URL prefixes; unwatched without it), or, with
 * `failedResponses`, get an answer of 400 or more.
 */
function watchForProblems(page, problems, { keepWithin, expectedConsoleErrors, failedResponses }) {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' || expectedConsoleErrors?.test(message.text())) return;
    problems.push(`console error: ${message.text()}`);
  });
  if (keepWithin) {
    page.on('request', (request) => {
      const url = request.url();
      if (!keepWithin.some((prefix) => url.startsWith(prefix))) problems.push(`external request: ${url}`);
    });
  }
  if (failedResponses) {
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
    });
  }
}

/**
 * Runs `scenario(...pages)` in a fresh chromium profile, one page (tab)
 * for each of `pages` (their names name the failure screenshots), and
 * prints its result, with the problems seen, as the last line of stdout.
 * On failure: a screenshot of every page in `shots`, the error and the
 * problems on stderr, exit code 1. The profile is removed either way.
 *
 * `locale` is the browser's language (ar-SA gets the Arabic pages);
 * `viewport` and `acceptDownloads` go to playwright; `keepWithin`,
 * `expectedConsoleErrors` and `failedResponses` to watchForProblems.
 */
export async function runInBrowser({
  name,
  shots,
  locale,
  pages = ['page'],
  viewport = { width: 1366, height: 768 },
  acceptDownloads,
  ...watch
}, scenario) {
  const log = logger(name);
  mkdirSync(shots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'khidma-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env('CHROMIUM', '/usr/bin/chromium'),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
    locale,
    timezoneId: 'Asia/Riyadh',
    acceptDownloads,
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const problems = [];
  const opened = [];
  try {
    for (const pageName of pages) {
      // The profile opens with one page: the first of ours.
      const page = (opened.length === 0 && context.pages()[0]) || await context.newPage();
      watchForProblems(page, problems, watch);
      opened.push([pageName, page]);
    }
    const result = await scenario(...opened.map(([, page]) => page));
    result.problems = problems;
    console.log(JSON.stringify(result));
  } catch (err) {
    log(`failed: ${err.stack || err}`);
    for (const [pageName, page] of opened) {
      const suffix = opened.length === 1 ? '' : `-${pageName}`;
      const failure = join(shots, `failure-${name}${suffix}.png`);
      await page.screenshot({ path: failure, fullPage: true }).catch(() => {});
      log(`screenshot of the failure: ${failure}`);
    }
    for (const problem of problems) log(problem);
    process.exitCode = 1;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
