// The dashboard's fixes from QA runs D and A in a real browser (Debian's Chromium, headless, playwright-core). Started by
// DashboardFixesBrowserIT with: node dashboard-fixes.mjs <expected.json>
// expected.json: { baseUrl, masterKey, chromium, screenshots, pages, longAliases, longModel, keys }. Prints one line per
// check and ends with "N passed, N failed"; exits 1 on any failure. Regenerate: the first key at once (the default), the
// key graceful-app with a 1-hour grace period chosen in the Keys tab (the IT then calls with both old secrets).
import { exp, check, unexpected, launch, newPage, logIn, finish } from './harness.mjs';

const base = exp.baseUrl;

const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

// The texts of a chart's SVG that overlap another (legend items, axis names, tick labels), as "text ~ text"
async function overlappingTexts(page, id) {
  const texts = await page.$$eval(`#${id} svg text`, (ts) => ts.filter((t) => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map((t) => { const r = t.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height, text: t.textContent }; }));
  const clashes = [];
  texts.forEach((a, i) => texts.forEach((b, j) => { if (i < j && overlaps(a, b)) clashes.push(a.text + ' ~ ' + b.text); }));
  return { count: texts.length, clashes };
}

// Fills the Requests filter, submits it and waits for its rows; gives the App column of the rows
async function filterBy(page, app, model = '') {
  await page.fill('#request-filters input[name="app"]', app);
  await page.fill('#request-filters input[name="model"]', model);
  const [answer] = await Promise.all([page.waitForResponse((r) => r.url().includes('/ui/api/requests?')),
    page.click('#request-filters button[type="submit"]')]);
  const total = (await answer.json()).total;
  await page.waitForFunction((t) => document.querySelector('#request-count').textContent === t + ' rows', total);
  return page.$$eval('#table-requests tbody tr[data-request-id] td:nth-child(3)', (tds) => tds.map((t) => t.textContent));
}

