// qos-ledger operations on @polkadot/api, shared by the CLI, the demo and
// the tests. Everything decodes from the runtime's metadata alone.
//
// Struct arguments are given as snake_case JSON, as the runtime names the
// fields (polkadot.js maps them). Balances are bigints in plancks.
import { stringToU8a, u8aEq, u8aToString } from '@polkadot/util';

import { toBytes, toHex } from './bytes.mjs';
import { describeDispatchError, eventsOf, sendAndWait, UserError } from './chain.mjs';
import { merkleRoot } from './merkle.mjs';
import { signedRequestHeaders } from './report-request.mjs';
import { commit, constantTimeEqual, instanceTag, otpMatches, periodOtp, reportHash } from './otp.mjs';
import { toSlaTerms } from './sla.mjs';

/**
 * How long after a window closes its reports are final and the period may
 * be recorded (qos-primitives' `REPORT_SETTLE_MS`, a primitives constant,
 * not in the metadata); a period's record deadline counts from then.
 */
export const REPORT_SETTLE_MS = 5_000;

export { toBytes, toHex };

/**
 * A `Vec<u8>` argument from text: a plain array of its UTF-8 bytes, which
 * polkadot.js takes as the bytes themselves (a string that looks like hex
 * would be decoded as hex, a Uint8Array as length-prefixed).
 */
const bytesArg = (text) => [...stringToU8a(String(text))];

/** The text of a stored `BoundedVec<u8>` (polkadot.js Bytes). */
const textOf = (bytes) => u8aToString(bytes.toU8a(true));

/** The data of the first `section.method` event in `events`, or null. */
function eventData(events, section, method) {
  return eventsOf(events, section).find((e) => e.method === method)?.data ?? null;
}

function fieldOf(events, section, method, field) {
  const data = eventData(events, section, method);
  if (!data) throw new UserError(`no ${section}.${method} event`);
  return data[field];
}

/** Sum of the transaction fees paid in `events` (TransactionFeePaid). */
export function feesPaid(events) {
  return eventsOf(events, 'transactionPayment')
    .filter((e) => e.method === 'TransactionFeePaid')
    .reduce((sum, e) => sum + BigInt(e.data.actual_fee), 0n);
}

// ---- reading the chain

/** The bounds the runtime puts on calls, from its metadata constants. */
export function limits(api) {
  const c = api.consts.slaVerification;
  return {
    maxUrlLen: c.maxUrlLen.toNumber(),
    maxOffers: c.maxOffers.toNumber(),
    maxArbiters: c.maxArbiters.toNumber(),
    maxReasonLen: c.maxReasonLen.toNumber(),
    maxPeriods: c.maxPeriods.toNumber(),
    minPeriodMs: c.minPeriodMs.toNumber(),
    minPricePerPeriod: c.minPricePerPeriod.toBigInt(),
    accountingFee: c.accountingFee.toBigInt(),
    maxOtpAttempts: c.maxOtpAttempts.toNumber(),
    contestWindow: c.contestWindow.toNumber(),
  };
}

/** A registered service, or null. */
export async function serviceOf(api, service) {
  const stored = await api.query.slaVerification.services(service);
  if (stored.isNone) return null;
  const s = stored.unwrap();
  return {
    service: BigInt(service),
    owner: s.owner.toString(),
    pricePerPeriod: s.pricePerPeriod.toBigInt(),
    periodMs: s.periodMs.toNumber(),
    capacity: { vcpus_milli: s.capacity.vcpusMilli.toNumber(), memory_mib: s.capacity.memoryMib.toNumber() },
    instanceCount: s.instanceCount.toNumber(),
    openAgreements: s.openAgreements.toNumber(),
  };
}

/** A service's offers, by index: `[{ sla: SlaTerms, arbiters: [address] }]`. */
export async function offersOf(api, service) {
  const offers = await api.query.slaVerification.offers(service);
  return offers.map((o) => ({ sla: toSlaTerms(o.sla.toJSON()), arbiters: o.arbiters.map((a) => a.toString()) }));
}

