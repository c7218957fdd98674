// The load harness of issue 14, short: three validators, a monitor fleet of
// 300 virtual monitors (15 agreements × 20 instances, batched set-up),
// 40-second periods for about two minutes. Every period is recorded in its
// designated node's grace and settled by the client's OTP (and the owner's
// acceptance of a breach), and the report has every figure it promises.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { stopAll, tempDir } from '../lib/node.mjs';
import { runLoad } from '../load/run.mjs';
import { formatReport } from '../load/report.mjs';

after(stopAll);

test('300 virtual monitors: every period recorded in grace and settled; the report is complete', { timeout: 300_000 }, async () => {
  const dir = tempDir('load');
  const report = await runLoad({
    agreements: 15,
    instances: 20,
    periodSecs: 40,
    minutes: 1.4,
    validators: 3,
    outagePermille: 5,
    drainSecs: 40,
    dir,
    log: (l) => console.log(`# ${l}`),
  });
  fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report, null, 1));
  console.log(formatReport(report).replace(/^/gm, '# '));

  assert.equal(report.agreements, 15);
  assert.equal(report.instances, 20);
  assert.equal(report.monitors, 300);
  assert.equal(report.config.batch, true, 'set up with utility.batchAll');
  // Every window closed early enough to settle before the run ended (the
  // run waits past the last one's grace), so every period counts.
  const { chain } = report;
  const endMs = report.window.toMs + 40_000;
  const due = report.periodRecords.filter((p) => p.windowEndMs + chain.settleMs + chain.graceMs + 20_000 <= endMs);
  assert.equal(due.length, report.periods.expected, 'the run waited for every period');
  assert.ok(due.length >= 30, `${due.length} periods`);
  for (const p of due) {
    assert.notEqual(p.recordedMs, null, `agreement ${p.agreement} period ${p.period} recorded`);
    assert.notEqual(p.settledMs, null, `agreement ${p.agreement} period ${p.period} settled`);
    assert.ok(p.finalizedMs >= p.recordedMs - 5_000, 'finalised after it was recorded');
  }
  assert.equal(report.graceMisses.count, 0, `grace misses: ${JSON.stringify(report.graceMisses.list)}`);
  assert.equal(report.periods.otpFailures, 0, report.errors.join('; '));
  assert.equal(report.periods.confirmFailures, 0, report.errors.join('; '));
  assert.equal(report.periods.settled, report.periods.expected);

  // The fields of the report.
  for (const name of ['closeToRecorded', 'closeToFinalized', 'closeToSettled']) {
    const l = report.latencyMs[name];
    assert.equal(l.n, report.periods.expected, name);
    for (const q of ['p50', 'p90', 'p99', 'max']) assert.equal(typeof l[q], 'number', `${name}.${q}`);
    assert.ok(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, name);
  }
  assert.ok(report.latencyMs.closeToRecorded.max <= chain.settleMs + chain.graceMs);
  assert.ok(report.recordedPerMinute.mean > 0);
  assert.ok(Array.isArray(report.recordedPerMinute.perMinute));
  assert.ok(report.blockFullness.blocks > 10);
  assert.equal(report.blockFullness.perBlock.length, report.blockFullness.blocks);
  for (const k of ['weightShare', 'lengthShare']) {
    assert.ok(report.blockFullness[k].max > 0 && report.blockFullness[k].max <= 1, k);
    assert.equal(typeof report.blockFullness[k].mean, 'number', k);
  }
  assert.deepEqual(
    report.processes.map((p) => p.name),
    ['alice', 'bob', 'charlie', 'fleet'],
  );
  for (const p of report.processes) {
    assert.ok(p.cpuSeconds > 0 || p.name === 'fleet', `${p.name} CPU`);
    assert.ok(p.vmHwmKib > 0 && p.vmRssKib > 0, `${p.name} memory`);
  }
  assert.ok(report.finalityLag.samples.length > 10);
  assert.equal(typeof report.finalityLag.max, 'number');
  assert.equal(typeof report.fleetStats, 'object');
  assert.ok(!report.fleetStats.error, JSON.stringify(report.fleetStats));
  // Every monitor answer the validators pulled is in their timing lines.
  assert.ok(report.ocw.runs > 0, "the timing lines were read from the validators' logs");
  assert.ok(report.ocw.answered >= report.periods.recorded * 20 * 0.9, `${report.ocw.answered} answers for ${report.periods.recorded} periods`);
  // The fleet's outages breach some periods' SLA, not all (30 periods at 5 ‰).
  assert.ok(Object.keys(report.periods.verdicts).length >= 1);
});
