// Start real qos-monitor processes for the demo and tests.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

import { freePort, releaseBinary, waitFor } from './node.mjs';

/** Path of the release monitor binary (QOS_MONITOR_BIN overrides). */
export function monitorBinary() {
  return releaseBinary('qos-monitor', 'QOS_MONITOR_BIN');
}

const live = new Set();

export class Monitor {
  /**
   * Starts a monitor for `agreement`/`instance` probing `probeUrl`, with the
   * client's key from `keyFile`, answering the keys of `authorizedKeys` (a
   * file from monitor-keys.mjs), keeping its data under `dir`.
   */
  static async start({ name, agreement, instance, keyFile, authorizedKeys, probeUrl, dir, samplingMs = 1000 }) {
    const port = await freePort();
    const operationsPort = await freePort();
    const home = path.join(dir, name);
    fs.mkdirSync(home, { recursive: true });
    const config = path.join(home, 'monitor.toml');
    fs.writeFileSync(
      config,
      [
        `listen = "127.0.0.1:${port}"`,
        `operations_listen = "127.0.0.1:${operationsPort}"`,
        `agreement = ${agreement}`,
        `instance = ${instance}`,
        `key_file = "${keyFile}"`,
        `authorized_keys = "${authorizedKeys}"`,
        `data_dir = "${path.join(home, 'data')}"`,
        `sampling_interval_ms = ${samplingMs}`,
        '',
        '[probe]',
        `target = "${probeUrl}"`,
        // Below the sampling interval: every tick gets its own probe.
        `timeout_ms = ${Math.min(1000, Math.floor((samplingMs * 4) / 5))}`,
        '',
      ].join('\n'),
    );
    const m = new Monitor();
    m.name = name;
    m.port = port;
    m.operationsPort = operationsPort;
    m.logFile = path.join(home, 'monitor.log');
    const log = fs.openSync(m.logFile, 'a');
    m.child = spawn(monitorBinary(), ['--config', config], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    m.exited = once(m.child, 'exit');
    live.add(m);
    await waitFor(
      `monitor ${name} on port ${port}`,
      async () => {
        if (m.child.exitCode !== null) throw Object.assign(new Error(`monitor ${name} exited: ${fs.readFileSync(m.logFile, 'utf8')}`), { fatal: true });
        const res = await fetch(`http://127.0.0.1:${operationsPort}/healthz`);
        return res.ok;
      },
      20_000,
      200,
    );
    return m;
  }

  /** Has the monitor read its authorized-keys file again (SIGHUP). */
  reload() {
    this.child.kill('SIGHUP');
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(killer);
    live.delete(this);
  }
}

export async function stopAllMonitors() {
  await Promise.all([...live].map((m) => m.stop()));
}

process.on('exit', () => {
  for (const m of live) {
    try {
      m.child.kill('SIGKILL');
    } catch {}
  }
});
