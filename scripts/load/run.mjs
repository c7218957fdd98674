// Load harness of issue 14 ("scale"): validators, a monitor fleet serving
// agreements × instances virtual monitors, a driver that creates the
// agreements in bulk and confirms every period, and a report.
//
//   node scripts/load/run.mjs --agreements 500 --instances 20 --period-secs 60 --minutes 10 \
//        --validators 3 --outage-permille 5 --out docs/load/10k.json [--no-batch] [--drain-secs 90]
//   node scripts/load/run.mjs compare a.json b.json
//
// QOS_NODE_BIN and QOS_FLEET_BIN point at other binaries than the release build.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { connect, signer } from '../lib/chain.mjs';
import { sleep, tempDir, waitFor } from '../lib/node.mjs';
import { REPORT_SETTLE_MS } from '../lib/operations.mjs';
import { hasBatches, loadSla, setUp, Tracker } from './driver.mjs';
import { fleetClientKey } from './fleet.mjs';
import { startHarness } from './harness.mjs';
import * as procstat from './procstat.mjs';
import { buildReport, formatCompare, formatReport, ocwRunsFromLog } from './report.mjs';

/** The chain's constants the run depends on, from its metadata. */
export function chainConstants(api) {
  const mb = api.consts.metricsBlocks;
  const blockTimeMs = mb.millisecsPerBlock.toNumber();
  const submitGrace = mb.submitGrace.toNumber();
  const normal = api.consts.system.blockWeights.perClass.normal;
  return {
    blockTimeMs,
    submitGrace,
    graceMs: submitGrace * blockTimeMs,
    settleMs: REPORT_SETTLE_MS,
    minPeriodMs: api.consts.slaVerification.minPeriodMs.toNumber(),
    maxPeriods: api.consts.slaVerification.maxPeriods.toNumber(),
    recordDeadlineMs: api.consts.slaVerification.recordDeadlineMs?.toNumber() ?? null,
    normalWeightLimit: normal.maxTotal.unwrapOrDefault().refTime.toNumber(),
    normalLengthLimit: api.consts.system.blockLength.max.normal.toNumber(),
    utility: hasBatches(api),
  };
}

/**
 * One load run; returns the report. Options: agreements, instances,
 * periodSecs, minutes, validators, outagePermille, batch, drainSecs, dir, log.
 */
export async function runLoad({
  agreements = 15,
  instances = 20,
  periodSecs = 40,
  minutes = 2,
  validators = 3,
  outagePermille = 5,
  samplingIntervalMs = null,
  batch = true,
  drainSecs = 60,
  dir = tempDir('load'),
  log = () => {},
}) {
  const started = Date.now();
  const harness = await startHarness({
    validators,
    outagePermille,
    samplingIntervalMs,
    dir,
    nodeArgs: ['--pool-limit', '65536', '--pool-kbytes', '262144'],
    log,
  });
  let api;
  let tracker;
  const samplers = [];
  try {
    api = await connect(`ws://127.0.0.1:${harness.nodes[0].rpcPort}`);
    const chain = chainConstants(api);
    const periodMs = periodSecs * 1000;
    if (periodMs < chain.minPeriodMs) throw new Error(`--period-secs ${periodSecs}: the runtime's shortest period is ${chain.minPeriodMs / 1000} s`);
    const periods = Math.max(1, Math.round((minutes * 60_000) / periodMs));
    if (periods > chain.maxPeriods) throw new Error(`${periods} periods: the runtime allows ${chain.maxPeriods}`);
    log(
      `chain: ${chain.blockTimeMs} ms blocks, grace ${chain.submitGrace} blocks, utility ${chain.utility ? 'present' : 'ABSENT (single transactions)'}; ${periods} periods of ${periodSecs} s`,
    );
    // Every validator's off-chain worker binds its accounting key in the first blocks.
    const bound = await waitFor(
      "every validator's accounting key bound on chain",
      async () => {
        const keys = await api.query.metricsBlocks.accountingKeys();
        return keys.length >= validators ? keys.map(([, k]) => k.toHex()) : null;
      },
      90_000,
      500,
    );
    const unknown = bound.filter((k) => !harness.accountingKeys.includes(k));
    if (unknown.length) log(`WARNING: accounting keys bound on chain that the fleet does not answer: ${unknown.join(', ')}`);
    const owner = signer('//Dave');
    const client = signer('//Eve');
    const sla = loadSla({ instances, periodMs });
    const fromBlock = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
    const setupStarted = Date.now();
    const setup = await setUp(api, { owner, client, agreements, instances, periodMs, periods, fleetUrl: harness.fleet.url, sla, batch, log });
    log(`set up ${agreements} agreements × ${instances} instances in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);
    const keys = new Map(setup.agreements.map((a) => [Number(a.agreement), fleetClientKey(harness.seed, a.agreement)]));
    tracker = new Tracker(api, {
      agreements: setup.agreements,
      keyOf: (a) => keys.get(Number(a)),
      client,
      owner,
      clientNonces: setup.clientNonces,
      ownerNonces: setup.ownerNonces,
      fromBlock,
      batch,
      log,
    });
    await tracker.start();

    const pids = [...harness.nodes.map((n) => ({ name: n.name, pid: n.child.pid })), { name: 'fleet', pid: harness.fleet.pid }];
    for (const p of pids) {
      const first = procstat.sample(p.pid);
      samplers.push({ ...p, first, last: first, peak: first });
    }
    const sampleAll = () => {
      for (const s of samplers) {
        const now = procstat.sample(s.pid);
        if (!now) continue;
        s.last = now;
        if (!s.peak || now.vmRssKib > s.peak.vmRssKib) s.peak = now;
      }
    };
    const procTimer = setInterval(sampleAll, 5_000);

    const firstStart = Math.min(...setup.agreements.map((a) => a.startMs));
    const lastClose = Math.max(...setup.agreements.map((a) => a.startMs + a.periods * a.periodMs));
    const deadline = lastClose + chain.settleMs + 2 * chain.graceMs + drainSecs * 1000;
    let lastProgress = 0;
    while (Date.now() < deadline && !tracker.allSettled()) {
      await sleep(1_000);
      if (Date.now() - lastProgress > 15_000) {
        lastProgress = Date.now();
        const rec = tracker.records;
        log(
          `#${tracker.best} (final #${tracker.finalized}): ${rec.filter((r) => r.recordedMs !== null).length} recorded, ${rec.filter((r) => r.settledMs !== null).length} settled of ${rec.length}`,
        );
      }
    }
    clearInterval(procTimer);
    sampleAll();
    await tracker.stop();
    const fleetStats = await harness.fleet.stats().catch((e) => ({ error: e.message }));
    const ocwRuns = harness.nodes.flatMap((n) => ocwRunsFromLog(fs.readFileSync(n.logFile, 'utf8')));
    const report = buildReport({
      config: { agreements, instances, periodMs, periods, minutes, validators, outagePermille, batch: batch && chain.utility, drainSecs, sla },
      chain,
      periods: tracker.records.map(({ acted, ...r }) => r),
      blocks: tracker.blocks,
      setUpBlocks: setup.blockHashes,
      processes: samplers,
      lagSamples: tracker.lagSamples,
      fleetStats,
      window: { fromMs: firstStart, toMs: lastClose + chain.settleMs + chain.graceMs },
      counts: { agreements, instances, monitors: agreements * instances, otpFailures: tracker.otpFailures, confirmFailures: tracker.confirmFailures },
      ocwRuns,
    });
    report.errors = tracker.errors.slice(0, 50);
    report.runSeconds = Math.round((Date.now() - started) / 1000);
    report.logDir = dir;
    return report;
  } finally {
    await tracker?.stop().catch(() => {});
    await api?.disconnect().catch(() => {});
    await harness.stop();
  }
}

