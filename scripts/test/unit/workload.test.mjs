// The proxies the end-to-end test puts in front of a monitor, on loopback
// with a stand-in monitor: no node or monitor binary needed.
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { after, test } from 'node:test';

import { BlockingProxy } from '../../lib/workload.mjs';

const KEY = `0x${'ab'.repeat(32)}`;
const OTHER = `0x${'cd'.repeat(32)}`;

/** A stand-in monitor that echoes the accounting key header it got. */
const upstream = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, key: req.headers['x-qos-accounting-key'] ?? null }));
});
upstream.listen(0, '127.0.0.1');
await once(upstream, 'listening');
const proxy = await new BlockingProxy(`http://127.0.0.1:${upstream.address().port}`).listen();
after(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  upstream.close();
});

const ask = (period, key) =>
  fetch(`${proxy.url}/v1/report?agreement=0&period=${period}&from_ms=0&to_ms=40000`, { headers: key ? { 'X-Qos-Accounting-Key': key } : {} });

test('the blocked node gets 503 for the blocked period; the rest is forwarded with its key', async () => {
  proxy.block(1, KEY.toUpperCase().replace('0X', '0x'));
  const blocked = await ask(1, KEY);
  assert.equal(blocked.status, 503);
  await blocked.text();
  for (const [period, key] of [
    [1, OTHER],
    [0, KEY],
    [2, KEY],
    [1, null],
  ]) {
    const res = await ask(period, key);
    assert.equal(res.status, 200, `period ${period} key ${key}`);
    const body = await res.json();
    assert.equal(body.key, key, 'the header reaches the monitor');
    assert.match(body.url, new RegExp(`period=${period}&`));
  }
  assert.equal(proxy.refused, 1);
  assert.equal(proxy.forwarded, 4);
});
