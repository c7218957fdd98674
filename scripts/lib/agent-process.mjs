// `qos watch` as a child process, as a client or owner runs it: the demo's
// and the tests' agents. Its JSON lines are kept, in order, as it prints them.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

import { repoRoot, waitFor } from './node.mjs';

const live = new Set();

export class AgentProcess {
  /**
   * Starts `qos watch <args> --json` (`args` name the chain too: `--url`, or
   * `--chain-spec` and `--bootnode`); each line it prints is parsed into
   * `lines` and handed to `onLine`. Its output is also kept in
   * `<dir>/<name>.log`.
   */
  static start({ name, args, dir, onLine = () => {} }) {
    const agent = new AgentProcess();
    agent.name = name;
    agent.lines = [];
    agent.startedAt = Date.now();
    agent.logFile = path.join(dir, `${name}.log`);
    const log = fs.openSync(agent.logFile, 'a');
    agent.child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'qos.mjs'), 'watch', ...args, '--json'], {
      stdio: ['ignore', 'pipe', log],
    });
    fs.closeSync(log);
    agent.exited = once(agent.child, 'exit');
    // Awaited by stop(); a spawn error must not surface as an unhandled rejection before that.
    agent.exited.catch(() => {});
    readline.createInterface({ input: agent.child.stdout }).on('line', (text) => {
      fs.appendFileSync(agent.logFile, `${text}\n`);
      let line;
      try {
        line = JSON.parse(text);
      } catch {
        line = { event: 'unparsed', text };
      }
      agent.lines.push(line);
      onLine(line);
    });
    live.add(agent);
    return agent;
  }

  /** The lines of `event` so far. */
  linesOf(event) {
    return this.lines.filter((l) => l.event === event);
  }

  /** Waits until a line satisfies `predicate`. */
  waitForLine(what, predicate, timeoutMs) {
    return waitFor(
      `${this.name}: ${what}`,
      () => {
        if (this.child.exitCode !== null || this.child.signalCode !== null)
          throw Object.assign(new Error(`${this.name} exited: ${fs.readFileSync(this.logFile, 'utf8')}`), { fatal: true });
        return this.lines.find(predicate);
      },
      timeoutMs,
      200,
    );
  }

  /** Peak resident memory so far, in KiB (Linux), or null. */
  peakRssKib() {
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) || null;
    } catch {
      return null;
    }
  }

  /** Milliseconds from the start to its first connection (a light client's sync included), or null. */
  startupMs() {
    const first = this.lines.find((l) => l.event === 'connected');
    return first ? Date.parse(first.at) - this.startedAt : null;
  }

  /** Stops it as a user would (SIGTERM) and returns its exit code; `peakRss` keeps its peak memory. */
  async stop() {
    live.delete(this);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.peakRss = this.peakRssKib();
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const [code] = await this.exited.catch(() => [null]);
    clearTimeout(killer);
    return code;
  }
}

process.on('exit', () => {
  for (const a of live) {
    try {
      a.child.kill('SIGKILL');
    } catch {}
  }
});
