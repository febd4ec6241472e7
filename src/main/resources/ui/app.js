// Switchboard dashboard: plain JS, no build step. Reads /ui/api/* (the session cookie goes along by itself; the page
// never sees the master key) and draws with ECharts (served by the gateway from its WebJar, SVG renderer).
'use strict';

const charts = {};
const state = { page: 1, pageSize: 25, filters: {}, keysPage: 1 };
const KEYS_PAGE = 1000; // the keys a page of the Keys tab lists (UiRoutes.KEYS_PAGE)

function $(sel, root = document) { return root.querySelector(sel); }

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else if (k === 'onclick') e.addEventListener('click', v);
    else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

async function api(path, options = {}) {
  let r;
  try {
    r = await fetch(path, { credentials: 'same-origin', ...options });
  } catch (e) {
    // no answer at all: "Failed to fetch" alone said nothing of where the fault was
    throw new Error('The gateway did not answer (stopped, restarting, or the network is down); the figures shown are from before. Reload to try again.');
  }
  // a restart ends every session: log in again, then back to this view (its filters are in the address)
  if (r.status === 401) { location.href = '/ui/login' + location.hash; throw new Error('logged out'); }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((body.error && body.error.message) || ('HTTP ' + r.status));
  return body;
}

function post(path, body) {
  return api(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-switchboard-ui': '1' },
    body: JSON.stringify(body) });
}

// One rule for every amount on the page: 4 significant digits (at least cents, at most nano-dollars) below $1,000,
// whole cents from there. Rounding every amount of a cent or more to cents showed $0.041 as $0.04 and $0.0149 as
// $0.01, a third off for a small team's apps; the error is now below 0.05 %.
function usd(n) {
  if (n == null || n === '') return '';
  const v = Number(n);
  if (!Number.isFinite(v)) return String(n);
  const abs = Math.abs(v);
  const decimals = abs === 0 || abs >= 1000 ? 2 : Math.min(9, Math.max(2, 3 - Math.floor(Math.log10(abs))));
  // trailing zeros past the cents say nothing ($0.0410 is $0.041)
  const text = v.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1');
  return (v < 0 ? '-$' + text.slice(1) : '$' + text);
}
const pct = (x) => (x * 100).toFixed(1) + '%';
// Charts say amounts as the tables do: the tooltips through usd() (a raw 0.00061125 read as something else than the
// table's $0.0006113), the value axis's ticks too, so it needs no "USD" name drawn into the legend's row.
const money = { tooltip: { valueFormatter: (v) => v == null || v === '-' ? '–' : usd(v) }, axisLabel: { formatter: (v) => usd(v) } };
// a deployment entry: its provider/model, and its model_info.id when it has one (two entries of one provider/model apart)
const entryName = (x) => x.model_id ? x.deployment + ' [' + x.model_id + ']' : x.deployment;

function chart(id, option) {
  const node = document.getElementById(id);
  node.removeAttribute('data-rendered');
  if (!charts[id]) {
    charts[id] = echarts.init(node, null, { renderer: 'svg' });
    charts[id].on('finished', () => node.setAttribute('data-rendered', 'true'));
  }
  charts[id].setOption(option, true);
  return charts[id];
}

function fill(tableId, rows) {
  const tbody = $('#' + tableId + ' tbody');
  tbody.replaceChildren(...rows);
}

function empty(cols, text) { return el('tr', { class: 'empty' }, el('td', { colSpan: cols }, text)); }

