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
