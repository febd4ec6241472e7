// What every real-browser script under ui-tests/ shares: the figures it must find (the JSON file its IT wrote, argv[2]),
// its checks (one line each: "ok  …" or "FAIL …"), Chromium started headless as the ITs expect, a page with its script
// errors gathered, the master key's login, and the closing line
// "N passed, N failed" with the exit code the IT reads (support/BrowserScript.java runs the scripts).
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';

/** The expected figures: { baseUrl, masterKey, chromium, screenshots, … }. */
export const exp = JSON.parse(readFileSync(process.argv[2], 'utf8'));

let passed = 0;
let failed = 0;

export function check(name, ok, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ' — ' + detail : ''}`);
}

/** An error no check caught: a failure of its own. */
export function unexpected(e) {
  failed++;
  console.log('FAIL unexpected: ' + (e && e.stack || e));
}

/** Debian's Chromium, headless, with the screenshots' folder made. */
export async function launch() {
  mkdirSync(exp.screenshots, { recursive: true });
  return chromium.launch({ executablePath: exp.chromium, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A new page in a new context of `browser` at `viewport` ({ width, height }), the page's script errors gathered in `errors`. */
export async function newPage(browser, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Logs `page` in with the master key and waits for the overview to have loaded. */
export async function logIn(page) {
  await page.goto(exp.baseUrl + '/ui/login');
  await page.fill('#master_key', exp.masterKey);
  await page.click('#login-button');
  await page.waitForSelector('body[data-overview-loaded="true"]', { timeout: 20000 });
}

/** Prints the closing line and exits 1 on any failure. */
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
