// The rule-sandbox attacks, through the WASM module in Node: each hostile rule ends in an error
// finding for that rule (the other rules still run) or a TuanthuError, within 2 s of wall time,
// never a wasm trap; peak memory is measured in a child process so the figure is the attack's own.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { throwsTuanthu } from './helpers.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const modulePath = path.join(here, '..', 'pkg', 'node', 'tuanthu_wasm.js');
const t = require(modulePath);

const BOUND_MS = 2000;
const MEMORY_BOUND_MB = 256;
const read = (...p) => readFileSync(path.join(root, ...p), 'utf8');
const example = (f) => read('rules', 'examples', 'vinh-long', f);
const plan = t.Plan.fromJson(JSON.parse(example('plan.json')));
const submissions = t.submissionsFromCsv(example('submissions.csv'));
const events = JSON.parse(example('events.json'));
const header = (id) => `// id: ${id}\n// title: ${id}\n// applies_to: instance\n`;

/** Runs fn, asserting the bound whether it returns or throws. */
function timed(what, fn) {
  const start = performance.now();
  try {
    return fn();
  } finally {
    const took = performance.now() - start;
    assert.ok(took < BOUND_MS, `${what} took ${took.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
  }
}

const attacks = [
  ['evil.sleep', 'sleep(100);', /Function not found: sleep/],
  ['evil.closures',
    'let a = []; a.pad(160, 0); let b = a; let c = a; a.index_of(|i| b.index_of(|j| c.index_of(|k| k > 1) > 0) > 0)',
    /stopped: too many operations/],
  ['evil.contains', 'let a = []; a.pad(4096, 1); loop { if a.contains(2) { break; } }', /stopped: too many operations/],
  ['evil.loop', 'loop { }', /stopped:/],
  ['evil.minus', 'x.as_of - 9223372036854775807', /outside the supported years 1900–2199/],
];

for (const [id, body, message] of attacks) {
  test(`hostile rule ${id} is an error finding in time`, () => {
    const engine = new t.Engine().withRule(`${id}.rhai`, `${header(id)}fn check(x) { ${body} }\n`);
    const report = timed(id, () => engine.evaluate(plan, submissions, events, '2026-11-23'));
    const own = report.findings.filter((f) => f.rule === id);
    assert.ok(own.length > 0, `${id}: no error finding`);
    assert.ok(own.every((f) => f.rule_failed && f.severity === 'error'));
    assert.ok(own.some((f) => message.test(f.message_en)), own.map((f) => f.message_en).join('\n'));
    const others = report.findings.filter((f) => f.rule_failed && f.rule !== id && f.rule !== 'tuanthu.limits');
    assert.deepEqual(others, []);
    assert.ok(report.assessments.length > 0 && report.assessments.every((a) => typeof a.status === 'string'));
  });
}

test('a 2 MB rule is refused before compiling', () => {
  const big = `${header('evil.big')}fn check(x) { let a = 1; ${'a += 1; '.repeat(262144)}}\n`;
  timed('2 MB rule', () => throwsTuanthu(() => new t.Engine().withRule('big.rhai', big), 'rule', /max_rule_bytes/));
});

test('a pack of a thousand rules with 16 KB messages is refused', () => {
  const message = 'x'.repeat(16 * 1024);
  const rules = [];
  for (let i = 0; i < 1000; i += 1) {
    const id = `evil.chatty${String(i).padStart(4, '0')}`;
    rules.push({ name: `${id}.rhai`, text: `${header(id)}fn check(x) { "${message}" }\n` });
  }
  timed('1,000 rules', () => throwsTuanthu(() => new t.Engine({ rules }), 'rule', /max_rules/));
});

test('a report received in year one is refused, naming the field', () => {
  const rows = [{ agency: 'Sở Tư pháp', obligation: 'II.3', received: '0001-01-01' }];
  // Outside the calendar: bad input, refused by the submissions table as it reads the row (`kind`
  // input, as in Python and for CSV files).
  timed('year one', () => throwsTuanthu(
    () => new t.Engine().evaluate(plan, rows, undefined, '2026-11-23'),
    'input',
    /^submissions: field `\[0\]\.received`: '0001-01-01': 0001-01-01 is outside the supported years 1900–2199$/,
  ));
});

test('peak memory of a hostile evaluation stays bounded', () => {
  const script = `
    const t = require(${JSON.stringify(modulePath)});
    const fs = require('node:fs');
    const d = ${JSON.stringify(path.join(root, 'rules', 'examples', 'vinh-long'))};
    const plan = t.Plan.fromJson(JSON.parse(fs.readFileSync(d + '/plan.json', 'utf8')));
    const id = 'evil.closures';
    const engine = new t.Engine().withRule('c.rhai', '// id: ' + id + '\\n// title: c\\n// applies_to: instance\\n'
      + 'fn check(x) { let a = []; a.pad(160, 0); let b = a; let c = a; a.index_of(|i| b.index_of(|j| c.index_of(|k| k > 1) > 0) > 0) }\\n');
    const report = engine.evaluate(plan, [], undefined, '2026-11-23');
    if (!report.findings.some((f) => f.rule === id && f.rule_failed)) throw new Error('no error finding');
    console.log(Math.round(process.resourceUsage().maxRSS / 1024));
  `;
  const peakMb = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60000 }).trim());
  assert.ok(peakMb > 0 && peakMb < MEMORY_BOUND_MB, `peak ${peakMb} MB`);
});
