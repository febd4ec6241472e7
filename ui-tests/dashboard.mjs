// The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core. Started by
// DashboardBrowserIT (the gateway, the simulator and the traffic are set up there) with:
//   node dashboard.mjs <expected.json>
// expected.json: { baseUrl, masterKey, chromium, screenshots, apps: {...}, ... } written by the IT from the ledger.
// Prints one line per check and ends with "N passed, N failed"; exits 1 on any failure.
import { exp, check, unexpected, launch, newPage, finish } from './harness.mjs';

const base = exp.baseUrl;

async function attr(page, selector, name) {
  const e = await page.$(selector);
  return e ? e.getAttribute(name) : null;
}

async function text(page, selector) {
  const e = await page.$(selector);
  return e ? (await e.textContent()).trim() : null;
}

const browser = await launch();
try {
  const { context, page, errors } = await newPage(browser, { width: 1400, height: 1000 });
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  // Answers the test provokes on purpose (the wrong login's 401, /logs/{id} where this build has none, the API after
  // logout) are logged by Chromium as "Failed to load resource"; anything else the console reports is a failure.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });

  // ------------------------------------------------------------ login
  await page.goto(base + '/ui/');
  check('an anonymous visit lands on the login page', page.url() === base + '/ui/login', page.url());
  await page.fill('#master_key', 'sk-not-the-master-key');
  await page.click('#login-button');
  await page.waitForSelector('#login-error:not([hidden])', { timeout: 10000 });
  check('a wrong key is refused', (await text(page, '#login-error') || '').includes('not the master key'));
  await page.fill('#master_key', exp.masterKey);
  const loadStart = Date.now();
  await page.click('#login-button');
  await page.waitForSelector('body[data-overview-loaded="true"]', { timeout: 20000 });
  const loginToCharts = Date.now() - loadStart;
  check('the master key logs in', page.url() === base + '/ui/', page.url());
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'sb_ui_session');
  check('the session cookie is HttpOnly and SameSite=Strict', session && session.httpOnly && session.sameSite === 'Strict',
    JSON.stringify(session && { httpOnly: session.httpOnly, sameSite: session.sameSite, path: session.path }));
  const scriptView = await page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.length,
    html: document.documentElement.outerHTML }));
  check('no script can read the session or the key', scriptView.cookie === '' && scriptView.local === 0 && scriptView.session === 0
    && !scriptView.html.includes(exp.masterKey) && !page.url().includes(exp.masterKey));

  // ------------------------------------------------------------ every chart renders, with the traffic's values
  for (const id of ['chart-spend', 'chart-budget', 'chart-cache', 'chart-fallback', 'chart-latency', 'chart-errors']) {
    await page.waitForSelector(`#${id}[data-rendered="true"]`, { timeout: 10000 }).catch(() => {});
    const bars = await page.$$eval(`#${id} svg path`, (ps) => ps.length);
    check(`${id} is drawn`, (await attr(page, '#' + id, 'data-rendered')) === 'true' && bars > 0, `${bars} SVG paths`);
  }
  const spendLegend = await page.$eval('#chart-spend svg', (s) => s.textContent);
  check('the spend chart names both apps', spendLegend.includes('alpha') && spendLegend.includes('beta'));
  for (const [app, want] of Object.entries(exp.apps)) {
    const row = `#table-spend tr[data-app="${app}"]`;
    check(`${app}: calls in the spend table`, (await attr(page, row, 'data-requests')) === String(want.served),
      `${await attr(page, row, 'data-requests')} vs ${want.served}`);
    check(`${app}: spend in the spend table`, (await attr(page, row, 'data-nanos')) === String(want.costNanos),
      `${await attr(page, row, 'data-nanos')} vs ${want.costNanos}`);
    const fb = `#table-fallback tr[data-app="${app}"]`;
    check(`${app}: calls served by fallback`, (await attr(page, fb, 'data-fallbacks')) === String(want.fallbacks)
      && (await attr(page, fb, 'data-requests')) === String(want.served), await text(page, fb));
  }
  check('beta: the fallback share reads 50.0%', (await text(page, '#table-fallback tr[data-app="beta"]')).includes('50.0%'));
  const budgetRow = '#table-budget tr[data-key="alpha"]';
  check('alpha: month-to-date spend against its $10.00 budget', (await attr(page, budgetRow, 'data-nanos')) === String(exp.apps.alpha.costNanos)
    && (await text(page, budgetRow)).includes('$10.00'), await text(page, budgetRow));
  check('exact cache: hits', (await attr(page, '#table-cache tr[data-layer="exact"]', 'data-hits')) === String(exp.cache.exactHits),
    await text(page, '#table-cache tr[data-layer="exact"]'));
  check('semantic cache: 0 (not built)', (await attr(page, '#table-cache tr[data-layer="semantic"]', 'data-hits')) === '0');
  check('provider prompt cache: cached tokens', (await attr(page, '#table-cache tr[data-layer="provider_prompt"]', 'data-hits'))
    === String(exp.cache.cachedTokens), await text(page, '#table-cache tr[data-layer="provider_prompt"]'));
  const slow = `#table-latency tr[data-deployment="${exp.slow.deployment}"]`;
  const p50 = Number(await attr(page, slow, 'data-p50'));
  check('latency p50 of the slow model', p50 >= exp.slow.minMs && p50 <= exp.slow.maxMs && (await attr(page, slow, 'data-requests')) === '2',
    await text(page, slow));
  const err = `#table-errors tr[data-deployment="${exp.errors.deployment}"]`;
  check('provider errors of the failing deployment', (await attr(page, err, 'data-errors')) === String(exp.errors.count), await text(page, err));
  const overviewMs = Number(await attr(page, 'body', 'data-overview-ms'));
  console.log(`overview: data loaded and drawn in ${overviewMs} ms; login to drawn charts ${loginToCharts} ms`);
  await page.screenshot({ path: exp.screenshots + '/overview.png', fullPage: true });

  // ------------------------------------------------------------ teams, users, customers
  await page.click('nav a[data-tab="teams"]');
  await page.waitForSelector('body[data-teams-loaded="true"]', { timeout: 10000 });
  await page.waitForSelector('#chart-team-spend[data-rendered="true"]', { timeout: 10000 }).catch(() => {});
  check('chart-team-spend is drawn', (await attr(page, '#chart-team-spend', 'data-rendered')) === 'true'
    && (await page.$$eval('#chart-team-spend svg path', (ps) => ps.length)) > 0);
  for (const [team, nanos] of Object.entries(exp.teams)) {
    const row = `#table-team-spend tr[data-team="${team}"]`;
    check(`team ${team}: 30 days of spend, seeded and live`, (await attr(page, row, 'data-nanos')) === String(nanos),
      `${await attr(page, row, 'data-nanos')} vs ${nanos}`);
  }
  check('a team label with no stored team says so', (await text(page, '#table-team-spend tr[data-team="devtools"]')).includes('no stored team'));
  const teamRow = await text(page, '#table-teams tr[data-team="research"]');
  check('the stored team shows its alias, budget and status', teamRow.includes('Research') && teamRow.includes('$20.00 / 30d')
    && teamRow.includes('active'), teamRow);
  const userRow = await text(page, '#table-users tr[data-user="ada@example.com"]');
  check('the stored user shows their budget', userRow.includes('$5.00') && userRow.includes('internal_user'), userRow);
  check('the stored customer shows their budget', (await text(page, '#table-customers tr[data-customer="acme"]')).includes('$3.00'));
  await page.screenshot({ path: exp.screenshots + '/teams.png', fullPage: true });

  // ------------------------------------------------------------ request explorer and one request's chain
  await page.click('nav a[data-tab="requests"]');
  await page.waitForSelector(`#table-requests tr[data-request-id="${exp.fallbackRequestId}"]`, { timeout: 10000 });
  check('the request log lists the fallback call', true);
  await page.click(`#table-requests tr[data-request-id="${exp.fallbackRequestId}"]`);
  await page.waitForSelector('#table-attempts tr[data-attempt="1"]', { timeout: 10000 });
  const chain = await text(page, '#table-attempts tbody');
  check('its attempt chain shows the failed provider and the fallback', chain.includes(exp.errors.deployment) && chain.includes('fallback:error'), chain);
  await page.waitForFunction(() => !document.querySelector('#trace').textContent.startsWith('Loading'));
  const trace = await text(page, '#trace');
  check('the trace view answers (or says why not)', trace.length > 0, trace.slice(0, 120));
  await page.screenshot({ path: exp.screenshots + '/requests.png', fullPage: true });

  // The filter finds what the App column shows: an alias, else the key id (`master` for the master key's calls)
  const masterCall = await fetch(base + '/v1/chat/completions', { method: 'POST',
    headers: { authorization: 'Bearer ' + exp.masterKey, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'A call of the master key' }] }) });
  check('the master key calls the gateway', masterCall.status === 200, 'HTTP ' + masterCall.status);
  const filterBy = async (app) => {
    await page.fill('#request-filters input[name="app"]', app);
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url().includes('/ui/api/requests?')),
      page.click('#request-filters button[type="submit"]')]);
    const total = (await answer.json()).total;
    await page.waitForFunction((t) => document.querySelector('#request-count').textContent === t + ' rows', total);
    return page.$$eval('#table-requests tbody tr[data-request-id] td:nth-child(3)', (tds) => tds.map((t) => t.textContent));
  };
  let masterApps = [];
  for (let i = 0; i < 20 && masterApps.length === 0; i++) { // the ledger's rows are written in batches behind the call
    masterApps = await filterBy('master');
    if (masterApps.length === 0) await page.waitForTimeout(250);
  }
  check('filtering by "master" finds the master key\'s calls, as the App column shows them',
    masterApps.length > 0 && masterApps.every((a) => a === 'master'), JSON.stringify(masterApps));
  const betaApps = await filterBy('beta');
  check('filtering by an alias finds that app\'s rows only', betaApps.length === 3 && betaApps.every((a) => a === 'beta'),
    JSON.stringify(betaApps));

  // ------------------------------------------------------------ keys: create with a budget, listed, block
  await page.click('nav a[data-tab="keys"]');
  await page.waitForSelector('#table-keys tr[data-key-alias="alpha"]');
  const alphaRow = await text(page, '#table-keys tr[data-key-alias="alpha"]');
  check('a key shows whom it is for and its own model aliases', alphaRow.includes('ada@example.com · team research')
    && alphaRow.includes('gpt, slow; gpt-4 → gpt'), alphaRow);
  await page.fill('#key-form input[name="key_alias"]', 'weekend-app');
  await page.fill('#key-form input[name="max_budget"]', '25');
  await page.fill('#key-form input[name="models"]', 'gpt');
  await page.click('#create-key');
  await page.waitForSelector('#table-keys tr[data-key-alias="weekend-app"]', { timeout: 10000 });
  const secret = await text(page, '#new-key-value');
  check('the new key is shown once', /^sk-/.test(secret || '') && await page.isVisible('#new-key'));
  const keyRow = '#table-keys tr[data-key-alias="weekend-app"]';
  check('the new key is listed with its budget and allowlist', (await text(page, keyRow)).includes('$25.00') && (await text(page, keyRow)).includes('gpt')
    && !(await text(page, '#table-keys')).includes(secret), await text(page, keyRow));
  await page.screenshot({ path: exp.screenshots + '/keys.png', fullPage: true });
  await page.click(`${keyRow} button.block`);
  await page.waitForSelector('#table-keys tr[data-key-alias="weekend-app"][data-blocked="true"]', { timeout: 10000 });
  check('the key is blocked', (await text(page, keyRow)).includes('blocked'));
  const blockedCall = await fetch(base + '/v1/chat/completions', { method: 'POST',
    headers: { authorization: 'Bearer ' + secret, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }) });
  check('a blocked key is refused by the gateway', blockedCall.status === 401, 'HTTP ' + blockedCall.status);
  await page.reload();
  await page.click('nav a[data-tab="keys"]');
  await page.waitForSelector('#table-keys tr[data-key-alias="weekend-app"]');
  check('after a reload the secret is gone', !(await page.isVisible('#new-key')) && !(await page.content()).includes(secret));

  // ------------------------------------------------------------ logout
  await page.click('#logout');
  await page.waitForURL(base + '/ui/login');
  const after = await page.evaluate(async () => (await fetch('/ui/api/overview')).status);
  check('after logout the API refuses the browser', after === 401, 'HTTP ' + after);
  check('nothing was loaded from another origin', external.length === 0, external.join(', '));
  check('no script error on the page', errors.length === 0, errors.join(' | '));
  console.log(`RESULT ${JSON.stringify({ overviewMs, loginToCharts })}`);
} catch (e) {
  unexpected(e);
} finally {
  await browser.close();
}
finish();