// ---------------------------------------------------------------- overview
async function loadOverview() {
  const t0 = performance.now();
  const o = await api('/ui/api/overview?days=30');
  const days = o.days;
  showGlobalBudget(o.global_budget);
  $('#totals').replaceChildren(
    el('div', { 'data-figure': 'spend', 'data-nanos': o.totals.spend_nanos }, el('b', {}, usd(o.totals.spend_usd)), ' spent'),
    el('div', { 'data-figure': 'requests', 'data-value': o.totals.requests }, el('b', {}, o.totals.requests), ' calls'),
    el('div', { 'data-figure': 'fallbacks', 'data-value': o.totals.fallbacks }, el('b', {}, o.totals.fallbacks), ' by fallback'),
    el('div', { 'data-figure': 'failed', 'data-value': o.totals.failed_attempts }, el('b', {}, o.totals.failed_attempts), ' failed attempts'));

  // Spend per app per day: stacked bars
  const apps = o.spend_by_app.apps;
  chart('chart-spend', {
    tooltip: { trigger: 'axis', ...money.tooltip }, legend: { type: 'scroll', top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: dayAxis(days), yAxis: { type: 'value', axisLabel: money.axisLabel },
    series: apps.map((a) => ({ name: a.app, type: 'bar', stack: 'spend', data: a.cost_usd })),
  });
  document.getElementById('chart-spend').setAttribute('data-series', apps.length);
  // the table: most expensive app first (the chart's legend keeps the names' order)
  const bySpend = [...apps].sort((a, b) => b.total_nanos - a.total_nanos || a.app.localeCompare(b.app));
  fill('table-spend', bySpend.length ? bySpend.map((a) => el('tr', { 'data-app': a.app, 'data-key-id': a.key_id || '', 'data-requests': a.requests,
    'data-nanos': a.total_nanos, class: a.deleted ? 'deleted' : '' },
  el('td', {}, appLink(a.app)), el('td', {}, a.requests), el('td', {}, usd(a.total_usd)))) : [empty(3, 'No calls in 30 days.')]);

  const label = (k) => (k.key_alias || k.key_id) + (k.deleted ? ' (deleted)' : '');
  // Month to date per key; beside it its budget, the spend of the budget's current period and the share of the budget
  // that is (what the gateway enforces: a 1d budget against a month's spend read 174 % for a key at 87 %)
  // most spent this month first ("which app burned $40 this month?" is the first row), then by name
  const keys = o.keys.filter((k) => k.mtd_spend_nanos > 0 || k.max_budget != null)
    .sort((a, b) => b.mtd_spend_nanos - a.mtd_spend_nanos || label(a).localeCompare(label(b)));
  chart('chart-budget', {
    tooltip: { trigger: 'axis', ...money.tooltip }, legend: { type: 'scroll', top: 0 }, grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
    yAxis: { type: 'category', inverse: true, data: keys.map(label), axisLabel: truncated(100) }, xAxis: { type: 'value', axisLabel: money.axisLabel },
    series: [
      { name: 'month to date', type: 'bar', data: keys.map((k) => k.mtd_spend_usd) },
      { name: 'this budget period', type: 'bar', data: keys.map((k) => k.max_budget == null ? null : k.period_spend) },
      { name: 'budget', type: 'bar', data: keys.map((k) => k.max_budget) },
    ],
  });
  // a deleted key's spend stays in the month's figures, marked, with no budget (it has none any more, not "none")
  fill('table-budget', keys.length ? keys.map((k) => el('tr', { 'data-key': label(k), 'data-nanos': k.mtd_spend_nanos,
    'data-deleted': !!k.deleted, 'data-used': k.budget_used == null ? '' : k.budget_used, class: k.deleted ? 'deleted' : '' },
  el('td', {}, appLink(label(k))), el('td', {}, usd(k.mtd_spend_usd)),
  el('td', {}, k.deleted ? 'deleted key' : k.max_budget == null ? 'none' : usd(k.max_budget) + (k.budget_duration ? ' / ' + k.budget_duration : '')),
  el('td', {}, k.max_budget == null ? '' : usd(k.period_spend)),
  usedCell(k), el('td', { class: k.refused ? 'bad' : '' }, k.refused ? refusedLink(label(k), k.refused) : '0')))
    : [empty(6, 'No key has spent this month.')]);

  // Refused and failed requests per app (the request log's: they have no ledger row), most first
  const refused = o.refused || { apps: [], total: 0 };
  fill('table-refused', refused.apps.length ? refused.apps.map((a) => el('tr', { 'data-app': a.app, 'data-refused': a.refused,
    class: a.deleted ? 'deleted' : '' }, el('td', {}, appLink(a.app)), el('td', { class: 'bad' }, refusedLink(a.app, a.refused)),
  el('td', {}, Object.entries(a.by_status).map(([st, n]) => st + ' ×' + n).join(', '))))
    : [empty(3, refused.log_enabled === false ? 'The request log is off: refused requests are not recorded.' : 'No refused or failed request in 30 days.')]);

  // Cache per layer
  const layers = o.cache.layers;
  // the axes say their unit on each tick (a "saved USD" name over the right axis sat on the legend's item of that name)
  chart('chart-cache', {
    tooltip: {}, grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true }, legend: { top: 0 },
    xAxis: { type: 'category', data: ['exact', 'semantic', 'provider prompt'] },
    yAxis: [{ type: 'value', max: 100, axisLabel: { formatter: '{value}%' } }, { type: 'value', axisLabel: money.axisLabel }],
    series: [
      { name: 'hit rate %', type: 'bar', data: layers.map((l) => +(l.hit_rate * 100).toFixed(2)), tooltip: { valueFormatter: (v) => v + '%' } },
      { name: 'saved USD', type: 'bar', yAxisIndex: 1, data: layers.map((l) => l.saved_usd), tooltip: money.tooltip },
    ],
  });
  fill('table-cache', layers.map((l) => el('tr', { 'data-layer': l.layer, 'data-hits': l.hits, 'data-of': l.of, 'data-saved-nanos': l.saved_nanos },
    el('td', {}, l.label), el('td', {}, l.hits + ' / ' + l.of + ' ' + l.unit), el('td', {}, pct(l.hit_rate)), el('td', l.write_premium_usd == null ? {} : { title: 'net: reads saved ' + usd(l.read_saving_usd) + ', writes cost ' + usd(l.write_premium_usd)
      + ' over the input price (1-hour writes priced at the 5-minute premium)' },
      // the parts only when writes cost something: a "(reads $x − writes $0.00)" on every row said nothing
      !(l.write_premium_nanos > 0) ? usd(l.saved_usd) : usd(l.saved_usd) + ' (reads ' + usd(l.read_saving_usd) + ' − writes ' + usd(l.write_premium_usd) + ')'))));

  // Share of traffic served by fallback, per app
  const fb = o.fallback;
  chart('chart-fallback', {
    // the axis tooltip names the app in full; under its bar a long alias is cut to the bar's width, so labels never overlap
    tooltip: { trigger: 'axis', valueFormatter: (v) => v + '%' }, grid: { left: 50, right: 16, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: fb.map((f) => f.app), axisLabel: { interval: 0, ...truncated(fallbackLabelWidth(fb.length)) } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [{ name: 'served by fallback %', type: 'bar', data: fb.map((f) => +(f.share * 100).toFixed(2)), itemStyle: { color: '#c0392b' } }],
  });
  fill('table-fallback', fb.length ? fb.map((f) => el('tr', { 'data-app': f.app, 'data-requests': f.requests, 'data-fallbacks': f.fallbacks },
    el('td', {}, appLink(f.app)), el('td', {}, f.requests), el('td', {}, f.fallbacks), el('td', {}, pct(f.share)),
    el('td', {}, Object.entries(f.reasons).map(([r, n]) => r + ': ' + n).join(', ')))) : [empty(5, 'No calls.')]);

  // Latency per deployment entry: two entries of one provider/model are named by their model_info.id
  const lat = o.latency;
  const ms = (v) => typeof v === 'number' ? v : null;
  chart('chart-latency', {
    tooltip: { trigger: 'axis', valueFormatter: (v) => v == null ? '–' : v + ' ms' }, legend: { top: 0 },
    grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
    yAxis: { type: 'category', data: lat.map(entryName), axisLabel: truncated(180) }, xAxis: { type: 'value', axisLabel: { formatter: '{value} ms' } },
    series: [{ name: 'p50', type: 'bar', data: lat.map((l) => ms(l.p50_ms)) }, { name: 'p95', type: 'bar', data: lat.map((l) => ms(l.p95_ms)) }],
  });
  fill('table-latency', lat.length ? lat.map((l) => el('tr', { 'data-deployment': l.deployment, 'data-model-id': l.model_id || '',
    'data-requests': l.requests, 'data-p50': l.p50_ms, 'data-p95': l.p95_ms },
    el('td', {}, entryName(l)), el('td', {}, l.requests), el('td', {}, l.p50_ms), el('td', {}, l.p95_ms)))
    : [empty(4, 'No upstream call yet.')]);

  // Provider errors per day (stacked by deployment), cooldowns since start
  const errs = o.errors;
  chart('chart-errors', {
    tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: dayAxis(days), yAxis: { type: 'value', minInterval: 1 },
    series: errs.series.map((s) => ({ name: entryName(s), type: 'bar', stack: 'errors', data: s.counts })),
  });
  // per deployment entry (a row per model_info.id): the cooldowns of that entry since the gateway started
  const cooldownText = (s) => String(errs.cooldowns_since_start
    .filter((c) => c.deployment === s.deployment && (c.model_id || '') === (s.model_id || ''))
    .reduce((n, c) => n + c.count, 0));
  fill('table-errors', errs.series.length ? errs.series.map((s) => el('tr', { 'data-deployment': s.deployment,
    'data-model-id': s.model_id || '', 'data-errors': s.total },
    el('td', {}, entryName(s)), el('td', {}, s.total), el('td', {}, Object.entries(s.by_status).map(([k, v]) => k + ' ×' + v).join(', ')),
    el('td', { 'data-cooldowns': cooldownText(s) }, cooldownText(s)))) : [empty(4, 'No provider error in 30 days.')]);

  const took = performance.now() - t0;
  $('#load-time').textContent = 'Figures computed in ' + o.compute_ms.toFixed(1) + ' ms on the server; page data loaded and drawn in '
    + took.toFixed(0) + ' ms. Generated ' + o.generated_at + '.';
  document.body.setAttribute('data-overview-ms', took.toFixed(0));
  document.body.setAttribute('data-overview-loaded', 'true');
}

// An app's name on the overview: a link to its calls in the Requests view (the filter in the address, so it can be
// reloaded, bookmarked and sent)
// The refused requests of an app in the Requests view, over the overview's 30 days: the server counts them over the
// same window (now - 720 h, DashboardFigures.refusedFrom), not from UTC midnight
function refusedLink(app, n) { return el('a', { href: '#' + requestsHash({ app, status: 'error', since: '30d' }), class: 'refused-link' }, String(n)); }

// Used (period): a budget that refuses every call says so (nothing spent, its worst case does not fit), not "0.0 %"
function usedCell(k) {
  const used = k.budget_used == null ? '' : pct(k.budget_used);
  if (k.budget_state === 'refusing') {
    return el('td', { class: 'bad', 'data-budget-state': 'refusing', title: 'The last call refused could have cost up to '
      + usd(k.refused_worst_case) + ', more than what is left of the budget; every call since was refused' },
    'refusing since ' + k.refusing_since.replace('T', ' ').slice(0, 16) + ' UTC' + (used ? ' (' + used + ')' : ''));
  }
  if (k.budget_state === 'exhausted') return el('td', { class: 'bad', 'data-budget-state': 'exhausted' }, 'exhausted (' + used + ')');
  return el('td', { class: k.budget_used >= 1 ? 'bad' : '', 'data-budget-state': k.budget_state || '' }, used);
}

function appLink(app) { return el('a', { href: '#' + requestsHash({ app }), class: 'app-link' }, app); }

// The 30 days under a chart, as MM-DD; a little below the axis, so that on a phone the first day, wider than its
// category, stays clear of the value axis's lowest tick ($0.00) beside it
function dayAxis(days) { return { type: 'category', data: days.map((d) => d.slice(5)), axisLabel: { margin: 12 } }; }

// An axis label cut to `width` px with an ellipsis (the tooltip and the table below name it in full)
function truncated(width) { return { width, overflow: 'truncate' }; }

// The width each of `n` category labels has under the fallback chart's bars
function fallbackLabelWidth(n) {
  const plot = Math.max(120, (document.getElementById('chart-fallback').clientWidth || 500) - 66);
  return Math.max(24, Math.floor(plot / Math.max(1, n)) - 6);
}

// The gateway-wide budget (litellm_settings.max_budget): spent / cap this period, and a plain warning when it refuses
function showGlobalBudget(b) {
  const box = $('#global-budget');
  if (!b) { box.hidden = true; box.replaceChildren(); return; }
  box.hidden = false;
  const period = b.budget_duration ? ' per ' + b.budget_duration : '';
  const resets = b.resets_at ? '; resets ' + b.resets_at.replace('T', ' ').replace(':00Z', ' UTC') : '';
  const facts = el('p', { 'data-figure': 'global-budget', 'data-spend-nanos': b.spend_nanos, 'data-max-nanos': b.max_budget_nanos },
    el('b', {}, 'Global budget: '), usd(b.spend) + ' of ' + usd(b.max_budget) + period + ' spent (' + pct(b.budget_used) + '), '
      + usd(b.remaining) + ' left' + resets + '.');
  let warning = null;
  if (b.exhausted) {
    warning = 'The global budget is exhausted: every call is refused' + (b.resets_at ? ' until it resets' : '') + ' or the budget is raised.';
  } else if (b.refusing) {
    warning = 'The global budget is refusing calls: ' + usd(b.remaining) + ' is left, less than the last call could cost ('
      + usd(b.refused_worst_case) + ', its worst case). Calls are refused' + (b.resets_at ? ' until it resets' : '') + ' or the budget is raised.';
  } else if (b.low) {
    warning = 'The global budget is almost spent: a call whose worst-case cost is above ' + usd(b.remaining) + ' is refused.';
  }
  box.className = 'budget-banner' + (b.exhausted || b.refusing ? ' bad' : b.low ? ' warn' : '');
  box.replaceChildren(facts, ...(warning ? [el('p', { 'data-global-budget-warning': '' }, warning)] : []));
}

// ---------------------------------------------------------------- teams, users, customers
// "$10.00 / 30d", or "none"; the period's spend and its share of the budget, as the admin API answers them
const budgetText = (r) => r.max_budget == null ? 'none' : usd(r.max_budget) + (r.budget_duration ? ' / ' + r.budget_duration : '');
const usedText = (r) => r.budget_used == null ? '' : pct(r.budget_used);

async function loadTeams() {
  const t0 = performance.now();
  const o = await api('/ui/api/teams?days=30');
  const spend = o.spend_by_team;
  chart('chart-team-spend', {
    tooltip: { trigger: 'axis', ...money.tooltip }, legend: { type: 'scroll', top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: dayAxis(o.days), yAxis: { type: 'value', axisLabel: money.axisLabel },
    series: spend.map((t) => ({ name: t.team, type: 'bar', stack: 'spend', data: t.cost_usd })),
  });
  document.getElementById('chart-team-spend').setAttribute('data-series', spend.length);
  fill('table-team-spend', spend.length ? spend.map((t) => el('tr', { 'data-team': t.team_id, 'data-requests': t.requests,
    'data-nanos': t.total_nanos, 'data-mtd-nanos': t.mtd_spend_nanos },
  el('td', {}, t.team + (t.stored ? '' : ' (no stored team)')), el('td', {}, t.requests),
  el('td', {}, t.prompt_tokens + ' / ' + t.completion_tokens), el('td', {}, usd(t.total_usd)), el('td', {}, usd(t.mtd_spend_usd))))
    : [empty(5, 'No team has called in 30 days.')]);
  fill('table-teams', o.teams.length ? o.teams.map((t) => el('tr', { 'data-team': t.team_id, 'data-spend': t.period_spend,
    'data-used': t.budget_used == null ? '' : t.budget_used, 'data-blocked': t.blocked },
  el('td', {}, t.team), el('td', {}, t.members), el('td', {}, t.keys), el('td', {}, t.models.length ? t.models.join(', ') : 'all'),
  el('td', {}, budgetText(t)), el('td', {}, usd(t.period_spend)), el('td', { class: t.budget_used >= 1 ? 'bad' : '' }, usedText(t)),
  el('td', {}, usd(t.mtd_spend_usd)), el('td', { class: t.blocked ? 'bad' : '' }, t.blocked ? 'blocked' : 'active')))
    : [empty(9, 'No stored team (POST /team/new makes one).')]);
  fill('table-users', o.users.length ? o.users.map((u) => el('tr', { 'data-user': u.user_id, 'data-spend': u.period_spend,
    'data-used': u.budget_used == null ? '' : u.budget_used },
  el('td', {}, u.user_id), el('td', {}, u.user_email || ''), el('td', {}, u.user_role), el('td', {}, (u.teams || []).join(', ')),
  el('td', {}, u.keys), el('td', {}, budgetText(u)), el('td', {}, usd(u.period_spend)),
  el('td', { class: u.budget_used >= 1 ? 'bad' : '' }, usedText(u))))
    : [empty(8, 'No stored user (POST /user/new makes one).')]);
  fill('table-customers', o.customers.length ? o.customers.map((c) => el('tr', { 'data-customer': c.user_id, 'data-spend': c.period_spend,
    'data-blocked': c.blocked },
  el('td', {}, c.user_id), el('td', {}, c.alias || ''), el('td', {}, budgetText(c) + (c.default_budget ? ' (default)' : '')),
  el('td', {}, usd(c.period_spend)), el('td', { class: c.budget_used >= 1 ? 'bad' : '' }, usedText(c)),
  el('td', { class: c.blocked ? 'bad' : '' }, c.blocked ? 'blocked' : 'active')))
    : [empty(6, 'No stored customer (POST /customer/new makes one).')]);
  $('#teams-load-time').textContent = 'Figures computed in ' + o.compute_ms.toFixed(1) + ' ms on the server; loaded and drawn in '
    + (performance.now() - t0).toFixed(0) + ' ms. Generated ' + o.generated_at + '.';
  document.body.setAttribute('data-teams-loaded', 'true');
}

// ---------------------------------------------------------------- request log
async function loadRequests() {
  const q = new URLSearchParams({ page: state.page, page_size: state.pageSize });
  for (const [k, v] of Object.entries(state.filters)) if (v) q.set(k, v);
  // the same rows as a file: the same filters, without the page (the file holds up to 10,000 rows, newest first); set
  // before the load, so a load that fails does not leave the link on the previous filters' rows
  const csv = new URLSearchParams();
  for (const [k, v] of Object.entries(state.filters)) if (v) csv.set(k, v);
  $('#requests-csv').setAttribute('href', 'api/requests.csv' + (csv.toString() ? '?' + csv : ''));
  const r = await api('/ui/api/requests?' + q);
  // a row opens its request with a click, or with Enter or Space once Tab has reached it (tabindex 0)
  fill('table-requests', r.data.length ? r.data.map((row) => el('tr', { 'data-request-id': row.request_id, class: 'clickable',
    tabIndex: 0, title: 'Show request ' + row.request_id, onclick: () => showRequest(row.request_id), onkeydown: openOnKey(() => showRequest(row.request_id)) },
  el('td', {}, row.endTime.replace('T', ' ').slice(0, 19)), el('td', {}, el('code', {}, row.request_id.slice(0, 18))),
  longCell(row.app || row.key_alias || row.key_id), longCell(row.model), longCell(row.deployment && entryName(row)),
  el('td', { class: (row.route || '').startsWith('fallback') ? 'warn' : '' }, row.route || (row.attempt > 0 ? 'attempt ' + row.attempt : '')),
  el('td', {}, row.cache_status), el('td', { class: row.status >= 400 ? 'bad' : '' }, row.status),
  errorCell(row), el('td', {}, row.prompt_tokens + ' / ' + row.completion_tokens), el('td', {}, usd(row.spend)), el('td', {}, row.latency_ms)))
    : [empty(12, state.filters.status ? noRefusedText(r) : 'No calls.')]);
  // the refused view stops counting at 10,000 (status error has no index): "10,000+ rows"
  $('#request-count').textContent = r.total.toLocaleString('en-US') + (r.total_capped ? '+' : '') + ' rows';
  state.pages = Math.max(1, Math.ceil(r.total / r.page_size));
  $('#page-no').textContent = 'page ' + r.page + ' of ' + state.pages;
  // "older" stops at the last page as "newer" stops at the first
  $('#prev-page').disabled = r.page <= 1;
  $('#next-page').disabled = r.page >= state.pages;
}

// An empty refused view says what it could not see: the request log off, rows past its retention, keys not logged
function noRefusedText(r) {
  if (r.log_enabled === false) return 'The request log is off (general_settings.request_log), so refused and failed requests are not recorded.';
  const kept = r.log_retention_days != null ? ' The request log keeps ' + r.log_retention_days + ' days' : ' The request log';
  return 'No refused or failed request.' + kept + ', and does not record the calls of a key whose log policy is off.';
}

// Why a request or attempt did not succeed: its error type, and the gateway's or provider's message in full in the
// tooltip (the panel below shows it too). Refusals (a key's budget, rpm limit, allowlist) are only in the refused view.
function errorCell(row) {
  const text = [row.error_type, row.error_message].filter(Boolean).join(': ');
  return el('td', { class: 'long' + (text ? ' bad-text' : ''), title: text }, el('span', {}, text));
}

// The Requests view's filters and page in the address (#requests?app=…&model=…&status=…&since=…&page=…), so that a
// reload, the back button or a shared link shows the same rows
function requestsHash(filters, page = 1) {
  const q = new URLSearchParams();
  for (const k of ['app', 'model', 'status', 'since']) if (filters[k]) q.set(k, filters[k]);
  if (page > 1) q.set('page', page);
  const s = q.toString();
  return 'requests' + (s ? '?' + s : '');
}

function readRequestsHash(query) {
  const q = new URLSearchParams(query || '');
  state.filters = { app: q.get('app') || '', model: q.get('model') || '', status: q.get('status') || '', since: q.get('since') || '' };
  state.page = Math.max(1, parseInt(q.get('page'), 10) || 1);
  const form = $('#request-filters');
  for (const k of ['app', 'model', 'status', 'since']) form.elements[k].value = state.filters[k];
}

// Shows the Requests view for these filters and page: through the address when it changes (hashchange loads it)
function goRequests(filters, page) {
  const hash = '#' + requestsHash(filters, page);
  if (location.hash === hash) { readRequestsHash(hash.split('?')[1]); loadRequests().catch(showError); }
  else location.hash = hash;
}

// Enter or Space on a focused row: what a click does (Space would scroll the page otherwise)
function openOnKey(open) {
  return (ev) => {
    if (ev.target !== ev.currentTarget || (ev.key !== 'Enter' && ev.key !== ' ')) return;
    ev.preventDefault();
    open();
  };
}

// A cell of a long name (a 119-character model, a long alias): one line, cut with an ellipsis, in full in its title,
// so that a row is not hundreds of px tall where the table scrolls sideways on a phone
function longCell(text) { return el('td', { class: 'long', title: text || '' }, el('span', {}, text)); }

async function showRequest(id) {
  const d = await api('/ui/api/requests/' + encodeURIComponent(id));
  const panel = $('#request-detail');
  panel.hidden = false;
  $('#detail-id').textContent = id;
  fill('table-attempts', d.rows.map((a) => el('tr', { 'data-attempt': a.attempt },
    el('td', {}, a.attempt === 0 ? 'served' : '#' + a.attempt + ' failed'), el('td', {}, a.deployment && entryName(a)), el('td', {}, a.status),
    el('td', {}, a.error_type), el('td', {}, a.latency_ms), el('td', {}, a.ttft_ms), el('td', {}, a.route), el('td', {}, usd(a.spend)))));
  // refused before any provider was called (a key's budget, rate limit, allowlist, expiry): no attempt, no cost
  if (!d.rows.length) fill('table-attempts', [empty(8, 'No attempt: the gateway refused the request before calling a provider (nothing was charged). Why is below.')]);
  // The trace view: the request log's row (prompt and completion as the key's log policy keeps them, trace id, TTFT).
  const trace = $('#trace');
  const log = d.log;
  if (!log) {
    trace.replaceChildren(el('p', { class: 'muted', 'data-trace': 'unavailable' }, 'No request-log row for this request: the log is '
      + 'off for its key, past its retention, or not written yet (it is written in batches). The attempts above come from the ledger.'));
  } else showTrace(trace, log);
  // the panel is below the 25 rows: bring it into view, and the keyboard's focus to it (Tab goes on from there)
  panel.scrollIntoView({ block: 'start' });
  panel.focus({ preventScroll: true });
}

function showTrace(trace, log) {
  const facts = [['call', log.call_type], ['trace id', log.trace_id], ['session', log.session_id], ['route', log.route], ['tier', log.tier],
    ['cache', log.cache_status], ['status', log.status], ['error', [log.error_type, log.error_message].filter(Boolean).join(': ')], ['latency', log.latency_ms == null ? '' : log.latency_ms + ' ms'],
    ['time to first token', log.ttft_ms == null ? '' : log.ttft_ms + ' ms'], ['log policy', log.log_policy]];
  // an embeddings call's prompt is its input, and its completion a summary of its vectors (which are not kept)
  const embedding = log.call_type === 'embedding';
  trace.replaceChildren(
    el('table', { class: 'facts', 'data-trace': log.trace_id || '' }, ...facts.filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, String(v))))),
    el('h4', {}, embedding ? 'Input' : 'Prompt'), el('pre', { 'data-trace-prompt': '' }, log.prompt || '(not kept by the log policy)'),
    el('h4', {}, embedding ? 'Output' : 'Completion'), el('pre', { 'data-trace-completion': '' }, log.completion
      || (log.status !== 200 ? '(none: the request did not succeed; see its error above)' : '(not kept by the log policy)')));
}

