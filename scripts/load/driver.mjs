// The load driver: sends calls in bulk (utility.batchAll when the runtime
// has it, else one transaction per call with explicit nonces), sets up the
// services, instances and agreements, and follows the chain: every period's
// recording, finality and settlement, block fullness and finality lag. The
// client confirms every recorded period with the OTP, the owner accepts
// every breach, as each party's agent would, on finalised blocks.
import { describeDispatchError, eventsOf } from '../lib/chain.mjs';
import * as ops from '../lib/operations.mjs';
import { toSlaTerms } from '../lib/sla.mjs';
import { monitorUrl } from './fleet.mjs';

/** Share of a block's normal-class weight and length one batch may take. */
const BATCH_SHARE = 0.25;
/** Most calls in one batch. */
const MAX_BATCH_CALLS = 1_000;
/** Individual transactions in flight at once (fallback path). */
const MAX_IN_FLIGHT = 256;
const TX_TIMEOUT_MS = 120_000;

/** Whether the runtime has pallet_utility's batches. */
export const hasBatches = (api) => Boolean(api.tx.utility?.batchAll);

/**
 * Signs `tx` with `nonce`, sends it and resolves at its block with
 * `{ blockHash, events }`; rejects when it fails to dispatch or is dropped.
 */
export function sendWithNonce(api, tx, pair, nonce, { timeoutMs = TX_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`transaction with nonce ${nonce} in no block after ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (f, v) => {
      clearTimeout(timer);
      unsubscribe();
      f(v);
    };
    tx.signAndSend(pair, { nonce }, (result) => {
      const { status, dispatchError, events } = result;
      if (result.isError || status.isDropped || status.isInvalid || status.isUsurped) {
        done(reject, new Error(`transaction with nonce ${nonce}: ${status.type}`));
        return;
      }
      if (!status.isInBlock) return;
      if (dispatchError) done(reject, new Error(describeDispatchError(api, dispatchError)));
      else done(resolve, { blockHash: status.asInBlock.toHex(), events });
    })
      .then((u) => {
        unsubscribe = u;
      })
      .catch((e) => done(reject, e));
  });
}

/** Nonces of one account, handed out in order without asking the node each time. */
export class NonceCounter {
  constructor(api, pair) {
    this.api = api;
    this.pair = pair;
    this.next = null;
  }

  async take() {
    if (this.next === null) this.next = (await this.api.rpc.system.accountNextIndex(this.pair.address)).toNumber();
    const n = this.next;
    this.next += 1;
    return n;
  }

  /** Asks the node again (after a transaction that may not have used its nonce). */
  reset() {
    this.next = null;
  }
}

/** How many calls like `sample` fit in one batch (weight and length). */
export async function batchSize(api, pair, sample) {
  const normal = api.consts.system.blockWeights.perClass.normal;
  const limit = Math.min(normal.maxExtrinsic.unwrapOrDefault().refTime.toNumber() || Infinity, normal.maxTotal.unwrapOrDefault().refTime.toNumber());
  const lengthLimit = api.consts.system.blockLength.max.normal.toNumber();
  const one = await api.tx.utility.batchAll([sample]).paymentInfo(pair);
  const weight = Math.max(1, one.weight.refTime.toNumber());
  const byWeight = Math.floor((limit * BATCH_SHARE) / weight);
  const byLength = Math.floor((lengthLimit * BATCH_SHARE) / Math.max(1, sample.encodedLength));
  return Math.max(1, Math.min(MAX_BATCH_CALLS, byWeight, byLength));
}

/**
 * Dispatches `calls` from `pair`: in batchAll transactions (each atomic)
 * when `batch` and the runtime has them, else one transaction per call.
 * Returns the events of every transaction, in call order; adds the hash of
 * each block that included one to `includedIn` when given.
 */
export async function submitCalls(
  api,
  pair,
  calls,
  { batch = true, nonces = new NonceCounter(api, pair), what = 'calls', log = () => {}, includedIn = null } = {},
) {
  if (!calls.length) return [];
  const started = Date.now();
  let results;
  if (batch && hasBatches(api)) {
    const size = await batchSize(api, pair, calls[0]);
    const chunks = [];
    for (let i = 0; i < calls.length; i += size) chunks.push(calls.slice(i, i + size));
    const sends = [];
    for (const chunk of chunks) sends.push(sendWithNonce(api, api.tx.utility.batchAll(chunk), pair, await nonces.take()));
    results = await Promise.all(sends);
    log(`${calls.length} ${what} in ${chunks.length} batchAll transaction(s) of up to ${size} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } else {
    results = [];
    for (let i = 0; i < calls.length; i += MAX_IN_FLIGHT) {
      const sends = [];
      for (const call of calls.slice(i, i + MAX_IN_FLIGHT)) sends.push(sendWithNonce(api, call, pair, await nonces.take()));
      results.push(...(await Promise.all(sends)));
    }
    log(`${calls.length} ${what} as single transactions (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  for (const r of results) includedIn?.add(r.blockHash);
  return results.map((r) => r.events);
}

/** The data of every `section.method` event in `eventLists`, in order. */
const dataOf = (eventLists, section, method) =>
  eventLists.flatMap((events) =>
    eventsOf(events, section)
      .filter((e) => e.method === method)
      .map((e) => e.data),
  );

/**
 * The SLA the agreements sign: availability that one down outage slot
 * (10 s) of one instance breaches, with a 10 % credit, so verdicts vary
 * with the fleet's outages.
 */
export function loadSla({ instances, periodMs, outageSlotMs = 10_000 }) {
  const drop = (outageSlotMs * 1000) / periodMs / instances;
  const min = Math.max(500, 1000 - Math.max(1, Math.floor(drop / 2)));
  return {
    qos: {
      min_availability_permille: min,
      max_latency_p95_ms: null,
      min_vcpus_milli: null,
      min_memory_mib: null,
      max_cpu_steal_permille: null,
      min_healthy_instances: null,
    },
    availability_tiers: [{ below_permille: min, credit_percent: 10 }],
    other_breach_credit_percent: 10,
  };
}

/**
 * One service per agreement, with `instances` virtual monitors of the fleet
 * at `fleetUrl`, one offer of `sla`, and an agreement on it for `periods`
 * periods. Returns `{ agreements: [{ agreement, service, startMs, periodMs,
 * periods, instances }], ownerNonces, clientNonces, blockHashes }`, the last
 * the blocks that included the set-up's transactions.
 */
export async function setUp(api, { owner, client, agreements, instances, periodMs, periods, fleetUrl, sla, batch = true, log = () => {} }) {
  const price = api.consts.slaVerification.minPricePerPeriod.toBigInt();
  const ownerNonces = new NonceCounter(api, owner);
  const clientNonces = new NonceCounter(api, client);
  const blockHashes = new Set();
  const tx = api.tx.slaVerification;
  const registered = await submitCalls(
    api,
    owner,
    Array.from({ length: agreements }, () => tx.registerService(price, periodMs, { vcpus_milli: 1000, memory_mib: 1024 })),
    { batch, nonces: ownerNonces, what: 'registerService', log, includedIn: blockHashes },
  );
  const services = dataOf(registered, 'slaVerification', 'ServiceRegistered').map((d) => BigInt(d.service));
  if (services.length !== agreements) throw new Error(`${services.length} services registered, wanted ${agreements}`);
  const terms = [{ sla: toSlaTerms(sla), arbiters: [] }];
  await submitCalls(
    api,
    owner,
    services.map((s) => tx.setOffers(s, terms)),
    { batch, nonces: ownerNonces, what: 'setOffers', log, includedIn: blockHashes },
  );
  // A fresh service numbers its instances from 0, in the order they are added.
  const addCalls = [];
  for (const s of services) {
    for (let i = 0; i < instances; i += 1) addCalls.push(tx.addInstance(s, [...new TextEncoder().encode(monitorUrl(fleetUrl, s, i))]));
  }
  const added = dataOf(
    await submitCalls(api, owner, addCalls, { batch, nonces: ownerNonces, what: 'addInstance', log, includedIn: blockHashes }),
    'slaVerification',
    'InstanceAdded',
  );
  for (const d of added) {
    const url = new TextDecoder().decode(Uint8Array.from(typeof d.monitor_url === 'string' ? Buffer.from(d.monitor_url.slice(2), 'hex') : d.monitor_url));
    if (url !== monitorUrl(fleetUrl, d.service, d.instance)) throw new Error(`instance ${d.instance} of service ${d.service} got URL ${url}`);
  }
  if (added.length !== agreements * instances) throw new Error(`${added.length} instances added, wanted ${agreements * instances}`);
  const created = dataOf(
    await submitCalls(
      api,
      client,
      services.map((s) => tx.createAgreement(s, 0, toSlaTerms(sla), periods, price, null)),
      { batch, nonces: clientNonces, what: 'createAgreement', log, includedIn: blockHashes },
    ),
    'slaVerification',
    'AgreementCreated',
  );
  if (created.length !== agreements) throw new Error(`${created.length} agreements created, wanted ${agreements}`);
  return {
    agreements: created.map((d) => ({
      agreement: BigInt(d.agreement),
      service: BigInt(d.service),
      startMs: Number(d.start_ms),
      periodMs,
      periods: Number(d.periods),
      instances: Number(d.instances),
    })),
    ownerNonces,
    clientNonces,
    blockHashes: [...blockHashes],
  };
}

/** A verdict's variant name from its JSON (`{ met: null }`, `'Met'`, `{ breached: … }`). */
export function verdictName(json) {
  const name = typeof json === 'string' ? json : Object.keys(json ?? {})[0];
  return name ? name[0].toUpperCase() + name.slice(1) : 'unknown';
}

/**
 * Follows the chain from block `fromBlock` on for `agreements` (from setUp):
 * `periods` (the per-period record), `blocks` (per-block fullness),
 * `lagSamples`. `keyOf(agreement)` is the client's key; the client confirms
 * and the owner accepts breaches once the recording block is final.
 */
export class Tracker {
  constructor(api, { agreements, keyOf, client, owner, clientNonces, ownerNonces, fromBlock, batch = true, log = () => {} }) {
    this.api = api;
    this.keyOf = keyOf;
    this.client = client;
    this.owner = owner;
    this.nonces = { client: clientNonces, owner: ownerNonces };
    this.batch = batch;
    this.log = log;
    this.byId = new Map();
    this.records = [];
    for (const a of agreements) {
      for (let p = 0; p < a.periods; p += 1) {
        const rec = {
          agreement: Number(a.agreement),
          period: p,
          windowEndMs: a.startMs + (p + 1) * a.periodMs,
          recordedMs: null,
          recordedBlock: null,
          recordedBy: null,
          designated: null,
          partial: false,
          verdict: null,
          finalizedMs: null,
          settledMs: null,
          settledBlock: null,
          closure: null,
          acted: false,
        };
        this.byId.set(`${a.agreement}/${p}`, rec);
        this.records.push(rec);
      }
    }
    this.blocks = [];
    this.lagSamples = [];
    this.processed = fromBlock - 1;
    this.best = fromBlock - 1;
    this.finalized = 0;
    this.otpFailures = 0;
    this.confirmFailures = 0;
    this.errors = [];
    this.queue = Promise.resolve();
    this.pending = new Set();
  }

  async start() {
    this.unsubs = [
      await this.api.rpc.chain.subscribeNewHeads((h) => {
        this.best = Math.max(this.best, h.number.toNumber());
        this.enqueue(() => this.catchUp(this.best));
      }),
      await this.api.rpc.chain.subscribeFinalizedHeads((h) => {
        const n = h.number.toNumber();
        this.finalized = Math.max(this.finalized, n);
        this.enqueue(() => this.onFinalized(n, h.hash.toHex()));
      }),
    ];
    this.lagTimer = setInterval(() => this.lagSamples.push(Math.max(0, this.best - this.finalized)), 2_000);
  }

  enqueue(task) {
    this.queue = this.queue.then(task).catch((e) => {
      this.errors.push(e.message);
      this.log(`tracker: ${e.message}`);
    });
  }

  async stop() {
    clearInterval(this.lagTimer);
    for (const u of this.unsubs ?? []) u();
    await this.queue;
    await Promise.allSettled([...this.pending]);
  }

  /** Whether every period has settled. */
  allSettled() {
    return this.records.every((r) => r.settledMs !== null);
  }

  async catchUp(to) {
    while (this.processed < to) {
      await this.onBlock(this.processed + 1);
      this.processed += 1;
    }
  }

  async onBlock(number) {
    const { api } = this;
    const hash = await api.rpc.chain.getBlockHash(number);
    const [at, signed] = await Promise.all([api.at(hash), api.rpc.chain.getBlock(hash)]);
    const [records, now, weight] = await Promise.all([at.query.system.events(), at.query.timestamp.now(), at.query.system.blockWeight()]);
    const ts = now.toNumber();
    const extrinsics = signed.block.extrinsics;
    this.blocks.push({
      number,
      hash: hash.toHex(),
      timestampMs: ts,
      refTime: weight.normal.refTime.toNumber(),
      proofSize: weight.normal.proofSize.toNumber(),
      length: extrinsics.reduce((s, x) => s + x.encodedLength, 0),
      extrinsics: extrinsics.length,
    });
    const rec = (d) => this.byId.get(`${d.agreement}/${d.period}`);
    for (const e of eventsOf(records, 'metricsBlocks')) {
      const r = rec(e.data);
      if (!r) continue;
      if (e.method === 'PartialBlockRecorded') r.partial = true;
      if (e.method === 'MetricsBlockRecorded') {
        r.recordedMs = ts;
        r.recordedBlock = number;
        r.recordedBy = String(e.data.accounting_node).toLowerCase();
        const designated = await at.call.metricsBlocksApi.designatedNode(r.agreement, r.period);
        r.designated = designated.isSome && designated.unwrap().accountingKey.isSome ? designated.unwrap().accountingKey.unwrap().toHex() : null;
      }
    }
    for (const e of eventsOf(records, 'slaVerification')) {
      const r = rec(e.data);
      if (!r) continue;
      if (e.method === 'PeriodRecorded') r.verdict = verdictName(e.data.verdict);
      if (e.method === 'PeriodSettled') {
        r.settledMs = ts;
        r.settledBlock = number;
        r.closure = typeof e.data.closure === 'string' ? e.data.closure : verdictName(e.data.closure);
      }
    }
  }

  /** The recorded periods now final: confirm them (client) and accept their breaches (owner). */
  async onFinalized(number, hash) {
    await this.catchUp(number);
    const due = this.records.filter((r) => !r.acted && r.recordedBlock !== null && r.recordedBlock <= number);
    if (!due.length) return;
    const at = await this.api.at(hash);
    const nowMs = Date.now();
    const confirms = [];
    const accepts = [];
    for (const r of due) {
      r.acted = true;
      r.finalizedMs = nowMs;
      const block = await at.query.metricsBlocks.metricsBlocks(r.agreement, r.period);
      if (block.isNone) {
        this.errors.push(`agreement ${r.agreement} period ${r.period}: no metrics block at finalised #${number}`);
        continue;
      }
      const check = await ops.checkMetricsBlock(block.unwrap(), this.keyOf(r.agreement), r.agreement, r.period);
      if (!check.ok) {
        this.otpFailures += 1;
        this.errors.push(`agreement ${r.agreement} period ${r.period}: ${check.problems.join('; ')}`);
        continue;
      }
      confirms.push(this.api.tx.slaVerification.confirmPeriod(r.agreement, r.period, check.otp));
      if (r.verdict === 'Breached') accepts.push(this.api.tx.slaVerification.acceptVerdict(r.agreement, r.period));
    }
    this.send('client', confirms);
    this.send('owner', accepts);
  }

  /** Sends `calls` as one forceBatch (or one transaction each), counting the calls that fail, without waiting. */
  send(role, calls) {
    if (!calls.length) return;
    const pair = role === 'client' ? this.client : this.owner;
    const nonces = this.nonces[role];
    const track = (p) => {
      const tracked = p
        .catch((e) => {
          this.confirmFailures += 1;
          this.errors.push(`${role}: ${e.message}`);
          nonces.reset();
        })
        .finally(() => this.pending.delete(tracked));
      this.pending.add(tracked);
    };
    const batched = this.batch && this.api.tx.utility?.forceBatch;
    const txs = batched ? [this.api.tx.utility.forceBatch(calls)] : calls;
    for (const tx of txs) {
      track(
        nonces.take().then(async (nonce) => {
          const { events } = await sendWithNonce(this.api, tx, pair, nonce);
          for (const e of eventsOf(events, 'utility').filter((x) => x.method === 'ItemFailed')) {
            this.confirmFailures += 1;
            this.errors.push(`${role}: ${JSON.stringify(e.data.error)}`);
          }
        }),
      );
    }
  }
}
