// The load report's pure functions (scripts/load/report.mjs), the fleet's
// client-key derivation and the /proc parsers.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';

import { u8aToHex } from '@polkadot/util';

import { fleetClientKey, monitorUrl } from '../../load/fleet.mjs';
import { loadSla, verdictName } from '../../load/driver.mjs';
import { cpuBetween, parseStat, parseStatus } from '../../load/procstat.mjs';
import {
  buildReport,
  compareRows,
  formatCompare,
  formatReport,
  graceMiss,
  latencySummary,
  meanMax,
  ocwRunSummary,
  ocwRunsFromLog,
  percentile,
  perMinute,
} from '../../load/report.mjs';
import { validateSla } from '../../lib/sla.mjs';

describe('fleet client key', () => {
  test('is sha256(domain ‖ seed ‖ agreement u64 LE), as monitor/src/fleet.rs derives it', () => {
    // Computed independently: sha256("qos-ledger:fleet-key:v1" ‖ [7; 32] ‖ 11u64 LE).
    const seed = new Uint8Array(32).fill(7);
    assert.equal(u8aToHex(fleetClientKey(seed, 11)), '0x0f57a7bd8e2fb6971d08e38cc74c8199b19f5efbdcf1221840473d54315737ca');
    const a = Buffer.alloc(8);
    a.writeBigUInt64LE(2n ** 40n + 3n);
    const hex = `0x${'ab'.repeat(32)}`;
    const expected = crypto
      .createHash('sha256')
      .update(Buffer.concat([Buffer.from('qos-ledger:fleet-key:v1'), Buffer.alloc(32, 0xab), a]))
      .digest('hex');
    assert.equal(u8aToHex(fleetClientKey(hex, 2n ** 40n + 3n)), `0x${expected}`, 'hex seeds and bigint agreements');
    assert.notEqual(u8aToHex(fleetClientKey(seed, 12)), u8aToHex(fleetClientKey(seed, 11)));
  });

  test('refuses a seed that is not 32 bytes', () => {
    assert.throws(() => fleetClientKey('0x1234', 0), /32 bytes/);
  });

  test('monitor URLs are /m/<service>/<instance> under the fleet', () => {
    assert.equal(monitorUrl('http://127.0.0.1:9', 4n, 19), 'http://127.0.0.1:9/m/4/19');
  });
});

describe('percentiles and rates', () => {
  test('nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(v, 0.5), 50);
    assert.equal(percentile(v, 0.9), 90);
    assert.equal(percentile(v, 0.99), 99);
    assert.equal(percentile(v, 1), 100);
    assert.equal(percentile([7], 0.5), 7);
    assert.equal(percentile([], 0.5), null);
    assert.equal(percentile([3, null, 1, undefined, 2], 0.5), 2, 'missing values are left out');
    assert.deepEqual(latencySummary([1000, 3000, 2000]), { n: 3, p50: 2000, p90: 3000, p99: 3000, max: 3000 });
    assert.deepEqual(latencySummary([]), { n: 0, p50: null, p90: null, p99: null, max: null });
    assert.deepEqual(meanMax([1, 2, 6]), { n: 3, mean: 3, max: 6 });
  });

  test('per-minute counts over whole minutes; the partial last minute is counted but not averaged', () => {
    const from = 1_000_000;
    const times = [from + 1, from + 59_999, from + 60_000, from + 61_000, from + 62_000, from + 125_000, from - 1];
    const r = perMinute(times, from, from + 150_000);
    assert.deepEqual(r.perMinute, [2, 3, 1]);
    assert.equal(r.mean, 2.5);
    assert.deepEqual(perMinute([from + 10], from, from + 30_000), { perMinute: [1], mean: 1 });
  });
});

describe('grace misses', () => {
  const chain = { settleMs: 5_000, graceMs: 15_000 };
  const key = '0xAA';
  test('in time by the designated node: none', () => {
    assert.equal(graceMiss({ windowEndMs: 0, recordedMs: 20_000, recordedBy: '0xaa', designated: key }, chain), null);
  });
  test('after window end + settle + grace: late', () => {
    assert.equal(graceMiss({ windowEndMs: 0, recordedMs: 20_001, recordedBy: '0xaa', designated: key }, chain), 'late');
  });
  test('by another node: non-designated, also when both', () => {
    assert.equal(graceMiss({ windowEndMs: 0, recordedMs: 9_000, recordedBy: '0xbb', designated: key }, chain), 'non-designated');
    assert.equal(graceMiss({ windowEndMs: 0, recordedMs: 30_000, recordedBy: '0xbb', designated: key }, chain), 'late,non-designated');
  });
});

