// The shared test vectors of tests/vectors, run against the Node.js build: every output must equal
// `<name>.out.json` byte for byte, as Rust's and Python's do.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const tuanthu = require('../pkg/node/tuanthu_wasm.js');
const dir = path.join(here, '..', '..', 'tests', 'vectors');

const vectors = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.out.json'))
  .sort();

test('the vector directory is found and not empty', () => {
  assert.ok(vectors.length >= 20, `only ${vectors.length} vectors in ${dir}`);
});

const engine = new tuanthu.Engine();

for (const file of vectors) {
  test(`vector ${file}`, () => {
    const vector = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const expected = readFileSync(path.join(dir, file.replace(/\.json$/, '.out.json')), 'utf8');
    let actual;
    if (vector.request) {
      actual = engine.evaluateJson(vector.request);
    } else if (vector.form_request) {
      actual = engine.validateFormJson(vector.form_request);
    } else {
      assert.fail(`${file}: a vector needs request or form_request`);
    }
    assert.equal(actual, expected);
  });
}

// The same vectors through the object API (Plan handle, evaluate / validateSubmission) agree with
// the JSON API: same assessments, same field messages.
for (const file of vectors) {
  test(`vector ${file} through the object API`, () => {
    const vector = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const expected = JSON.parse(readFileSync(path.join(dir, file.replace(/\.json$/, '.out.json')), 'utf8'));
    if (vector.request) {
      const r = vector.request;
      const plan = tuanthu.Plan.fromJson(r.plan);
      const report = engine.evaluate(plan, r.submissions ?? [], r.events, r.as_of, r.policies, {
        registry: r.registry,
        calendar: r.calendar,
      });
      assert.deepEqual(report, expected);
      plan.free();
    } else {
      const r = vector.form_request;
      const plan = tuanthu.Plan.fromJson(r.plan);
      const options = {
        asOf: r.as_of,
        events: r.events,
        policies: r.policies,
        registry: r.registry,
        calendar: r.calendar,
      };
      const messages = engine.validateSubmission(plan, r.form, options);
      // A form session with the same context gives the same messages.
      const session = engine.formSession(plan, options);
      assert.deepEqual(session.validate(r.form), messages);
      session.free();
      assert.deepEqual(
        messages,
        expected.map((f) => ({
          field: f.field ?? null,
          severity: f.severity,
          ruleId: f.rule,
          message_vi: f.message_vi,
          message_en: f.message_en,
        })),
      );
      plan.free();
    }
  });
}

// The contract vectors (tests/vectors/contract): rules(), test() and each error kind, the same
// bytes as Rust (tests/tests/contract.rs writes the .out.json files) and Python.
const contractDir = path.join(dir, 'contract');
const contract = (name) => readFileSync(path.join(contractDir, name), 'utf8');
// serde_json's pretty form: two-space indent, trailing newline.
const canonical = (value) => `${JSON.stringify(value, null, 2)}\n`;
const emptyPlan = tuanthu.Plan.fromJson({ id: 'p', title: 't', obligations: [] });
const vectorPack = () => new tuanthu.Engine(JSON.parse(contract('pack.json')).pack);

test('rules() is the contract bytes', () => {
  assert.equal(canonical(engine.rules()), contract('rules-standard.out.json'));
  assert.equal(canonical(vectorPack().rules()), contract('rules-pack.out.json'));
});

test('test() is the contract bytes', () => {
  assert.equal(canonical(engine.test()), contract('test-report-standard.out.json'));
  const report = vectorPack().test();
  assert.equal(canonical(report), contract('test-report-pack.out.json'));
  assert.equal(report.failed, 1);
});

// ErrorObject's Display in the core: `file:line: field `x`: message`.
const display = (o) =>
  (o.file === null ? '' : `${o.file}${o.line === null ? '' : `:${o.line}`}: `) +
  (o.field === null ? '' : `field \`${o.field}\`: `) +
  o.message;

test('each error kind is the contract bytes', () => {
  const { cases } = JSON.parse(contract('errors.json'));
  const got = cases.map((c) => {
    let error;
    try {
      if (c.call === 'evaluate_json') engine.evaluateJson(c.input);
      else if (c.call === 'submissions') engine.evaluate(emptyPlan, c.input, undefined, '2026-12-01');
      else new tuanthu.Engine(c.input);
    } catch (e) {
      error = e;
    }
    assert.ok(error, `${c.name}: no error`);
    assert.equal(error.name, 'TuanthuError', c.name);
    const object = {
      kind: error.kind,
      file: error.file,
      line: error.line,
      field: error.field,
      message: error.detail,
    };
    assert.equal(error.message, display(object), c.name);
    if (c.call === 'submissions') {
      // The vector leaves out the argument's label, which is each binding's own.
      assert.equal(object.file, 'submissions', c.name);
      object.file = null;
    }
    return { name: c.name, error: object };
  });
  assert.equal(canonical(got), contract('errors.out.json'));
});

// Rows as CSV, as Rust's `tuanthu_tests::rows_as_csv` writes them: every key, sorted, as the
// header; a missing key or null an empty cell.
function rowsAsCsv(rows) {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();
  const cell = (v) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[,"\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [header.join(','), ...rows.map((r) => header.map((k) => cell(r[k])).join(','))];
  return `${lines.join('\n')}\n`;
}

test('the same bad submission rows as a JS array and as CSV: one kind and one message', () => {
  const { cases } = JSON.parse(contract('errors.json'));
  const errors = JSON.parse(contract('errors.out.json'));
  const submissionCases = cases.map((c, i) => [c, errors[i].error]).filter(([c]) => c.call === 'submissions');
  assert.ok(submissionCases.length >= 4);
  const caught = (f) => {
    try {
      f();
    } catch (e) {
      return e;
    }
    assert.fail('no error');
  };
  for (const [c, want] of submissionCases) {
    const [, row, column] = /^\[(\d+)\]\.(.+)$/.exec(want.field);
    for (const input of [c.input, JSON.stringify(c.input)]) {
      const e = caught(() => engine.evaluate(emptyPlan, input, undefined, '2026-12-01'));
      assert.deepEqual([e.kind, e.line, e.field, e.detail], [want.kind, want.line, want.field, want.message], c.name);
    }
    const e = caught(() => tuanthu.submissionsFromCsv(rowsAsCsv(c.input)));
    assert.deepEqual(
      [e.kind, e.file, e.line, e.field, e.detail],
      ['input', 'submissions.csv', Number(row) + 2, column, want.message],
      c.name,
    );
  }
});
