// The service's pages in a real browser at a phone's width (390 px): the report form refuses what
// the engine would not count, in Vietnamese beside the field, with focus on it and no rule ids;
// the dashboard shows the agency × obligation matrix and a click opens the explanation.
//
//   TUANTHU_SERVER=target/debug/tuanthu-server node --test server/tests/pages.mjs
//
// (server/tests/pages.sh builds the service and installs what is missing.) Starts the service on
// 127.0.0.1 with a temporary data directory; Debian's Chromium through playwright-core (taken from
// bindings-wasm/node_modules); nothing leaves 127.0.0.1.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { chromium } = createRequire(join(root, 'bindings-wasm', 'package.json'))('playwright-core');

const LAUNCH = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
  ],
};
const ADMIN = 'tt_admin_pages_test_' + process.pid;
const PLAN_DIR = join(root, 'rules', 'examples', 'vinh-long');
const PLAN = JSON.parse(readFileSync(join(PLAN_DIR, 'plan.json'), 'utf8'));
const AGENCY = 'Sở Tư pháp';
// Every rule id of the standard pack: none may be shown to a civil servant.
const RULE_IDS = readdirSync(join(root, 'rules', 'standard'))
  .filter((f) => f.endsWith('.rhai'))
  .map((f) => /^\/\/ id: (\S+)/m.exec(readFileSync(join(root, 'rules', 'standard', f), 'utf8'))?.[1])
  .filter(Boolean);

let server;
let base;
let data;
let browser;
let context;
let submitter;
let viewer;