// ---------------------------------------------------------------- keys
async function loadKeys() {
  const r = await api('/ui/api/keys?page=' + state.keysPage);
  // past the last page (keys were deleted meanwhile): its last page
  if (!r.keys.length && r.total_count > 0 && state.keysPage > 1) { state.keysPage = r.total_pages; return loadKeys(); }
  // how many keys there are, and which of them this page lists (1,000 a page, newest first)
  const first = (r.current_page - 1) * KEYS_PAGE + 1;
  $('#keys-count').textContent = r.total_count <= r.keys.length ? r.total_count + (r.total_count === 1 ? ' key' : ' keys')
    : 'keys ' + first + '–' + (first + r.keys.length - 1) + ' of ' + r.total_count + ', newest first';
  $('#keys-count').setAttribute('data-total', r.total_count);
  $('#keys-pager').hidden = r.total_pages <= 1;
  $('#keys-prev').disabled = r.current_page <= 1;
  $('#keys-next').disabled = r.current_page >= r.total_pages;
  graceDefault(r.grace_period_default);
  fill('table-keys', r.keys.length ? r.keys.map((k) => el('tr', { 'data-key-alias': k.key_alias || '', 'data-blocked': k.blocked },
    longCell(k.key_alias || ''), el('td', {}, el('code', {}, k.key_name)),
    el('td', {}, [k.user_id, k.team_id && 'team ' + k.team_id].filter(Boolean).join(' · ')),
    longCell(modelsText(k)),
    el('td', {}, k.max_budget == null ? 'none' : usd(k.max_budget) + (k.budget_duration ? ' / ' + k.budget_duration : '')),
    el('td', {}, usd(k.spend)), el('td', { class: keyStatus(k) === 'active' ? '' : 'bad', 'data-status': keyStatus(k),
      title: k.expires ? 'expires ' + k.expires : '' }, keyStatus(k)),
    el('td', { class: 'actions' },
      el('button', { type: 'button', class: 'block', onclick: () => keyOp(k.blocked ? 'unblock' : 'block', { key: k.key_id }) }, k.blocked ? 'Unblock' : 'Block'),
      // as irreversible as Delete for the app that holds the key, unless a grace period keeps its old secret a while
      el('button', { type: 'button', class: 'regenerate', onclick: () => regenerate(k) }, 'Regenerate'),
      el('button', { type: 'button', class: 'delete', onclick: () => confirm('Delete key ' + (k.key_alias || k.key_name) + '?') && keyOp('delete', { keys: [k.key_id] }) }, 'Delete'))))
    : [empty(8, 'No virtual keys yet.')]);
}

