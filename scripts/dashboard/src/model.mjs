// What the pages show, read from one finalised block's state (`at`, from
// api.at(hash)) with the same operations the `qos` terminal uses. The
// chain stores a metrics block's report hashes only: the reports themselves
// are read with `api` (the connected ApiPromise) from the body of the chain
// block that recorded it, when the node serves that body.
import { encodeAddress } from '@polkadot/util-crypto';

import { toHex } from '../../lib/bytes.mjs';
import { UserError } from '../../lib/chain.mjs';
import { verifyProof } from '../../lib/merkle.mjs';
import * as ops from '../../lib/operations.mjs';
import { reportHash } from '../../lib/otp.mjs';

/** Availability of a decoded report in permille, as qos-primitives computes it. */
export function availabilityPermille(report) {
  const expected = Math.max(report.expectedSamples.toNumber(), report.samples.toNumber(), report.probeSuccesses.toNumber());
  return expected === 0 ? 0 : Math.floor((report.probeSuccesses.toNumber() * 1000) / expected);
}

/** How long a body the node did not serve is not asked for again. */
const UNSERVED_RETRY_MS = 60_000;

/**
 * The reports of `block` (ops.metricsBlockReports, cached in `cache` by
 * agreement and period), or null when there is no `api` or the node does
 * not serve the body that holds them (a light client may not).
 */
export async function reportsOf(api, block, cache = new Map()) {
  if (!api) return null;
  const unserved = `unserved:${block.agreement}/${block.period}`;
  if (Date.now() - (cache.get(unserved) ?? -Infinity) < UNSERVED_RETRY_MS) return null;
  try {
    return await ops.metricsBlockReports(api, block, { cache });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    cache.set(unserved, Date.now());
    return null;
  }
}

/**
 * Every service with its offers, instances, each instance's last seen state
 * and its QoS history. `api` reads the reports (see the top); `reports`
 * caches them across calls.
 */
export async function servicesOverview(at, { api = null, reports = new Map() } = {}) {
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
    const closedOf = new Map();
    for (const { agreement, a } of byService.get(id.toString()) ?? []) {
      const records = await at.query.slaVerification.periods.entries(agreement);
      closedOf.set(agreement, records.filter(([, rec]) => rec.unwrap().state.isClosed).length);
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
      const decoded = await reportsOf(api, block, reports);
      if (decoded) {
        for (const report of decoded)
          seen(report.instance.toNumber(), `up ${(availabilityPermille(report) / 10).toFixed(1)} %, p95 ${report.latencyP95Ms.toNumber()} ms`);
      } else {
        for (const { instance } of ops.reportHashesOf(block)) seen(instance, 'reported (the report is not served by this node)');
      }
      for (const [instance, reason] of block.missing) seen(instance.toNumber(), `no report (${reason.type})`);
    }
    out.push({
      ...service,
      offers,
      agreements: (byService.get(id.toString()) ?? []).map(({ agreement, a }) => ({
        id: agreement,
        client: a.client.toString(),
        status: ops.agreementStatusText(a.status),
        closedPeriods: closedOf.get(agreement) ?? 0,
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
 * calls, `reports` their reports (read with `api`, see the top);
 * `settlements` holds PeriodSettled events seen so far (period → data). A
 * report the node does not serve has null figures.
 */
export async function agreementOverview(at, agreement, { api = null, blocks = new Map(), reports = new Map(), settlements = new Map() } = {}) {
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
    const decoded = block ? await reportsOf(api, block, reports) : null;
    periods.push({
      ...row,
      window: { fromMs: startMs + row.period * periodMs, toMs: startMs + (row.period + 1) * periodMs },
      accountingNode: block ? encodeAddress(block.accountingNode, 42) : null,
      firstPull: block?.firstPull.isSome ? encodeAddress(block.firstPull.unwrap(), 42) : null,
      otpState: otpStateOf(record),
      awaitingClient: Boolean(record?.state.isRecorded),
      reports: decoded
        ? decoded.map((r) => ({
            instance: r.instance.toNumber(),
            availabilityPermille: availabilityPermille(r),
            latencyP95Ms: r.latencyP95Ms.toNumber(),
          }))
        : block
          ? ops.reportHashesOf(block).map(({ instance }) => ({ instance, availabilityPermille: null, latencyP95Ms: null }))
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
      owedToOwner: e ? e.owedToOwner.toBigInt() : 0n,
      owedToClient: e ? e.owedToClient.toBigInt() : 0n,
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
 * block's `reports_root`. The reports are read with `api` (see the top);
 * where the node does not serve them, `fields` is null and the hash is the
 * one the block stores, its proof still checked here.
 */
export async function periodEvidence(at, agreement, period, { api = null, reports: cache = new Map() } = {}) {
  const block = await ops.metricsBlock(at, agreement, period);
  if (!block) return null;
  const root = toHex(block.reportsRoot);
  const decoded = await reportsOf(api, block, cache);
  const reports = [];
  for (const [index, stored] of ops.reportHashesOf(block).entries()) {
    const { instance } = stored;
    const report = decoded?.[index] ?? null;
    const hash = toHex(report ? reportHash(report.toU8a()) : stored.hash);
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
    reports.push({
      instance,
      hash,
      fields: report ? report.toJSON() : null,
      availabilityPermille: report ? availabilityPermille(report) : null,
      proof,
    });
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