/** A service's instances, retired ones included, by id, with the monitor URL in force. */
export async function instancesOf(api, service) {
  const entries = await api.query.slaVerification.instances.entries(service);
  return entries
    .map(([key, value]) => {
      const record = value.unwrap();
      const urls = record.monitorUrls.map((u) => ({ sinceMs: u.sinceMs.toNumber(), url: textOf(u.url) }));
      return {
        instance: key.args[1].toNumber(),
        url: urls.length ? urls[urls.length - 1].url : null,
        urls,
        retiredAtMs: record.retiredAtMs.isSome ? record.retiredAtMs.unwrap().toNumber() : null,
      };
    })
    .sort((a, b) => a.instance - b.instance);
}

/**
 * The accounting node designated to record `period` of `agreement` (runtime
 * API), with its accounting key as `0x`-hex, as the off-chain worker names
 * it in the X-Qos-Accounting-Key header of its monitor requests.
 */
export async function designatedNode(api, agreement, period) {
  const node = await api.call.metricsBlocksApi.designatedNode(agreement, period);
  if (node.isNone) return null;
  const d = node.unwrap();
  return {
    authorityIndex: d.authorityIndex.toNumber(),
    authority: d.authority.toString(),
    accountingKey: d.accountingKey.isSome ? d.accountingKey.unwrap().toHex() : null,
  };
}

/**
 * The events of `sections` in blocks `from..=to` of the best chain, as
 * `{ block, section, method, data }`. A block whose state the node pruned
 * is skipped.
 */
export async function chainEvents(api, from, to, sections = ['slaVerification', 'metricsBlocks', 'escrowRelease']) {
  const out = [];
  for (let n = Math.max(1, from); n <= to; n += 1) {
    let records;
    try {
      const hash = await api.rpc.chain.getBlockHash(n);
      records = await (await api.at(hash)).query.system.events();
    } catch {
      continue;
    }
    for (const section of sections) {
      for (const e of eventsOf(records, section)) out.push({ block: n, section, ...e });
    }
  }
  return out;
}

// ---- owner

export async function registerService(api, owner, { price, periodMs, vcpusMilli = 1000, memoryMib = 1024 }) {
  const tx = api.tx.slaVerification.registerService(price, periodMs, { vcpus_milli: vcpusMilli, memory_mib: memoryMib });
  const { events } = await sendAndWait(api, tx, owner);
  return { service: BigInt(fieldOf(events, 'slaVerification', 'ServiceRegistered', 'service')), fee: feesPaid(events) };
}

/** New price, period length and capacity, for agreements created from now on. */
export async function updateService(api, owner, service, { price, periodMs, vcpusMilli, memoryMib }) {
  const tx = api.tx.slaVerification.updateService(service, price, periodMs, { vcpus_milli: vcpusMilli, memory_mib: memoryMib });
  const { events } = await sendAndWait(api, tx, owner);
  return { data: eventData(events, 'slaVerification', 'ServiceUpdated'), fee: feesPaid(events) };
}

/**
 * Publishes a service's offers, replacing the ones before:
 * `offers` = `[{ sla, arbiters: [address] }]` (`sla` as `toSlaTerms` reads it).
 */
export async function setOffers(api, owner, service, offers) {
  const terms = offers.map((o) => ({ sla: toSlaTerms(o.sla), arbiters: o.arbiters ?? [] }));
  const { events } = await sendAndWait(api, api.tx.slaVerification.setOffers(service, terms), owner);
  return { offers: Number(fieldOf(events, 'slaVerification', 'OffersSet', 'offers')), fee: feesPaid(events) };
}

export async function addInstance(api, owner, service, url) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.addInstance(service, bytesArg(url)), owner);
  return { instance: Number(fieldOf(events, 'slaVerification', 'InstanceAdded', 'instance')), fee: feesPaid(events) };
}

/** A new monitor URL for `instance`, used for windows that begin from now on. */
export async function replaceInstance(api, owner, service, instance, url) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.replaceInstance(service, instance, bytesArg(url)), owner);
  return { fromMs: Number(fieldOf(events, 'slaVerification', 'InstanceReplaced', 'from_ms')), fee: feesPaid(events) };
}

/** Retires `instance`: from now on it counts as down in every agreement that covers it. */
export async function retireInstance(api, owner, service, instance) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.retireInstance(service, instance), owner);
  return { atMs: Number(fieldOf(events, 'slaVerification', 'InstanceRetired', 'at_ms')), fee: feesPaid(events) };
}