const browser = await launch();
try {
  const { page, errors } = await newPage(browser, { width: 1400, height: 1000 });
  await logIn(page);

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

  // ------------------------------------------------------------ QA run A: month to date, Used of the period (finding 1)
  const o = await page.evaluate(async () => (await fetch('/ui/api/overview')).json());
  const heads = await page.$$eval('#table-budget thead th', (ths) => ths.map((t) => t.textContent));
  check('month to date says what Used is a share of', JSON.stringify(heads)
    === JSON.stringify(['Key', 'Month to date (USD)', 'Budget', 'Spent (period)', 'Used (period)', 'Refused (30 days)']), JSON.stringify(heads));
  const bk = o.keys.find((k) => k.key_alias === 'budgeted-app');
  const cells = await page.$eval('#table-budget tr[data-key="budgeted-app"]', (tr) => [...tr.cells].map((c) => c.textContent));
  const want = await page.evaluate((k) => [usd(k.mtd_spend_usd), '$0.50 / 30d', usd(k.period_spend), pct(k.period_spend / k.max_budget)], bk);
  check('Used is the current period\'s spend over the budget, month to date beside it', bk.period_spend > 0
    && bk.budget_used === bk.period_spend / bk.max_budget && JSON.stringify(cells.slice(1, 5)) === JSON.stringify(want), // the refused count (since the thirty-sixth session) last
  JSON.stringify(cells) + ' vs ' + JSON.stringify(want));

  // ------------------------------------------------------------ the spend table, most expensive first (finding 6)
  const nanos = await page.$$eval('#table-spend tbody tr', (rs) => rs.map((r) => Number(r.getAttribute('data-nanos'))));
  check('spend per app lists the most expensive app first', nanos.length > 3 && nanos[0] > 0
    && nanos.every((n, i) => i === 0 || nanos[i - 1] >= n), JSON.stringify(nanos));

  // ------------------------------------------------------------ tooltips in the page's money format (finding 7)
  const formatters = await page.evaluate(() => {
    const f = (id, series) => { const opt = charts[id].getOption(); const t = series == null ? opt.tooltip[0] : opt.series[series].tooltip; return t.valueFormatter(0.00061125); };
    return [f('chart-spend'), f('chart-budget'), f('chart-cache', 1)];
  });
  check('the money charts\' tooltips use usd()', formatters.every((t) => t === '$0.0006113'), JSON.stringify(formatters));
  const box = await page.$eval('#chart-spend', (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; });
  await page.mouse.move(box.x + box.width - 40, box.y + box.height / 2);
  // the tooltip: ECharts' HTML box in the chart's node, beside (not around) the SVG
  const tip = await page.waitForFunction(() => [...document.querySelectorAll('#chart-spend div')].filter((d) => !d.querySelector('svg'))
    .map((d) => d.textContent).find((t) => t.includes('budgeted-app')), null, { timeout: 5000 }).then((h) => h.jsonValue()).catch(() => '');
  check('hovering the spend chart shows dollars as the table does', /budgeted-app\s*\$0\.\d+/.test(tip)
    && !/(^|[^$\d.])0\.\d{4,}/.test(tip), tip);
  await page.screenshot({ path: exp.screenshots + '/fixes-tooltip.png' });
  await page.mouse.move(0, 0);

  // ------------------------------------------------------------ axis names clear of legends and ticks (finding 6)
  for (const id of ['chart-spend', 'chart-budget', 'chart-cache', 'chart-latency', 'chart-errors']) {
    await page.waitForSelector(`#${id}[data-rendered="true"]`, { timeout: 10000 }).catch(() => {});
    const t = await overlappingTexts(page, id);
    check(`${id}: no text drawn over another`, t.count > 2 && t.clashes.length === 0, t.clashes.join(' | '));
  }
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

  // ------------------------------------------------------------ QA run A: a deleted app's name, a key id (findings 2, 8)
  const deletedApps = await filterBy(page, 'reuse-me (deleted)');
  check('the filter by a deleted app finds its calls only, not those of the key that took its alias',
    deletedApps.length === 2 && deletedApps.every((a) => a === 'reuse-me (deleted)'), JSON.stringify(deletedApps));
  const liveKeyId = o.spend_by_app.apps.find((a) => a.app === 'reuse-me').key_id;
  const byId = await filterBy(page, liveKeyId);
  check('a key id finds that key\'s calls', byId.length === 4 && byId.every((a) => a === 'reuse-me'), JSON.stringify(byId));

  // ------------------------------------------------------------ rows open from the keyboard (finding 4)
  await page.setViewportSize({ width: 1400, height: 700 });
  await filterBy(page, '');
  await page.focus('#request-filters button[type="submit"]');
  await page.keyboard.press('Tab');
  // since the thirty-sixth session the "Download CSV" link sits between the filter and the rows: one Tab more
  if (await page.evaluate(() => document.activeElement.id) === 'requests-csv') await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement.getAttribute('data-request-id'));
  check('Tab from the filter (and the CSV link) reaches the first request row', !!focused, String(focused));
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => !document.querySelector('#request-detail').hidden
    && document.querySelector('#detail-id').textContent === id, focused, { timeout: 10000 }).catch(() => {});
  const panel = await page.evaluate(() => { const r = document.querySelector('#request-detail').getBoundingClientRect();
    return { top: r.top, inner: window.innerHeight, id: document.querySelector('#detail-id').textContent, focus: document.activeElement.id }; });
  check('Enter opens the row\'s request, and the page scrolls to it', panel.id === focused && panel.top >= 0 && panel.top < panel.inner
    && panel.focus === 'request-detail', JSON.stringify(panel));
  await page.screenshot({ path: exp.screenshots + '/fixes-request-keyboard.png' });
  const second = await page.$eval('#table-requests tbody tr:nth-child(2)', (tr) => tr.getAttribute('data-request-id'));
  await page.focus('#table-requests tbody tr:nth-child(2)');
  await page.keyboard.press(' ');
  await page.waitForFunction((id) => document.querySelector('#detail-id').textContent === id, second, { timeout: 10000 }).catch(() => {});
  check('Space opens a row too', (await page.$eval('#detail-id', (e) => e.textContent)) === second);
  await page.setViewportSize({ width: 1400, height: 1000 });

  // ------------------------------------------------------------ key status (finding 4)
  await page.click('nav a[data-tab="keys"]');
  await page.waitForSelector('#table-keys tbody tr[data-key-alias="expired-app"]');
  const status = async (alias) => page.$eval(`#table-keys tbody tr[data-key-alias="${alias}"] td[data-status]`, (td) => td.textContent);
  check('an expired key reads "expired"', (await status('expired-app')) === 'expired', await status('expired-app'));
  check('a blocked key reads "blocked"', (await status('blocked-app')) === 'blocked', await status('blocked-app'));
  check('a live key reads "active"', (await status(exp.longAliases[0])) === 'active', await status(exp.longAliases[0]));

  // ------------------------------------------------------------ QA run A: keys count (finding 9), Regenerate (finding 3)
  const count = await page.$eval('#keys-count', (e) => e.textContent);
  check('the Keys tab says how many keys there are', count === exp.keys + ' keys' && await page.isHidden('#keys-pager'), count);
  const keyRow = `#table-keys tbody tr[data-key-alias="${exp.longAliases[0]}"]`;
  const masked = await page.$eval(keyRow + ' code', (c) => c.textContent);
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await page.click(keyRow + ' button.regenerate');
  await page.waitForTimeout(300);
  check('Regenerate asks first, and Cancel keeps the key', /^Regenerate key .*stops working/.test(asked)
    && (await page.$eval(keyRow + ' code', (c) => c.textContent)) === masked && await page.isHidden('#new-key'), asked);
  page.once('dialog', (d) => d.accept());
  await page.click(keyRow + ' button.regenerate');
  await page.waitForSelector('#new-key:not([hidden])', { timeout: 10000 }).catch(() => {});
  check('OK regenerates it', await page.isVisible('#new-key') && (await page.$eval(keyRow + ' code', (c) => c.textContent)) !== masked);

  // ------------------------------------------------------------ Regenerate with a grace period (LiteLLM's grace_period)
  const graceRow = '#table-keys tbody tr[data-key-alias="graceful-app"]';
  const graceMasked = await page.$eval(graceRow + ' code', (c) => c.textContent);
  check('the grace field starts at the gateway\'s default, at once', (await page.$eval('#grace-period', (s) => s.value)) === '0s'
    && (await page.$eval('label[for="grace-period"]', (l) => l.textContent)).includes('old secret'));
  await page.selectOption('#grace-period', '1h');
  let graceAsked = '';
  page.once('dialog', (d) => { graceAsked = d.message(); d.accept(); });
  const [sent] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/ui/api/keys/regenerate')),
    page.click(graceRow + ' button.regenerate')]);
  await page.waitForFunction(([sel, m]) => document.querySelector(sel + ' code').textContent !== m, [graceRow, graceMasked],
    { timeout: 10000 }).catch(() => {});
  check('Regenerate says how long the old secret keeps working', /^Regenerate key graceful-app\? Its current secret keeps working for 1 hour, then stops/
    .test(graceAsked), graceAsked);
  check('and sends that grace_period', sent.postDataJSON().grace_period === '1h', sent.postData());
  check('the key is regenerated, the choice kept', (await page.$eval(graceRow + ' code', (c) => c.textContent)) !== graceMasked
    && (await page.$eval('#grace-period', (s) => s.value)) === '1h');

  // ------------------------------------------------------------ a budget below a cent (finding 5)
  await page.fill('#key-form input[name="key_alias"]', 'sub-cent-app');
  await page.fill('#key-form input[name="max_budget"]', '0.005');
  check('the budget field takes $0.005', await page.$eval('#key-form input[name="max_budget"]', (i) => i.checkValidity()));
  await page.click('#create-key');
  await page.waitForSelector('#table-keys tbody tr[data-key-alias="sub-cent-app"]', { timeout: 10000 }).catch(() => {});
  const subCent = await page.$eval('#table-keys tbody tr[data-key-alias="sub-cent-app"]', (tr) => tr.textContent).catch(() => '');
  check('a key with a $0.005 budget is made', subCent.includes('$0.005 / 30d'), subCent);
  await page.screenshot({ path: exp.screenshots + '/fixes-keys.png', fullPage: true });

  // ------------------------------------------------------------ phone width (finding 7)
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(base + '/ui/#overview');
  await page.waitForSelector('body[data-overview-loaded="true"]', { timeout: 20000 });
  await page.waitForTimeout(300);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check('the overview fits a 375 px screen', width <= 375, 'document width ' + width);
  await page.screenshot({ path: exp.screenshots + '/fixes-overview-375.png', fullPage: true });
  for (const id of ['chart-spend', 'chart-budget', 'chart-cache']) {
    await page.locator(`article:has(#${id})`).screenshot({ path: `${exp.screenshots}/fixes-375-${id}.png` });
    const t = await overlappingTexts(page, id);
    check(`${id} at 375 px: no text drawn over another`, t.clashes.length === 0, t.clashes.join(' | '));
  }

  // ------------------------------------------------------------ wrapping at 375 px (finding 10)
  await page.click('nav a[data-tab="keys"]');
  await page.waitForSelector('#table-keys tbody tr[data-key-alias="sub-cent-app"]');
  const lines = await page.$$eval('#table-keys tbody code', (cs) => cs.map((c) => c.getClientRects().length));
  check('a masked key is never broken over lines', lines.length > 3 && lines.every((n) => n === 1), JSON.stringify(lines));
  await page.screenshot({ path: exp.screenshots + '/fixes-keys-375.png' });
  await page.click('nav a[data-tab="requests"]');
  await page.waitForSelector('#table-requests tbody tr[data-request-id]');
  await filterBy(page, '', exp.longModel);
  const heights = await page.$$eval('#table-requests tbody tr[data-request-id]', (rs) => rs.map((r) => r.getBoundingClientRect().height));
  check('a row with a 100+ character model stays one line high', heights.length === 1 && heights[0] < 40, JSON.stringify(heights));
  const width375 = await page.evaluate(() => document.documentElement.scrollWidth);
  check('the Requests tab fits a 375 px screen', width375 <= 375, 'document width ' + width375);
  await page.screenshot({ path: exp.screenshots + '/fixes-requests-375.png', fullPage: true });

  check('no script error', errors.length === 0, errors.join(' | '));
} catch (e) {
  unexpected(e); // a FAIL line of its own, as the other scripts print, not an unhandled rejection
} finally {
  await browser.close();
}
finish();
