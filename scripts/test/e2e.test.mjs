// End to end on the real binaries: three validators, three qos-monitors, an
// owner who offers the demo SLA with Ferdie as arbiter, and a client who
// rents the service on that offer for five periods. Instance 1's workload
// goes down in three periods: the first breach is confirmed by the client
// and accepted by the owner; the owner hides the second by rewriting the
// monitor's report on its way to the accounting node (the client's agent
// catches it and names the instance, the arbiter splits); in period 3 the
// owner retires the instance after its outage. In period 1 one monitor
// refuses the designated accounting node, whose partial block a second
// node's pull completes; in period 4 it refuses every accounting node, and
// the owner's agent refutes the breach that records. The agents (`qos
// watch`) do the parties' work: the client's on an embedded light client,
// the owner's on an RPC node that is killed and restarted in period 1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { DEMO_SLA, resultTable, Scenario } from '../lib/scenario.mjs';
import { repoRoot, rpc, tempDir } from '../lib/node.mjs';
import { toBytes, toHex } from '../lib/bytes.mjs';
import { verifyProof } from '../lib/merkle.mjs';
import { metricsBlockReports } from '../lib/operations.mjs';
import { reportHash } from '../lib/otp.mjs';
import { availabilityCredit, toSlaTerms } from '../lib/sla.mjs';

const PERIODS = 5;
const PERIOD_MS = 40_000;
const INSTANCES = 3;
/** Period 1: instance 0's monitor answers 503 to the node designated for it. */
const BLOCKED = { period: 1, instance: 0 };
const TAMPERED = 2;
/**
 * Period 4: instance 0's monitor refuses every accounting node but answers
 * the parties: the block records it missing, a breach its owner refutes.
 */
const HIDDEN = { period: 4, instance: 0 };
/**
 * Period 1: the RPC node the owner's agent talks to is killed 2 s in and
 * restarted 15 s later, while period 0 is being recorded: the agent
 * reconnects and acts on it.
 */
const AGENT_NODE_OUTAGE = { period: 1, atMs: 2_000, forMs: 15_000 };
/** Period 3: the owner retires instance 1 20 s in, after its outage (5-15 s). */
const RETIRED = { instance: 1, period: 3, atMs: 20_000 };
const ARBITER_PERMILLE = 400;
const run = promisify(execFile);
let scenario;
after(() => scenario?.stop());

/** A report's availability, permille, as Report::availability_permille computes it. */
const availabilityOf = (rep) => Math.floor((rep.probeSuccesses * 1000) / Math.max(rep.expectedSamples, rep.samples, rep.probeSuccesses));

