// What the pages show, read from one finalised block's state (`at`, from
// api.at(hash)) with the same operations the `qos` terminal uses.
import { encodeAddress } from '@polkadot/util-crypto';

import { toHex } from '../../lib/bytes.mjs';
import { verifyProof } from '../../lib/merkle.mjs';
import * as ops from '../../lib/operations.mjs';
import { reportHash } from '../../lib/otp.mjs';

/** Availability of a decoded report in permille, as qos-primitives computes it. */
export function availabilityPermille(report) {
  const expected = Math.max(report.expectedSamples.toNumber(), report.samples.toNumber(), report.probeSuccesses.toNumber());
  return expected === 0 ? 0 : Math.floor((report.probeSuccesses.toNumber() * 1000) / expected);
}

/** Every service with its offers, instances, each instance's last seen state and its QoS history. */
export async function servicesOverview(at) {
  const [services, agreements] = await Promise.all([at.query.slaVerification.services.entries(), at.query.slaVerification.agreements.entries()]);
  const byService = new Map();
  for (const [key, value] of agreements) {
    const a = value.unwrap();
    const list = byService.get(a.service.toString()) ?? [];
    list.push({ agreement: key.args[0].toBigInt(), a });
    byService.set(a.service.toString(), list);
  }
  const out = [];
  for (const [key] of services.sort((x, y) => Number(x[0].args[0].toBigInt() - y[0].args[0].toBigInt()))) {
    const id = key.args[0].toBigInt();
    const [service, offers, instances] = await Promise.all([ops.serviceOf(at, id), ops.offersOf(at, id), ops.instancesOf(at, id)]);
    let met = 0;
    let recorded = 0;
    const lastSeen = new Map();
    for (const { agreement, a } of byService.get(id.toString()) ?? []) {
      const records = await at.query.slaVerification.periods.entries(agreement);
      for (const [, rec] of records) {
        const r = rec.unwrap();
        if (r.verdict.isNone) continue;
        recorded += 1;
        if (r.verdict.unwrap().isMet) met += 1;
      }
      const last = a.nextToRecord.toNumber() - 1;
      if (last < 0) continue;
      const block = await ops.metricsBlock(at, agreement, last);
      if (!block) continue;
      const endMs = block.window.toMs.toNumber();
      const seen = (instance, state) => {
        if ((lastSeen.get(instance)?.endMs ?? -1) < endMs) lastSeen.set(instance, { endMs, state, agreement, period: last });
      };
      for (const report of block.reports)
        seen(report.instance.toNumber(), `up ${(availabilityPermille(report) / 10).toFixed(1)} %, p95 ${report.latencyP95Ms.toNumber()} ms`);
      for (const [instance, reason] of block.missing) seen(instance.toNumber(), `no report (${reason.type})`);
    }
    out.push({
      ...service,
      offers,
      agreements: (byService.get(id.toString()) ?? []).map(({ agreement, a }) => ({
        id: agreement,
        client: a.client.toString(),
        status: ops.agreementStatusText(a.status),
        closedPeriods: a.closedPeriods.toNumber(),
        periods: a.periods.toNumber(),
      })),
      instances: instances.map((i) => ({ ...i, lastSeen: lastSeen.get(i.instance) ?? null })),
      reputation: { met, recorded },
    });
  }
  return out;
}

/**
 * An agreement with a row per period, the escrow, and per-period series for
 * the charts. `blocks` caches metrics blocks (final once recorded) across
 * calls; `settlements` holds PeriodSettled events seen so far (period → data).
 */