const chain = { blockTimeMs: 3000, submitGrace: 5, graceMs: 15_000, settleMs: 5_000, normalWeightLimit: 1000, normalLengthLimit: 100 };
const period = (agreement, p, over = {}) => ({
  agreement,
  period: p,
  windowEndMs: 40_000 * (p + 1),
  recordedMs: 40_000 * (p + 1) + 8_000,
  recordedBlock: 10 + p,
  recordedBy: '0xaa',
  designated: '0xaa',
  partial: false,
  verdict: 'Met',
  finalizedMs: 40_000 * (p + 1) + 14_000,
  settledMs: 40_000 * (p + 1) + 17_000,
  settledBlock: 12 + p,
  closure: 'Confirmed',
  ...over,
});
const sampleReport = (over = {}) =>
  buildReport({
    config: { agreements: 2, instances: 3, periodMs: 40_000, validators: 3, outagePermille: 5 },
    chain,
    periods: [
      period(0, 0),
      period(0, 1, { verdict: 'Breached', recordedBy: '0xbb' }),
      period(1, 0),
      period(1, 1, { recordedMs: null, settledMs: null, finalizedMs: null }),
    ],
    blocks: [
      // The set-up's full batch, before the first window opened.
      { number: 0, timestampMs: -3_000, refTime: 950, proofSize: 0, length: 90, extrinsics: 4 },
      { number: 1, timestampMs: 3_000, refTime: 500, proofSize: 0, length: 10, extrinsics: 2 },
      { number: 2, timestampMs: 6_000, refTime: 250, proofSize: 0, length: 30, extrinsics: 3 },
    ],
    processes: [
      {
        name: 'alice',
        pid: 1,
        first: { cpuSeconds: 1, atMs: 0 },
        last: { cpuSeconds: 3, atMs: 10_000, vmHwmKib: 2048, vmRssKib: 1024 },
        peak: { vmRssKib: 2048 },
      },
    ],
    lagSamples: [2, 3, 2, 5],
    fleetStats: { requests: 9 },
    window: { fromMs: 0, toMs: 120_000 },
    counts: { agreements: 2, instances: 3, otpFailures: 0, confirmFailures: 1 },
    ...over,
  });

describe('the report', () => {
  test('has every field issue 14 asks for', () => {
    const r = sampleReport();
    assert.equal(r.agreements, 2);
    assert.equal(r.instances, 3);
    assert.equal(r.monitors, 6);
    assert.deepEqual([r.periods.expected, r.periods.recorded, r.periods.settled], [4, 3, 3]);
    assert.deepEqual(r.periods.unrecorded, [[1, 1]]);
    assert.deepEqual(r.periods.verdicts, { Met: 2, Breached: 1 });
    assert.deepEqual(r.recordedPerMinute.perMinute, [2, 1], '48 s, 48 s and 88 s');
    assert.deepEqual(r.latencyMs.closeToRecorded, { n: 3, p50: 8000, p90: 8000, p99: 8000, max: 8000 });
    assert.equal(r.latencyMs.closeToSettled.max, 17_000);
    assert.equal(r.latencyMs.closeToFinalized.n, 3);
    assert.equal(r.graceMisses.count, 1);
    assert.equal(r.graceMisses.nonDesignated, 1);
    assert.deepEqual(
      r.graceMisses.list.map((m) => [m.agreement, m.period, m.reason]),
      [[0, 1, 'non-designated']],
    );
    assert.deepEqual(r.blockFullness.weightShare, { n: 2, mean: 0.375, max: 0.5 });
    assert.equal(r.blockFullness.lengthShare.max, 0.3);
    assert.equal(r.blockFullness.perBlock.length, 2);
    assert.equal(r.blockFullness.setUpBlocks, 1, 'the set-up block is not counted in the fullness');
    assert.deepEqual(r.processes, [{ name: 'alice', pid: 1, cpuSeconds: 2, cpuPercent: 20, vmHwmKib: 2048, vmRssKib: 1024, peakRssKib: 2048 }]);
    assert.deepEqual([r.finalityLag.mean, r.finalityLag.max, r.finalityLag.p90], [3, 5, 5]);
    assert.deepEqual(r.fleetStats, { requests: 9 });
    const text = formatReport(r);
    for (const label of ['close → recorded', 'close → settled', 'grace misses', 'normal weight share', 'alice CPU', 'finality lag', 'fleet /stats']) {
      assert.match(text, new RegExp(label));
    }
  });

  test("the block that creates the agreements opens the window but is the set-up's", () => {
    const r = sampleReport({
      blocks: [
        { number: 0, hash: '0x00', timestampMs: 0, refTime: 950, proofSize: 0, length: 90, extrinsics: 4 },
        { number: 1, hash: '0x01', timestampMs: 3_000, refTime: 500, proofSize: 0, length: 10, extrinsics: 2 },
      ],
      setUpBlocks: ['0x00'],
    });
    assert.deepEqual(r.blockFullness.weightShare, { n: 1, mean: 0.5, max: 0.5 });
    assert.equal(r.blockFullness.setUpBlocks, 1);
    assert.deepEqual(
      r.blockFullness.perBlock.map((b) => Object.keys(b).includes('hash')),
      [false],
      'hashes stay out of the saved report',
    );
  });

  test('compare puts two reports side by side, also when one lacks a row', () => {
    const a = sampleReport();
    const b = sampleReport({ processes: [], lagSamples: [9] });
    const rows = compareRows(a, b);
    const row = (label) => rows.find((r) => r[0] === label);
    assert.deepEqual(row('agreements'), ['agreements', '2', '2']);
    assert.deepEqual(row('finality lag mean/p90/max (blocks)'), ['finality lag mean/p90/max (blocks)', '3.0 / 5 / 5', '9.0 / 9 / 9']);
    assert.deepEqual(row('alice CPU').slice(2), ['-']);
    const text = formatCompare(a, b, 'a.json', 'b.json');
    assert.match(text.split('\n')[0], /^metric\s+a\.json\s+b\.json$/);
  });
});

