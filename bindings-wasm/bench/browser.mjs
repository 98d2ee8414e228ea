// Budget benchmark of the engine in a real browser (the system Chromium, headless), on the page
// the users get. Run from bindings-wasm/ after scripts/build.sh:
//
//   node bench/browser.mjs [calls]
//
// Budgets: validateSubmission p99 ≤ 1 ms (a check on every keystroke must not lag), engine
// creation ≤ 150 ms (page start-up). Prints a JSON summary and one line per measure; never fails on
// timings (machines differ), only on errors.

import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../www/serve.mjs';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const calls = Number(process.argv[2] ?? 2000);
const BUDGET = { validateP99Ms: 1, engineMs: 150 };

const server = await serve(dist, 0);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.route((url) => !url.href.startsWith(server.url), (route) => route.abort());
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });

  const result = await page.evaluate(async (calls) => {
    const { Engine, Plan } = window.tuanthu.module;
    const load = async (f) => (await fetch(`examples/vinh-long/${f}`)).text();
    const planText = await load('plan.json');
    const registry = JSON.parse(await load('registry.json'));
    const events = JSON.parse(await load('events.json'));

    const stats = (xs) => {
      const s = [...xs].sort((a, b) => a - b);
      const q = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
      const r = (x) => Math.round(x * 1000) / 1000;
      return {
        n: s.length,
        mean: r(s.reduce((a, b) => a + b, 0) / s.length),
        p50: r(q(50)),
        p95: r(q(95)),
        p99: r(q(99)),
        max: r(s[s.length - 1]),
      };
    };
    const time = (fn) => {
      const start = performance.now();
      const value = fn();
      return [performance.now() - start, value];
    };

    // Engine creation: compiles the standard rule pack each time.
    const engineMs = [];
    for (let i = 0; i < 20; i++) {
      const [ms, engine] = time(() => new Engine());
      engineMs.push(ms);
      engine.free();
    }

    const planMs = [];
    for (let i = 0; i < 20; i++) {
      const [ms, plan] = time(() => Plan.fromJson(planText));
      planMs.push(ms);
      plan.free();
    }

    // Forms as typed: valid ones and every kind of mistake, on several obligations.
    const agencies = ['Sở Tư pháp', 'Sở Xây dựng', 'Công an tỉnh', 'UBND xã Long Hồ', 'Sở Y tế', 'Ai đó'];
    const received = ['13/11/2026', '17/11/2026', '31/02/2026', '2026-11-10', '01/12/2026', '1', ''];
    const numbers = ['12/BC-STP', 'BC-12', '', '130/CAT-PA05', '7/KH-UBND'];
    const obligations = ['IV.1', 'II.3', 'II.2', 'II.4.c', 'II.5', 'IV.1', 'IV.1', ''];
    const periods = ['2026', '', 'once', '2031', 'event:CV-BCA-1116'];
    const forms = [];
    for (let i = 0; i < calls; i++) {
      forms.push({
        agency: agencies[i % agencies.length],
        obligation: obligations[(i * 7) % obligations.length],
        period: periods[(i * 3) % periods.length] || undefined,
        received: received[(i * 5) % received.length],
        document_number: numbers[(i * 11) % numbers.length] || undefined,
      });
    }

    const engine = window.tuanthu.engine;
    const plan = Plan.fromJson(planText);
    const run = (options, check = (form) => engine.validateSubmission(plan, form, options)) => {
      for (const form of forms.slice(0, 200)) check(form); // warm-up (JIT tiers)
      const ms = [];
      const severities = { none: 0, info: 0, warning: 0, error: 0 };
      for (const form of forms) {
        const [t, messages] = time(() => check(form));
        ms.push(t);
        const worst = ['error', 'warning', 'info'].find((s) => messages.some((m) => m.severity === s)) ?? 'none';
        severities[worst]++;
      }
      return { ...stats(ms), severities };
    };
    // As the budget states it (standard pack, the plan alone), then with the example's events and
    // registry passed at every call.
    const validate = run({ asOf: '2026-11-23' });
    const validateWithContext = run({ asOf: '2026-11-23', events, registry });
    // What the page does: a form session reads the plan's context once.
    const session = engine.formSession(plan, { asOf: '2026-11-23', events, registry });
    const validateInSession = run(undefined, (form) => session.validate(form));
    session.free();

    const [evaluateMs] = time(() =>
      engine.evaluate(plan, window.tuanthu.submissions, events, '2026-11-23', undefined, { registry }),
    );
    plan.free();

    return {
      crossOriginIsolated: window.crossOriginIsolated,
      startup: window.tuanthu.timings,
      engineCreation: stats(engineMs),
      planFromJson: stats(planMs),
      validateSubmission: validate,
      validateSubmissionWithRegistryAndEvents: validateWithContext,
      formSessionWithRegistryAndEvents: validateInSession,
      evaluateVinhLongMs: Math.round(evaluateMs * 1000) / 1000,
    };
  }, calls);

  if (errors.length) throw errors[0];
  const budgets = {
    validateP99: { budgetMs: BUDGET.validateP99Ms, actualMs: result.validateSubmission.p99, met: result.validateSubmission.p99 <= BUDGET.validateP99Ms },
    // The first engine of a page load (cold: fresh WebAssembly instance) counts too.
    engineCreation: (() => {
      const actualMs = Math.max(result.engineCreation.max, result.startup.engineMs ?? 0);
      return { budgetMs: BUDGET.engineMs, actualMs: Math.round(actualMs * 1000) / 1000, met: actualMs <= BUDGET.engineMs };
    })(),
  };
  const summary = { browser: `chromium ${browser.version()}`, calls, ...result, budgets };
  console.log(JSON.stringify(summary, null, 2));

  const v = result.validateSubmission;
  const w = result.validateSubmissionWithRegistryAndEvents;
  const fs = result.formSessionWithRegistryAndEvents;
  const e = result.engineCreation;
  const ok = (b) => (b.met ? 'met' : 'NOT MET');
  console.log(
    `engine creation: first ${result.startup.engineMs?.toFixed(1)} ms, then mean ${e.mean} ms, max ${e.max} ms over ${e.n} (budget ${BUDGET.engineMs} ms: ${ok(budgets.engineCreation)})\n` +
      `Plan.fromJson (vinh-long): mean ${result.planFromJson.mean} ms, max ${result.planFromJson.max} ms\n` +
      `validateSubmission ×${v.n} {asOf}: p50 ${v.p50} / p95 ${v.p95} / p99 ${v.p99} / max ${v.max} ms (budget p99 ${BUDGET.validateP99Ms} ms: ${ok(budgets.validateP99)})\n` +
      `validateSubmission ×${w.n} {asOf, events, registry}: p50 ${w.p50} / p95 ${w.p95} / p99 ${w.p99} / max ${w.max} ms\n` +
      `formSession(plan, {asOf, events, registry}).validate ×${fs.n}: p50 ${fs.p50} / p95 ${fs.p95} / p99 ${fs.p99} / max ${fs.max} ms\n` +
      `start-up: wasm init ${result.startup.initMs?.toFixed(1)} ms, first engine ${result.startup.engineMs?.toFixed(1)} ms, first plan + evaluate ${result.startup.firstPlanMs?.toFixed(1)} ms; evaluate vinh-long ${result.evaluateVinhLongMs} ms`,
  );
} finally {
  await browser.close();
  await server.close();
}