export async function deregisterService(api, owner, service) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.deregisterService(service), owner);
  fieldOf(events, 'slaVerification', 'ServiceDeregistered', 'service');
  return { fee: feesPaid(events) };
}

// ---- client

/**
 * Makes an agreement on offer `offer` of `service` for `periods` periods.
 * `sla` defaults to the offer's terms; `maxPrice` (the most the client pays
 * per period) to the service's current price; `arbiter` (an address among
 * the offer's arbiters) to none, i.e. only the last-resort arbiter.
 * Returns the AgreementCreated fields, the accounting fee burned and the
 * transaction fee.
 */
export async function createAgreement(api, client, { service, offer = 0, sla, periods, maxPrice, arbiter = null }) {
  let terms = sla;
  if (terms === undefined || terms === null) {
    const offered = (await offersOf(api, service))[offer];
    if (!offered) throw new UserError(`service ${service} has no offer ${offer}`);
    terms = offered.sla;
  }
  let limit = maxPrice;
  if (limit === undefined || limit === null) {
    const info = await serviceOf(api, service);
    if (!info) throw new UserError(`service ${service} not found`);
    limit = info.pricePerPeriod;
  }
  const tx = api.tx.slaVerification.createAgreement(service, offer, toSlaTerms(terms), periods, limit, arbiter);
  const { events } = await sendAndWait(api, tx, client);
  const created = eventData(events, 'slaVerification', 'AgreementCreated');
  if (!created) throw new UserError('no AgreementCreated event');
  const burned = eventData(events, 'escrowRelease', 'AccountingFeeBurned');
  return {
    agreement: BigInt(created.agreement),
    startMs: Number(created.start_ms),
    offer: Number(created.offer),
    arbiter: created.arbiter ?? null,
    instances: Number(created.instances),
    pricePerPeriod: BigInt(created.price_per_period),
    accountingFee: BigInt(created.accounting_fee),
    burned: burned ? BigInt(burned.amount) : 0n,
    fee: feesPaid(events),
  };
}

/** The on-chain (final) metrics block of a period, or null. */
export async function metricsBlock(api, agreement, period) {
  const block = await api.query.metricsBlocks.metricsBlocks(agreement, period);
  return block.isSome ? block.unwrap() : null;
}

/**
 * A stored metrics block's report hashes, by ascending instance (the Merkle
 * leaves, in this order): `[{ instance, hash: Uint8Array }]`.
 */
export function reportHashesOf(block) {
  return block.reportHashes.map(([instance, hash]) => ({ instance: instance.toNumber(), hash: hash.toU8a() }));
}

/**
 * The reports of a stored metrics block (Report codecs, by ascending
 * instance). The chain keeps only their hashes; the reports themselves are
 * the arguments of the `submitMetricsBlock` transaction that recorded the
 * block, in the body of chain block `recordedAt`. `api` is a connected
 * ApiPromise (its RPC reads block bodies: an `api.at()` decoration has none).
 * The transaction is found by its reports hashing to the stored
 * `reportHashes`, so what comes back is exactly what the block commits to.
 * `cache` (a Map) keeps the answer by (agreement, period): a final block's
 * reports never change. Throws a UserError when the node does not serve that
 * body (a light client or a pruned node may not) or no transaction matches.
 */
