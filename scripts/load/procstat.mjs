// CPU time and memory of a process, from /proc (Linux).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clockTicks = null;

/** Clock ticks per second of /proc/<pid>/stat's times (`getconf CLK_TCK`, 100 when unknown). */
export function clkTck() {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime and stime (ticks) from the text of /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parseStat(text) {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at field 3 (state): utime is field 14, stime 15.
  return { utime: Number(fields[11]), stime: Number(fields[12]) };
}

/** VmHWM and VmRSS (KiB) from the text of /proc/<pid>/status. */
export function parseStatus(text) {
  const kib = (name) => {
    const m = text.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : null;
  };
  return { vmHwmKib: kib('VmHWM'), vmRssKib: kib('VmRSS') };
}

/** `{ cpuSeconds, vmHwmKib, vmRssKib, atMs }` of `pid`, or null once it is gone. */
export function sample(pid) {
  try {
    const { utime, stime } = parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const mem = parseStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSeconds: (utime + stime) / clkTck(), ...mem, atMs: Date.now() };
  } catch {
    return null;
  }
}

/** CPU use between two samples: seconds, and percent of one core. */
export function cpuBetween(first, last) {
  if (!first || !last) return { cpuSeconds: null, cpuPercent: null };
  const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
  const wall = (last.atMs - first.atMs) / 1000;
  return { cpuSeconds: Math.round(cpuSeconds * 100) / 100, cpuPercent: wall > 0 ? Math.round((cpuSeconds / wall) * 1000) / 10 : null };
}