// Regenerate, with the grace period chosen above the table (LiteLLM's grace_period): always sent, so "at once" is at once
// also on a gateway whose LITELLM_KEY_ROTATION_GRACE_PERIOD would keep the old secret
function regenerate(k) {
  const select = $('#grace-period');
  const grace = select.value;
  const after = grace === '0s' ? 'Its current secret stops working at once; the app using it needs the new one.'
    : 'Its current secret ' + select.selectedOptions[0].textContent + ', then stops working; switch the app to the new one before then.';
  if (confirm('Regenerate key ' + (k.key_alias || k.key_name) + '? ' + after)) keyOp('regenerate', { key: k.key_id, grace_period: grace });
}

// The grace field starts at the gateway's default (LITELLM_KEY_ROTATION_GRACE_PERIOD), added as a choice when it is not
// one of the field's; once chosen by hand, the choice stays while the page is open
function graceDefault(d) {
  const select = $('#grace-period');
  if (select.dataset.touched) return;
  select.onchange = () => { select.dataset.touched = 'true'; };
  if (d && ![...select.options].some((o) => o.value === d)) select.append(el('option', { value: d }, 'keeps working for ' + d + ' (the gateway\'s default)'));
  select.value = d || '0s';
}

// What the gateway does with the key's calls: refuses them when blocked or expired (a 401 "This key expired")
function keyStatus(k) {
  const s = [k.blocked && 'blocked', k.expired && 'expired'].filter(Boolean);
  return s.length ? s.join(', ') : 'active';
}

