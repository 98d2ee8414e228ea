// The JS API beyond the vectors: plans, rule packs, labels, and bad input. Every failure must be
// a JS Error named TuanthuError with a message a person can act on, never a wasm trap
// (WebAssembly.RuntimeError), and the engine must keep working afterwards.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { throwsTuanthu } from './helpers.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const t = require('../pkg/node/tuanthu_wasm.js');

const read = (...p) => readFileSync(path.join(root, ...p), 'utf8');
const engine = new t.Engine();
const vinhLong = JSON.parse(read('rules', 'examples', 'vinh-long', 'plan.json'));
const plan = t.Plan.fromJson(vinhLong);

const validForm = {
  agency: 'Công an tỉnh',
  obligation: 'II.3',
  received: '17/04/2026',
  document_number: '112/BC-CAT',
};

test('the standard pack: label, rules and its own unit tests all pass', () => {
  assert.match(engine.rulePack, /standard@\d/);
  const ids = engine.rules().map((r) => r.id);
  assert.ok(ids.includes('status') && ids.includes('evidence.document-number'), ids.join());
  const report = engine.test();
  assert.equal(report.failed, 0, JSON.stringify(report.cases.filter((c) => c.failure)));
  assert.ok(report.passed >= 30, `only ${report.passed} cases`);
});

test('version', () => {
  assert.match(t.version(), /^\d+\.\d+\.\d+/);
});

test('Plan: id, title, obligations for pickers, JSON round trip', () => {
  assert.equal(plan.id, vinhLong.id);
  assert.equal(plan.title, vinhLong.title);
  const list = plan.obligations();
  assert.equal(list.length, vinhLong.obligations.length);
  const ii3 = list.find((o) => o.id === 'II.3');
  assert.ok(ii3.responsible.includes('Công an tỉnh'), JSON.stringify(ii3));
  assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan.toJSON());
  assert.deepEqual(plan.warnings(), []);
  assert.equal(t.Plan.fromJson(plan.toJsonText()).toJsonText(), plan.toJsonText());
});

test('evaluate accepts a Date for asOf and matches the string form', () => {
  const subs = t.submissionsFromCsv(read('rules', 'examples', 'vinh-long', 'submissions.csv'));
  assert.ok(subs.length > 5);
  const a = engine.evaluate(plan, subs, undefined, '2026-11-23');
  const b = engine.evaluate(plan, subs, [], new Date(2026, 10, 23));
  assert.deepEqual(a, b);
  assert.equal(a.as_of, '2026-11-23');
  assert.ok(a.assessments.length > 10);
});

test('a valid form gives no error or warning', () => {
  const messages = engine.validateSubmission(plan, validForm, { asOf: '2026-11-23' });
  assert.deepEqual(messages.filter((m) => m.severity !== 'info'), []);
});

test('form messages name the field, rule and both languages', () => {
  const messages = engine.validateSubmission(
    plan,
    { ...validForm, received: '31/02/2026', document_number: 'BC 12' },
    { asOf: '2026-11-23' },
  );
  const fields = messages.map((m) => `${m.field}:${m.ruleId}:${m.severity}`).sort();
  assert.deepEqual(fields, [
    'document_number:evidence.document-number:warning',
    'received:evidence.received:error',
  ]);
  for (const m of messages) {
    assert.ok(m.message_vi.length > 0 && m.message_en.length > 0);
    assert.notEqual(m.message_vi, m.message_en);
  }
});

test('malformed plans are input errors naming where', () => {
  const eof = throwsTuanthu(() => t.Plan.fromJson('{"id": "p", '), 'input', /^plan:1: /, /EOF/);
  assert.deepEqual([eof.file, eof.line], ['plan', 1]);
  throwsTuanthu(() => t.Plan.fromJson({ id: 'p', title: 'x', obligations: [{ title: 'no id' }] }), 'input', /obligations\[0\]/, /id/);
  throwsTuanthu(() => t.Plan.fromJson(undefined), 'input', /required/);
  throwsTuanthu(() => t.Plan.fromJson(42), 'input', /plan/);
  const cyclic = { id: 'p' };
  cyclic.self = cyclic;
  throwsTuanthu(() => t.Plan.fromJson(cyclic), 'input', /cannot be turned into JSON/);
});

test('malformed forms, options and dates are input errors naming the field', () => {
  throwsTuanthu(() => engine.validateSubmission(plan, { ...validForm, received: 5 }), 'input', /received/);
  throwsTuanthu(() => engine.validateSubmission(plan, { ...validForm, colour: 'red' }), 'input', /colour/);
  throwsTuanthu(() => engine.validateSubmission(plan, undefined), 'input', /form/);
  throwsTuanthu(() => engine.validateSubmission(plan, validForm, { asOf: '31/02/2026' }), 'input', /asOf/);
  throwsTuanthu(() => engine.validateSubmission(plan, validForm, { asOf: '2026-11-23', events: 'x' }), 'input', /events/);
  throwsTuanthu(() => engine.evaluate(plan, [], undefined, '2026-13-01'), 'input', /asOf/);
  throwsTuanthu(() => engine.evaluate(plan, [], undefined, undefined), 'input', /asOf is required/);
  throwsTuanthu(() => engine.evaluate(plan, [], undefined, new Date('nope')), 'input', /invalid/);
  throwsTuanthu(() => engine.evaluate(plan, [{ agency: 'A', obligation: 'II.3', received: '2026-02-31' }], undefined, '2026-11-23'), 'input', /submissions.*\[0\]\.received/, /'2026-02-31' is not a real date/);
  throwsTuanthu(() => engine.evaluate(plan, [], undefined, '9999-01-01'), 'input', /asOf/, /outside the supported years/);
  throwsTuanthu(() => t.submissionsFromCsv('agency,obligation,received\nA,II.3,31/02/2026\n'), 'input', /submissions\.csv/, /31\/02\/2026/);
  throwsTuanthu(() => engine.evaluateJson('{}'), 'input', /request/);
  throwsTuanthu(() => engine.validateFormJson('[1,2]'), 'input', /form request/);
});

