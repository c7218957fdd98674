// Runs the zombienet fault tests (accounting-faults.zndsl) on the built
// binaries: starts three workloads with a real qos-monitor in front of each,
// hands their URLs to the test, runs zombienet with the native provider, and
// stops everything it started — zombienet's nodes included — whatever the
// outcome. `npm run test:zombienet` in scripts/ calls this.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { signer } from '../scripts/lib/chain.mjs';
import { devAccountingKeys, monitorKeysFile, writeMonitorKeys } from '../scripts/lib/monitor-keys.mjs';
import { Monitor, monitorBinary, stopAllMonitors } from '../scripts/lib/monitor.mjs';
import { nodeBinary, repoRoot, tempDir } from '../scripts/lib/node.mjs';
import { Workload } from '../scripts/lib/workload.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const test = path.join(here, process.argv[2] ?? 'accounting-faults.zndsl');
const zombienet = path.join(repoRoot, 'scripts', 'node_modules', '.bin', 'zombienet');
if (!fs.existsSync(zombienet)) {
  console.error(`zombienet is not installed at ${zombienet}: run scripts/setup.sh`);
  process.exit(2);
}

const dir = tempDir('zombienet');
const results = path.join(dir, 'results.json');
const workloads = [];
let child = null;

async function cleanUp() {
  if (child) {
    // Zombienet and the nodes it spawned share its process group: this also
    // takes down nodes zombienet left behind.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
  await stopAllMonitors();
  for (const w of workloads) await w.close();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await cleanUp();
    process.exit(130);
  });
}

const started = Date.now();
let code = 1;
try {
  // Zombienet brings its own @polkadot/* copies; the checks load ours.
  const env = { ...process.env, QOS_NODE_BIN: nodeBinary(), QOS_MONITOR_BIN: monitorBinary(), POLKADOTJS_DISABLE_ESM_CJS_WARNING: '1' };

  // The client's instances: a workload each, monitored for agreement 0 (the
  // first agreement of the fresh chain), instances 0, 1, 2.
  const keyFile = path.join(dir, 'client.key');
  fs.writeFileSync(keyFile, `${crypto.randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  // Whom they answer: the four validators' accounting keys (zombienet puts
  // each dev validator's //Name sr25519 key in its keystore as `acct`), and
  // the client and owner of checks.mjs. Written before the network exists.
  const authorizedKeys = path.join(dir, 'authorized-keys.json');
  writeMonitorKeys(
    authorizedKeys,
    monitorKeysFile({
      agreement: 0,
      accountingKeys: await devAccountingKeys(['Alice', 'Bob', 'Charlie', 'Dave']),
      client: signer('//Eve').address,
      owner: signer('//Ferdie').address,
    }),
  );
  const monitorUrls = [];
  for (let i = 0; i < 3; i += 1) {
    const w = await new Workload().listen();
    workloads.push(w);
    const m = await Monitor.start({ name: `monitor-${i}`, agreement: 0, instance: i, keyFile, authorizedKeys, probeUrl: w.url, dir });
    monitorUrls.push(m.url);
  }
  const runFile = path.join(dir, 'run.json');
  fs.writeFileSync(runFile, JSON.stringify({ agreement: 0, monitorUrls, keyFile, dir }, null, 2));
  console.log(`[zombienet] 3 workloads and qos-monitors up; logs and data in ${dir}`);

  child = spawn(zombienet, ['--provider', 'native', '--logType', 'text', '--dir', path.join(dir, 'network'), 'test', test], {
    cwd: here,
    env: { ...env, QOS_ZOMBIENET_RUN: runFile, QOS_ZOMBIENET_RESULTS: results },
    stdio: 'inherit',
    detached: true,
  });
  const [exitCode, signal] = await once(child, 'exit');
  code = exitCode ?? 1;
  if (signal) console.error(`[zombienet] zombienet was killed by ${signal}`);
} catch (e) {
  console.error(`[zombienet] ${e.stack ?? e}`);
} finally {
  await cleanUp();
}

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
if (fs.existsSync(results)) console.log(`[zombienet] measured:\n${fs.readFileSync(results, 'utf8')}`);
console.log(`[zombienet] ${code === 0 ? 'passed' : 'FAILED'} in ${minutes} min; logs in ${dir}`);
process.exit(code);