// the allowlist, then the key's own aliases (LiteLLM's): "cheap, embedder; gpt-4 → cheap"
function modelsText(k) {
  const aliases = Object.entries(k.aliases || {}).map(([from, to]) => from + ' → ' + to);
  return (k.models.length ? k.models.join(', ') : 'all') + (aliases.length ? '; ' + aliases.join(', ') : '');
}

async function keyOp(op, body) {
  $('#key-error').hidden = true;
  try {
    const r = await post('/ui/api/keys/' + op, body);
    if (r.key) showSecret(r.key);
    await loadKeys();
  } catch (e) {
    $('#key-error').textContent = e.message;
    $('#key-error').hidden = false;
  }
}

function showSecret(secret) {
  $('#new-key').hidden = false;
  $('#new-key-value').textContent = secret;
}

function keyForm(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const body = { key_alias: f.get('key_alias') };
  if (f.get('max_budget')) body.max_budget = Number(f.get('max_budget'));
  if (f.get('budget_duration')) body.budget_duration = f.get('budget_duration');
  const models = String(f.get('models') || '').split(',').map((m) => m.trim()).filter(Boolean);
  if (models.length) body.models = models;
  keyOp('generate', body).then(() => ev.target.reset());
}

// A view that could not load: said in the header, in red (it was grey, beside the tabs, easy to miss)
function showError(e) {
  $('#status').textContent = e.message;
  $('#status').className = 'error';
}

