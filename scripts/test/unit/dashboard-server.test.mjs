// `qos serve`'s server on a stand-in build folder: the files, the page's
// config, the security headers, and what it refuses. No binary needed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { serveDashboard } from '../../lib/dashboard-server.mjs';

const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'qos-ledger-dist-'));
fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>qos</title>');
fs.mkdirSync(path.join(dist, 'assets'));
fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'export {};');
fs.writeFileSync(path.join(dist, '..', `secret-${path.basename(dist)}.txt`), 'outside the build folder');
const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));

/** GET of `rawPath` exactly as written (fetch would resolve the dot segments first). */
function rawGet(url, rawPath) {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    http
      .get({ hostname, port, path: rawPath }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

async function start(config = { rpc: 'ws://127.0.0.1:9944' }) {
  const server = await serveDashboard({ port: 0, config, dist });
  servers.push(server);
  return server;
}

test('serves the build, its config and the security headers', async () => {
  const { url } = await start({ rpc: 'ws://node.example:9944' });
  const index = await fetch(url);
  assert.equal(index.status, 200);
  assert.match(await index.text(), /<title>qos<\/title>/);
  assert.match(index.headers.get('content-security-policy'), /default-src 'self'.*script-src 'self' 'wasm-unsafe-eval'.*connect-src 'self' ws: wss:/);
  assert.equal(index.headers.get('x-frame-options'), 'DENY');
  assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
  const script = await fetch(new URL('assets/app.js', url));
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type'), /javascript/);
  const config = await fetch(new URL('config.json', url));
  assert.equal(config.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await config.json(), { rpc: 'ws://node.example:9944' });
});

test('a light-client config carries the chain spec to the page', async () => {
  const spec = { name: 'Local Testnet', bootNodes: ['/ip4/127.0.0.1/tcp/30334/ws/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'] };
  const { url } = await start({ chainSpec: spec });
  assert.deepEqual(await (await fetch(new URL('config.json', url))).json(), { chainSpec: spec });
});

test('refuses what is not a read of the build: other methods, missing files, paths out of the folder', async () => {
  const { url } = await start();
  assert.equal((await fetch(url, { method: 'POST', body: 'x' })).status, 405);
  assert.equal((await fetch(new URL('nothing-here.js', url))).status, 404);
  const secret = `secret-${path.basename(dist)}.txt`;
  for (const target of [`/../${secret}`, `/%2e%2e/${secret}`, `/assets/..%2f..%2f${secret}`, `/assets/%2e%2e%5c..%5c${secret}`]) {
    const res = await rawGet(url, target);
    assert.notEqual(res.status, 200, target);
    assert.doesNotMatch(res.body, /outside the build folder/, target);
  }
});

test('says how to build it when the build is missing, and names a port in use', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'qos-ledger-nodist-'));
  await assert.rejects(() => serveDashboard({ port: 0, config: {}, dist: empty }), /the dashboard is not built .*run scripts\/build\.sh/);
  const { url } = await start();
  const port = Number(new URL(url).port);
  await assert.rejects(() => serveDashboard({ port, config: {}, dist }), new RegExp(`port ${port} on 127.0.0.1 is in use: pass --port`));
});