export async function metricsBlockReports(api, block, { cache = null } = {}) {
  const agreement = block.agreement.toBigInt();
  const period = block.period.toNumber();
  const cacheKey = `${agreement}/${period}`;
  const cached = cache?.get(cacheKey);
  if (cached && u8aEq(cached.blockHash, block.blockHash.toU8a())) return cached.reports;
  const number = block.recordedAt.toNumber();
  const where = `the reports of agreement ${agreement} period ${period} are in the body of chain block #${number}`;
  let body;
  try {
    const hash = await api.rpc.chain.getBlockHash(number);
    if (hash.isEmpty) throw new Error('no such block on this chain');
    body = await api.rpc.chain.getBlock(hash);
  } catch (e) {
    throw new UserError(`${where}, which this node does not serve (${e.message}); ask a node that keeps block bodies`);
  }
  if (!body || body.isEmpty) throw new UserError(`${where}, which this node does not serve; ask a node that keeps block bodies`);
  const wanted = reportHashesOf(block);
  for (const extrinsic of body.block.extrinsics) {
    const { method } = extrinsic;
    if (method.section !== 'metricsBlocks' || method.method !== 'submitMetricsBlock') continue;
    const [a, p, reports] = method.args;
    if (a.toBigInt() !== agreement || p.toNumber() !== period || reports.length !== wanted.length) continue;
    const matches = reports.every((r, i) => r.instance.toNumber() === wanted[i].instance && u8aEq(reportHash(r.toU8a()), wanted[i].hash));
    if (!matches) continue;
    const found = [...reports];
    cache?.set(cacheKey, { blockHash: block.blockHash.toU8a(), reports: found });
    return found;
  }
  throw new UserError(`${where}, but no submitMetricsBlock transaction there carries reports that hash to the stored report hashes`);
}

/** The period record (verdict, commitment, state), or null. */
export async function periodRecord(api, agreement, period) {
  const rec = await api.query.slaVerification.periods(agreement, period);
  return rec.isSome ? rec.unwrap() : null;
}

/**
 * What the client checks before confirming: the block's report hashes
 * against its Merkle root, then the OTP from the key against the commitment.
 * Returns { otp, ok, problems[] }.
 */
export async function checkMetricsBlock(block, key, agreement, period) {
  const problems = [];
  const reports = reportHashesOf(block);
  const root = merkleRoot(reports.map((r) => r.hash));
  if (!u8aEq(root, block.reportsRoot.toU8a())) {
    problems.push("the reports do not hash to the block's reports_root: the block is inconsistent");
  }
  const tags = [];
  for (const r of reports) tags.push({ instance: r.instance, tag: await instanceTag(key, agreement, period, r.instance, r.hash) });
  const otp = periodOtp(agreement, period, tags);
  const ok = otpMatches(otp, block.otpCommitment.toU8a());
  if (!ok) {
    problems.push('the OTP derived with your key does not open the commitment: a report was altered or carries a tag not made with your key');
  }
  return { otp, ok: ok && problems.length === 0, problems, commitment: commit(otp) };
}

/** How long a party waits for one monitor when it asks it directly. */
const MONITOR_ASK_TIMEOUT_MS = 5_000;

/**
 * Asks `instance`'s monitor (at the URL the chain had for it when the window
 * began) for the report of `[fromMs, toMs)`, as the party `asker` (a keyring
 * pair: the agreement's client or owner, whose signature the monitor checks):
 * `{ scale, hash, tag }` of its answer (`tag` null for the owner), or `{ error }`.
 */
async function askMonitor(at, asker, service, instance, agreement, period, fromMs, toMs) {
  const record = await at.query.slaVerification.instances(service, instance);
  const urls = record.isSome ? record.unwrap().monitorUrls.map((u) => ({ sinceMs: u.sinceMs.toNumber(), url: textOf(u.url) })) : [];
  const base = urls.filter((u) => u.sinceMs <= fromMs).at(-1)?.url ?? urls[0]?.url;
  if (!base) return { error: 'no monitor URL on chain' };
  try {
    const headers = signedRequestHeaders(asker, { agreement, instance, period, fromMs, toMs });
    const res = await fetch(`${base.replace(/\/+$/, '')}/v1/report?agreement=${agreement}&period=${period}&from_ms=${fromMs}&to_ms=${toMs}`, {
      headers,
      signal: AbortSignal.timeout(MONITOR_ASK_TIMEOUT_MS),
    });
    if (res.status === 401) {
      const refusal = await res.json().catch(() => ({}));
      return { error: `HTTP 401: the monitor does not answer this account (${refusal.reason ?? 'no reason'}: ${refusal.error ?? ''})` };
    }
    if (!res.ok) return { error: `HTTP ${res.status}` };
    const answer = await res.json();
    const scale = toBytes(answer.scale);
    return { scale, hash: reportHash(scale), tag: typeof answer.tag === 'string' ? toBytes(answer.tag) : null };
  } catch (e) {
    return { error: e.message };
  }
}

