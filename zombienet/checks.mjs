// The checks behind the `js-script` lines of accounting-faults.zndsl, where
// zombienet's DSL alone cannot say it: who authored and who recorded what,
// and what happened while a validator was down.
//
// Zombienet loads this module once per run, so `run` below keeps what one
// line learns (the agreement, the outage) for the lines after it.
import fs from 'node:fs';

import { describeLine } from '../scripts/lib/agent.mjs';
import { AgentProcess } from '../scripts/lib/agent-process.mjs';
import { connect, signer } from '../scripts/lib/chain.mjs';
import { bestNumber, finalizedNumber, rpc, sleep, waitFor } from '../scripts/lib/node.mjs';
import * as ops from '../scripts/lib/operations.mjs';
import { REPORT_SETTLE_MS } from '../scripts/lib/operations.mjs';
import { formatAmount, UNIT } from '../scripts/lib/amounts.mjs';
import { DEMO_SLA } from '../scripts/lib/scenario.mjs';

/** The validators of four-validators.toml, in authority order. */
const VALIDATORS = ['alice', 'bob', 'charlie', 'dave'];
const AGREEMENT_PERIODS = 60;

const hex = (u8a) => Buffer.from(u8a).toString('hex');
const capitalized = (name) => name[0].toUpperCase() + name.slice(1);
/** A dev validator's sr25519 key (`//Dave`): its Aura and accounting key. */
const devKey = (name) => hex(signer(`//${capitalized(name)}`).publicKey);
const nameOfKey = (keyHex) => VALIDATORS.find((n) => devKey(n) === keyHex) ?? `0x${keyHex}`;
const seconds = (ms) => Math.round(ms / 100) / 10;
const log = (line) => console.log(`      [qos] ${line}`);

const state = { apis: new Map(), measured: {} };

function portOf(networkInfo, node) {
  const info = networkInfo.nodesByName[node];
  if (!info) throw new Error(`no node ${node} in the network`);
  return Number(new URL(info.wsUri).port);
}

async function apiOf(networkInfo, node) {
  if (!state.apis.has(node)) state.apis.set(node, await connect(networkInfo.nodesByName[node].wsUri));
  return state.apis.get(node);
}

function record(what, values) {
  state.measured[what] = values;
  const file = process.env.QOS_ZOMBIENET_RESULTS;
  if (file) fs.writeFileSync(file, `${JSON.stringify(state.measured, null, 2)}\n`);
}

/** Index of the authority that authored `header`: its Aura slot mod the set size. */
function auraAuthorIndex(header, authorityCount) {
  const pre = header.digest.logs.find((l) => l.isPreRuntime && l.asPreRuntime[0].toString() === 'aura');
  if (!pre) throw new Error(`block #${header.number} has no Aura pre-digest`);
  const slot = Buffer.from(pre.asPreRuntime[1].toU8a(true)).readBigUInt64LE(0);
  return Number(slot % BigInt(authorityCount));
}

/** Chain time (ms) of block `number`. */
async function blockTime(api, number) {
  const hash = await api.rpc.chain.getBlockHash(number);
  return (await (await api.at(hash)).query.timestamp.now()).toNumber();
}

/** `SubmitGrace` in milliseconds: how long only the designated node may record a period. */
function submitGraceMs(api) {
  return api.consts.metricsBlocks.submitGrace.toNumber() * api.consts.metricsBlocks.millisecsPerBlock.toNumber();
}

/** When any accounting node may record `period`: its window closed, settled, and the designated node's grace passed. */
function graceEndsMs(api, period) {
  return windowOf(period).to + REPORT_SETTLE_MS + submitGraceMs(api);
}

function windowOf(period) {
  const { startMs, periodMs } = state.agreement;
  const from = startMs + period * periodMs;
  return { from, to: from + periodMs };
}

/** The validator designated to record `period` (runtime API `designated_node`). */
async function designated(api, period) {
  const node = await api.call.metricsBlocksApi.designatedNode(state.agreement.id, period);
  if (node.isNone) throw new Error(`no designated node for period ${period}`);
  return VALIDATORS[node.unwrap().authorityIndex.toNumber()];
}

