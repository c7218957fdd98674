// One whole qos-ledger run on real binaries, as docs/protocol.md describes
// it: a three-validator local chain, real workloads and qos-monitors, an
// owner who registers a service and publishes an offer, a client who rents it
// on that offer, accounting nodes that record every period, the client's
// agent (`qos watch`) that checks each one and confirms it with the OTP or
// contests it, the owner's agent that accepts the breaches, and an arbiter
// for what the OTP cannot settle.
// Used by the demo (scripts/demo.sh) and the end-to-end test.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { encodeAddress } from '@polkadot/util-crypto';

import { describeLine } from './agent.mjs';
import { AgentProcess } from './agent-process.mjs';
import { connect, signer } from './chain.mjs';
import { formatAmount, UNIT } from './amounts.mjs';
import { monitorKeysAt, monitorKeysFile, writeMonitorKeys } from './monitor-keys.mjs';
import { Monitor, stopAllMonitors } from './monitor.mjs';
import { freePort, Node, nodeBinary, sleep, stopAll, waitFor } from './node.mjs';
import * as ops from './operations.mjs';
import { BlockingProxy, TamperingProxy, Workload } from './workload.mjs';

const run = promisify(execFile);

/** The validators (and accounting nodes) of the scenario's chain, in authority order. */
export const VALIDATORS = ['Alice', 'Bob', 'Charlie'];