export async function agreementOverview(at, agreement, { blocks = new Map(), settlements = new Map() } = {}) {
  const status = await ops.agreementStatus(at, agreement, { settlements });
  const { stored, records } = status;
  const escrow = await at.query.escrowRelease.escrows(agreement);
  const startMs = stored.startMs.toNumber();
  const periodMs = stored.periodMs.toNumber();
  const periods = [];
  for (const row of status.rows) {
    const recorded = row.state !== 'awaiting metrics';
    let block = blocks.get(row.period);
    if (recorded && !block) {
      block = await ops.metricsBlock(at, agreement, row.period);
      if (block) blocks.set(row.period, block);
    }
    const record = records[row.period];
    periods.push({
      ...row,
      window: { fromMs: startMs + row.period * periodMs, toMs: startMs + (row.period + 1) * periodMs },
      accountingNode: block ? encodeAddress(block.accountingNode, 42) : null,
      firstPull: block?.firstPull.isSome ? encodeAddress(block.firstPull.unwrap(), 42) : null,
      otpState: otpStateOf(record),
      awaitingClient: Boolean(record?.state.isRecorded),
      reports: block
        ? block.reports.map((r) => ({
            instance: r.instance.toNumber(),
            availabilityPermille: availabilityPermille(r),
            latencyP95Ms: r.latencyP95Ms.toNumber(),
          }))
        : [],
      missing: block ? block.missing.map(([i, reason]) => ({ instance: i.toNumber(), reason: reason.type })) : [],
    });
  }
  const e = escrow.isSome ? escrow.unwrap() : null;
  return {
    id: BigInt(agreement),
    terms: status.agreement,
    client: stored.client.toString(),
    owner: stored.owner.toString(),
    instances: stored.instances.map((i) => i.toNumber()),
    escrow: {
      total: stored.pricePerPeriod.toBigInt() * BigInt(stored.periods.toNumber()),
      held: e ? e.held.toBigInt() : 0n,
      periodsDue: e ? e.periodsDue.toNumber() : 0,
    },
    periods,
  };
}

function otpStateOf(record) {
  if (!record) return '-';
  const attempts = record.failedOtpAttempts.toNumber();
  const wrong = attempts > 0 ? `, ${attempts} wrong attempt${attempts > 1 ? 's' : ''}` : '';
  if (record.state.isRecorded) return `awaiting the client's OTP${wrong}`;
  if (record.state.isConfirmed) return `opened by the client${wrong}`;
  if (record.state.isDisputed) return `not opened${wrong}`;
  const closure = record.state.asClosed;
  if (closure.isConfirmed) return `opened by the client${wrong}`;
  if (closure.isDeemedAccepted) return `deemed accepted${wrong}`;
  return `not opened${wrong}`;
}

/**
 * A period's evidence: every report decoded, its hash computed here, and its
 * Merkle inclusion proof (runtime API) checked here against the stored
 * block's `reports_root`.
 */
export async function periodEvidence(at, agreement, period) {
  const block = await ops.metricsBlock(at, agreement, period);
  if (!block) return null;
  const root = toHex(block.reportsRoot);
  const reports = [];
  for (const report of block.reports) {
    const instance = report.instance.toNumber();
    const hash = toHex(reportHash(report.toU8a()));
    const answer = await at.call.metricsBlocksApi.reportInclusionProof(agreement, period, instance);
    let proof = { checked: false, steps: 0, reason: 'no proof served' };
    if (answer.isSome) {
      const p = answer.unwrap();
      const steps = p.proof.toJSON();
      const sameBlock = toHex(p.block.reportsRoot) === root;
      const sameReport = toHex(p.reportHash) === hash;
      const leads = verifyProof(root, hash, steps);
      proof = {
        checked: sameBlock && sameReport && leads,
        steps: steps.length,
        reason: !sameBlock
          ? 'the proof is for another block'
          : !sameReport
            ? 'the proof is for another report'
            : leads
              ? null
              : 'the path does not lead to reports_root',
      };
    }
    reports.push({ instance, hash, fields: report.toJSON(), availabilityPermille: availabilityPermille(report), proof });
  }
  return {
    root,
    blockHash: toHex(block.blockHash),
    prevHash: toHex(block.prevHash),
    sequence: block.sequence.toNumber(),
    accountingNode: encodeAddress(block.accountingNode, 42),
    recordedAt: block.recordedAt.toNumber(),
    missing: block.missing.map(([i, reason]) => ({ instance: i.toNumber(), reason: reason.type })),
    reports,
  };
}
