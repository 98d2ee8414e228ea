// The report-submission page in a real browser: messages appear as a person types, in the chosen
// language, and the compliance table renders. Run from bindings-wasm/ after scripts/build.sh:
//
//   node --test tests/browser.mjs
//
// Uses the system Chromium through playwright-core (no browser download) and a local server;
// nothing leaves 127.0.0.1.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../www/serve.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const dist = join(here, 'dist');
const results = join(here, 'test-results');
const AS_OF = '2026-11-23';

const LAUNCH = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
};

let server;
let browser;
let context;

before(async () => {
  for (const f of ['index.html', 'app.js', 'pkg/tuanthu_wasm.js', 'pkg/tuanthu_wasm_bg.wasm', 'examples/vinh-long/plan.json']) {
    assert.ok(existsSync(join(dist, f)), `dist/${f} is missing: run scripts/build.sh first`);
  }
  server = await serve(dist, 0);
  // Playwright gives the browser a fresh temporary profile: nothing cached from another run.
  browser = await chromium.launch(LAUNCH);
  context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  // Only the local server may be reached.
  await context.route((url) => !url.href.startsWith(server.url), (route) => route.abort());
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** A fresh page on the Vĩnh Long example as of 23/11/2026; `errors` collects uncaught errors. */
async function openPage() {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
  await page.fill('#as-of', AS_OF);
  assert.equal(await page.evaluate(() => window.tuanthu.report.as_of), AS_OF);
  return { page, errors };
}

/**
 * A test on a fresh page (see openPage): it also fails on any uncaught page error, and the page
 * is closed whatever happens.
 */
function pageTest(name, body) {
  test(name, async () => {
    const { page, errors } = await openPage();
    try {
      await body(page);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
}

/** Fills the form as a person would: picks the obligation, types every text field. */
async function typeForm(page, form) {
  await page.selectOption('#obligation', form.obligation);
  for (const field of ['agency', 'period', 'received', 'document_number']) {
    const input = page.locator(`#${field}`);
    await input.fill('');
    if (form[field]) await input.pressSequentially(form[field]);
  }
}

/** Every message shown on the form: `{field, rule, severity, text}`. */
function shownMessages(page) {
  return page.$$eval('[data-messages-for] .message', (els) =>
    els.map((el) => ({
      field: el.closest('[data-messages-for]').dataset.messagesFor,
      rule: el.dataset.rule,
      severity: el.dataset.severity,
      text: el.firstChild.textContent,
    })),
  );
}

const codes = (messages) => messages.map(({ field, rule, severity }) => ({ field, rule, severity }));

test('the server sends the MIME types browsers require and stays inside its folder', async () => {
  const type = async (path) => (await fetch(server.url + path)).headers.get('content-type');
  assert.equal(await type('pkg/tuanthu_wasm_bg.wasm'), 'application/wasm');
  assert.match(await type('pkg/tuanthu_wasm.js'), /^text\/javascript/);
  assert.match(await type(''), /^text\/html/);
  assert.equal((await fetch(server.url + 'nope.txt')).status, 404);
  // fetch() would normalise `..` away; a raw request sends the path as written.
  const status = (path) =>
    new Promise((done, fail) => get(server.url.slice(0, -1) + path, (res) => (res.resume(), done(res.statusCode))).on('error', fail));
  assert.equal(await status('/..%2fCargo.toml'), 403);
  assert.equal(await status('/pkg/..%2f..%2fCargo.toml'), 403);
});

pageTest('an impossible date is an error on the received field', async (page) => {
  await typeForm(page, {
    obligation: 'IV.1', agency: 'Sở Tư pháp', period: '2026', received: '31/02/2026', document_number: '12/BC-STP',
  });
  const messages = await shownMessages(page);
  assert.deepEqual(codes(messages), [{ field: 'received', rule: 'evidence.received', severity: 'error' }]);
  assert.equal(messages[0].text, 'Ngày nhận "31/02/2026" không phải là ngày hợp lệ (dd/mm/yyyy)');
  assert.equal(await page.getAttribute('#received', 'aria-invalid'), 'true');
  // An error blocks adding the report.
  await page.click('#submit');
  assert.equal(await page.evaluate(() => window.tuanthu.submissions.length), 15);
});

pageTest('a late date is a lateness warning; the screenshot shows it', async (page) => {
  // IV.1 (yearly report, "trước ngày 15/11") for Sở Xây dựng: last day 14/11/2026, as in form-02.
  await typeForm(page, {
    obligation: 'IV.1', agency: 'Sở Xây dựng', period: '2026', received: '17/11/2026', document_number: '12/BC-SXD',
  });
  const messages = await shownMessages(page);
  assert.deepEqual(codes(messages), [{ field: 'received', rule: 'evidence.lateness', severity: 'warning' }]);
  assert.equal(
    messages[0].text,
    'Nộp muộn 3 ngày: hạn cuối 14/11/2026 (cách hiểu "trước ngày": exclusive; ngày nghỉ: strict)',
  );
  assert.equal(await page.getAttribute('#received', 'aria-invalid'), null);
  mkdirSync(results, { recursive: true });
  await page.screenshot({ path: join(results, 'form.png'), fullPage: true });
  // Moving the evaluation date before the received date makes it a date in the future: the form
  // is checked again against the new date (a new form session).
  await page.fill('#as-of', '2026-11-16');
  const later = await shownMessages(page);
  assert.deepEqual(codes(later), [
    { field: 'received', rule: 'evidence.received', severity: 'error' },
    { field: 'received', rule: 'evidence.lateness', severity: 'warning' }, // still after 14/11
  ]);
  assert.equal(later[0].text, 'Ngày nhận 17/11/2026 sau ngày hiện tại 16/11/2026');
});

pageTest('a bad document number is a warning on document_number', async (page) => {
  await typeForm(page, {
    obligation: 'IV.1', agency: 'Sở Tư pháp', period: '2026', received: '13/11/2026', document_number: 'BC-12',
  });
  const messages = await shownMessages(page);
  assert.deepEqual(codes(messages), [
    { field: 'document_number', rule: 'evidence.document-number', severity: 'warning' },
  ]);
  assert.equal(messages[0].text, 'Số, ký hiệu "BC-12" không đúng thể thức (ví dụ: 123/BC-STP)');
});

pageTest('an agency not responsible for the obligation gets the rule’s warning', async (page) => {
  await typeForm(page, {
    obligation: 'II.5', agency: 'Sở Xây dựng', received: '13/11/2026', document_number: '1/BC-SXD',
  });
  const messages = await shownMessages(page);
  assert.deepEqual(codes(messages), [{ field: 'agency', rule: 'evidence.responsible', severity: 'warning' }]);
  assert.equal(messages[0].text, 'Sở Xây dựng không được giao nhiệm vụ II.5; minh chứng không được tính');
});

pageTest('a valid submission shows no message and can be added', async (page) => {
  await typeForm(page, {
    obligation: 'IV.1', agency: 'Sở Tư pháp', period: '2026', received: '13/11/2026', document_number: '12/BC-STP',
  });
  assert.deepEqual(await shownMessages(page), []);
  // The period list offers the report's periods for this obligation and agency.
  const periods = await page.$$eval('#period-list option', (os) => os.map((o) => o.value));
  assert.deepEqual(periods, ['2026']);

  // Adding it re-evaluates: Sở Xây dựng's overdue IV.1 becomes done on time when it reports
  // within the deadline.
  await typeForm(page, {
    obligation: 'IV.1', agency: 'Sở Xây dựng', period: '2026', received: '13/11/2026', document_number: '77/BC-SXD',
  });
  assert.deepEqual(await shownMessages(page), []);
  const row = page.locator('#status-table tbody tr[data-obligation="IV.1"][data-period="2026"]', { hasText: 'Sở Xây dựng' });
  assert.equal(await row.getAttribute('data-status'), 'overdue');
  await page.click('#submit');
  assert.equal(await page.evaluate(() => window.tuanthu.submissions.length), 16);
  assert.equal(await row.getAttribute('data-status'), 'done_on_time');
  assert.match(await page.textContent('#submit-result'), /Đã thêm báo cáo của Sở Xây dựng/);
  assert.equal(await page.inputValue('#received'), '');
  assert.deepEqual(await shownMessages(page), []);
});

pageTest('switching to English shows the English messages and labels', async (page) => {
  await typeForm(page, {
    obligation: 'IV.1', agency: 'Sở Xây dựng', period: '2026', received: '17/11/2026', document_number: 'BC-12',
  });
  await page.selectOption('#lang', 'en');
  const messages = await shownMessages(page);
  assert.deepEqual(codes(messages), [
    { field: 'received', rule: 'evidence.lateness', severity: 'warning' },
    { field: 'document_number', rule: 'evidence.document-number', severity: 'warning' },
  ]);
  assert.equal(messages[0].text, '3 day(s) late: last day 14/11/2026 (reading of "before": exclusive; day off: strict)');
  assert.equal(messages[1].text, 'Document number "BC-12" is not in the Decree 30/2020 form (e.g. 123/BC-STP)');
  assert.equal(await page.textContent('label[for="received"]'), 'Received on');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('#status-table thead th:nth-child(4)'), 'Status');
  const row = page.locator('#status-table tbody tr[data-obligation="IV.1"][data-period="2026"]', { hasText: 'Sở Xây dựng' });
  assert.equal(await row.locator('td.status').textContent(), 'OVERDUE');
  assert.equal(await row.locator('td.num').textContent(), '9 late');
  // Typing goes on in English.
  await page.locator('#received').fill('');
  await page.locator('#received').pressSequentially('31/02/2026');
  assert.equal((await shownMessages(page))[0].text, 'Received date "31/02/2026" is not a real date (dd/mm/yyyy)');
  // And back.
  await page.selectOption('#lang', 'vi');
  assert.equal(await page.textContent('label[for="received"]'), 'Ngày nhận');
  assert.equal((await shownMessages(page))[0].text, 'Ngày nhận "31/02/2026" không phải là ngày hợp lệ (dd/mm/yyyy)');
});

pageTest('a malformed plan file shows a readable error and the page stays usable', async (page) => {
  await page.setInputFiles('#plan-file', {
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"id": "x", "title": "Hỏng", "obligations": [{"id": '),
  });
  const alert = page.locator('#plan-error');
  await alert.waitFor({ state: 'visible' });
  const text = await alert.textContent();
  assert.match(text, /^Không mở được kế hoạch \(tệp broken\.json\): plan/);
  assert.match(text, /\[input\]$/);
  // The example plan is still loaded and the form still answers.
  assert.equal(await page.evaluate(() => window.tuanthu.plan.id), 'vinh-long-144-KH-UBND');
  await typeForm(page, {
    obligation: 'IV.1', agency: 'Sở Tư pháp', period: '2026', received: '31/02/2026', document_number: '12/BC-STP',
  });
  assert.deepEqual(codes(await shownMessages(page)), [{ field: 'received', rule: 'evidence.received', severity: 'error' }]);

  // A well-formed plan file replaces the example (without registry, events or submissions).
  const plan = {
    id: 'vf',
    title: 'Kế hoạch thử nghiệm',
    obligations: [
      {
        id: 'IV.1',
        title: 'Báo cáo',
        kind: 'periodic_report',
        schedule: { type: 'recurring', every: 'yearly', due: { month: 11, day: 15, bound: 'before' }, from_year: 2026 },
        performers: [{ kind: 'agency', name: 'Sở Tư pháp' }, { kind: 'agency', name: 'Sở Y tế' }],
      },
    ],
  };
  await page.setInputFiles('#plan-file', {
    name: 'plan.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(plan)),
  });
  await alert.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => window.tuanthu.plan.id), 'vf');
  assert.deepEqual(await page.$$eval('#obligation option', (os) => os.map((o) => o.value)), ['IV.1']);
  assert.equal(await page.locator('#status-table tbody tr').count(), 2);
  assert.deepEqual(await page.$$eval('#agency-list option', (os) => os.map((o) => o.value)), ['Sở Tư pháp', 'Sở Y tế']);
});

pageTest('the compliance table shows every assessment with its status, due date and days', async (page) => {
  const rows = page.locator('#status-table tbody tr');
  assert.equal(await rows.count(), 75);
  const counts = await page.$$eval('#status-counts li', (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(counts, [
    'Đúng hạn: 7', 'Quá hạn (đã xong): 4', 'Trong hạn: 1', 'QUÁ HẠN: 32', 'Thường xuyên: 8',
    'Chưa phát sinh: 23', 'Tổng: 75',
  ]);
  const cells = async (agency, obligation, period) =>
    page
      .locator(`#status-table tbody tr[data-obligation="${obligation}"][data-period="${period}"]`, { hasText: agency })
      .first()
      .locator('td')
      .allTextContents();
  assert.deepEqual(await cells('Sở Tư pháp', 'II.3', 'once'), ['II.3', 'Sở Tư pháp', 'một lần', 'Quá hạn (đã xong)', '19/04/2026', 'trễ 5']);
  assert.deepEqual(await cells('Sở Nội vụ', 'IV.1', '2026'), ['IV.1', 'Sở Nội vụ', 'năm 2026', 'Quá hạn (đã xong)', '14/11/2026', 'trễ 2']);
  assert.deepEqual(await cells('Công an tỉnh', 'II.4.c', 'event:CV-BCA-1116'), [
    'II.4.c', 'Công an tỉnh', 'theo sự kiện CV-BCA-1116', 'Trong hạn', '26/11/2026', 'còn 3 !',
  ]);
  // A new as-of date re-evaluates: on 10/11/2026 the yearly report is not due yet.
  await page.fill('#as-of', '2026-11-10');
  assert.deepEqual(await cells('Sở Xây dựng', 'IV.1', '2026'), ['IV.1', 'Sở Xây dựng', 'năm 2026', 'Trong hạn', '14/11/2026', 'còn 4 !']);
  // Another example plan.
  await page.selectOption('#example', 'hung-yen');
  await page.waitForFunction(() => window.tuanthu.plan.id === 'hung-yen-draft');
  assert.ok((await rows.count()) > 0);
});