/** Waits for the metrics block of `period`; returns who recorded it and when. */
async function recorded(api, period, timeoutMs) {
  const block = await waitFor(`metrics block of period ${period}`, () => ops.metricsBlock(api, state.agreement.id, period), timeoutMs, 1_000);
  const recordedAt = block.recordedAt.toNumber();
  return { by: nameOfKey(hex(block.accountingNode.toU8a())), recordedAt, atMs: await blockTime(api, recordedAt) };
}

function requireAgreement() {
  if (!state.agreement) throw new Error('no agreement: the "open-agreement" line must run first');
}

function requireOutage(victim) {
  if (!state.outage || state.outage.victim !== victim) throw new Error(`no outage of ${victim} armed: the "arm-outage,${victim}" line must run first`);
}

/**
 * Polls the network every 500 ms while a validator is down: the victim's
 * RPC (up or not, its best block) and Alice's best and finalised blocks.
 */
function watch(networkInfo, victim) {
  const alice = portOf(networkInfo, 'alice');
  const target = portOf(networkInfo, victim);
  const samples = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t = Date.now();
      const [aliceBest, aliceFinal, victimBest] = await Promise.all([
        bestNumber(alice).catch(() => null),
        finalizedNumber(alice).catch(() => null),
        bestNumber(target).catch(() => null),
      ]);
      samples.push({ t, aliceBest, aliceFinal, victimUp: victimBest !== null, victimBest });
      await sleep(500);
    }
  })();
  return {
    samples,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

const checks = {
  /** Every authority authored finalised blocks, in Aura's round robin. */
  async 'every-authority-authors'({ networkInfo }) {
    const api = await apiOf(networkInfo, 'alice');
    const authorities = (await api.query.aura.authorities()).map((k) => hex(k.toU8a()));
    const expected = VALIDATORS.map(devKey);
    if (JSON.stringify(authorities) !== JSON.stringify(expected)) {
      throw new Error(`Aura authorities are ${authorities.map(nameOfKey).join(', ')}, expected ${VALIDATORS.join(', ')}`);
    }
    const authored = new Array(VALIDATORS.length).fill(0);
    let next = 1;
    await waitFor(
      'a finalised block by every authority',
      async () => {
        const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
        for (; next <= finalized; next += 1) {
          const header = await api.rpc.chain.getHeader(await api.rpc.chain.getBlockHash(next));
          authored[auraAuthorIndex(header, authorities.length)] += 1;
        }
        return authored.every((n) => n > 0);
      },
      110_000,
      1_000,
    );
    const byNode = Object.fromEntries(VALIDATORS.map((n, i) => [n, authored[i]]));
    log(`finalised blocks #1..#${next - 1} authored by ${JSON.stringify(byNode)}`);
    record('authorship', byNode);
    return next - 1;
  },

  /**
   * Ferdie offers three monitored instances with the demo SLA; Eve rents
   * them on that offer for 60 periods of the shortest length the runtime
   * allows, and starts her agent (`qos watch`) on `agentNode`'s RPC.
   */
  async 'open-agreement'({ networkInfo, args: [agentNode] }) {
    const runFile = process.env.QOS_ZOMBIENET_RUN;
    if (!runFile) throw new Error('QOS_ZOMBIENET_RUN is not set: run the tests with `npm run test:zombienet` in scripts/');
    const run = JSON.parse(fs.readFileSync(runFile, 'utf8'));
    const api = await apiOf(networkInfo, 'alice');
    const owner = signer('//Ferdie');
    const client = signer('//Eve');
    const periodMs = api.consts.slaVerification.minPeriodMs.toNumber();
    const { service } = await ops.registerService(api, owner, { price: UNIT, periodMs });
    await ops.setOffers(api, owner, service, [{ sla: DEMO_SLA, arbiters: [] }]);
    for (const url of run.monitorUrls) await ops.addInstance(api, owner, service, url);
    const { agreement, startMs } = await ops.createAgreement(api, client, {
      service,
      offer: 0,
      sla: DEMO_SLA,
      periods: AGREEMENT_PERIODS,
      maxPrice: UNIT,
      arbiter: null,
    });
    if (agreement !== BigInt(run.agreement)) throw new Error(`agreement ${agreement} created, but the monitors serve agreement ${run.agreement}`);
    state.agreement = { id: agreement, startMs, periodMs };
    if (!networkInfo.nodesByName[agentNode]) throw new Error(`open-agreement needs the node for the client's agent, e.g. "open-agreement,charlie"`);
    state.agent = AgentProcess.start({
      name: 'client-agent',
      args: ['--suri', '//Eve', '--key', run.keyFile, '--agreement', String(agreement), '--url', networkInfo.nodesByName[agentNode].wsUri],
      dir: run.dir,
      onLine: (line) => log(`client's agent: ${describeLine(line, formatAmount)}`),
    });
    state.agentNode = agentNode;
    log(
      `agreement ${agreement} on offer 0: ${AGREEMENT_PERIODS} periods of ${periodMs / 1000} s from ${new Date(startMs).toISOString()}, ${run.monitorUrls.length} monitored instances`,
    );
    return 1;
  },

  /** Periods 0, 1 and 2 are each recorded by their designated node, not all by one. */
  async spread({ networkInfo }) {
    requireAgreement();
    const api = await apiOf(networkInfo, 'alice');
    const rows = [];
    for (let period = 0; period < 3; period += 1) {
      const expected = await designated(api, period);
      const got = await recorded(api, period, windowOf(period).to + 60_000 - Date.now());
      log(
        `period ${period}: designated ${expected}, recorded by ${got.by} in block #${got.recordedAt}, ${seconds(got.atMs - windowOf(period).to)} s after its window closed`,
      );
      if (got.by !== expected) throw new Error(`period ${period} was recorded by ${got.by}, but ${expected} was designated and up`);
      rows.push({ period, by: got.by, afterWindowS: seconds(got.atMs - windowOf(period).to) });
    }
    const distinct = new Set(rows.map((r) => r.by)).size;
    if (distinct < 2) throw new Error(`periods 0-2 were all recorded by ${rows[0].by}`);
    record('spread', rows);
    return distinct;
  },

  /**
   * Picks the next period `victim` is designated for and returns 20 s before
   * that period's window closes, i.e. before the victim can record it; the
   * next DSL line kills the victim. Starts watching the network.
   */
  async 'arm-outage'({ networkInfo, args: [victim] }) {
    requireAgreement();
    const api = await apiOf(networkInfo, 'alice');
    const killLeadMs = 20_000;
    let period = Math.max(3, Math.floor((Date.now() - state.agreement.startMs) / state.agreement.periodMs));
    while (windowOf(period).to - killLeadMs < Date.now() + 1_000 || (await designated(api, period)) !== victim) {
      period += 1;
      if (period >= AGREEMENT_PERIODS) throw new Error(`${victim} is designated for no period left of agreement ${state.agreement.id}`);
    }
    const killAt = windowOf(period).to - killLeadMs;
    log(
      `${victim} is designated for period ${period}, whose window closes at ${new Date(windowOf(period).to).toISOString()}; killing it in ${seconds(killAt - Date.now())} s`,
    );
    await sleep(killAt - Date.now());
    const victimPort = portOf(networkInfo, victim);
    const [victimBest, victimFinal] = await Promise.all([bestNumber(victimPort), finalizedNumber(victimPort)]);
    state.outage = { victim, period, armedAt: Date.now(), victimBest, victimFinal, watcher: watch(networkInfo, victim) };
    return period;
  },

  /**
   * While the victim was down, its period was recorded by another node once
   * the grace had passed, and Alice saw finality advance.
   */
  async 'outage-survived'({ networkInfo, args: [victim] }) {
    requireOutage(victim);
    const api = await apiOf(networkInfo, 'alice');
    const { period, watcher } = state.outage;
    const { samples } = watcher;
    await waitFor(
      `the watcher to see ${victim} again`,
      () => samples.some((s, i) => i > 0 && s.victimUp && samples.slice(0, i).some((d) => !d.victimUp)),
      15_000,
      250,
    );
    const downFrom = samples.findIndex((s) => !s.victimUp);
    if (downFrom < 0) throw new Error(`${victim} was never seen down`);
    const upAgain = samples.findIndex((s, i) => i > downFrom && s.victimUp);
    const killedAt = samples[downFrom].t;
    const restartedAt = samples[upAgain].t;
    const down = samples.slice(downFrom, upAgain);

    // Finality with three of four.
    const finals = down.map((s) => s.aliceFinal).filter((n) => n !== null);
    const bests = down.map((s) => s.aliceBest).filter((n) => n !== null);
    const finalityAdvanced = finals[finals.length - 1] - finals[0];
    let longestStallMs = 0;
    let since = down[0].t;
    for (let i = 1; i < down.length; i += 1) {
      if (down[i].aliceFinal !== null && down[i].aliceFinal > (down[i - 1].aliceFinal ?? 0)) {
        longestStallMs = Math.max(longestStallMs, down[i].t - since);
        since = down[i].t;
      }
    }
    longestStallMs = Math.max(longestStallMs, down[down.length - 1].t - since);
    log(
      `${victim} down for ${seconds(restartedAt - killedAt)} s: Alice's best block went #${bests[0]} -> #${bests[bests.length - 1]}, finalised #${finals[0]} -> #${finals[finals.length - 1]} (longest wait for the next finalised block ${seconds(longestStallMs)} s)`,
    );
    if (finalityAdvanced < 10)
      throw new Error(`finality advanced by only ${finalityAdvanced} blocks in ${seconds(restartedAt - killedAt)} s with ${victim} down`);

    // The victim's period, recorded by someone else after the grace.
    const graceMs = submitGraceMs(api);
    const windowClosed = windowOf(period).to;
    const got = await recorded(api, period, 1_000);
    log(
      `period ${period}: recorded by ${got.by} in block #${got.recordedAt}, ${seconds(got.atMs - windowClosed)} s after its window closed (settle ${REPORT_SETTLE_MS / 1000} s + grace ${graceMs / 1000} s) and ${seconds(got.atMs - killedAt)} s after ${victim} was killed`,
    );
    if (got.by === victim) throw new Error(`period ${period} was recorded by ${victim}, which should have been down`);
    if (got.atMs < graceEndsMs(api, period)) throw new Error(`period ${period} was recorded by ${got.by} before the grace ended`);
    if (got.atMs > restartedAt) throw new Error(`period ${period} was recorded only after ${victim} came back`);
    const verdict = await ops.periodRecord(api, state.agreement.id, period);
    if (!verdict) throw new Error(`period ${period} has a metrics block but no SLA verdict`);
    record('outage', {
      victim,
      period,
      downS: seconds(restartedAt - killedAt),
      recordedBy: got.by,
      recordedAfterKillS: seconds(got.atMs - killedAt),
      recordedAfterWindowS: seconds(got.atMs - windowClosed),
      graceS: graceMs / 1000,
      finalisedBlocksWhileDown: finalityAdvanced,
      longestFinalityWaitS: seconds(longestStallMs),
    });
    state.outage.restartedAt = restartedAt;
    return 1;
  },

  /** The victim resumed from its database, not from genesis, and caught up. */
  async 'caught-up'({ networkInfo, args: [victim] }) {
    requireOutage(victim);
    const { victimBest, victimFinal, restartedAt, watcher } = state.outage;
    await watcher.stop();
    const victimPort = portOf(networkInfo, victim);
    const alicePort = portOf(networkInfo, 'alice');
    const sync = await rpc(victimPort, 'system_syncState');
    log(`${victim} restarted at block #${sync.startingBlock} (it had best #${victimBest}, finalised #${victimFinal} when killed)`);
    if (sync.startingBlock < victimFinal || sync.startingBlock === 0) {
      throw new Error(`${victim} restarted from block #${sync.startingBlock}, below the #${victimFinal} it had finalised: its database was not kept`);
    }
    const target = await finalizedNumber(alicePort);
    await waitFor(`${victim} to finalise #${target}`, async () => (await finalizedNumber(victimPort)) >= target, 100_000, 500);
    const caughtUpMs = Date.now() - restartedAt;
    const [best, aliceBest, peers] = await Promise.all([bestNumber(victimPort), bestNumber(alicePort), rpc(victimPort, 'system_health')]);
    log(`${victim} finalised #${target} ${seconds(caughtUpMs)} s after its restart; best #${best} (Alice #${aliceBest}), ${peers.peers} peers`);
    record('catch-up', {
      victim,
      startingBlock: sync.startingBlock,
      bestWhenKilled: victimBest,
      finalisedWhenKilled: victimFinal,
      caughtUpS: seconds(caughtUpMs),
    });
    return 1;
  },

  /** The victim records the first period it is designated for after its restart; no period was lost. */
  async 'takes-turn'({ networkInfo, args: [victim] }) {
    requireOutage(victim);
    const api = await apiOf(networkInfo, 'alice');
    let period = state.outage.period + 1;
    while (windowOf(period).to < Date.now() + 5_000 || (await designated(api, period)) !== victim) {
      period += 1;
      if (period >= AGREEMENT_PERIODS) throw new Error(`${victim} is designated for no period left of agreement ${state.agreement.id}`);
    }
    log(`${victim} is designated for period ${period}, whose window closes in ${seconds(windowOf(period).to - Date.now())} s`);
    const got = await recorded(api, period, graceEndsMs(api, period) + 60_000 - Date.now());
    log(`period ${period}: recorded by ${got.by} in block #${got.recordedAt}, ${seconds(got.atMs - windowOf(period).to)} s after its window closed`);
    if (got.by !== victim) throw new Error(`period ${period} was recorded by ${got.by}, not by ${victim}, its designated node`);
    if (got.atMs >= graceEndsMs(api, period)) throw new Error(`${victim} recorded period ${period} only after the grace`);
    for (let p = 0; p <= period; p += 1) {
      if (!(await ops.metricsBlock(api, state.agreement.id, p))) throw new Error(`period ${p} has no metrics block`);
    }
    record('turn', { victim, period, recordedAfterWindowS: seconds(got.atMs - windowOf(period).to), periodsRecorded: period + 1 });
    log(`every period 0..${period} of agreement ${state.agreement.id} is recorded`);
    return 1;
  },

  /**
   * The client's agent, whose node was the one killed, confirmed every period
   * recorded so far exactly once, lost its node while it was down, and came
   * back to it; then it stops cleanly.
   */
  async 'agent-confirmed'({ networkInfo, args: [victim] }) {
    requireOutage(victim);
    if (state.agentNode !== victim) throw new Error(`the client's agent runs on ${state.agentNode}, not on the victim ${victim}`);
    const api = await apiOf(networkInfo, 'alice');
    const agent = state.agent;
    const last = state.measured.turn.period;
    for (let period = 0; period <= last; period += 1) {
      await agent.waitForLine(`confirmation of period ${period}`, (l) => l.event === 'confirmed' && l.period === period, 90_000);
      const rec = await ops.periodRecord(api, state.agreement.id, period);
      if (ops.periodStateText(rec.state) !== 'Closed(Confirmed)')
        throw new Error(`period ${period} is ${ops.periodStateText(rec.state)}, not Closed(Confirmed)`);
    }
    const confirmations = agent.linesOf('confirmed').filter((l) => l.period <= last);
    // From the block that recorded a period to the agent having its confirmation in a block.
    const latenciesS = [];
    for (const l of confirmations) latenciesS.push(seconds(Date.parse(l.at) - (await recorded(api, l.period, 1_000)).atMs));
    const twice = confirmations.filter((l, i) => confirmations.findIndex((m) => m.period === l.period) !== i);
    if (twice.length) throw new Error(`periods confirmed more than once: ${twice.map((l) => l.period).join(', ')}`);
    const drop = agent.lines.findIndex((l) => l.event === 'disconnected');
    if (drop < 0) throw new Error(`the client's agent never lost ${victim}`);
    if (!agent.lines.slice(drop).some((l) => l.event === 'connected')) throw new Error(`the client's agent never reconnected to ${victim}`);
    const exit = await agent.stop();
    if (exit !== 0) throw new Error(`the client's agent exited ${exit} on SIGTERM`);
    const outages = agent.linesOf('disconnected').length;
    log(
      `the client's agent on ${victim} confirmed periods 0..${last} once each, through ${outages} failed connection attempts while ${victim} was down; seconds from recording to confirmation: ${latenciesS.join(', ')}`,
    );
    record('agent', {
      node: victim,
      periodsConfirmed: last + 1,
      failedConnectionAttempts: outages,
      failedTransactions: agent.linesOf('failed').length,
      recordingToConfirmationS: latenciesS,
    });
    return 1;
  },
};

/** Zombienet's entry point: `args` = [check, ...its arguments]. */
export async function run(nodeName, networkInfo, args) {
  const [name, ...rest] = args.map((a) => a.trim());
  const check = checks[name];
  if (!check) throw new Error(`unknown check "${name}"; known: ${Object.keys(checks).join(', ')}`);
  const started = Date.now();
  try {
    return await check({ nodeName, networkInfo, args: rest });
  } finally {
    log(`${name}${rest.length ? ` ${rest.join(' ')}` : ''}: ${seconds(Date.now() - started)} s`);
  }
}

/** Names a `js-script` line may call. */
export const checkNames = Object.keys(checks);