/**
 * The client's side, when a block does not hold: which instance's report
 * does not. The owner controls the network path, so a monitor's answer is
 * believed only with a tag valid under the client's key; one without was
 * altered on the way, which names the instance just the same. One line per
 * instance that fails or could not be asked.
 */
export async function findAlteredReports(at, block, key, agreement, period, service, client) {
  const problems = [];
  // Every report on chain is of the block's window (the runtime refuses
  // others), so the stored hashes are all this needs: no block body.
  const fromMs = block.window.fromMs.toNumber();
  const toMs = block.window.toMs.toNumber();
  for (const { instance, hash } of reportHashesOf(block)) {
    const asked = await askMonitor(at, client, service, instance, agreement, period, fromMs, toMs);
    if (asked.error) problems.push(`instance ${instance}: its monitor could not be asked (${asked.error})`);
    else if (!asked.tag || !constantTimeEqual(await instanceTag(key, agreement, period, instance, asked.hash), asked.tag)) {
      problems.push(`instance ${instance}: the report its monitor URL serves is not signed with your key (altered on the way to the accounting nodes)`);
    } else if (!u8aEq(asked.hash, hash)) problems.push(`instance ${instance}: the report on chain is not the one its monitor signed`);
  }
  return problems;
}

/**
 * The owner's side, on a breach: what the monitors contradict. A report on
 * chain that is not the one the instance's monitor serves, or an instance
 * recorded as missing whose monitor serves the window's report (the owner
 * trusts its own network path; the arbiter weighs it). Empty when the
 * monitors bear the block out.
 */
export async function findRefutation(at, block, agreement, period, service, owner) {
  const problems = [];
  const fromMs = block.window.fromMs.toNumber();
  const toMs = block.window.toMs.toNumber();
  for (const { instance, hash } of reportHashesOf(block)) {
    const asked = await askMonitor(at, owner, service, instance, agreement, period, fromMs, toMs);
    if (!asked.error && !u8aEq(asked.hash, hash)) problems.push(`instance ${instance}: the report on chain is not the one its monitor serves`);
  }
  for (const [id, reason] of block.missing) {
    if (reason.isRetired) continue;
    const instance = id.toNumber();
    const asked = await askMonitor(at, owner, service, instance, agreement, period, fromMs, toMs);
    if (!asked.error) problems.push(`instance ${instance}: recorded as missing (${reason.type}) but its monitor serves the window's report`);
  }
  return problems;
}

/** What a call did to a period, from its events. */
function periodOutcome(events) {
  return {
    settled: eventData(events, 'slaVerification', 'PeriodSettled'),
    confirmed: eventData(events, 'slaVerification', 'PeriodConfirmed'),
    accepted: eventData(events, 'slaVerification', 'VerdictAccepted'),
    contested: eventData(events, 'slaVerification', 'PeriodContested'),
    disputed: eventData(events, 'slaVerification', 'PeriodDisputed'),
    lapsed: eventData(events, 'slaVerification', 'PeriodLapsed'),
    finished: eventData(events, 'slaVerification', 'AgreementFinished'),
    fee: feesPaid(events),
  };
}

/**
 * Client: submits the period's OTP. A Met period is settled at once
 * (`settled`); a breach becomes `confirmed` and waits for the owner; a wrong
 * OTP is counted (`mismatch`) and may dispute the period (`disputed`).
 */
export async function confirmPeriod(api, client, agreement, period, otp) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.confirmPeriod(agreement, period, otp), client);
  return { ...periodOutcome(events), mismatch: eventData(events, 'slaVerification', 'OtpMismatch') };
}

/** Client or owner: contests a period's verdict with a reason; the period goes to arbitration. */
export async function contestPeriod(api, who, agreement, period, reason) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.contestPeriod(agreement, period, bytesArg(reason)), who);
  return periodOutcome(events);
}

/** Owner: accepts a breached verdict; paid at once if the client already confirmed. */
export async function acceptVerdict(api, owner, agreement, period) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.acceptVerdict(agreement, period), owner);
  return periodOutcome(events);
}

/**
 * Client or owner: pays out what the settled periods of an agreement owe (the
 * owner's shares and the client's credits); closes the escrow when no period
 * is due. `paid` is the PaidOut event's data, `pending` the owner's share
 * still owed when its account cannot receive it.
 */