// ---------------------------------------------------------------- tabs
const loaders = { overview: loadOverview, teams: loadTeams, requests: loadRequests, keys: loadKeys };

function show(hash) {
  let [tab, query] = hash.split('?');
  if (!loaders[tab]) tab = 'overview'; // an unknown #hash
  if (tab === 'requests') readRequestsHash(query);
  for (const s of document.querySelectorAll('.tab')) s.hidden = s.id !== 'tab-' + tab;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.tab === tab);
  const load = loaders[tab];
  $('#status').textContent = '';
  $('#status').className = 'muted';
  load().catch(showError);
  if (tab === 'overview' || tab === 'teams') Object.values(charts).forEach((c) => c.resize());
}

document.addEventListener('DOMContentLoaded', () => {
  $('#key-form').addEventListener('submit', keyForm);
  $('#logout-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await fetch('/ui/logout', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: '{}' })
      .catch(() => {});
    location.href = '/ui/login';
  });
  $('#request-filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    // app: the App column's text (the alias, else the key id: `master` for the master key), matched as the column shows it
    goRequests({ app: f.get('app').trim(), model: f.get('model').trim(), status: f.get('status'), since: f.get('since') }, 1);
  });
  // the refused view reads the request log, which has no index for it: it starts at the last 24 hours (any time stays a choice)
  $('#request-filters').elements.status.addEventListener('change', (ev) => {
    const since = $('#request-filters').elements.since;
    if (ev.target.value === 'error' && !since.value) since.value = '24h';
  });
  $('#prev-page').addEventListener('click', () => { if (state.page > 1) goRequests(state.filters, state.page - 1); });
  $('#next-page').addEventListener('click', () => { if (!state.pages || state.page < state.pages) goRequests(state.filters, state.page + 1); });
  $('#keys-prev').addEventListener('click', () => { if (state.keysPage > 1) { state.keysPage--; loadKeys(); } });
  $('#keys-next').addEventListener('click', () => { state.keysPage++; loadKeys(); });
  window.addEventListener('hashchange', () => show(location.hash.slice(1) || 'overview'));
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  show(location.hash.slice(1) || 'overview');
});
