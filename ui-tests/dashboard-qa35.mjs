// The dashboard QA of the thirty-fifth session in a real browser. Started by DashboardQaBrowserIT with:
// node dashboard-qa35.mjs <expected.json>   (expected.json: { baseUrl, masterKey, chromium, screenshots })
// The IT made two keys: `cron` (rpm_limit 1: one call served, two refused with 429) and `burner` (three calls of a
// dearer model, created before cron). Prints one line per check, "N passed, N failed"; exits 1 on any failure.
import { exp, check, unexpected, launch, newPage, logIn, finish } from './harness.mjs';

const base = exp.baseUrl;
const browser = await launch();
try {
  const { page, errors } = await newPage(browser, { width: 1366, height: 768 });
  await logIn(page);

  // month to date: the app that spent most this month first (it was the registry's order)
  const mtd = await page.$$eval('#table-budget tbody tr', (rows) => rows.map((r) => r.getAttribute('data-key')));
  check('month to date lists the most spent first', mtd[0] === 'burner' && mtd.includes('cron'), JSON.stringify(mtd));

  // an app's name on the overview opens its calls; the filter is in the address
  await Promise.all([page.waitForResponse((r) => r.url().includes('/ui/api/requests?')),
    page.click('#table-spend a.app-link:text-is("cron")')]);
  await page.waitForFunction(() => document.querySelector('#request-count').textContent === '1 rows');
  check('an app on the overview links to its calls', page.url().endsWith('#requests?app=cron'), page.url());

  // the refused requests of that app, and why
  await page.selectOption('#request-filters select[name="status"]', 'error');
  await page.selectOption('#request-filters select[name="since"]', '24h');
  await Promise.all([page.waitForResponse((r) => r.url().includes('status=error')), page.click('#request-filters button[type="submit"]')]);
  await page.waitForFunction(() => document.querySelector('#request-count').textContent === '2 rows');
  const refused = await page.$$eval('#table-requests tbody tr[data-request-id]', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  check('the refused view lists the 429s with their reason', refused.length === 2
    && refused.every((c) => c[2] === 'cron' && c[7] === '429' && /rate_limit_error: .*rpm_limit/.test(c[8])), JSON.stringify(refused));
  check('the filters are in the address', page.url().endsWith('#requests?app=cron&status=error&since=24h'), page.url());

  // a reload shows the same rows, and the form keeps the filters
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#request-count').textContent === '2 rows', null, { timeout: 10000 });
  const form = await page.$eval('#request-filters', (f) => [f.elements.app.value, f.elements.status.value, f.elements.since.value]);
  check('a reload keeps the filters and their rows', JSON.stringify(form) === JSON.stringify(['cron', 'error', '24h']), JSON.stringify(form));

  // a refused request opens with its error and no attempt (it was a 404)
  await page.click('#table-requests tbody tr[data-request-id]');
  await page.waitForSelector('#request-detail:not([hidden]) #trace table.facts');
  const detail = await page.$eval('#request-detail', (d) => d.textContent);
  check('a refused request opens, saying why and that nothing was called', /No attempt: the gateway refused/.test(detail)
    && /rpm_limit \(1 requests? a minute\)/.test(detail) && /none: the request did not succeed/.test(detail), detail.slice(0, 400));
  await page.screenshot({ path: exp.screenshots + '/qa35-refused.png', fullPage: true });

  // the back button returns to the served calls' view
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#request-count').textContent === '1 rows', null, { timeout: 10000 });
  check('back returns to the previous filters', page.url().endsWith('#requests?app=cron'), page.url());

  // logged out (a restart ends every session): the login brings the view in the address back
  await page.evaluate(() => fetch('/ui/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
  await page.goto(base + '/ui/#requests?app=cron&status=error');
  await page.waitForURL(/\/ui\/login/);
  await page.fill('#master_key', exp.masterKey);
  await page.click('#login-button');
  await page.waitForFunction(() => document.querySelector('#request-count') && document.querySelector('#request-count').textContent === '2 rows',
    null, { timeout: 10000 });
  check('a login goes back to the view the address named', page.url().endsWith('/ui/#requests?app=cron&status=error'), page.url());

  // the gateway not answering: said in words, in red
  await page.route('**/ui/api/keys*', (route) => route.abort('connectionrefused'));
  await page.click('nav a[data-tab="keys"]');
  await page.waitForFunction(() => document.querySelector('#status').textContent !== '');
  const status = await page.$eval('#status', (s) => ({ text: s.textContent, cls: s.className }));
  check('a gateway that does not answer is said plainly', /gateway did not answer/.test(status.text) && status.cls === 'error', JSON.stringify(status));

  check('no script error', errors.length === 0, errors.join('; '));
} catch (e) {
  unexpected(e);
} finally {
  await browser.close();
}
finish();