test('an agreement on an offer settles period by period; breaches are credited; tampering is caught; a refused pull is completed', {
  timeout: 600_000,
}, async () => {
  scenario = new Scenario({
    dir: tempDir('e2e'),
    periods: PERIODS,
    periodMs: PERIOD_MS,
    downtime: [
      { instance: 1, period: 1, fromMs: 5_000, toMs: 15_000 },
      { instance: 1, period: TAMPERED, fromMs: 5_000, toMs: 15_000 },
      { instance: RETIRED.instance, period: RETIRED.period, fromMs: 5_000, toMs: 15_000 },
    ],
    tamperPeriods: [TAMPERED],
    tamperInstance: 1,
    arbiterOwnerPermille: ARBITER_PERMILLE,
    blockDesignated: BLOCKED,
    blockEveryNodePeriod: HIDDEN.period,
    retireDownInstance: RETIRED,
    agentNodeOutage: AGENT_NODE_OUTAGE,
    clientAgentOnLightClient: true,
    log: (l) => console.log(`# ${l}`),
  });
  const r = await scenario.run();
  const { api } = r;
  console.log(resultTable(r).replace(/^/gm, '# '));

  assert.equal(r.results.length, PERIODS, 'every period recorded');
  for (const row of r.results) {
    assert.match(row.state, /^Closed\((Confirmed|Arbitrated)\)$/, `period ${row.period} closed by the client's OTP or the arbiter`);
  }

  // The agreement was made on offer 0, on the offer's terms, with its arbiter.
  assert.equal(r.offer, 0);
  assert.equal(r.arbiter, r.addresses.arbiter);
  const stored = (await api.query.slaVerification.agreements(r.agreement)).unwrap();
  assert.equal(stored.offer.toNumber(), 0);
  assert.equal(stored.arbiter.unwrap().toString(), r.addresses.arbiter);
  assert.deepEqual(toSlaTerms(stored.sla.toJSON()), toSlaTerms(DEMO_SLA), "the terms are the offer's");

  // The breached period is refunded exactly by the credit schedule, once the
  // client confirmed it and the owner accepted the verdict.
  const down = r.results[1];
  // The chain keeps the reports' hashes; the reports are read from the body
  // of the chain block that recorded the metrics block.
  const reports = (await metricsBlockReports(api, down.block)).map((x) => x.toJSON());
  const availability = Math.floor(reports.reduce((sum, rep) => sum + availabilityOf(rep), 0) / INSTANCES);
  const credit = availabilityCredit(DEMO_SLA, availability);
  assert.ok(credit > 0, `period 1 breached (availability ${availability} ‰)`);
  assert.equal(down.verdict, 'Breached');
  assert.equal(down.credit, credit);
  assert.equal(down.closure, 'Confirmed');
  const refund = (r.price * BigInt(credit) + 99n) / 100n;
  assert.equal(down.toClient, refund, 'refund = ceil(price × credit)');
  assert.equal(down.toOwner, r.price - refund);

  // Period 1's designated node was refused by one monitor: it recorded a
  // partial block without that instance, and another node's complete pull
  // is the final block.
  assert.ok(r.blocked.refused >= 1, 'the proxy refused the designated node');
  const partials = r.events.filter(
    (e) => e.method === 'PartialBlockRecorded' && BigInt(e.data.agreement) === r.agreement && Number(e.data.period) === BLOCKED.period,
  );
  assert.equal(partials.length, 1, 'one partial block for period 1');
  const [partial] = partials;
  assert.equal(String(partial.data.accounting_node).toLowerCase(), r.blocked.accountingKey, 'by the designated node');
  assert.deepEqual(
    partial.data.missing.map(([instance]) => Number(instance)),
    [BLOCKED.instance],
    'missing exactly the blocked instance',
  );
  assert.deepEqual(partial.data.missing[0][1], { httpStatus: 503 });
  assert.equal(down.block.reportHashes.length, INSTANCES, 'the final block holds every report');
  assert.equal(reports.length, INSTANCES, 'the recording transaction carries every report');
  assert.equal(down.block.missing.length, 0);
  assert.ok(down.block.firstPull.isSome, 'the final block names the first pull');
  assert.equal(down.block.firstPull.unwrap().toHex(), r.blocked.accountingKey);
  assert.notEqual(down.block.accountingNode.toHex(), r.blocked.accountingKey, "the final block is another node's pull");

  // The agents did the client's and the owner's work, each period once: the
  // client's confirmed every period whose reports hold with the OTP and
  // contested the tampered one, naming the failed check; the owner's accepted
  // the breaches. Both stopped cleanly on SIGTERM.
  const periodsOf = (lines, event) => lines.filter((l) => l.event === event).map((l) => l.period);
  const { client: clientLines, owner: ownerLines } = r.agentLines;
  // The hidden instance's period races: the client's agent confirms it, or
  // finds the owner's contest there first and its confirmation refused.
  const untampered = r.results.filter((x) => x.period !== TAMPERED && x.period !== HIDDEN.period).map((x) => x.period);
  const confirmed = periodsOf(clientLines, 'confirmed');
  assert.deepEqual(confirmed.filter((p) => p !== HIDDEN.period).sort(), untampered, "the client's agent confirmed each period whose reports hold once");
  assert.ok(confirmed.filter((p) => p === HIDDEN.period).length <= 1);
  assert.deepEqual(periodsOf(clientLines, 'contested'), [TAMPERED], "the client's agent contested the tampered period once");
  // It named the failed check, and — having asked the monitors — the instance:
  // the owner's proxy serves instance 1's altered report without a valid tag.
  const contested = clientLines.find((l) => l.event === 'contested').problems;
  assert.ok(
    contested.some((p) => /OTP derived with your key does not open the commitment/.test(p)),
    contested.join('; '),
  );
  assert.deepEqual(
    contested.filter((p) => /^instance \d+:/.test(p)),
    ['instance 1: the report its monitor URL serves is not signed with your key (altered on the way to the accounting nodes)'],
  );
  const breached = r.results.filter((x) => x.verdict === 'Breached' && x.period !== HIDDEN.period).map((x) => x.period);
  assert.deepEqual(periodsOf(ownerLines, 'accepted').sort(), breached, "the owner's agent accepted each breach the monitors bear out, once");
  // The owner's agent refuted the breach of the hidden instance: the block
  // says it is missing, its monitor serves the window's report.
  assert.deepEqual(periodsOf(ownerLines, 'contested'), [HIDDEN.period], "the owner's agent contested the hidden instance's period once");
  assert.deepEqual(ownerLines.find((l) => l.event === 'contested').problems, [
    `instance ${HIDDEN.instance}: recorded as missing (HttpStatus) but its monitor serves the window's report`,
  ]);
  const hidden = r.results[HIDDEN.period];
  assert.equal(hidden.verdict, 'Breached');
  assert.ok(
    hidden.block.missing.some(([instance]) => instance.toNumber() === HIDDEN.instance),
    'the final block records the hidden instance missing',
  );
  assert.equal(hidden.contestedBy, 'owner');
  assert.equal(hidden.closure, 'Arbitrated');
  assert.equal(hidden.toOwner, (r.price * BigInt(ARBITER_PERMILLE)) / 1000n);
  for (const failed of clientLines.filter((l) => l.event === 'failed')) {
    assert.equal(failed.period, HIDDEN.period, `only the raced confirmation may fail: ${JSON.stringify(failed)}`);
    assert.match(failed.error, /PeriodDisputed/);
  }
  for (const row of r.results) {
    const seen = clientLines.filter((l) => l.event === 'settled' && l.period === row.period);
    assert.equal(seen.length, 1, `the client's agent reported period ${row.period}'s settlement once`);
    assert.equal(BigInt(seen[0].toOwner), row.toOwner);
    assert.equal(BigInt(seen[0].toClient), row.toClient);
  }
  // Settling only records what is owed; the owner's agent paid it out during
  // the term (the rest was paid when the agreement finished).
  const paidOut = ownerLines.filter((l) => l.event === 'paid-out');
  assert.ok(paidOut.length >= 1 && paidOut.every((l) => BigInt(l.toOwner) > 0n), `the owner's agent paid out: ${JSON.stringify(paidOut)}`);
  assert.deepEqual(r.agentExit, { client: 0, owner: 0 }, 'both agents exit 0 on SIGTERM');
  // The client's agent ran on an embedded light client (no RPC node); the
  // owner's on an RPC node that was killed and restarted: it lost it,
  // reconnected, and still acted on every breach exactly once (above).
  assert.match(clientLines.find((l) => l.event === 'connected').url, /^light client/);
  assert.deepEqual(r.nodeOutage, AGENT_NODE_OUTAGE);
  const drop = ownerLines.findIndex((l) => l.event === 'disconnected');
  assert.ok(drop > 0, "the owner's agent saw its node go away");
  assert.ok(
    ownerLines.slice(drop).some((l) => l.event === 'connected'),
    "the owner's agent reconnected",
  );

  // Undisturbed, the first period pays the owner in full.
  assert.equal(r.results[0].verdict, 'Met');
  assert.equal(r.results[0].closure, 'Confirmed');
  assert.equal(r.results[0].toOwner, r.price);

  // The altered report makes the OTP fail; the money stayed in escrow until
  // the arbiter Ferdie (not sudo) split it.
  const tampered = r.results[TAMPERED];
  assert.ok(r.tampered >= 1, 'the proxy altered a report');
  // The altered report hid the outage: the ledger's verdict believed it.
  const tamperedReports = await metricsBlockReports(api, tampered.block);
  const altered = tamperedReports.find((x) => x.instance.toNumber() === 1).toJSON();
  assert.equal(altered.probeSuccesses, altered.expectedSamples, 'the recorded report is the altered one');
  assert.match(tampered.otp, /mismatch/);
  assert.equal(tampered.closure, 'Arbitrated');
  assert.ok(tampered.heldWhileDisputed >= r.price * BigInt(PERIODS - TAMPERED), 'the period was still in escrow while disputed');
  assert.equal(tampered.toOwner, (r.price * BigInt(ARBITER_PERMILLE)) / 1000n);
  assert.equal(tampered.toOwner + tampered.toClient, r.price);

  // Retiring the instance after its outage does not hide the outage: the
  // period is still breached, with that instance failing.
  const retiredRow = r.results[RETIRED.period];
  const windowFrom = r.startMs + RETIRED.period * PERIOD_MS;
  assert.equal(r.retired.instance, RETIRED.instance);
  assert.ok(r.retired.atMs >= windowFrom + 15_000 && r.retired.atMs < windowFrom + PERIOD_MS, 'retired after the outage, inside the period');
  assert.equal(retiredRow.verdict, 'Breached');
  assert.ok(retiredRow.failing.includes(RETIRED.instance), `instance ${RETIRED.instance} among the failing instances ${retiredRow.failing}`);
  assert.equal(retiredRow.closure, 'Confirmed');
  assert.equal(retiredRow.toClient, (r.price * BigInt(retiredRow.credit) + 99n) / 100n);

  // No fund created or lost: the escrow is paid out exactly, the balances
  // move by payments, fees and the burned accounting fee, and the supply
  // shrank by exactly the fees and the accounting fee.
  const paid = r.results.reduce((s, x) => s + x.toOwner, 0n);
  const back = r.results.reduce((s, x) => s + x.toClient, 0n);
  assert.equal(paid + back, r.price * BigInt(PERIODS));
  assert.equal(r.escrowLeft, 0n);
  const feePerInstancePeriod = api.consts.slaVerification.accountingFee.toBigInt();
  assert.equal(r.accountingFee, feePerInstancePeriod * BigInt(INSTANCES * PERIODS), 'accounting fee = fee × instances × periods');
  assert.equal(r.burned, r.accountingFee, 'the accounting fee was burned (AccountingFeeBurned)');
  assert.equal(r.after.owner - r.before.owner, paid - r.fees.owner);
  assert.equal(r.after.client - r.before.client, -paid - r.fees.client - r.burned);
  assert.equal(
    r.issuanceBefore - r.issuanceAfter,
    r.fees.owner + r.fees.client + r.fees.arbiter + r.burned,
    'only fees and the accounting fee left the supply',
  );

  // The node's qos_* RPC: a client proves one instance's report is in the
  // recorded block, without downloading the others.
  const agreementId = Number(r.agreement);
  const served = await rpc(r.rpcPort, 'qos_metricsBlock', [agreementId, TAMPERED]);
  assert.equal(toHex(served.reports_root), tampered.block.reportsRoot.toHex(), 'qos_metricsBlock serves the stored block');
  for (let instance = 0; instance < INSTANCES; instance += 1) {
    const proof = await rpc(r.rpcPort, 'qos_reportInclusionProof', [agreementId, TAMPERED, instance]);
    assert.equal(proof.leaf_index, instance, 'the leaves are by ascending instance');
    assert.equal(toHex(proof.report_hash), toHex(reportHash(tamperedReports[instance].toU8a())), "the proof is for the instance's report");
    assert.equal(toHex(proof.block.reports_root), tampered.block.reportsRoot.toHex());
    assert.ok(verifyProof(toHex(proof.block.reports_root), toHex(proof.report_hash), proof.proof), `instance ${instance}'s proof leads to reports_root`);
    const forged = Uint8Array.from(toBytes(proof.report_hash));
    forged[0] ^= 1;
    assert.ok(!verifyProof(toHex(proof.block.reports_root), forged, proof.proof), "another report's hash does not");
  }
  assert.equal(await rpc(r.rpcPort, 'qos_reportInclusionProof', [agreementId, TAMPERED, INSTANCES]), null, 'no instance, no proof');
  assert.equal(await rpc(r.rpcPort, 'qos_metricsBlock', [agreementId, PERIODS]), null, 'no period, no block');
  await assert.rejects(rpc(r.rpcPort, 'qos_metricsBlock', ['not a number', 0]), /invalid/i, 'ill-typed parameters are refused');
  // The same check from the qos terminal.
  const qos = (...args) => run(process.execPath, [path.join(repoRoot, 'scripts/qos.mjs'), ...args, '--url', `ws://127.0.0.1:${r.rpcPort}`]);
  const verified = JSON.parse(
    (await qos('verify-report', '--agreement', String(agreementId), '--period', String(TAMPERED), '--instance', '1', '--json')).stdout,
  );
  assert.equal(verified.ok, true);
  assert.equal(verified.root, tampered.block.reportsRoot.toHex());
  assert.deepEqual(verified.report, altered, 'verify-report prints the recorded report, read from the recording block');
  await assert.rejects(
    qos('verify-report', '--agreement', String(agreementId), '--period', String(TAMPERED), '--instance', String(INSTANCES)),
    (e) => e.code !== 0 && /no report of instance 3/.test(e.stderr),
  );

  // polkadot.js with no custom types decodes every event of the run and every
  // storage item of the three pallets.
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  const seen = new Set();
  for (let n = 1; n <= best; n += 1) {
    const events = await (await api.at(await api.rpc.chain.getBlockHash(n))).query.system.events();
    for (const { event } of events) {
      assert.ok(event.toHuman(), `event in block ${n} decodes`);
      seen.add(`${event.section}.${event.method}`);
    }
  }
  for (const name of [
    'slaVerification.ServiceRegistered',
    'slaVerification.OffersSet',
    'slaVerification.InstanceAdded',
    'slaVerification.InstanceRetired',
    'slaVerification.AgreementCreated',
    'slaVerification.PeriodRecorded',
    'slaVerification.PeriodConfirmed',
    'slaVerification.VerdictAccepted',
    'slaVerification.PeriodSettled',
    'slaVerification.PeriodContested',
    'slaVerification.PeriodDisputed',
    'slaVerification.AgreementFinished',
    'metricsBlocks.MetricsBlockRecorded',
    'metricsBlocks.PartialBlockRecorded',
    'escrowRelease.EscrowOpened',
    'escrowRelease.AccountingFeeBurned',
    'escrowRelease.PaidOut',
    'escrowRelease.EscrowClosed',
  ]) {
    assert.ok(seen.has(name), `${name} emitted and decoded (saw ${[...seen].join(', ')})`);
  }
  for (const section of ['metricsBlocks', 'slaVerification', 'escrowRelease']) {
    for (const [item, query] of Object.entries(api.query[section])) {
      const value = query.creator.meta.type.isPlain ? await query() : await query.entries();
      assert.ok(JSON.stringify(value.toHuman ? value.toHuman() : value.map(([k, v]) => [k.toHuman(), v.toHuman()])), `${section}.${item} decodes`);
    }
  }
  await api.disconnect();
});
