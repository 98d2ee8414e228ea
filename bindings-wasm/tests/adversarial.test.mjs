// Adversarial callers: every exported function, constructor, static and method of the package is
// called with every kind of wrong argument (found by enumerating the module, so a new export is
// covered without editing this file), and with arbitrary nested values, deep and cyclic ones. Each
// call returns a value or throws a TuanthuError naming the argument, within a time bound; never a
// wasm trap (WebAssembly.RuntimeError), never another exception, and the engine keeps working.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const t = require('../pkg/node/tuanthu_wasm.js');

const read = (...p) => readFileSync(path.join(root, ...p), 'utf8');
const vinhLong = JSON.parse(read('rules', 'examples', 'vinh-long', 'plan.json'));
const csv = read('rules', 'examples', 'vinh-long', 'submissions.csv');
const AS_OF = '2026-11-23';
// Every call ends well within this (wall time), whatever it is given.
const TIME_BOUND_MS = 2000;
const KINDS = new Set(['input', 'evaluation', 'rule']);

const engine = new t.Engine();
const plan = t.Plan.fromJson(vinhLong);
const form = { agency: 'Công an tỉnh', obligation: 'II.3', received: '17/04/2026', document_number: '112/BC-CAT' };
const header = (id) => `// id: ${id}\n// title: t\n// applies_to: instance\n`;

// The kinds of wrong argument a JS caller can pass where the API takes text, a plan or JSON.
const WRONG = {
  undefined: () => undefined,
  null: () => null,
  number: () => 42,
  NaN: () => NaN,
  bigint: () => 42n,
  symbol: () => Symbol('s'),
  boolean: () => true,
  object: () => ({}),
  array: () => [],
  function: () => () => 1,
  date: () => new Date(2026, 10, 23),
  'plain object shaped like a Plan': () => ({ __handle: 0, id: 'x' }),
};

// Valid arguments of each callable, so one wrong argument at a time can be checked against its
// name. A callable missing here fails `every export is covered`: add it when adding an export.
const VALID = {
  version: [],
  parseDate: ['15/11/2026'],
  submissionsFromCsv: [csv],
  statusLabel: ['overdue', 'en', false],
  periodLabel: ['2026-Q2', 'vi'],
  'new Engine': [undefined],
  'Engine#withRule': ['x.rhai', `${header('custom.x')}fn check(x) {}\n`],
  'Engine#withInlineRule': ['custom.y', `${header('custom.y')}fn check(x) {}\n`, { title: 'Y' }],
  'Engine#rules': [],
  'Engine#test': [],
  'Engine#evaluate': [plan, [], [], AS_OF, {}, {}],
  'Engine#evaluateJson': [JSON.stringify({ plan: vinhLong, submissions: [], as_of: AS_OF })],
  'Engine#validateSubmission': [plan, form, { asOf: AS_OF }],
  'Engine#formSession': [plan, { asOf: AS_OF }],
  'Engine#validateFormJson': [JSON.stringify({ plan: vinhLong, form, as_of: AS_OF })],
  'Plan.fromJson': [vinhLong],
  'Plan#toJSON': [],
  'Plan#toJsonText': [],
  'Plan#warnings': [],
  'Plan#obligations': [],
  'FormSession#validate': [form],
};

// An instance of each class to call its methods on.
const INSTANCE = {
  Engine: () => engine,
  Plan: () => plan,
  FormSession: () => engine.formSession(plan, { asOf: AS_OF }),
};

const internal = (name) => name.startsWith('__') || name === 'constructor' || name === 'free';
const isClass = (v) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));

/** Parameter names from the generated JS source (`evaluate(plan, submissions, ...)`). */
function paramNames(fn, ctor = false) {
  const src = Function.prototype.toString.call(fn);
  const m = ctor ? /constructor\s*\(([^)]*)\)/.exec(src) : /^[^(]*\(([^)]*)\)/.exec(src);
  if (!m) return [];
  return m[1].split(',').map((s) => s.trim().replace(/=.*$/, '').trim()).filter(Boolean);
}

