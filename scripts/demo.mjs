#!/usr/bin/env node
// The main job: a local qos-ledger chain with real monitors settling an
// agreement, end to end, live. Ctrl-C stops everything it started.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { serveDashboard } from './lib/dashboard-server.mjs';
import { freePort } from './lib/node.mjs';
import { resultTable, Scenario } from './lib/scenario.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qos-ledger-demo-'));
const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

// Alice's RPC on 9944 when it is free, so polkadot.js apps finds it.
const rpcPort = await freePort().then(async (p) => {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const probe = net
      .createServer()
      .once('error', () => resolve(p))
      .once('listening', () => probe.close(() => resolve(9944)));
    probe.listen(9944, '127.0.0.1');
  });
});

// 40-s periods: the shortest the runtime allows (monitors' settle time, the
// designated node's grace and a second node's pull must fit in one).
// The dashboard on 8080 when it is free, on the agreement the demo makes.
let dashboard = null;
const onReady = async ({ url, agreement }) => {
  try {
    dashboard = await serveDashboard({ port: 8080, config: { rpc: url } }).catch(() => serveDashboard({ port: 0, config: { rpc: url } }));
    log(`watch it in the dashboard: ${dashboard.url}?account=Eve#/agreement/${agreement}`);
  } catch (e) {
    log(`no dashboard: ${e.message}`);
  }
};
const scenario = new Scenario({ dir, log, rpcPort, periods: 4, periodMs: 40_000, onReady });
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  await scenario.stop();
  await dashboard?.close();
  process.exit(code);
};
process.on('SIGINT', () => {
  console.log('\ninterrupted: stopping the chain, monitors and workloads');
  stop(130);
});
process.on('SIGTERM', () => stop(143));

try {
  log(`logs and data in ${dir}`);
  log(`follow along in polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:${rpcPort}`);
  const result = await scenario.run();
  console.log(
    `\nagreement ${result.agreement} on offer ${result.offer} (arbiter Ferdie): ${result.periods} periods of ${result.periodMs / 1000} s, SLA 95 % availability (credits: <95 % 10 %, <90 % 25 %, <75 % 50 %)\n`,
  );
  console.log(resultTable(result));
  console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await stop(0);
} catch (e) {
  console.error(`demo failed: ${e.message}\n(logs in ${dir})`);
  await stop(1);
}
