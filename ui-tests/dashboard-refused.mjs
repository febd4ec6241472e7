// The dashboard's leftovers of the thirty-fifth session's QA in a real browser. Started by DashboardRefusedBrowserIT:
// node dashboard-refused.mjs <expected.json>   (expected.json: { baseUrl, masterKey, chromium, screenshots })
// The IT made two keys: `tiny` (a budget every call's worst case exceeds: two calls refused) and `cron` (rpm_limit 1:
// one call served, two refused with 429). Prints one line per check, "N passed, N failed"; exits 1 on any failure.
import { exp, check, unexpected, launch, newPage, logIn, finish } from './harness.mjs';

const base = exp.baseUrl;
const browser = await launch();
try {
  const { page, errors } = await newPage(browser, { width: 1366, height: 768 });
  await logIn(page);

  // the refused requests per app, on the first page
  const refused = await page.$$eval('#table-refused tbody tr[data-app]', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  check('the overview lists each app\'s refused requests by status', refused.length === 2
    && refused.some((c) => c[0] === 'cron' && c[1] === '2' && c[2] === '429 ×2') && refused.some((c) => c[0] === 'tiny' && c[1] === '2'),
  JSON.stringify(refused));

  // a budget that refuses every call says so (it read "Used 0.0 %")
  const used = await page.$eval('#table-budget tr[data-key="tiny"] td[data-budget-state]', (c) => ({ state: c.getAttribute('data-budget-state'), text: c.textContent, cls: c.className }));
  check('a refusing budget reads "refusing since", in red', used.state === 'refusing' && /^refusing since \d{4}-\d\d-\d\d \d\d:\d\d UTC/.test(used.text)
    && used.cls === 'bad', JSON.stringify(used));
  const cronRefused = await page.$eval('#table-budget tr[data-key="cron"]', (r) => r.cells[5].textContent);
  check('month to date says each key\'s refused requests', cronRefused === '2', cronRefused);
  await page.screenshot({ path: exp.screenshots + '/refused-overview.png', fullPage: true });

  // the count opens those requests
  await Promise.all([page.waitForResponse((r) => r.url().includes('status=error')), page.click('#table-refused tr[data-app="cron"] a.refused-link')]);
  await page.waitForFunction(() => document.querySelector('#request-count').textContent === '2 rows', null, { timeout: 10000 });
  check('a refused count opens the app\'s refused requests', page.url().endsWith('#requests?app=cron&status=error&since=30d'), page.url());

  // the CSV link carries the view's filters, and downloads the same rows
  const href = await page.$eval('#requests-csv', (a) => a.getAttribute('href'));
  check('the CSV link has the view\'s filters', href === 'api/requests.csv?app=cron&status=error&since=30d', href);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#requests-csv')]);
  const fs = await import('node:fs/promises');
  const csv = await fs.readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\r\n');
  check('the CSV download holds the header and the two 429s', download.suggestedFilename() === 'refused-requests.csv' && lines.length === 3
    && lines.slice(1).every((l) => l.includes(',cron,') && l.includes(',429,')), download.suggestedFilename() + ' ' + JSON.stringify(lines));

  check('no script error', errors.length === 0, errors.join('; '));
} catch (e) {
  unexpected(e);
} finally {
  await browser.close();
}
finish();
