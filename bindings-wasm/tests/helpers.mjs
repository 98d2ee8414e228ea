// Helpers shared by the Node.js tests (not a test file itself: `node --test tests/*.test.mjs`).
import assert from 'node:assert/strict';

// Runs `fn` and returns the error it throws, which must be a TuanthuError (never a wasm trap) of
// the given `kind` whose message matches every pattern; the core's error object rides along as
// `kind`, `file`, `line`, `field` and `detail`.
export function throwsTuanthu(fn, kind, ...patterns) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error, 'expected an error');
  assert.ok(!(error instanceof WebAssembly.RuntimeError), `a wasm trap: ${error}`);
  assert.ok(error instanceof Error, `not an Error: ${error}`);
  assert.equal(error.name, 'TuanthuError', String(error));
  assert.equal(error.kind, kind, error.message);
  for (const key of ['file', 'line', 'field']) {
    assert.ok(key in error, `${key} is missing from ${error.message}`);
  }
  assert.equal(typeof error.detail, 'string');
  for (const p of patterns) assert.match(error.message, p);
  return error;
}