describe("the off-chain worker's timing lines", () => {
  // Lines as the node prints them (pallets/metrics-blocks/src/ocw.rs), among others.
  const log = [
    '2026-12-04 01:52:10 💤 Idle (2 peers), best: #40 (0x1234…abcd), finalized #38 (0x5678…ef01)',
    '2026-12-04 01:52:12 fetched and validated 1020 of 1020 monitor answers for 51 period(s) in 1874 ms',
    '2026-12-04 01:52:15 fetched and validated 18 of 20 monitor answers for 1 period(s) in 3120 ms',
    '2026-12-04 01:52:15 ✨ Imported #41 (0xabcd…1234 → 0xef01…5678)',
  ].join('\n');

  test('are parsed, one run each, and nothing else is', () => {
    assert.deepEqual(ocwRunsFromLog(log), [
      { answered: 1020, requests: 1020, periods: 51, ms: 1874 },
      { answered: 18, requests: 20, periods: 1, ms: 3120 },
    ]);
    assert.deepEqual(ocwRunsFromLog('fetched and validated some monitor answers'), []);
  });

  test('sum up to runs, their time, those longer than a block and those of 1,000 answers or more', () => {
    const s = ocwRunSummary(ocwRunsFromLog(log), { blockTimeMs: 3000 });
    assert.deepEqual([s.runs, s.requests, s.answered, s.requestsPerRunMax], [2, 1040, 1038, 1020]);
    assert.equal(s.ms.max, 3120);
    assert.equal(s.overBlockTime, 1);
    assert.deepEqual([s.large.atLeast, s.large.runs, s.large.answeredMin, s.large.ms.max], [1000, 1, 1020, 1874]);
    const none = ocwRunSummary([], { blockTimeMs: 3000 });
    assert.deepEqual([none.runs, none.requestsPerRunMax, none.overBlockTime, none.large.runs, none.ms.max], [0, null, 0, 0, null]);
  });

  test('are in the report and its table', () => {
    const r = sampleReport({ ocwRuns: ocwRunsFromLog(log) });
    assert.equal(r.ocw.runs, 2);
    assert.match(formatReport(r), /OCW runs of ≥ 1000 asked: count, p50\/max\s+1, 1\.9 s \/ 1\.9 s/);
  });
});

describe('procstat and helpers', () => {
  test('parses /proc/<pid>/stat (a name with spaces and parentheses) and /proc/<pid>/status', () => {
    const stat = '1234 (qos (ledger) node) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 12 0 1000 2000 300';
    assert.deepEqual(parseStat(stat), { utime: 250, stime: 75 });
    assert.deepEqual(parseStatus('Name:\tx\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n'), { vmHwmKib: 204800, vmRssKib: 102400 });
    assert.deepEqual(cpuBetween({ cpuSeconds: 1, atMs: 0 }, { cpuSeconds: 1.5, atMs: 5_000 }), { cpuSeconds: 0.5, cpuPercent: 10 });
  });

  test('verdict names and the load SLA', () => {
    assert.equal(verdictName({ met: null }), 'Met');
    assert.equal(verdictName({ breached: { violated: [] } }), 'Breached');
    assert.equal(verdictName('Met'), 'Met');
    const sla = loadSla({ instances: 20, periodMs: 40_000 });
    assert.equal(sla.qos.min_availability_permille, 994, 'one 10-s outage of one of 20 instances (12.5 ‰ of the mean) breaches it');
    assert.equal(validateSla(sla), null);
  });
});
