// `qos serve`: the dashboard's production build (scripts/dashboard/dist, made
// by scripts/build.sh) as static files, and `config.json` telling the page
// where to read the chain. sirv serves the files; nothing is fetched from
// elsewhere at run time.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import sirv from 'sirv';

import { UserError } from './chain.mjs';

export const DASHBOARD_DIST = fileURLToPath(new URL('../dashboard/dist', import.meta.url));

// The page runs Wasm (polkadot.js's crypto, smoldot) and talks to a node by
// WebSocket; everything else comes from this server.
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * Serves the dashboard on `host:port` (port 0: any free one). `config` is
 * what the page reads from config.json: `{ rpc }` or `{ chainSpec }`.
 * Resolves to `{ url, close() }` once listening.
 */
export async function serveDashboard({ host = '127.0.0.1', port = 8080, config, dist = DASHBOARD_DIST }) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new UserError(`the dashboard is not built (no ${path.join(dist, 'index.html')}): run scripts/build.sh, or npm run build:dashboard in scripts/`);
  }
  const configBody = JSON.stringify(config);
  const files = sirv(dist, { etag: true, gzip: false, brotli: false, single: false, dev: false });
  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (req.url === '/config.json' || req.url?.startsWith('/config.json?')) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(req.method === 'HEAD' ? undefined : configBody);
      return;
    }
    files(req, res, () => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n'));
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once('error', (e) =>
      reject(new UserError(e.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use: pass --port` : `cannot listen on ${host}:${port}: ${e.message}`)),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