/**
 * The SLA of the demo, as SlaTerms: 95 % availability over 40-s periods (one
 * missed 1-s sample on one of three instances must not breach it), credits
 * like a public cloud's. The owner offers it; the client signs it as offered.
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
  availability_tiers: [
    { below_permille: 950, credit_percent: 10 },
    { below_permille: 900, credit_percent: 25 },
    { below_permille: 750, credit_percent: 50 },
  ],
  other_breach_credit_percent: 10,
};

/**
 * Runs the scenario and returns what happened per period.
 *   periods, periodMs     the agreement's term (40 s: the runtime's minimum period)
 *   downtime              [{ instance, period, fromMs, toMs }]: that workload answers 503 in that part of the period
 *   tamperPeriods         periods in which the owner's proxy alters instance `tamperInstance`'s report
 *   arbiterOwnerPermille  the arbiter's split of a disputed period, permille to the owner
 *   blockDesignated       { period, instance }: that instance's monitor refuses (503) the node designated for that period
 *   blockEveryNodePeriod  in this period the same monitor refuses every accounting node (but answers the parties)
 *   retireDownInstance    { instance, period, atMs }: the owner retires that instance `atMs` into that period
 *   agentNodeOutage       { period, atMs, forMs }: the agents' node is killed `atMs` into that period and restarted `forMs` later
 *   clientAgentOnLightClient  the client's agent runs on an embedded light client (the chain spec and a boot node), not on an RPC node
 *   runClientAgent        false: no client's agent; someone else confirms each period (the dashboard's test, through the page)
 *   onReady               called once the agreement exists and the agents run: `{ url, agreement, service, keyFile, startMs, periodMs,
 *                         specFile, webSocketBootnode }` (the raw chain spec, and Alice's WebSocket address for a browser's light client)
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

async function runScenario(
  {
    periods = 4,
    periodMs = 40_000,
    price = 10n * UNIT,
    downtime = [{ instance: 1, period: 1, fromMs: 5_000, toMs: 17_000 }],
    tamperPeriods = [],
    tamperInstance = 2,
    arbiterOwnerPermille = 500,
    blockDesignated = null,
    blockEveryNodePeriod = null,
    retireDownInstance = null,
    agentNodeOutage = null,
    clientAgentOnLightClient = false,
    runClientAgent = true,
    onReady = null,
    dir,
    log = () => {},
    rpcPort,
  },
  cleanup,
) {
  // -- the chain: Alice, Bob and Charlie validate and account.
  log(`starting a three-validator local chain (${VALIDATORS.join(', ')})`);
  const common = ['--chain', 'local', '--validator', '--tmp', '--rpc-cors', 'all'];
  const nodeKey = () => crypto.randomBytes(32).toString('hex');
  const [first, ...others] = VALIDATORS.map((n) => n.toLowerCase());
  // Alice also listens for peers on a WebSocket address: a light client in
  // a browser (the dashboard's) can dial only that.
  const wsPort = await freePort();
  const alice = new Node(first, {
    args: [...common, `--${first}`, '--node-key', nodeKey(), '--listen-addr', `/ip4/127.0.0.1/tcp/${wsPort}/ws`],
    logDir: dir,
    p2pPort: await freePort(),
    rpcPort: rpcPort ?? (await freePort()),
  });
  await alice.spawn();
  cleanup.push(() => alice.stop('SIGKILL'));
  const alicePeerId = await alice.rpc('system_localPeerId');
  const bootnode = `/ip4/127.0.0.1/tcp/${alice.p2pPort}/p2p/${alicePeerId}`;
  const webSocketBootnode = `/ip4/127.0.0.1/tcp/${wsPort}/ws/p2p/${alicePeerId}`;
  for (const name of others) {
    const n = await Node.start(name, [...common, `--${name}`, '--node-key', nodeKey(), '--bootnodes', bootnode], { logDir: dir });
    cleanup.push(() => n.stop('SIGKILL'));
  }
  const api = await connect(`ws://127.0.0.1:${alice.rpcPort}`);
  cleanup.push(() => api.disconnect());
  log(`chain up: ws://127.0.0.1:${alice.rpcPort}`);

  const owner = signer('//Dave');
  const client = signer('//Eve');
  const arbiter = signer('//Ferdie');
  // A dev validator's accounting key is the sr25519 key of its name.
  const validatorOf = new Map(VALIDATORS.map((n) => [signer(`//${n}`).address, n]));
  const nameOf = (address) => validatorOf.get(address) ?? `${address.slice(0, 8)}…`;
  const balances = async () => {
    const [o, c] = await Promise.all([api.query.system.account(owner.address), api.query.system.account(client.address)]);
    return { owner: o.data.free.toBigInt() + o.data.reserved.toBigInt(), client: c.data.free.toBigInt() + c.data.reserved.toBigInt() };
  };
  const issuanceBefore = (await api.query.balances.totalIssuance()).toBigInt();
  const before = await balances();
  // Events are read block by block from here on, as the run goes.
  let scanned = (await api.rpc.chain.getHeader()).number.toNumber();
  const events = [];
  const scanTo = async (block) => {
    if (block <= scanned) return;
    events.push(...(await ops.chainEvents(api, scanned + 1, block, ['slaVerification', 'metricsBlocks', 'escrowRelease', 'transactionPayment'])));
    scanned = block;
  };

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
  // Whom the monitors answer: the accounting keys bound on chain (each
  // validator's off-chain worker binds its own in the first blocks), the
  // client and the owner. Rewritten from the finalised chain once the
  // agreement exists, as `qos monitor-keys` does.
  const authorizedKeys = path.join(dir, 'authorized-keys.json');
  const bound = await waitFor(
    "every validator's accounting key bound on chain",
    async () => {
      const keys = await api.query.metricsBlocks.accountingKeys();
      return keys.length === VALIDATORS.length ? keys : null;
    },
    60_000,
    500,
  );
  writeMonitorKeys(
    authorizedKeys,
    monitorKeysFile({ agreement: agreementId, accountingKeys: bound.map(([, key]) => key.toHex()), client: client.address, owner: owner.address }),
  );
  const monitors = [];
  const urls = [];
  for (let i = 0; i < 3; i += 1) {
    const m = await Monitor.start({ name: `monitor-${i}`, agreement: agreementId, instance: i, keyFile, authorizedKeys, probeUrl: workloads[i].url, dir });
    monitors.push(m);
    cleanup.push(() => m.stop());
    urls.push(m.url);
  }
  // Proxies in front of monitors: the owner's tampering one next to the
  // monitor, a network path that blocks one accounting node in front.
  let tamperer = null;
  if (tamperPeriods.length) {
    tamperer = await new TamperingProxy(urls[tamperInstance], tamperPeriods).listen();
    cleanup.push(() => tamperer.close());
    urls[tamperInstance] = tamperer.url;
  }
  let blocker = null;
  if (blockDesignated) {
    blocker = await new BlockingProxy(urls[blockDesignated.instance]).listen();
    cleanup.push(() => blocker.close());
    urls[blockDesignated.instance] = blocker.url;
  }
  log('3 workloads and 3 qos-monitors running');

  // -- the owner registers the service and offers the demo SLA with Ferdie as
  // arbiter; the client rents it on that offer, with that arbiter.
  const reg = await ops.registerService(api, owner, { price, periodMs });
  const { service } = reg;
  await ops.setOffers(api, owner, service, [{ sla: DEMO_SLA, arbiters: [arbiter.address] }]);
  for (const url of urls) await ops.addInstance(api, owner, service, url);
  log(
    `owner Dave registered service ${service}: ${formatAmount(price)} per ${periodMs / 1000} s period, 3 instances, offer 0 = the demo SLA with arbiter Ferdie`,
  );
  const created = await ops.createAgreement(api, client, { service, offer: 0, sla: DEMO_SLA, periods, maxPrice: price, arbiter: arbiter.address });
  const { agreement, startMs } = created;
  if (agreement !== agreementId) throw new Error(`agreement id ${agreement}, expected ${agreementId}`);
  log(
    `client Eve created agreement ${agreement} on offer ${created.offer}: ${periods} periods, ${formatAmount(price * BigInt(periods))} on hold, accounting fee ${formatAmount(created.burned)} burned`,
  );
  const fromChain = await waitFor('the agreement in a finalised block', () => monitorKeysAt(api, agreement).catch(() => null), 30_000, 500);
  if (writeMonitorKeys(authorizedKeys, fromChain)) for (const m of monitors) m.reload();
  log(
    `monitors answer ${fromChain.accounting_keys.length} accounting keys, the client and the owner (authorized keys from finalised block #${fromChain.source.block})`,
  );

  // -- the client's and the owner's agents, as each would run them, on a
  // full node of their own (not a validator), which keeps its database.
  const agentNode = await Node.start(
    'agent-node',
    ['--chain', 'local', '--base-path', path.join(dir, 'agent-node'), '--rpc-cors', 'all', '--node-key', nodeKey(), '--bootnodes', bootnode],
    { logDir: dir },
  );
  cleanup.push(() => agentNode.stop('SIGKILL'));
  const agentRpc = ['--url', `ws://127.0.0.1:${agentNode.rpcPort}`];
  // The raw chain spec, for light clients (given a boot node).
  const specFile = path.join(dir, 'chain-spec.json');
  const { stdout: rawSpec } = await run(nodeBinary(), ['build-spec', '--chain', 'local', '--raw', '--disable-default-bootnode'], { maxBuffer: 64 << 20 });
  fs.writeFileSync(specFile, rawSpec);
  const clientChain = clientAgentOnLightClient ? ['--chain-spec', specFile, '--bootnode', bootnode] : agentRpc;
  const agentArgs = {
    client: ['--suri', '//Eve', '--key', keyFile, '--agreement', String(agreement), ...clientChain],
    // The owner's agent pays out as soon as a period's price is owed to it.
    owner: ['--suri', '//Dave', '--owner', '--accept-breaches', '--pay-out-periods', '1', '--agreement', String(agreement), ...agentRpc],
  };
  if (!runClientAgent) delete agentArgs.client;
  const agents = {};
  for (const [role, args] of Object.entries(agentArgs)) {
    agents[role] = AgentProcess.start({
      name: `${role}-agent`,
      args,
      dir,
      onLine: (line) => log(`${role}'s agent: ${describeLine(line, formatAmount)}`),
    });
    cleanup.push(() => agents[role].stop());
  }
  const clientAgent = agents.client ?? null;
  log(
    clientAgent
      ? "the client's agent (qos watch --key) and the owner's (qos watch --owner --accept-breaches --pay-out-periods 1) follow the finalised chain"
      : "the owner's agent (qos watch --owner --accept-breaches --pay-out-periods 1) follows the finalised chain; the client confirms by other means",
  );

  let blocked = null;
  if (blockDesignated) {
    const designated = await ops.designatedNode(api, agreement, blockDesignated.period);
    if (!designated?.accountingKey) throw new Error(`no accounting key designated for period ${blockDesignated.period}`);
    blocker.block(blockDesignated.period, designated.accountingKey);
    blocked = { ...blockDesignated, accountingKey: designated.accountingKey, node: VALIDATORS[designated.authorityIndex] };
    if (blockEveryNodePeriod !== null) {
      blocker.block(blockEveryNodePeriod, '*');
      log(`period ${blockEveryNodePeriod}: instance ${blockDesignated.instance}'s monitor will refuse every accounting node, not the parties`);
    }
    log(`period ${blocked.period}: its designated node ${blocked.node} will get 503 from instance ${blocked.instance}'s monitor`);
  }

  const at = (period, offsetMs) => startMs + period * periodMs + offsetMs;
  const timers = [];
  cleanup.push(() => timers.forEach(clearTimeout));
  for (const d of downtime) {
    timers.push(
      setTimeout(
        () => {
          workloads[d.instance].down();
          log(`workload ${d.instance} is DOWN`);
        },
        Math.max(0, at(d.period, d.fromMs) - Date.now()),
      ),
      setTimeout(
        () => {
          workloads[d.instance].up();
          log(`workload ${d.instance} is up again`);
        },
        Math.max(0, at(d.period, d.toMs) - Date.now()),
      ),
    );
  }
  // Settled (never rejected) so that a failure surfaces at the end of the run.
  let outage = Promise.resolve(null);
  if (agentNodeOutage) {
    const { period, atMs, forMs } = agentNodeOutage;
    outage = sleep(Math.max(0, at(period, atMs) - Date.now()))
      .then(async () => {
        await agentNode.stop('SIGKILL');
        log(`the agents' node is KILLED ${atMs / 1000} s into period ${period}`);
        await sleep(forMs);
        await agentNode.spawn();
        log(`the agents' node is back after ${forMs / 1000} s`);
        return { period, atMs, forMs };
      })
      .catch((error) => ({ error }));
  }
  let retirement = Promise.resolve(null);
  if (retireDownInstance) {
    const { instance, period, atMs } = retireDownInstance;
    retirement = sleep(Math.max(0, at(period, atMs) - Date.now()))
      .then(() => ops.retireInstance(api, owner, service, instance))
      .then(
        (r) => {
          log(`owner retired instance ${instance} ${((r.atMs - at(period, 0)) / 1000).toFixed(1)} s into period ${period}`);
          return { instance, period, atMs: r.atMs };
        },
        (error) => ({ error }),
      );
  }

  await onReady?.({ url: `ws://127.0.0.1:${alice.rpcPort}`, agreement, service, keyFile, startMs, periodMs, specFile, webSocketBootnode });

  // -- every period: wait for its metrics block, check it, confirm it.
  const results = [];
  const deadlineMs = startMs + periods * periodMs + 120_000;
  for (let p = 0; p < periods; p += 1) {
    const block = await waitFor(`metrics block of period ${p}`, () => ops.metricsBlock(api, agreement, p), Math.max(10_000, deadlineMs - Date.now()), 1_000);
    await scanTo(block.recordedAt.toNumber());
    const record = await ops.periodRecord(api, agreement, p);
    const verdict = ops.verdictOf(record);
    const node = nameOf(encodeAddress(block.accountingNode, 42));
    const firstPull = block.firstPull.isSome ? nameOf(encodeAddress(block.firstPull.unwrap(), 42)) : null;
    const partial =
      events.find((e) => e.method === 'PartialBlockRecorded' && BigInt(e.data.agreement) === agreement && Number(e.data.period) === p)?.data ?? null;
    if (partial) log(`period ${p}: ${firstPull ?? 'a node'} recorded a partial block (missing ${JSON.stringify(partial.missing)}); a second pull completed it`);
    log(`period ${p}: metrics block #${block.sequence} recorded by ${node}, ${block.reportHashes.length} reports, verdict ${verdict.text}`);
    const check = await ops.checkMetricsBlock(block, key, agreement, p);
    const row = {
      period: p,
      verdict: record.verdict.unwrap().type,
      violated: verdict.text,
      credit: verdict.credit,
      failing: verdict.failing,
      block,
      accountingNode: node,
      firstPull,
      partial,
      otp: check.ok ? 'matched' : 'MISMATCH',
      toOwner: 0n,
      toClient: 0n,
      state: '',
      closure: '',
    };
    // The agents act on the finalised period: the client's confirms it with
    // the OTP or contests it, the owner's accepts a breach. A contested period
    // waits for the arbiter.
    const state = await waitFor(
      `period ${p} closed or disputed`,
      async () => {
        const rec = await ops.periodRecord(api, agreement, p);
        return rec && (rec.state.isClosed || rec.state.isDisputed) ? rec.state : null;
      },
      120_000,
      500,
    );
    if (state.isDisputed) {
      const contestOf = (role) => agents[role]?.lines.find((l) => l.event === 'contested' && l.period === p);
      const by = await waitFor(`the contest of period ${p}`, () => ['client', 'owner'].find(contestOf), 30_000, 200);
      log(
        `period ${p}: the ${by}'s agent contested it (${contestOf(by).problems.join('; ')}); the arbiter Ferdie gives ${arbiterOwnerPermille} ‰ to the owner`,
      );
      row.heldWhileDisputed = (await api.query.escrowRelease.escrows(agreement)).unwrap().held.toBigInt();
      row.contestedBy = by;
      if (by === 'client') row.otp = 'mismatch: contested by the agent';
      const resolved = await ops.resolveDispute(api, arbiter, agreement, p, arbiterOwnerPermille);
      if (!resolved.settled) throw new Error(`period ${p}: the arbiter's split did not settle it`);
    }
    await scanTo((await api.rpc.chain.getHeader()).number.toNumber());
    const settled = events.find((e) => e.method === 'PeriodSettled' && BigInt(e.data.agreement) === agreement && Number(e.data.period) === p)?.data;
    if (!settled) throw new Error(`period ${p}: closed without a PeriodSettled event`);
    // From the block that recorded the period to the client's agent having
    // its confirmation (or contest) in a block.
    const recordedIn = events.find((e) => e.method === 'PeriodRecorded' && BigInt(e.data.agreement) === agreement && Number(e.data.period) === p);
    const acted = clientAgent?.lines.find((l) => (l.event === 'confirmed' || l.event === 'contested') && l.period === p);
    if (recordedIn && acted) {
      const recordedMs = (await (await api.at(await api.rpc.chain.getBlockHash(recordedIn.block))).query.timestamp.now()).toNumber();
      row.agentLatencyMs = Date.parse(acted.at) - recordedMs;
    }
    row.toOwner = BigInt(settled.to_owner);
    row.toClient = BigInt(settled.to_client);
    row.closure = settled.closure;
    row.state = `Closed(${settled.closure})`;
    log(`period ${p}: ${row.state} — ${formatAmount(row.toOwner)} to owner, ${formatAmount(row.toClient)} back to client`);
    if (row.agentLatencyMs !== undefined) log(`period ${p}: the client's agent acted ${(row.agentLatencyMs / 1000).toFixed(1)} s after the recording block`);
    results.push(row);
  }

  const retired = await retirement;
  if (retired?.error) throw retired.error;
  const nodeOutage = await outage;
  if (nodeOutage?.error) throw nodeOutage.error;
  // The agents follow finalised blocks: let them see the last settlements.
  for (let p = 0; clientAgent && p < periods; p += 1) {
    await clientAgent.waitForLine(`settlement of period ${p}`, (l) => l.event === 'settled' && l.period === p, 60_000);
  }
  const agentExit = {};
  for (const [role, agent] of Object.entries(agents)) agentExit[role] = await agent.stop();
  const agentStats = Object.fromEntries(
    Object.entries(agents).map(([role, a]) => [
      role,
      { startupMs: a.startupMs(), peakRssKib: a.peakRss, lightClient: role === 'client' && clientAgentOnLightClient },
    ]),
  );
  for (const [role, st] of Object.entries(agentStats)) {
    log(
      `${role}'s agent${st.lightClient ? ' (light client)' : ''}: connected ${(st.startupMs / 1000).toFixed(1)} s after its start, peak memory ${(st.peakRssKib / 1024).toFixed(0)} MiB`,
    );
  }
  await sleep(3_000);
  await scanTo((await api.rpc.chain.getHeader()).number.toNumber());
  // Fees from the chain's own record, whoever sent the transaction (the
  // scenario or an agent).
  const feeOf = (address) =>
    events
      .filter((e) => e.method === 'TransactionFeePaid' && encodeAddress(e.data.who, 42) === address)
      .reduce((sum, e) => sum + BigInt(e.data.actual_fee), 0n);
  const fees = { owner: feeOf(owner.address), client: feeOf(client.address), arbiter: feeOf(arbiter.address) };
  const after = await balances();
  const issuanceAfter = (await api.query.balances.totalIssuance()).toBigInt();
  const escrow = await api.query.escrowRelease.escrows(agreement);
  const burned = events.filter((e) => e.method === 'AccountingFeeBurned').reduce((sum, e) => sum + BigInt(e.data.amount), 0n);
  return {
    agreement,
    service,
    rpcPort: alice.rpcPort,
    startMs,
    price,
    periods,
    periodMs,
    offer: created.offer,
    arbiter: created.arbiter,
    accountingFee: created.accountingFee,
    burned,
    results,
    before,
    after,
    fees,
    agentLines: { client: agents.client?.lines ?? [], owner: agents.owner.lines },
    agentExit,
    agentStats,
    nodeOutage,
    issuanceBefore,
    issuanceAfter,
    escrowLeft: escrow.isSome ? escrow.unwrap().held.toBigInt() : 0n,
    tampered: tamperer ? tamperer.tampered : 0,
    blocked: blocked ? { ...blocked, refused: blocker.refused } : null,
    retired,
    events,
    addresses: { owner: owner.address, client: client.address, arbiter: arbiter.address },
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
    closure: r.closure,
    'to owner': formatAmount(r.toOwner),
    'to client': formatAmount(r.toClient),
    'recorded by': r.firstPull ? `${r.accountingNode} (after ${r.firstPull}'s partial pull)` : r.accountingNode,
  }));
  const totalOwner = result.results.reduce((s, r) => s + r.toOwner, 0n);
  const totalClient = result.results.reduce((s, r) => s + r.toClient, 0n);
  rows.push({
    period: 'total',
    verdict: '',
    credit: '',
    otp: '',
    closure: '',
    'to owner': formatAmount(totalOwner),
    'to client': formatAmount(totalClient),
    'recorded by': '',
  });
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  const lines = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c])))];
  const escrowed = result.price * BigInt(result.periods);
  lines.push('');
  lines.push(
    `escrowed ${formatAmount(escrowed)} = to owner ${formatAmount(totalOwner)} + back to client ${formatAmount(totalClient)} + still held ${formatAmount(result.escrowLeft)}: ${escrowed === totalOwner + totalClient + result.escrowLeft ? 'adds up' : 'DOES NOT ADD UP'}`,
  );
  const ownerDelta = result.after.owner - result.before.owner;
  const clientDelta = result.after.client - result.before.client;
  lines.push(
    `owner balance ${ownerDelta >= 0n ? '+' : ''}${formatAmount(ownerDelta)} (= paid ${formatAmount(totalOwner)} - fees ${formatAmount(result.fees.owner)}; deposits stay the owner's, held)`,
  );
  lines.push(
    `client balance ${formatAmount(clientDelta)} (= -${formatAmount(totalOwner)} paid - fees ${formatAmount(result.fees.client)} - accounting fee ${formatAmount(result.burned)} burned)`,
  );
  return lines.join('\n');
}
