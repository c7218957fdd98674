// The monitor fleet of the load harness (`qos-monitor-fleet`, monitor/src/fleet.rs):
// one process answering for every (service, instance) at
// `http://127.0.0.1:PORT/m/<service>/<instance>`, and the client keys it
// tags with, which the load driver derives from the same seed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

import { u8aConcat } from '@polkadot/util';
import { sha256AsU8a } from '@polkadot/util-crypto';

import { toBytes } from '../lib/bytes.mjs';
import { freePort, releaseBinary, waitFor } from '../lib/node.mjs';

/** Domain of the fleet's client keys (fleet.rs `CLIENT_KEY_DOMAIN`). */
export const FLEET_KEY_DOMAIN = new TextEncoder().encode('qos-ledger:fleet-key:v1');

/** Path of the fleet binary (QOS_FLEET_BIN overrides). */
export function fleetBinary() {
  return releaseBinary('qos-monitor-fleet', 'QOS_FLEET_BIN');
}

/**
 * The client key (32 bytes) of `agreement` in a fleet of `seed` (32 bytes,
 * any form `toBytes` takes): sha256(domain ‖ seed ‖ agreement as u64 LE).
 */
export function fleetClientKey(seed, agreement) {
  const s = toBytes(seed);
  if (s.length !== 32) throw new Error(`the fleet seed must be 32 bytes, got ${s.length}`);
  const a = new Uint8Array(8);
  new DataView(a.buffer).setBigUint64(0, BigInt(agreement), true);
  return sha256AsU8a(u8aConcat(FLEET_KEY_DOMAIN, s, a));
}

/** A virtual monitor's base URL, as registered on chain. */
export const monitorUrl = (baseUrl, service, instance) => `${baseUrl}/m/${service}/${instance}`;

/** A running `qos-monitor-fleet`. */
export class Fleet {
  static async start({ seed, accountingKeys, outagePermille = 0, samplingIntervalMs = null, dir, port = null }) {
    const f = new Fleet();
    f.port = port ?? (await freePort());
    f.url = `http://127.0.0.1:${f.port}`;
    f.logFile = path.join(dir, 'fleet.log');
    const args = ['--listen', `127.0.0.1:${f.port}`, '--seed', seed, '--outage-permille', String(outagePermille)];
    for (const key of accountingKeys) args.push('--accounting-key', key);
    if (samplingIntervalMs !== null) args.push('--sampling-interval-ms', String(samplingIntervalMs));
    fs.mkdirSync(dir, { recursive: true });
    const log = fs.openSync(f.logFile, 'a');
    f.child = spawn(fleetBinary(), args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    f.exited = once(f.child, 'exit');
    live.add(f);
    await waitFor(
      `the monitor fleet on ${f.url}`,
      async () => {
        if (f.child.exitCode !== null) throw Object.assign(new Error(`qos-monitor-fleet exited: ${f.tail()}`), { fatal: true });
        return f.stats();
      },
      30_000,
      200,
    );
    return f;
  }

  get pid() {
    return this.child.pid;
  }

  /** What `GET /stats` returns (JSON), as it is. */
  async stats() {
    const res = await fetch(`${this.url}/stats`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`GET /stats: HTTP ${res.status}`);
    return res.json();
  }

  tail(lines = 20) {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  async stop() {
    live.delete(this);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(killer);
  }
}

const live = new Set();
process.on('exit', () => {
  for (const f of live) {
    try {
      f.child.kill('SIGKILL');
    } catch {}
  }
});