async function api(method, path, body, token = ADMIN) {
  const r = await fetch(base + path, {
    method,
    headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

/** Starts the service on a free loopback port; resolves with its address. */
function start() {
  const bin = process.env.TUANTHU_SERVER ?? join(root, 'target', 'debug', 'tuanthu-server');
  data = mkdtempSync(join(tmpdir(), 'tuanthu-pages-'));
  server = spawn(bin, ['--listen', '127.0.0.1:0', '--data', data], {
    env: { ...process.env, TUANTHU_ADMIN_TOKEN: ADMIN, RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the service did not start in 20 s')), 20_000);
    server.on('exit', (code) => reject(new Error(`the service exited (${code}) before listening`)));
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
}

before(async () => {
  base = await start();
  const read = (f) => JSON.parse(readFileSync(join(PLAN_DIR, f), 'utf8'));
  await api('POST', '/v1/plans', { plan: PLAN, registry: read('registry.json'), events: read('events.json') });
  submitter = (await api('POST', '/v1/tokens', { name: 'pages test', role: 'submitter', agency: AGENCY })).token;
  viewer = (await api('POST', '/v1/tokens', { name: 'pages viewer', role: 'viewer' })).token;
  browser = await chromium.launch(LAUNCH);
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  context.setDefaultTimeout(10_000);
  // Only the service may be reached.
  await context.route((url) => !url.href.startsWith(base), (route) => route.abort());
});

after(async () => {
  await context?.close();
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (data) rmSync(data, { recursive: true, force: true });
});

async function openPage(path, token) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(base + path);
  await page.fill('#token', token);
  await page.dispatchEvent('#token', 'change');
  return { page, errors };
}

/** The page is no wider than the screen (tables scroll inside their own box). */
async function fitsWidth(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide at a 390 px screen`);
}

async function assertNoRuleIds(page) {
  const text = await page.evaluate(() => document.body.innerText);
  for (const id of RULE_IDS) assert.ok(!text.includes(id), `rule id ${id} shown: ${text}`);
}

test('the form refuses 31/02/2026 beside the field, in Vietnamese, with focus on it', async () => {
  const { page, errors } = await openPage('/form', submitter);
  // The token binds the agency: filled in and not editable.
  await page.waitForFunction((a) => document.getElementById('agency').value === a, AGENCY);
  assert.equal(await page.$eval('#agency', (e) => e.readOnly), true);
  await page.waitForSelector('#obligation option', { state: 'attached' });
  await page.fill('#received', '31/02/2026');
  await page.click('button[type=submit], #form button');
  await page.waitForFunction(() => document.getElementById('received-problem').textContent !== '');
  const problem = await page.textContent('#received-problem');
  assert.match(problem, /dd\/mm\/yyyy/);
  assert.match(problem, /ngày có thật/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'received');
  assert.equal(await page.getAttribute('#received', 'aria-invalid'), 'true');
  await assertNoRuleIds(page);
  await fitsWidth(page);
  // Nothing was sent, nothing stored.
  const stored = await api('GET', `/v1/plans/${PLAN.id}/submissions`);
  assert.equal(stored.length, 0, JSON.stringify(stored));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the engine refuses a received date in the future: its Vietnamese words, no rule id', async () => {
  const { page, errors } = await openPage('/form', submitter);
  await page.waitForFunction((a) => document.getElementById('agency').value === a, AGENCY);
  await page.waitForSelector('#obligation option', { state: 'attached' });
  const future = new Date(Date.now() + 40 * 86_400_000);
  const dd = (n) => String(n).padStart(2, '0');
  const typed = `${dd(future.getUTCDate())}/${dd(future.getUTCMonth() + 1)}/${future.getUTCFullYear()}`;
  await page.fill('#received', typed);
  await page.click('button[type=submit], #form button');
  await page.waitForFunction(() => [...document.querySelectorAll('.problem')].some((p) => p.textContent !== ''));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'received');
  const problem = await page.textContent('#received-problem');
  // The engine's message names the date as typed (dd/mm/yyyy).
  assert.ok(problem.includes(typed), `the message beside the field: ${problem}`);
  assert.equal(await page.getAttribute('#received', 'aria-invalid'), 'true');
  await assertNoRuleIds(page);
  assert.ok(!(await page.textContent('#result')).includes('Đã ghi nhận'), 'refused, not acknowledged');
  const stored = await api('GET', `/v1/plans/${PLAN.id}/submissions`);
  assert.equal(stored.length, 0, JSON.stringify(stored));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a refused report shows the refusal and no note that the evidence was recorded', async () => {
  // The plan names the submitter's agency as coordinating (not lead) for some obligation: the
  // service refuses its report (422) and the engine's info note on coordinating evidence says
  // it "is recorded", which must not stand beside the refusal.
  const coordinated = PLAN.obligations.find((o) =>
    (o.coordinating || []).some((a) => a.name === AGENCY) && !(o.lead || []).some((a) => a.name === AGENCY));
  assert.ok(coordinated, `the plan has an obligation ${AGENCY} coordinates`);
  const { page, errors } = await openPage('/form', submitter);
  await page.waitForFunction((a) => document.getElementById('agency').value === a, AGENCY);
  await page.waitForSelector('#obligation option', { state: 'attached' });
  // The date first: leaving the token field fires its change event, which reloads the plans and
  // refills the obligations. The plan list may load more than once, each load refilling the
  // list: choose again until the choice stays.
  await page.fill('#received', '01/06/2026');
  for (let i = 0; i < 10; i++) {
    await page.selectOption('#obligation', coordinated.id);
    await page.waitForTimeout(500);
    if ((await page.$eval('#obligation', (e) => e.value)) === coordinated.id) break;
  }
  const answer = page.waitForResponse((r) => r.url().endsWith('/submissions') && r.request().method() === 'POST');
  await page.click('button[type=submit], #form button');
  const resp = await answer;
  assert.equal(resp.status(), 422, 'the service refuses a coordinating agency\'s report');
  const body = await resp.json();
  assert.ok((body.findings || []).some((f) => f.severity === 'info'),
    `the refusal carries the engine's info note (what the page must not show): ${JSON.stringify(body)}`);
  await page.waitForFunction(() => [...document.querySelectorAll('.problem')].some((p) => p.textContent !== ''));
  const text = await page.evaluate(() => document.querySelector('main').innerText);
  assert.match(text, /không được tính/, `the refusal is shown: ${text}`);
  assert.ok(!/được ghi nhận|Đã ghi nhận/.test(text), `no success note beside the refusal: ${text}`);
  await assertNoRuleIds(page);
  const stored = await api('GET', `/v1/plans/${PLAN.id}/submissions`);
  assert.equal(stored.length, 0, JSON.stringify(stored));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the dashboard shows the agency × obligation matrix; a click opens the explanation', async () => {
  const { page, errors } = await openPage('/', viewer);
  // The page draws today's report as it opens; let that settle first.
  await page.waitForSelector('#matrix[data-as-of] td.cell');
  await page.waitForLoadState('networkidle');
  // Ask for 20/11, then 23/11, holding the 20/11 answer back so that it arrives last: the page
  // must keep showing what was asked for last.
  await page.route((url) => url.searchParams.get('as_of') === '2026-11-20', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  const stale = page.waitForResponse((r) => new URL(r.url()).searchParams.get('as_of') === '2026-11-20');
  await page.fill('#as_of', '20/11/2026');
  await page.click('#show');
  await page.fill('#as_of', '23/11/2026');
  await page.click('#show');
  await page.waitForSelector('#matrix[data-as-of="2026-11-23"] td.cell');
  await (await stale).finished();
  // Give the page's own code time to handle that late answer before looking.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
  assert.equal(await page.getAttribute('#matrix', 'data-as-of'), '2026-11-23', 'the older answer drew over the newer');
  assert.ok((await page.textContent('#message')).includes('23/11/2026'), await page.textContent('#message'));
  const header = await page.$$eval('#matrix tr:first-child th', (ths) => ths.map((t) => t.textContent));
  assert.equal(header[0], 'Cơ quan');
  const ids = PLAN.obligations.map((o) => o.id);
  for (const h of header.slice(1)) assert.ok(ids.includes(h), `column ${h} is an obligation of the plan`);
  const cells = await page.$$('#matrix td.cell');
  assert.ok(cells.length > 0);
  assert.ok(await page.$eval('#counts', (e) => e.textContent.length > 0), 'counts per status shown');
  await fitsWidth(page);
  await cells[0].click();
  await page.waitForSelector('#detail:not([hidden]) h3');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'detail');
  const detail = await page.textContent('#detail');
  assert.ok(detail.length > 40, `an explanation: ${detail}`);
  await assertNoRuleIds(page);
  assert.deepEqual(errors, []);
  await page.close();
});
