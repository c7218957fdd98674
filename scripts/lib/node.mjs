// Start and stop real qos-ledger-node processes on free loopback ports and
// talk to them over JSON-RPC. Used by the tests and the demo.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const targetDir = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache', 'qos-ledger', 'target');

/** Path of the built release binary `name`; the environment variable `override` wins. */
export function releaseBinary(name, override) {
  const bin = process.env[override] || path.join(targetDir, 'release', name);
  if (!fs.existsSync(bin)) {
    throw new Error(`${name} not found at ${bin}: build it with scripts/build.sh`);
  }
  return bin;
}

/** Path of the release node binary (QOS_NODE_BIN overrides). */
export function nodeBinary() {
  return releaseBinary('qos-ledger-node', 'QOS_NODE_BIN');
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One JSON-RPC call over HTTP. */
export async function rpc(port, method, params = []) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(what, probe, timeoutMs, intervalMs = 500) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      if (e.fatal) throw e;
      lastError = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/** Best block number seen by the node. */
export async function bestNumber(port) {
  return parseInt((await rpc(port, 'chain_getHeader')).number, 16);
}

/** Finalized block number seen by the node. */
export async function finalizedNumber(port) {
  const hash = await rpc(port, 'chain_getFinalizedHead');
  return parseInt((await rpc(port, 'chain_getHeader', [hash])).number, 16);
}

/**
 * A running node. `args` are passed to the binary after the port options.
 * Output goes to `logFile` (and is kept for error messages).
 */
export class Node {
  constructor(name, { args, logDir, p2pPort, rpcPort }) {
    this.name = name;
    this.args = args;
    this.logFile = path.join(logDir, `${name}.log`);
    this.p2pPort = p2pPort;
    this.rpcPort = rpcPort;
    this.child = null;
  }

  static async start(name, args, { logDir }) {
    const node = new Node(name, { args, logDir, p2pPort: await freePort(), rpcPort: await freePort() });
    await node.spawn();
    return node;
  }

  async spawn() {
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    const log = fs.openSync(this.logFile, 'a');
    this.child = spawn(
      nodeBinary(),
      [
        ...this.args,
        '--rpc-port',
        String(this.rpcPort),
        '--no-prometheus',
        '--no-telemetry',
        '--no-mdns',
        '--listen-addr',
        `/ip4/127.0.0.1/tcp/${this.p2pPort}`,
      ],
      { stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    this.exited = once(this.child, 'exit');
    liveNodes.add(this);
    await waitFor(
      `${this.name} RPC on port ${this.rpcPort}`,
      async () => {
        if (this.child.exitCode !== null) throw Object.assign(new Error(`${this.name} exited: ${this.tail()}`), { fatal: true });
        return rpc(this.rpcPort, 'system_health');
      },
      60_000,
    );
  }

  /** Last lines of the node's log. */
  tail(lines = 20) {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  rpc(method, params) {
    return rpc(this.rpcPort, method, params);
  }

  /** Stops the node: SIGINT first so it closes its database, SIGKILL if it hangs. */
  async stop(signal = 'SIGINT') {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(killer);
    liveNodes.delete(this);
  }
}

const liveNodes = new Set();

/** Kills every node this process started (for test teardown and Ctrl-C). */
export async function stopAll() {
  await Promise.all([...liveNodes].map((n) => n.stop('SIGKILL')));
}

process.on('exit', () => {
  for (const n of liveNodes) {
    try {
      n.child.kill('SIGKILL');
    } catch {}
  }
});

/** A fresh temporary directory for one test's data and logs. */
export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `qos-ledger-${prefix}-`));
}
