// The load report: pure functions from what the driver observed to the
// figures issue 14 asks for, a text table, and a side-by-side comparison.
import { cpuBetween } from './procstat.mjs';

/** The `q`-quantile (0..1) of `values` by the nearest-rank method; null when empty. */
export function percentile(values, q) {
  const sorted = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** `{ n, p50, p90, p99, max }` of `values` (ms). */
export function latencySummary(values) {
  const present = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  return {
    n: present.length,
    p50: percentile(present, 0.5),
    p90: percentile(present, 0.9),
    p99: percentile(present, 0.99),
    max: present.length ? Math.max(...present) : null,
  };
}

/** `{ n, mean, max }` of `values`. */
export function meanMax(values) {
  const present = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  if (!present.length) return { n: 0, mean: null, max: null };
  return { n: present.length, mean: present.reduce((s, v) => s + v, 0) / present.length, max: Math.max(...present) };
}

/**
 * Events per minute: `timesMs` bucketed into whole minutes from `fromMs` to
 * `toMs` (the last, partial minute is left out of the mean unless it is the
 * only one). `{ perMinute: [count], mean }`.
 */
export function perMinute(timesMs, fromMs, toMs) {
  const minutes = Math.max(1, Math.ceil((toMs - fromMs) / 60_000));
  const perMinute = new Array(minutes).fill(0);
  for (const t of timesMs) {
    if (t < fromMs || t > toMs) continue;
    perMinute[Math.min(minutes - 1, Math.floor((t - fromMs) / 60_000))] += 1;
  }
  const whole = Math.floor((toMs - fromMs) / 60_000);
  const counted = whole >= 1 ? perMinute.slice(0, whole) : perMinute;
  const mean = counted.reduce((s, v) => s + v, 0) / counted.length;
  return { perMinute, mean };
}

/**
 * Whether a recorded period missed its designated node's grace: recorded
 * after `windowEndMs + settleMs + graceMs` (by the recording block's
 * timestamp), or by an accounting node other than the designated one.
 * Returns null when it did not, else `'late'`, `'non-designated'` or
 * `'late,non-designated'`.
 */
export function graceMiss({ windowEndMs, recordedMs, recordedBy, designated }, { settleMs, graceMs }) {
  const reasons = [];
  if (recordedMs > windowEndMs + settleMs + graceMs) reasons.push('late');
  if (designated && recordedBy && String(recordedBy).toLowerCase() !== String(designated).toLowerCase()) reasons.push('non-designated');
  return reasons.length ? reasons.join(',') : null;
}

const OCW_TIMING = /fetched and validated (\d+) of (\d+) monitor answers for (\d+) period\(s\) in (\d+) ms/g;

/**
 * The off-chain worker's own timing lines in a validator's log, one per run
 * that pulled anything: `[{ answered, requests, periods, ms }]`.
 */
export function ocwRunsFromLog(text) {
  return [...text.matchAll(OCW_TIMING)].map(([, answered, requests, periods, ms]) => ({
    answered: Number(answered),
    requests: Number(requests),
    periods: Number(periods),
    ms: Number(ms),
  }));
}

/**
 * What the validators' runs show: how many, their size, how long they took
 * (`ms` percentiles), how many outlasted a block, and the runs that asked at
 * least `large` monitors (the issue's 1,000 answers within one block).
 */
export function ocwRunSummary(runs, { blockTimeMs, large = 1000 }) {
  const big = runs.filter((r) => r.requests >= large);
  return {
    runs: runs.length,
    requests: runs.reduce((s, r) => s + r.requests, 0),
    answered: runs.reduce((s, r) => s + r.answered, 0),
    requestsPerRunMax: runs.length ? Math.max(...runs.map((r) => r.requests)) : null,
    ms: latencySummary(runs.map((r) => r.ms)),
    overBlockTime: blockTimeMs ? runs.filter((r) => r.ms > blockTimeMs).length : null,
    large: {
      atLeast: large,
      runs: big.length,
      answeredMin: big.length ? Math.min(...big.map((r) => r.answered)) : null,
      ms: latencySummary(big.map((r) => r.ms)),
    },
  };
}

/**
 * The report from the driver's observations:
 *   config       what was asked for
 *   chain        { blockTimeMs, submitGrace, graceMs, settleMs, minPeriodMs, maxPeriods, normalWeightLimit, normalLengthLimit }
 *   periods      [{ agreement, period, windowEndMs, recordedMs, recordedBlock, recordedBy, designated, finalizedMs,
 *                   settledMs, settledBlock, verdict, closure, partial }]
 *   blocks       [{ number, hash, timestampMs, refTime, proofSize, length, extrinsics }]; those
 *                before window.fromMs or in setUpBlocks are left out of the fullness
 *   setUpBlocks  hashes of the blocks that included the set-up's transactions
 *   processes    [{ name, pid, first, last, peak }] procstat samples
 *   lagSamples   [best − finalised]
 *   fleetStats   what GET /stats returned at the end
 *   window       { fromMs, toMs } of the measured run
 *   counts       { agreements, instances, otpFailures, confirmFailures }
 *   ocwRuns      [{ answered, requests, periods, ms }] the validators' timing lines (optional)
 */
export function buildReport({ config, chain, periods, blocks, setUpBlocks = [], processes, lagSamples, fleetStats, window, counts, ocwRuns = [] }) {
  const recorded = periods.filter((p) => p.recordedMs !== null && p.recordedMs !== undefined);
  const settled = periods.filter((p) => p.settledMs !== null && p.settledMs !== undefined);
  const misses = [];
  for (const p of recorded) {
    const miss = graceMiss(p, chain);
    if (miss)
      misses.push({ agreement: p.agreement, period: p.period, reason: miss, lateByMs: p.recordedMs - (p.windowEndMs + chain.settleMs + chain.graceMs) });
  }
  const share = (v, limit) => (limit ? v / limit : null);
  // The set-up's batches are full by design; fullness is what the run itself
  // asked of the chain. The block that creates the agreements is also the
  // one whose timestamp opens the first window, hence the hashes.
  const setUp = new Set(setUpBlocks);
  const perBlock = blocks
    .filter((b) => !setUp.has(b.hash) && (b.timestampMs === undefined || b.timestampMs >= window.fromMs))
    .map(({ hash, ...b }) => ({
      ...b,
      weightShare: share(b.refTime, chain.normalWeightLimit),
      lengthShare: share(b.length, chain.normalLengthLimit),
    }));
  const verdicts = {};
  for (const p of recorded) verdicts[p.verdict ?? 'unknown'] = (verdicts[p.verdict ?? 'unknown'] ?? 0) + 1;
  const closures = {};
  for (const p of settled) closures[p.closure ?? 'unknown'] = (closures[p.closure ?? 'unknown'] ?? 0) + 1;
  return {
    config,
    chain,
    window,
    agreements: counts.agreements,
    instances: counts.instances,
    monitors: counts.monitors ?? counts.agreements * counts.instances,
    periods: {
      expected: periods.length,
      recorded: recorded.length,
      finalized: periods.filter((p) => p.finalizedMs != null).length,
      settled: settled.length,
      partialBlocks: periods.filter((p) => p.partial).length,
      verdicts,
      closures,
      otpFailures: counts.otpFailures ?? 0,
      confirmFailures: counts.confirmFailures ?? 0,
      unrecorded: periods.filter((p) => p.recordedMs == null).map((p) => [p.agreement, p.period]),
      unsettled: periods.filter((p) => p.settledMs == null).map((p) => [p.agreement, p.period]),
    },
    recordedPerMinute: perMinute(
      recorded.map((p) => p.recordedMs),
      window.fromMs,
      window.toMs,
    ),
    latencyMs: {
      closeToRecorded: latencySummary(recorded.map((p) => p.recordedMs - p.windowEndMs)),
      closeToFinalized: latencySummary(periods.filter((p) => p.finalizedMs != null).map((p) => p.finalizedMs - p.windowEndMs)),
      closeToSettled: latencySummary(settled.map((p) => p.settledMs - p.windowEndMs)),
    },
    graceMisses: {
      count: misses.length,
      late: misses.filter((m) => m.reason.includes('late')).length,
      nonDesignated: misses.filter((m) => m.reason.includes('non-designated')).length,
      list: misses,
    },
    blockFullness: {
      blocks: perBlock.length,
      setUpBlocks: blocks.length - perBlock.length,
      weightShare: meanMax(perBlock.map((b) => b.weightShare)),
      lengthShare: meanMax(perBlock.map((b) => b.lengthShare)),
      perBlock,
    },
    processes: processes.map(({ name, pid, first, last, peak }) => ({
      name,
      pid,
      ...cpuBetween(first, last),
      vmHwmKib: last?.vmHwmKib ?? peak?.vmHwmKib ?? null,
      vmRssKib: last?.vmRssKib ?? null,
      peakRssKib: peak?.vmRssKib ?? null,
    })),
    finalityLag: { ...meanMax(lagSamples), p90: percentile(lagSamples, 0.9), samples: lagSamples },
    ocw: ocwRunSummary(ocwRuns, { blockTimeMs: chain.blockTimeMs }),
    fleetStats,
    periodRecords: periods,
  };
}

const fmt = (v, digits = 0) => (v === null || v === undefined ? '-' : typeof v === 'number' ? v.toFixed(digits) : String(v));
const secs = (ms) => (ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
const pct = (v) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)} %`);
const mib = (kib) => (kib === null || kib === undefined ? '-' : `${(kib / 1024).toFixed(0)} MiB`);

/** `[label, text]` rows of a report, in the order the table prints them. */
export function reportRows(r) {
  const rows = [
    ['agreements', fmt(r.agreements)],
    ['instances per agreement', fmt(r.instances)],
    ['monitors', fmt(r.monitors)],
    ['period', secs(r.config?.periodMs)],
    ['validators', fmt(r.config?.validators)],
    ['outage permille', fmt(r.config?.outagePermille)],
    ['periods expected', fmt(r.periods.expected)],
    ['periods recorded', fmt(r.periods.recorded)],
    ['periods settled', fmt(r.periods.settled)],
    ['partial blocks', fmt(r.periods.partialBlocks)],
    [
      'verdicts',
      Object.entries(r.periods.verdicts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '-',
    ],
    ['OTP / confirm failures', `${r.periods.otpFailures} / ${r.periods.confirmFailures}`],
    ['recorded per minute (mean)', fmt(r.recordedPerMinute.mean, 1)],
    ['recorded per minute', r.recordedPerMinute.perMinute.join(' ')],
  ];
  for (const [name, label] of [
    ['closeToRecorded', 'close → recorded'],
    ['closeToFinalized', 'close → finalised'],
    ['closeToSettled', 'close → settled'],
  ]) {
    const l = r.latencyMs[name];
    rows.push([`${label} p50/p90/p99/max`, `${secs(l.p50)} / ${secs(l.p90)} / ${secs(l.p99)} / ${secs(l.max)}`]);
  }
  rows.push(
    ['grace misses (late / non-designated)', `${r.graceMisses.count} (${r.graceMisses.late} / ${r.graceMisses.nonDesignated})`],
    ['blocks', fmt(r.blockFullness.blocks)],
    ['normal weight share mean/max', `${pct(r.blockFullness.weightShare.mean)} / ${pct(r.blockFullness.weightShare.max)}`],
    ['normal length share mean/max', `${pct(r.blockFullness.lengthShare.mean)} / ${pct(r.blockFullness.lengthShare.max)}`],
    ['finality lag mean/p90/max (blocks)', `${fmt(r.finalityLag.mean, 1)} / ${fmt(r.finalityLag.p90)} / ${fmt(r.finalityLag.max)}`],
  );
  if (r.ocw) {
    const o = r.ocw;
    rows.push(
      ['OCW runs (answered / asked)', `${fmt(o.runs)} (${fmt(o.answered)} / ${fmt(o.requests)})`],
      ['OCW asked per run max', fmt(o.requestsPerRunMax)],
      ['OCW run p50/p90/p99/max', `${secs(o.ms.p50)} / ${secs(o.ms.p90)} / ${secs(o.ms.p99)} / ${secs(o.ms.max)}`],
      ['OCW runs longer than a block', fmt(o.overBlockTime)],
      [`OCW runs of ≥ ${o.large.atLeast} asked: count, p50/max`, `${fmt(o.large.runs)}, ${secs(o.large.ms.p50)} / ${secs(o.large.ms.max)}`],
    );
  }
  for (const p of r.processes) {
    rows.push([`${p.name} CPU`, `${fmt(p.cpuSeconds, 1)} s (${fmt(p.cpuPercent, 1)} % of a core)`]);
    rows.push([`${p.name} RSS peak (VmHWM) / now`, `${mib(p.vmHwmKib)} / ${mib(p.vmRssKib)}`]);
  }
  rows.push(['fleet /stats', JSON.stringify(r.fleetStats ?? null)]);
  return rows;
}

/** Rows as an aligned two- (or more-) column text table. */
export function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  const line = (cells) =>
    cells
      .map((c, i) => String(c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The report as a table. */
export function formatReport(r) {
  return table(['metric', 'value'], reportRows(r));
}

/** Two reports side by side: `[metric, a, b]` rows (a metric missing in one shows `-`). */
export function compareRows(a, b) {
  const ra = reportRows(a);
  const rb = new Map(reportRows(b));
  const seen = new Set();
  const rows = ra.map(([label, value]) => {
    seen.add(label);
    return [label, value, rb.get(label) ?? '-'];
  });
  for (const [label, value] of rb) if (!seen.has(label)) rows.push([label, '-', value]);
  return rows;
}

/** The comparison as a table, headed by the two names. */
export function formatCompare(a, b, nameA = 'a', nameB = 'b') {
  return table(['metric', nameA, nameB], compareRows(a, b));
}
