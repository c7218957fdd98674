// qos-ledger operations on @polkadot/api, shared by the CLI, the demo and
// the tests. Everything decodes from the runtime's metadata alone.
import crypto from 'node:crypto';

import { eventsOf, sendAndWait, UserError } from './chain.mjs';
import { commit, instanceTag, otpMatches, periodOtp, reportHash } from './otp.mjs';

const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Merkle root of report hashes, as qos-primitives' merkle.rs defines it. */
export function merkleRoot(hashes) {
  if (hashes.length === 0) return sha256(Buffer.from([2]));
  let level = hashes.map((h) => sha256(Buffer.from([0]), h));
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? sha256(Buffer.from([1]), level[i], level[i + 1]) : level[i]);
    }
    level = next;
  }
  return level[0];
}

/** Checks a Merkle inclusion proof (`[{ left: hex } | { right: hex }]` or SCALE enum JSON). */
export function verifyProof(root, hash, proof) {
  let acc = sha256(Buffer.from([0]), hash);
  for (const step of proof) {
    const left = step.Left ?? step.left;
    const right = step.Right ?? step.right;
    if (left !== undefined) acc = sha256(Buffer.from([1]), toBuf(left), acc);
    else acc = sha256(Buffer.from([1]), acc, toBuf(right));
  }
  return acc.equals(toBuf(root));
}

export function toBuf(v) {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (Array.isArray(v)) return Buffer.from(v);
  if (typeof v === 'string') return Buffer.from(v.replace(/^0x/, ''), 'hex');
  if (v?.toU8a) return Buffer.from(v.toU8a());
  throw new Error(`not bytes: ${v}`);
}

function fieldOf(api, events, section, method, field) {
  const ev = eventsOf(api, events, section).find((e) => e.method === method);
  if (!ev) throw new UserError(`no ${section}.${method} event`);
  return ev.data[field];
}

/** Sum of the fees paid by `who` in `events` (TransactionFeePaid). */
export function feesPaid(api, events) {
  return eventsOf(api, events, 'transactionPayment')
    .filter((e) => e.method === 'TransactionFeePaid')
    .reduce((sum, e) => sum + BigInt(e.data.actual_fee), 0n);
}

// ---- owner

export async function registerService(api, owner, { price, periodMs, vcpusMilli = 1000, memoryMib = 1024 }) {
  const tx = api.tx.slaVerification.registerService(price, periodMs, { vcpus_milli: vcpusMilli, memory_mib: memoryMib });
  const { events } = await sendAndWait(api, tx, owner);
  return { service: BigInt(fieldOf(api, events, 'slaVerification', 'ServiceRegistered', 'service')), fee: feesPaid(api, events) };
}

export async function addInstance(api, owner, service, url) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.addInstance(service, url), owner);
  return { instance: Number(fieldOf(api, events, 'slaVerification', 'InstanceAdded', 'instance')), fee: feesPaid(api, events) };
}

export async function retireInstance(api, owner, service, instance) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.retireInstance(service, instance), owner);
  return { fee: feesPaid(api, events) };
}

// ---- client

/**
 * `sla` = { qos: { min_availability_permille, max_latency_p95_ms, ... },
 *           credits: { availability_tiers: [{ below_permille, credit_percent }], other_breach_credit_percent } }
 */
export async function createAgreement(api, client, { service, sla, periods }) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.createAgreement(service, sla, periods), client);
  const created = eventsOf(api, events, 'slaVerification').find((e) => e.method === 'AgreementCreated');
  if (!created) throw new UserError('no AgreementCreated event');
  return { agreement: BigInt(created.data.agreement), startMs: Number(created.data.start_ms), fee: feesPaid(api, events) };
}

/** The on-chain metrics block of a period, or null. */
export async function metricsBlock(api, agreement, period) {
  const block = await api.query.metricsBlocks.metricsBlocks(agreement, period);
  return block.isSome ? block.unwrap() : null;
}

/** The period record (verdict, commitment, state), or null. */
export async function periodRecord(api, agreement, period) {
  const rec = await api.query.slaVerification.periods(agreement, period);
  return rec.isSome ? rec.unwrap() : null;
}

/**
 * What the client checks before confirming: every report's hash against the
 * block's Merkle root, then the OTP from the key against the commitment.
 * Returns { otp, ok, problems[] }.
 */
