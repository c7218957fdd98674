// One whole qos-ledger run on real binaries, as DESIGN.md describes it: a
// three-validator local chain, real workloads and qos-monitors, an owner who
// registers a service, a client who rents it, accounting nodes that record
// every period, and a client who confirms each one with the OTP.
// Used by the demo (scripts/demo.sh) and the end-to-end test.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { encodeAddress } from '@polkadot/util-crypto';

import { connect, signer } from './chain.mjs';
import { formatAmount } from './commands.mjs';
import { Monitor, stopAllMonitors } from './monitor.mjs';
import { freePort, Node, sleep, stopAll, waitFor } from './node.mjs';
import * as qos from './qos.mjs';
import { TamperingProxy, Workload } from './workload.mjs';

export const UNIT = 10n ** 12n;

/**
 * The SLA of the demo: 95 % availability over 30-s periods (one missed 1-s
 * sample on one of three instances must not breach it), credits like a
 * public cloud's.
 */
export const DEMO_SLA = {
  qos: {
    min_availability_permille: 950,
    max_latency_p95_ms: 500,
    min_vcpus_milli: null,
    min_memory_mib: null,
    max_cpu_steal_permille: null,
    min_healthy_instances: null,
  },
  credits: {
    availability_tiers: [
      { below_permille: 950, credit_percent: 10 },
      { below_permille: 900, credit_percent: 25 },
      { below_permille: 750, credit_percent: 50 },
    ],
    other_breach_credit_percent: 10,
  },
};

/**
 * Runs the scenario and returns what happened per period.
 *   periods, periodMs     the agreement's term
 *   downtime              [{ instance, period, fromMs, toMs }]: that workload answers 503 in that part of the period
 *   tamperPeriods         periods in which the owner's proxy alters instance `tamperInstance`'s report
 *   dir                   where logs and data go
 *   log                   progress lines
 */
export class Scenario {
  constructor(options) {
    this.options = options;
    this.cleanup = [];
  }

  /** Stops everything the run started, newest first. */
  async stop() {
    for (const f of this.cleanup.reverse()) {
      try {
        await f();
      } catch {}
    }
    this.cleanup = [];
    await stopAllMonitors();
    await stopAll();
  }

  async run() {
    return runScenario(this.options, this.cleanup);
  }
}