export async function payOut(api, who, agreement) {
  const { events } = await sendAndWait(api, api.tx.escrowRelease.payOut(agreement), who);
  return {
    paid: eventData(events, 'escrowRelease', 'PaidOut'),
    pending: eventData(events, 'escrowRelease', 'OwnerPaymentPending'),
    closed: eventData(events, 'escrowRelease', 'EscrowClosed'),
    fee: feesPaid(events),
  };
}

/** What the settled periods of an agreement owe and have not been paid out: `{ toOwner, toClient }` (0 without escrow). */
export async function owedOf(at, agreement) {
  const escrow = await at.query.escrowRelease.escrows(agreement);
  if (escrow.isNone) return { toOwner: 0n, toClient: 0n };
  const e = escrow.unwrap();
  return { toOwner: e.owedToOwner.toBigInt(), toClient: e.owedToClient.toBigInt() };
}

export async function cancelAgreement(api, client, agreement) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.cancelAgreement(agreement), client);
  return {
    data: eventData(events, 'slaVerification', 'AgreementCancelled'),
    finished: eventData(events, 'slaVerification', 'AgreementFinished'),
    fee: feesPaid(events),
  };
}

/**
 * Settles a disputed period: `ownerPermille` (0..=1000) of its price to the
 * owner, the rest to the client. Signed by the agreement's arbiter, or with
 * `viaSudo` wrapped in sudo by the sudo key (the last-resort arbiter on dev
 * chains).
 */
export async function resolveDispute(api, arbiterOrSudo, agreement, period, ownerPermille, { viaSudo = false } = {}) {
  const share = Number(ownerPermille);
  if (!Number.isInteger(share) || share < 0 || share > 1000) throw new UserError(`the owner's share must be 0..1000 permille, got ${ownerPermille}`);
  const call = api.tx.slaVerification.resolveDispute(agreement, period, share);
  const { events } = await sendAndWait(api, viaSudo ? api.tx.sudo.sudo(call) : call, arbiterOrSudo);
  if (viaSudo) {
    const sudid = events.find(({ event }) => api.events.sudo.Sudid.is(event));
    if (!sudid) throw new UserError('no sudo.Sudid event: is the signer the sudo key?');
    const result = sudid.event.data[0];
    if (result.isErr) throw new UserError(describeDispatchError(api, result.asErr));
  }
  return periodOutcome(events);
}

/**
 * Anyone: applies the deadline rule of a period whose deadline passed
 * (deemed accepted, default split, or lapse of an unrecorded period).
 */
export async function settleOverdue(api, who, agreement, period) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.settleOverdue(agreement, period), who);
  return periodOutcome(events);
}

/** Client: puts `amount` more on hold for an agreement's escrow. */
export async function topUp(api, client, agreement, amount) {
  const { events } = await sendAndWait(api, api.tx.escrowRelease.topUp(agreement, amount), client);
  return { toppedUp: eventData(events, 'escrowRelease', 'ToppedUp'), fee: feesPaid(events) };
}

/** Anyone: prunes a finished agreement after its retention; `pruned` once it is gone, else call again. */
export async function pruneAgreement(api, who, agreement) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.pruneAgreement(agreement), who);
  const partly = eventData(events, 'slaVerification', 'AgreementPartlyPruned');
  return {
    pruned: Boolean(eventData(events, 'slaVerification', 'AgreementPruned')),
    removed: partly ? Number(partly.removed) : null,
    fee: feesPaid(events),
  };
}

// ---- status

/** `Recorded`, `Confirmed`, `Disputed(<cause>)` or `Closed(<closure>)` of a PeriodState. */
export function periodStateText(state) {
  if (state.isDisputed) {
    const { cause } = state.asDisputed;
    return `Disputed(${cause.isContested ? `Contested by ${cause.asContested.type}` : cause.type})`;
  }
  if (state.isClosed) return `Closed(${state.asClosed.type})`;
  return state.type;
}

/** `Active`, `Cancelled` or `Finished(#block)` of an AgreementStatus. */
export function agreementStatusText(status) {
  return status.isFinished ? `Finished(#${status.asFinished.at.toNumber()})` : status.type;
}