/** Every callable of the package: {name, call(args), params, getter}. */
function callables() {
  const out = [];
  for (const [name, value] of Object.entries(t)) {
    if (internal(name) || typeof value !== 'function') continue;
    if (!isClass(value)) {
      out.push({ name, params: paramNames(value), call: (args) => value(...args) });
      continue;
    }
    const Class = value;
    if (paramNames(Class, true).length > 0 || /constructor\s*\(/.test(Function.prototype.toString.call(Class))) {
      // A class that JS can construct (wasm-bindgen throws for classes without a constructor).
      out.push({ name: `new ${name}`, params: paramNames(Class, true), call: (args) => new Class(...args) });
    }
    for (const key of Object.getOwnPropertyNames(Class)) {
      if (internal(key) || ['length', 'name', 'prototype'].includes(key)) continue;
      if (typeof Class[key] !== 'function') continue;
      out.push({ name: `${name}.${key}`, params: paramNames(Class[key]), call: (args) => Class[key](...args) });
    }
    for (const key of Object.getOwnPropertyNames(Class.prototype)) {
      if (internal(key)) continue;
      const d = Object.getOwnPropertyDescriptor(Class.prototype, key);
      const self = () => {
        const make = INSTANCE[name];
        assert.ok(make, `no instance of ${name} to test: add one to INSTANCE`);
        return make();
      };
      if (d.get) {
        out.push({ name: `${name}#${key}`, params: [], getter: true, call: () => self()[key] });
      } else if (typeof d.value === 'function') {
        out.push({ name: `${name}#${key}`, params: paramNames(d.value), call: (args) => self()[key](...args) });
      }
    }
  }
  return out;
}

const ALL = callables();

/** Runs `fn`; a throw must be a TuanthuError. Returns the error, or undefined on success. */
function outcome(label, fn) {
  const start = performance.now();
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - start;
  assert.ok(ms < TIME_BOUND_MS, `${label}: took ${ms.toFixed(0)} ms`);
  if (error === undefined) return undefined;
  assert.ok(!(error instanceof WebAssembly.RuntimeError), `${label}: a wasm trap: ${error}`);
  assert.ok(error instanceof Error, `${label}: threw a non-Error: ${String(error)}`);
  assert.equal(error.name, 'TuanthuError', `${label}: ${error.stack}`);
  assert.ok(KINDS.has(error.kind), `${label}: kind ${error.kind}`);
  return error;
}

test('every export is covered (a new one needs valid arguments here)', () => {
  const names = ALL.filter((c) => !c.getter).map((c) => c.name).sort();
  assert.ok(names.length >= 15, names.join());
  const missing = names.filter((n) => !(n in VALID));
  assert.deepEqual(missing, [], 'add valid arguments for these to VALID');
  for (const c of ALL.filter((x) => !x.getter)) {
    assert.equal(VALID[c.name].length, c.params.length, `${c.name}(${c.params})`);
  }
});

test('valid arguments give a result (the table above is right)', () => {
  for (const c of ALL) {
    const error = outcome(c.name, () => c.call(VALID[c.name] ?? []));
    assert.equal(error, undefined, `${c.name}: ${error?.message}`);
  }
});

test('each wrong argument alone is a TuanthuError naming it, or is accepted', () => {
  let calls = 0;
  let errors = 0;
  for (const c of ALL.filter((x) => !x.getter)) {
    c.params.forEach((param, i) => {
      for (const [kind, make] of Object.entries(WRONG)) {
        const args = [...VALID[c.name]];
        args[i] = make();
        const label = `${c.name}: ${param} = ${kind}`;
        const error = outcome(label, () => c.call(args));
        calls += 1;
        if (error) {
          errors += 1;
          // `asOf`, `fileName`: the message names the argument as the caller wrote it.
          const said = error.message.toLowerCase();
          const name = param.toLowerCase().replace(/_/g, '');
          assert.ok(said.replace(/[ _]/g, '').includes(name), `${label}: "${error.message}" does not name ${param}`);
        }
      }
    });
  }
  assert.ok(calls > 150 && errors > 100, `${calls} calls, ${errors} errors`);
});

test('the issue\'s cases: a number where text is expected throws TuanthuError', () => {
  const cases = [
    () => t.parseDate(42),
    () => t.submissionsFromCsv(42),
    () => t.periodLabel(5),
    () => t.statusLabel(5),
    () => engine.withRule(5, 6),
    () => engine.evaluate({}, [], [], AS_OF),
    () => engine.validateSubmission(42, form),
  ];
  for (const c of cases) {
    const e = outcome(String(c), c);
    assert.ok(e, `${c}: no error`);
    assert.equal(e.kind, 'input');
    assert.match(e.message, /expected (a string|a Plan)/);
  }
  assert.match(outcome('parseDate', () => t.parseDate(42)).message, /^text: expected a string .* got number$/);
  assert.match(outcome('withRule', () => engine.withRule(5, 6)).message, /^fileName: expected a string, got number$/);
  assert.match(outcome('evaluate', () => engine.evaluate(null, [], [], AS_OF)).message, /^plan: expected a Plan .* got null$/);
});

test('every callable with all arguments of one wrong kind', () => {
  for (const c of ALL.filter((x) => !x.getter)) {
    for (const [kind, make] of Object.entries(WRONG)) {
      outcome(`${c.name}(all ${kind})`, () => c.call(c.params.map(() => make())));
    }
  }
});

test('a freed plan is a TuanthuError, not a use after free', () => {
  const doomed = t.Plan.fromJson(vinhLong);
  doomed.free();
  const e = outcome('freed plan', () => engine.evaluate(doomed, [], [], AS_OF));
  assert.ok(e);
  assert.match(e.message, /^plan: expected a Plan/);
  // The session made from a plan keeps it alive after the plan is freed.
  const keep = t.Plan.fromJson(vinhLong);
  const session = engine.formSession(keep, { asOf: AS_OF });
  keep.free();
  assert.ok(Array.isArray(session.validate(form)));
});

// --- deep, cyclic and arbitrary nested values ----------------------------------------------------

function deepObject(depth) {
  let v = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function deepArray(depth) {
  let v = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const SHAPES = {
  // Where the contract expects a struct, the first unknown key or wrong type ends the reading;
  // the message still names the argument (checked below).
  'object nested 2,000 deep': [() => deepObject(2000), /./],
  'array nested 100,000 deep': [() => deepArray(100000), /./],
  'object containing itself': [() => { const o = { id: 'x' }; o.self = o; return o; }, /cannot be turned into JSON/],
  'array containing itself': [() => { const a = [1]; a.push(a); return a; }, /cannot be turned into JSON/],
  'object holding a bigint': [() => ({ id: 1n }), /cannot be turned into JSON/],
};

// The callables that read a JSON value, and which argument.
const JSON_ARGS = [
  ['Plan.fromJson', 0], ['new Engine', 0], ['Engine#evaluate', 1], ['Engine#evaluate', 2],
  ['Engine#evaluate', 4], ['Engine#evaluate', 5], ['Engine#evaluateJson', 0],
  ['Engine#validateSubmission', 1], ['Engine#validateSubmission', 2], ['Engine#formSession', 1],
  ['Engine#validateFormJson', 0], ['FormSession#validate', 0],
];

test('deep and cyclic values are input errors naming the argument', () => {
  const byName = Object.fromEntries(ALL.map((c) => [c.name, c]));
  for (const [shape, [make, expected]] of Object.entries(SHAPES)) {
    for (const [name, i] of JSON_ARGS) {
      const c = byName[name];
      const args = [...VALID[name]];
      args[i] = make();
      const label = `${name}: ${c.params[i]} = ${shape}`;
      const e = outcome(label, () => c.call(args));
      assert.ok(e, `${label}: accepted`);
      assert.equal(e.kind, 'input', label);
      assert.match(e.message, expected, label);
      const param = c.params[i].toLowerCase();
      assert.ok(e.message.toLowerCase().replace(/[ _]/g, '').includes(param), `${label}: ${e.message}`);
    }
  }
});

test('JSON text nested 100,000 deep is an input error, read without deep recursion', () => {
  const open = '['.repeat(100000);
  const close = ']'.repeat(100000);
  for (const [label, call, what] of [
    ['evaluateJson', () => engine.evaluateJson(`{"plan": ${open}${close}}`), /^<request>:/],
    ['evaluateJson', () => engine.evaluateJson(open + close), /^<request>:/],
    ['validateFormJson', () => engine.validateFormJson(`{"form": ${open}`), /^<form request>:/],
    ['Plan.fromJson', () => t.Plan.fromJson(`{"obligations": ${open}`), /^plan:/],
    ['new Engine', () => new t.Engine(`{"rules": ${open}${close}}`), /^rule pack:/],
  ]) {
    const e = outcome(label, call);
    assert.ok(e, `${label}: accepted`);
    assert.equal(e.kind, 'input');
    assert.match(e.message, what, label);
  }
});

/** A small deterministic generator (tests must reproduce). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TOKENS = ['', 'id', 'title', 'obligations', 'schedule', 'type', 'once', 'periodic', 'lead', 'kind',
  'agency', 'name', 'received', '2026-11-15', '15/11/2026', '31/02/2026', '0001-01-01', 'II.3', 'IV.1',
  'Công an tỉnh', 'as_of', 'plan', 'submissions', 'form', 'deadline', 'date', '__proto__', 'constructor'];

function arbitrary(r, depth = 0) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const roll = r();
  if (depth > 6 || roll < 0.45) {
    return pick([
      () => undefined, () => null, () => r() < 0.5, () => Math.floor(r() * 1e6) - 5e5, () => r() * 1e300,
      () => NaN, () => Infinity, () => -0, () => BigInt(Math.floor(r() * 1000)), () => Symbol('s'),
      () => pick(TOKENS), () => 'ạ̀'.repeat(Math.floor(r() * 4)), () => new Date(r() * 1e13), () => () => 1,
    ])();
  }
  if (roll < 0.7) {
    return Array.from({ length: Math.floor(r() * 4) }, () => arbitrary(r, depth + 1));
  }
  const o = {};
  for (let i = Math.floor(r() * 5); i > 0; i--) o[pick(TOKENS)] = arbitrary(r, depth + 1);
  if (r() < 0.05) o.self = o;
  return o;
}

test('property: arbitrary nested values in any argument give a result or a TuanthuError', () => {
  const r = rng(20261123);
  const targets = ALL.filter((c) => !c.getter && c.params.length > 0);
  const before = engine.evaluateJson(VALID['Engine#evaluateJson'][0]);
  let n = 0;
  for (let i = 0; i < 1500; i++) {
    const c = targets[Math.floor(r() * targets.length)];
    const args = [...VALID[c.name]];
    args[Math.floor(r() * args.length)] = arbitrary(r);
    outcome(`${c.name} #${i}`, () => c.call(args));
    n += 1;
  }
  assert.equal(n, 1500);
  // Nothing above disturbed the engine: the same request gives the same bytes.
  assert.equal(engine.evaluateJson(VALID['Engine#evaluateJson'][0]), before);
});

// Host limits: the JS API takes none (every engine runs with the core's default limits), so there
// is no host value to validate here; Python and the CLI, which take limits, test their checks.