async function runScenario({
  periods = 4,
  periodMs = 30_000,
  price = 10n * UNIT,
  downtime = [{ instance: 1, period: 1, fromMs: 5_000, toMs: 17_000 }],
  tamperPeriods = [],
  tamperInstance = 2,
  arbiterOwnerPercent = 50,
  dir,
  log = () => {},
  rpcPort,
}, cleanup) {
  const fees = { client: 0n, owner: 0n, arbiter: 0n };
  // -- the chain: Alice, Bob and Charlie validate and account.
  log('starting a three-validator local chain (Alice, Bob, Charlie)');
  const common = ['--chain', 'local', '--validator', '--tmp', '--rpc-cors', 'all'];
  const nodeKey = () => crypto.randomBytes(32).toString('hex');
  const alice = new Node('alice', { args: [...common, '--alice', '--node-key', nodeKey()], logDir: dir, p2pPort: await freePort(), rpcPort: rpcPort ?? (await freePort()) });
  await alice.spawn();
  cleanup.push(() => alice.stop('SIGKILL'));
  const bootnode = `/ip4/127.0.0.1/tcp/${alice.p2pPort}/p2p/${await alice.rpc('system_localPeerId')}`;
  for (const name of ['bob', 'charlie']) {
    const n = await Node.start(name, [...common, `--${name}`, '--node-key', nodeKey(), '--bootnodes', bootnode], { logDir: dir });
    cleanup.push(() => n.stop('SIGKILL'));
  }
  const api = await connect(`ws://127.0.0.1:${alice.rpcPort}`);
  cleanup.push(() => api.disconnect());
  log(`chain up: ws://127.0.0.1:${alice.rpcPort}`);

  const owner = signer('//Dave');
  const client = signer('//Eve');
  const arbiter = signer('//Alice');
  const balances = async () => {
    const [o, c] = await Promise.all([api.query.system.account(owner.address), api.query.system.account(client.address)]);
    return { owner: o.data.free.toBigInt() + o.data.reserved.toBigInt(), client: c.data.free.toBigInt() + c.data.reserved.toBigInt() };
  };
  const issuanceBefore = (await api.query.balances.totalIssuance()).toBigInt();
  const before = await balances();

  // -- the workloads the client rents, and the monitors inside them.
  const workloads = [];
  for (let i = 0; i < 3; i += 1) {
    const w = await new Workload().listen();
    cleanup.push(() => w.close());
    workloads.push(w);
  }
  const keyFile = path.join(dir, 'client.key');
  fs.writeFileSync(keyFile, `${crypto.randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const key = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'hex');

  const agreementId = (await api.query.slaVerification.nextAgreementId()).toBigInt();
  const monitors = [];
  for (let i = 0; i < 3; i += 1) {
    const m = await Monitor.start({ name: `monitor-${i}`, agreement: agreementId, instance: i, keyFile, probeUrl: workloads[i].url, dir });
    cleanup.push(() => m.stop());
    monitors.push(m);
  }
  let proxy = null;
  if (tamperPeriods.length) {
    proxy = await new TamperingProxy(monitors[tamperInstance].url, tamperPeriods).listen();
    cleanup.push(() => proxy.close());
  }
  log('3 workloads and 3 qos-monitors running');

  // -- the owner registers the service; the client rents it.
  const reg = await qos.registerService(api, owner, { price, periodMs });
  fees.owner += reg.fee;
  const service = reg.service;
  for (let i = 0; i < 3; i += 1) {
    const url = proxy && i === tamperInstance ? proxy.url : monitors[i].url;
    const added = await qos.addInstance(api, owner, service, url);
    fees.owner += added.fee;
  }
  log(`owner ${owner.address.slice(0, 8)}… registered service ${service}: ${formatAmount(price)} per ${periodMs / 1000} s period, 3 instances`);
  const created = await qos.createAgreement(api, client, { service, sla: DEMO_SLA, periods });
  fees.client += created.fee;
  const { agreement, startMs } = created;
  if (agreement !== agreementId) throw new Error(`agreement id ${agreement}, expected ${agreementId}`);
  log(`client ${client.address.slice(0, 8)}… created agreement ${agreement}: ${periods} periods, ${formatAmount(price * BigInt(periods))} on hold`);

  for (const d of downtime) {
    const from = startMs + d.period * periodMs + d.fromMs;
    const to = startMs + d.period * periodMs + d.toMs;
    const timers = [
      setTimeout(() => {
        workloads[d.instance].down();
        log(`workload ${d.instance} is DOWN`);
      }, Math.max(0, from - Date.now())),
      setTimeout(() => {
        workloads[d.instance].up();
        log(`workload ${d.instance} is up again`);
      }, Math.max(0, to - Date.now())),
    ];
    cleanup.push(() => timers.forEach(clearTimeout));
  }

  // -- every period: wait for its metrics block, check it, confirm it.
  const results = [];
  const deadlineMs = startMs + periods * periodMs + 120_000;
  for (let p = 0; p < periods; p += 1) {
    const block = await waitFor(`metrics block of period ${p}`, () => qos.metricsBlock(api, agreement, p), Math.max(10_000, deadlineMs - Date.now()), 1_000);
    const record = await qos.periodRecord(api, agreement, p);
    const node = encodeAddress(block.accountingNode, 42);
    const verdict = record.verdict.isMet ? 'Met' : `Breached`;
    log(`period ${p}: metrics block #${block.sequence} recorded by ${node.slice(0, 8)}…, ${block.reports.length} reports, verdict ${verdict}`);
    const check = qos.checkMetricsBlock(block, key, agreement, p);
    const row = { period: p, verdict, credit: record.verdict.isMet ? 0 : record.verdict.asBreached.creditPercent.toNumber(), block, accountingNode: node, toOwner: 0n, toClient: 0n, otp: check.ok ? 'matched' : 'MISMATCH', state: '' };
    if (check.ok) {
      const r = await qos.confirmPeriod(api, client, agreement, p, check.otp);
      fees.client += r.fee;
      row.toOwner = BigInt(r.settled.to_owner);
      row.toClient = BigInt(r.settled.to_client);
      row.state = 'Settled';
      log(`period ${p}: OTP matched, settled — ${formatAmount(row.toOwner)} to owner, ${formatAmount(row.toClient)} back to client`);
    } else {
      log(`period ${p}: the client's OTP does not open the commitment — a report was altered; the payment stays in escrow`);
      const held = (await api.query.escrowRelease.escrows(agreement)).unwrap().held.toBigInt();
      row.heldWhileDisputed = held;
      let r;
      const attempts = (await api.consts.slaVerification.maxOtpAttempts).toNumber();
      for (let i = 0; i < attempts; i += 1) {
        r = await qos.confirmPeriod(api, client, agreement, p, check.otp);
        fees.client += r.fee;
      }
      if (!r.disputed) throw new Error(`period ${p} not disputed after ${attempts} wrong OTPs`);
      log(`period ${p}: disputed after ${attempts} wrong OTPs; the arbiter gives ${arbiterOwnerPercent} % to the owner`);
      const resolved = await qos.resolveDispute(api, arbiter, agreement, p, arbiterOwnerPercent);
      fees.arbiter += resolved.fee;
      row.toOwner = BigInt(resolved.data.to_owner);
      row.toClient = BigInt(resolved.data.to_client);
      row.state = 'Resolved';
      row.otp = `mismatch x${attempts}`;
    }
    results.push(row);
  }

  await sleep(3_000);
  const after = await balances();
  const issuanceAfter = (await api.query.balances.totalIssuance()).toBigInt();
  const escrow = await api.query.escrowRelease.escrows(agreement);
  return {
    agreement,
    startMs,
    price,
    periods,
    results,
    before,
    after,
    fees,
    issuanceBefore,
    issuanceAfter,
    escrowLeft: escrow.isSome ? escrow.unwrap().held.toBigInt() : 0n,
    tampered: proxy ? proxy.tampered : 0,
    api,
  };
}

