// The dashboard's fixes from QA run D in a real browser (Debian's Chromium, headless, playwright-core). Started by
// DashboardFixesBrowserIT with: node dashboard-fixes.mjs <expected.json>
// expected.json: { baseUrl, masterKey, chromium, screenshots, pages, longAliases }. Prints one line per check and ends
// with "N passed, N failed"; exits 1 on any failure.
import { exp, check, unexpected, launch, finish } from './harness.mjs';

const base = exp.baseUrl;

const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/ui/login');
  await page.fill('#master_key', exp.masterKey);
  await page.click('#login-button');
  await page.waitForSelector('body[data-overview-loaded="true"]', { timeout: 20000 });

  // ------------------------------------------------------------ the global budget (finding 2)
  const budget = await page.$eval('#global-budget', (e) => ({ hidden: e.hidden, text: e.textContent, cls: e.className }));
  check('the overview shows the global budget', !budget.hidden && /Global budget: \$[\d.]+ of \$0\.0001 per 1mo/.test(budget.text), budget.text);
  check('a global budget that refuses calls says so plainly', /refusing calls|exhausted/.test(budget.text) && budget.cls.includes('bad'), budget.text);

  // ------------------------------------------------------------ one money format (finding 5)
  const formats = await page.evaluate(() => [usd(0.041), usd(0.0149), usd(0.01150375), usd(0.004635), usd(12.3456), usd(2500.456), usd(0)]);
  check('amounts keep 4 significant digits, cents from $1,000', JSON.stringify(formats)
    === JSON.stringify(['$0.041', '$0.0149', '$0.0115', '$0.004635', '$12.35', '$2500.46', '$0.00']), JSON.stringify(formats));

  // ------------------------------------------------------------ a deleted key on the overview (finding 4)
  const deleted = await page.$$eval('#table-budget tbody tr[data-deleted="true"]', (rows) => rows.map((r) => r.textContent));
  check('month to date marks a deleted key, without a made-up "none" budget', deleted.length === 1
    && deleted[0].includes('temp-app (deleted)') && !deleted[0].includes('none'), JSON.stringify(deleted));
  const apps = await page.$$eval('#table-spend tbody tr', (rows) => rows.map((r) => r.getAttribute('data-app')));
  check('spend per app names the deleted key as deleted', apps.includes('temp-app (deleted)'), JSON.stringify(apps));

  // ------------------------------------------------------------ long aliases under the fallback chart (finding 7)
  await page.waitForSelector('#chart-fallback[data-rendered="true"]', { timeout: 10000 });
  const labels = await page.$$eval('#chart-fallback svg text', (ts, prefix) => ts
    .filter((t) => t.textContent.startsWith(prefix)).map((t) => { const r = t.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height, text: t.textContent }; }),
  exp.longAliases[0].slice(0, 12));
  const clash = labels.some((a, i) => labels.some((b, j) => i < j && overlaps(a, b)));
  check('the fallback chart draws each long alias under its bar without overlapping', labels.length === 2 && !clash, JSON.stringify(labels));
  check('a cut label ends in an ellipsis', labels.every((l) => /(…|\.\.\.)$/.test(l.text)), JSON.stringify(labels.map((l) => l.text)));
  await page.screenshot({ path: exp.screenshots + '/fixes-overview.png', fullPage: true });

  // ------------------------------------------------------------ the Requests pager (finding 6)
  await page.click('nav a[data-tab="requests"]');
  await page.waitForFunction(() => document.querySelector('#page-no').textContent.startsWith('page 1 of'));
  for (let i = 1; i < exp.pages; i++) {
    await page.click('#next-page');
    await page.waitForFunction((n) => document.querySelector('#page-no').textContent.startsWith('page ' + n + ' '), i + 1);
  }
  const last = await page.$eval('#page-no', (e) => e.textContent);
  check('the pager reaches the last page', last === `page ${exp.pages} of ${exp.pages}`, last);
  check('"older" is disabled at the last page', await page.$eval('#next-page', (b) => b.disabled));
  await page.click('#next-page', { force: true }).catch(() => {});
  await page.waitForTimeout(300);
  const after = await page.$eval('#page-no', (e) => e.textContent);
  check('a click on it goes nowhere', after === last, after);
  await page.click('#prev-page');
  await page.waitForFunction((n) => document.querySelector('#page-no').textContent.startsWith('page ' + n + ' '), exp.pages - 1);
  check('"older" is enabled again before the last page', !(await page.$eval('#next-page', (b) => b.disabled)));

  // ------------------------------------------------------------ key status (finding 4)
  await page.click('nav a[data-tab="keys"]');
  await page.waitForSelector('#table-keys tbody tr[data-key-alias="expired-app"]');
  const status = async (alias) => page.$eval(`#table-keys tbody tr[data-key-alias="${alias}"] td[data-status]`, (td) => td.textContent);
  check('an expired key reads "expired"', (await status('expired-app')) === 'expired', await status('expired-app'));
  check('a blocked key reads "blocked"', (await status('blocked-app')) === 'blocked', await status('blocked-app'));
  check('a live key reads "active"', (await status(exp.longAliases[0])) === 'active', await status(exp.longAliases[0]));

  // ------------------------------------------------------------ phone width (finding 7)
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(base + '/ui/#overview');
  await page.waitForSelector('body[data-overview-loaded="true"]', { timeout: 20000 });
  await page.waitForTimeout(300);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check('the overview fits a 375 px screen', width <= 375, 'document width ' + width);
  await page.screenshot({ path: exp.screenshots + '/fixes-overview-375.png', fullPage: true });

  check('no script error', errors.length === 0, errors.join(' | '));
} finally {
  await browser.close();
}
finish();
