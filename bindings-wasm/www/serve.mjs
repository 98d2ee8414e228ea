#!/usr/bin/env node
// A tiny static file server for the report-submission page (no dependencies).
//
//   node www/serve.mjs [dir] [port]     dir defaults to bindings-wasm/dist, port 0 = any free port
//
// Browsers only instantiate WebAssembly by streaming when it is served as `application/wasm`, and
// only run ES modules served with a JavaScript MIME type: opening index.html from file:// cannot
// work, hence this server. It listens on 127.0.0.1 only and never reads outside `dir`.
// Tests import `serve(dir, port)`, which resolves to `{url, close}`.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DEFAULT_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The file a URL path names inside `root`, or null when it would escape it. */
function fileFor(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null; // malformed %-escape
  }
  if (path.includes('\0')) return null;
  const file = resolve(join(root, path));
  return file === root || file.startsWith(root + sep) ? file : null;
}

function send(res, code, text) {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

async function handle(root, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  let file = fileFor(root, req.url ?? '/');
  if (!file) return send(res, 403, 'forbidden\n');
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return send(res, 404, 'not found\n');
  res.writeHead(200, {
    'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    // A development server: always serve what the last build wrote.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Cross-origin isolation (all the page's resources are same-origin, so nothing breaks) gives
    // performance.now() 5 µs resolution instead of 100 µs: the benchmark times sub-ms calls.
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/**
 * Serves `dir` on 127.0.0.1:`port` (0 = a free port).
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export function serve(dir = DEFAULT_DIR, port = 0) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    handle(root, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(Number(port) || 0, '127.0.0.1', () => {
      const actual = server.address().port;
      resolvePromise({
        url: `http://127.0.0.1:${actual}/`,
        port: actual,
        close: () =>
          new Promise((done) => {
            // Keep-alive connections from a browser would keep the server open.
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

// Run as a command (not when imported by a test).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [dir = DEFAULT_DIR, port = '0'] = process.argv.slice(2);
  const { url } = await serve(dir, port);
  console.log(`listening on ${url}`);
}