const OPTIONS = {
  agreements: { type: 'string', default: '500' },
  instances: { type: 'string', default: '20' },
  'period-secs': { type: 'string', default: '60' },
  minutes: { type: 'string', default: '10' },
  validators: { type: 'string', default: '3' },
  'outage-permille': { type: 'string', default: '5' },
  'sampling-interval-ms': { type: 'string' },
  'drain-secs': { type: 'string', default: '90' },
  'no-batch': { type: 'boolean', default: false },
  out: { type: 'string' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

const USAGE = `usage: node scripts/load/run.mjs [--agreements N] [--instances N] [--period-secs S] [--minutes M]
         [--validators 1|3] [--outage-permille N] [--sampling-interval-ms N] [--drain-secs S] [--no-batch]
         [--out report.json] [--dir logdir]
       node scripts/load/run.mjs compare a.json b.json`;

async function main(argv) {
  if (argv[0] === 'compare') {
    if (argv.length !== 3) throw new Error(USAGE);
    const [a, b] = argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
    console.log(formatCompare(a, b, path.basename(argv[1]), path.basename(argv[2])));
    return;
  }
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const int = (name) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number, got ${values[name]}`);
    return v;
  };
  const report = await runLoad({
    agreements: int('agreements'),
    instances: int('instances'),
    periodSecs: int('period-secs'),
    minutes: Number(values.minutes),
    validators: int('validators'),
    outagePermille: int('outage-permille'),
    samplingIntervalMs: values['sampling-interval-ms'] === undefined ? null : int('sampling-interval-ms'),
    drainSecs: int('drain-secs'),
    batch: !values['no-batch'],
    dir: values.dir ?? tempDir('load'),
    log: (l) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${l}`),
  });
  console.log(formatReport(report));
  if (values.out) {
    fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
    // The summary, for `compare`; every period's record beside it, one per
    // line (a 10-minute run at 10,000 monitors has 5,000 of them).
    const { periodRecords, ...summary } = report;
    fs.writeFileSync(values.out, `${JSON.stringify(summary, null, 1)}\n`);
    const periodsFile = values.out.replace(/(\.json)?$/, '.periods.jsonl');
    fs.writeFileSync(periodsFile, `${periodRecords.map((p) => JSON.stringify(p)).join('\n')}\n`);
    console.error(`report saved to ${values.out}, its periods to ${periodsFile}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