export function checkMetricsBlock(block, key, agreement, period) {
  const problems = [];
  const reports = block.reports.map((r) => ({ instance: r.instance.toNumber(), hash: reportHash(r.toU8a()) }));
  const root = merkleRoot(reports.map((r) => r.hash));
  if (!root.equals(toBuf(block.reportsRoot))) {
    problems.push('the reports do not hash to the block\'s reports_root: the block is inconsistent');
  }
  const tags = reports.map((r) => ({ instance: r.instance, tag: instanceTag(key, agreement, period, r.instance, r.hash) }));
  const otp = periodOtp(agreement, period, tags);
  const ok = otpMatches(otp, toBuf(block.otpCommitment));
  if (!ok) {
    problems.push(
      `the OTP derived with your key does not open the commitment: a report of instance(s) ${reports
        .map((r) => r.instance)
        .join(', ')} was altered or carries a tag not made with your key`,
    );
  }
  return { otp, ok: ok && problems.length === 0, problems, commitment: commit(otp) };
}

export async function confirmPeriod(api, client, agreement, period, otp) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.confirmPeriod(agreement, period, otp), client);
  const ev = eventsOf(api, events, 'slaVerification');
  return {
    settled: ev.find((e) => e.method === 'PeriodSettled')?.data ?? null,
    mismatch: ev.find((e) => e.method === 'OtpMismatch')?.data ?? null,
    disputed: ev.find((e) => e.method === 'PeriodDisputed')?.data ?? null,
    fee: feesPaid(api, events),
  };
}

export async function escalate(api, who, agreement, period) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.escalate(agreement, period), who);
  return { fee: feesPaid(api, events) };
}

export async function cancelAgreement(api, client, agreement) {
  const { events } = await sendAndWait(api, api.tx.slaVerification.cancelAgreement(agreement), client);
  return { data: eventsOf(api, events, 'slaVerification').find((e) => e.method === 'AgreementCancelled')?.data, fee: feesPaid(api, events) };
}

/** Arbiter (sudo on dev chains): settle a disputed period, `ownerPercent` to the owner. */
export async function resolveDispute(api, sudo, agreement, period, ownerPercent) {
  const perbill = Math.round(ownerPercent * 10_000_000);
  const call = api.tx.slaVerification.resolveDispute(agreement, period, perbill);
  const { events } = await sendAndWait(api, api.tx.sudo.sudo(call), sudo);
  const sudid = eventsOf(api, events, 'sudo').find((e) => e.method === 'Sudid');
  const result = sudid?.data?.sudo_result;
  if (result && result.err) throw new UserError(`resolve_dispute failed: ${JSON.stringify(result.err)}`);
  return { data: eventsOf(api, events, 'slaVerification').find((e) => e.method === 'DisputeResolved')?.data, fee: feesPaid(api, events) };
}

/** Per-period status of an agreement: verdict, OTP state, money moved. */
export async function agreementStatus(api, agreement) {
  const info = await api.query.slaVerification.agreements(agreement);
  if (info.isNone) throw new UserError(`agreement ${agreement} not found`);
  const a = info.unwrap();
  const rows = [];
  for (let p = 0; p < a.periods.toNumber(); p += 1) {
    const rec = await periodRecord(api, agreement, p);
    if (!rec) {
      rows.push({ period: p, state: 'awaiting metrics', verdict: '-', credit: '-', otpAttempts: 0, toOwner: null, toClient: null });
      continue;
    }
    const verdict = rec.verdict.isMet ? 'Met' : `Breached(${rec.verdict.asBreached.violated.map((v) => v.toString()).join(',')})`;
    const credit = rec.verdict.isMet ? 0 : rec.verdict.asBreached.creditPercent.toNumber();
    const state = rec.state.toString();
    // A settled period paid the price minus the credit, rounded in the
    // client's favour; a resolved one was split by the arbiter (its event).
    const price = a.pricePerPeriod.toBigInt();
    const refund = (price * BigInt(credit) + 99n) / 100n;
    rows.push({
      period: p,
      state,
      verdict,
      credit,
      otpAttempts: rec.failedOtpAttempts.toNumber(),
      toOwner: state === 'Settled' ? price - refund : null,
      toClient: state === 'Settled' ? refund : null,
    });
  }
  return { agreement: a.toJSON(), rows };
}