/** A text table of a scenario's periods, with totals that add up. */
export function resultTable(result) {
  const rows = result.results.map((r) => ({
    period: r.period,
    verdict: r.verdict,
    credit: `${r.credit} %`,
    otp: r.otp,
    state: r.state,
    'to owner': formatAmount(r.toOwner),
    'to client': formatAmount(r.toClient),
    'recorded by': `${r.accountingNode.slice(0, 8)}…`,
  }));
  const totalOwner = result.results.reduce((s, r) => s + r.toOwner, 0n);
  const totalClient = result.results.reduce((s, r) => s + r.toClient, 0n);
  rows.push({ period: 'total', verdict: '', credit: '', otp: '', state: '', 'to owner': formatAmount(totalOwner), 'to client': formatAmount(totalClient), 'recorded by': '' });
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  const lines = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c])))];
  const escrowed = result.price * BigInt(result.periods);
  lines.push('');
  lines.push(`escrowed ${formatAmount(escrowed)} = to owner ${formatAmount(totalOwner)} + back to client ${formatAmount(totalClient)} + still held ${formatAmount(result.escrowLeft)}: ${escrowed === totalOwner + totalClient + result.escrowLeft ? 'adds up' : 'DOES NOT ADD UP'}`);
  const ownerDelta = result.after.owner - result.before.owner;
  const clientDelta = result.after.client - result.before.client;
  lines.push(`owner balance ${ownerDelta >= 0n ? '+' : ''}${formatAmount(ownerDelta)} (= paid ${formatAmount(totalOwner)} - fees ${formatAmount(result.fees.owner)})`);
  lines.push(`client balance ${formatAmount(clientDelta)} (= -${formatAmount(totalOwner)} paid - fees ${formatAmount(result.fees.client)})`);
  return lines.join('\n');
}