/** The verdict of a period record: `{ text, credit, failing }`; no verdict for a lapsed period. */
export function verdictOf(record) {
  if (record.verdict.isNone) return { text: 'none', credit: 100, failing: [] };
  const v = record.verdict.unwrap();
  if (v.isMet) return { text: 'Met', credit: 0, failing: [] };
  const b = v.asBreached;
  return {
    text: `Breached(${b.violated.map((i) => i.toString()).join(',')})`,
    credit: b.creditPercent.toNumber(),
    failing: b.failingInstances.map((i) => i.toNumber()),
  };
}

/**
 * A period's price split per its credit, as the escrow pays a verdict: the
 * owner `floor(price × (100 − credit) / 100)`, the client the rest.
 */
export function splitByCredit(price, credit) {
  const toOwner = (BigInt(price) * BigInt(100 - credit)) / 100n;
  return { toOwner, toClient: BigInt(price) - toOwner };
}

/** A period's price split by an owner share in parts per `whole`: floor to the owner. */
export function splitByShare(price, parts, whole) {
  const toOwner = (BigInt(price) * BigInt(parts)) / BigInt(whole);
  return { toOwner, toClient: BigInt(price) - toOwner };
}

/**
 * Per-period status of an agreement: state, verdict, OTP attempts, and the
 * money each closed period moved. The amounts come from the PeriodSettled
 * events in `settlements` (a Map period -> event data) or found in the last
 * `scanBlocks` blocks; otherwise they follow from the rules for every
 * closure but an arbiter's split (`null` then).
 */
export async function agreementStatus(api, agreement, { settlements = new Map(), scanBlocks = 0 } = {}) {
  const info = await api.query.slaVerification.agreements(agreement);
  if (info.isNone) throw new UserError(`agreement ${agreement} not found`);
  const a = info.unwrap();
  const price = a.pricePerPeriod.toBigInt();
  const records = [];
  for (let p = 0; p < a.periods.toNumber(); p += 1) records.push(await periodRecord(api, agreement, p));

  const known = new Map(settlements);
  const arbitrated = records.some((r, p) => r?.state.isClosed && r.state.asClosed.isArbitrated && !known.has(p));
  if (arbitrated && scanBlocks > 0) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    for (const e of await chainEvents(api, best - scanBlocks + 1, best, ['slaVerification'])) {
      if (e.method === 'PeriodSettled' && BigInt(e.data.agreement) === BigInt(agreement)) known.set(Number(e.data.period), e.data);
    }
  }
  const lapsedShare = api.consts.slaVerification.unresolvedDisputeOwnerShare.toBigInt();

  const rows = records.map((rec, period) => {
    if (!rec) {
      return {
        period,
        state: 'awaiting metrics',
        verdict: '-',
        credit: null,
        failing: [],
        otpAttempts: 0,
        ownerAccepted: false,
        toOwner: null,
        toClient: null,
      };
    }
    const verdict = verdictOf(rec);
    let money = { toOwner: null, toClient: null };
    if (rec.state.isClosed) {
      const closure = rec.state.asClosed;
      const event = known.get(period);
      if (event) money = { toOwner: BigInt(event.to_owner), toClient: BigInt(event.to_client) };
      else if (closure.isConfirmed || closure.isDeemedAccepted) money = splitByCredit(price, verdict.credit);
      else if (closure.isLapsed) money = { toOwner: 0n, toClient: price };
      else if (closure.isArbitrationLapsed) money = splitByShare(price, lapsedShare, 1_000_000_000n);
    }
    return {
      period,
      state: periodStateText(rec.state),
      verdict: verdict.text,
      credit: verdict.credit,
      failing: verdict.failing,
      otpAttempts: rec.failedOtpAttempts.toNumber(),
      ownerAccepted: rec.ownerAccepted.isTrue,
      ...money,
    };
  });
  return {
    agreement: {
      ...a.toJSON(),
      status: agreementStatusText(a.status),
      arbiter: a.arbiter.isSome ? a.arbiter.unwrap().toString() : null,
    },
    rows,
    // What the rows were made from, for callers that show more of it.
    stored: a,
    records,
  };
}
