// The npm package as a user gets it: `npm pack`, install the tarball into a scratch project (no
// registry: --offline), then use it from an ES module, from CommonJS and through the browser
// condition. Each must give the shared vector's output byte for byte.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = path.join(here, '..', 'pkg');
const vectors = path.join(here, '..', '..', 'tests', 'vectors');
const vector = '01-once-statuses';

const scratch = mkdtempSync(path.join(tmpdir(), 'tuanthu-npm-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });

let tarball;

test('npm pack: one package with its README, licence, both builds and types', () => {
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: pkgDir }));
  tarball = path.join(scratch, info.filename);
  const files = info.files.map((f) => f.path).sort();
  for (const f of [
    'LICENSE',
    'README.md',
    'package.json',
    'web/tuanthu_wasm.js',
    'web/tuanthu_wasm.d.ts',
    'web/tuanthu_wasm_bg.wasm',
    'node/tuanthu_wasm.js',
    'node/tuanthu_wasm.mjs',
    'node/tuanthu_wasm.d.ts',
    'node/tuanthu_wasm.d.mts',
  ]) {
    assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(', ')}`);
  }
  assert.equal(info.name, 'tuanthu');
  // One copy of the .wasm, shared by both builds.
  assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, files.join(', '));
  const size = statSync(tarball).size;
  test.diagnostic?.(`tarball ${info.filename}: ${size} bytes, unpacked ${info.unpackedSize} bytes`);
  console.error(`package.test: ${info.filename} ${size} bytes (unpacked ${info.unpackedSize})`);
  const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.exports['.']), ['browser', 'node', 'default']);
  assert.equal(manifest.license, 'Apache-2.0');
});

test('installed from the tarball, offline, it works from ESM, CommonJS and the browser build', () => {
  assert.ok(tarball, 'packed first');
  writeFileSync(path.join(scratch, 'package.json'), '{ "name": "scratch", "private": true }\n');
  run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--loglevel=error']);
  const request = JSON.stringify(JSON.parse(readFileSync(path.join(vectors, `${vector}.json`), 'utf8')).request);
  const expected = readFileSync(path.join(vectors, `${vector}.out.json`), 'utf8');
  writeFileSync(path.join(scratch, 'request.json'), request);

  writeFileSync(
    path.join(scratch, 'cjs.cjs'),
    `const t = require('tuanthu');
const fs = require('node:fs');
process.stdout.write(new t.Engine().evaluateJson(fs.readFileSync('request.json', 'utf8')));
`,
  );
  writeFileSync(
    path.join(scratch, 'esm.mjs'),
    `import { Engine } from 'tuanthu';
import tuanthu from 'tuanthu';
import { readFileSync } from 'node:fs';
if (tuanthu.Engine !== Engine) throw new Error('default and named exports differ');
process.stdout.write(new Engine().evaluateJson(readFileSync('request.json', 'utf8')));
`,
  );
  // The browser build, as a bundler resolves it; in Node it needs the bytes instead of a fetch.
  writeFileSync(
    path.join(scratch, 'web.mjs'),
    `import init, { Engine } from 'tuanthu';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const resolved = import.meta.resolve('tuanthu');
if (!resolved.endsWith('/web/tuanthu_wasm.js')) throw new Error('resolved ' + resolved);
await init({ module_or_path: readFileSync(fileURLToPath(import.meta.resolve('tuanthu/web/tuanthu_wasm_bg.wasm'))) });
process.stdout.write(new Engine().evaluateJson(readFileSync('request.json', 'utf8')));
`,
  );
  assert.equal(run('node', ['cjs.cjs']), expected, 'CommonJS');
  assert.equal(run('node', ['esm.mjs']), expected, 'ES module');
  assert.equal(run('node', ['--conditions=browser', 'web.mjs']), expected, 'browser build');
});

test('the installed types resolve for Node (ESM and CommonJS) and bundlers', () => {
  const tsc = path.join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  writeFileSync(
    path.join(scratch, 'a.mts'),
    `import tuanthu, { Engine } from 'tuanthu';
const e: Engine = new tuanthu.Engine();
const s: string = e.evaluateJson('{}');
`,
  );
  writeFileSync(
    path.join(scratch, 'b.cts'),
    `import t = require('tuanthu');
const e: t.Engine = new t.Engine();
`,
  );
  writeFileSync(
    path.join(scratch, 'c.ts'),
    `import init, { Engine } from 'tuanthu';
export async function start(): Promise<Engine> { await init(); return new Engine(); }
`,
  );
  // The generated classes implement Symbol.dispose (`using`), hence esnext.disposable.
  const base = ['--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022,esnext.disposable,dom'];
  run('node', [tsc, ...base, '--module', 'node16', '--moduleResolution', 'node16', 'a.mts', 'b.cts']);
  run('node', [tsc, ...base, '--module', 'esnext', '--moduleResolution', 'bundler', 'c.ts']);
});