test('rule packs: syntax errors name file:line:col; runaway rules become findings', () => {
  const header = (id) => `// id: ${id}\n// title: t\n// applies_to: instance\n`;
  throwsTuanthu(
    () => new t.Engine({ rules: [{ name: 'bad.rhai', text: `${header('bad')}fn check(x) {\n  let = 1;\n}\n` }] }),
    'rule',
    /^bad\.rhai:5: column \d+: syntax error/,
  );
  throwsTuanthu(() => engine.withRule('bad.rhai', 'fn check(x) { ( }'), 'rule', /bad\.rhai/);
  throwsTuanthu(() => new t.Engine({ rules: 'x' }), 'input', /rule pack/);
  const looping = engine.withRule('loop.rhai', `${header('custom.loop')}fn check(x) { loop {} }\n`);
  const report = looping.evaluate(plan, [], undefined, '2026-11-23');
  const failures = report.findings.filter((f) => f.rule === 'custom.loop');
  assert.ok(failures.length > 0 && failures.every((f) => f.rule_failed && f.severity === 'error'));
  // The other rules still ran: every instance has a status.
  assert.ok(report.assessments.every((a) => typeof a.status === 'string'));
  // WebAssembly's stack is small: deep recursion and huge values must stop at the sandbox's
  // limits, as findings, before they could overflow it.
  const runaway = {
    'custom.recursion': 'fn f(n) { if n == 0 { 0 } else { 1 + f(n - 1) } }\nfn check(x) { f(100000); }',
    'custom.string': 'fn check(x) { let s = "a"; loop { s += s; } }',
    'custom.array': 'fn check(x) { let a = []; loop { a.push(1); } }',
  };
  for (const [id, body] of Object.entries(runaway)) {
    const r = engine.withRule(`${id}.rhai`, `${header(id)}${body}\n`).evaluate(plan, [], undefined, '2026-11-23');
    const found = r.findings.filter((f) => f.rule === id);
    assert.ok(found.length > 0 && found.every((f) => f.rule_failed && /stopped/.test(f.message_en)), id);
  }
  throwsTuanthu(
    () => engine.withRule('deep.rhai', `${header('custom.deep')}fn check(x) { ${'('.repeat(5000)}1${')'.repeat(5000)} }\n`),
    'rule',
    /^deep\.rhai:4: column \d+: /,
  );
});

test('arbitrary forms never trap and the engine keeps working', () => {
  const pieces = ['', ' ', 'II.3', 'IV.1', 'Công an tỉnh', 'Sở Tư pháp', '31/02/2026', '15/11/2026', '2026', 'once',
    'H1', '0/0', '99999999/BC-X', '\u0000', 'ạ̀', '2026-02-29', '29/02/2028', 'event:x', '/', '-1', 'a'.repeat(5000)];
  let seed = 7;
  const pick = () => pieces[(seed = (seed * 1103515245 + 12345) % 2147483648) % pieces.length];
  for (let i = 0; i < 400; i++) {
    const form = { agency: pick(), obligation: pick(), received: pick(), period: pick(), stage: pick(), document_number: pick() };
    try {
      const messages = engine.validateSubmission(plan, form, { asOf: '2026-11-23' });
      assert.ok(Array.isArray(messages));
    } catch (e) {
      assert.equal(e.name, 'TuanthuError', `form ${JSON.stringify(form)}: ${e}`);
    }
  }
  assert.deepEqual(
    engine.validateSubmission(plan, validForm, { asOf: '2026-11-23' }).filter((m) => m.severity !== 'info'),
    [],
  );
});

test('labels of statuses and periods are the engine\'s, in both languages', () => {
  assert.equal(t.statusLabel('overdue'), 'QUÁ HẠN');
  assert.equal(t.statusLabel('done_on_time', 'en'), 'On time');
  assert.equal(t.statusLabel('overdue', 'en', false), 'Overdue');
  assert.equal(t.periodLabel('2026-Q2', 'vi'), 'quý II/2026');
  assert.equal(t.periodLabel('once', 'en'), 'one-off');
  assert.equal(t.periodLabel('2026-06', 'vi'), 'tháng 6/2026');
  throwsTuanthu(() => t.statusLabel('late'), 'input', /status: 'late'/);
  throwsTuanthu(() => t.periodLabel('2026-Q5'), 'input', /period code/);
  throwsTuanthu(() => t.statusLabel('overdue', 'fr'), 'input', /lang/);
});

test('withInlineRule makes the header from its defaults (as Python add_rule); errors give lines as written', () => {
  const inline = engine.withInlineRule('custom.inline', 'fn check(x) {}\n', { applies_to: 'instance', title: 'Inline' });
  assert.deepEqual(inline.rules().find((r) => r.id === 'custom.inline'), {
    id: 'custom.inline',
    title: 'Inline',
    applies_to: 'instance',
    severity: 'warning',
    description: '',
    file: 'custom.inline.rhai',
  });
  const e = throwsTuanthu(
    () => engine.withInlineRule('broken', 'fn check(x) {\n    let y = ;\n}\n', { applies_to: 'instance' }),
    'rule',
    /^broken\.rhai:2: column /,
  );
  assert.deepEqual([e.file, e.line, e.field], ['broken.rhai', 2, null]);
  throwsTuanthu(() => engine.withInlineRule('x', 'fn check(x) {}', { applies_to: 'form' }), 'input', /defaults/);
  inline.free();
});
