// End to end on the real binaries: three validators, three qos-monitors, a
// workload that goes down twice, and an owner who hides the second outage by
// rewriting the monitor's report on its way to the accounting node.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { resultTable, Scenario } from '../lib/scenario.mjs';
import { tempDir } from '../lib/node.mjs';

const PERIODS = 4;
const TAMPERED = 2;
let scenario;
after(() => scenario?.stop());

/** The availability tier the SLA maps a mean availability to (test oracle). */
function expectedCredit(sla, availability) {
  if (availability >= sla.qos.min_availability_permille) return 0;
  return Math.max(0, ...sla.credits.availability_tiers.filter((t) => availability < t.below_permille).map((t) => t.credit_percent));
}

test('an agreement settles period by period; breaches are credited; tampering is caught', { timeout: 600_000 }, async () => {
  const { DEMO_SLA } = await import('../lib/scenario.mjs');
  scenario = new Scenario({
    dir: tempDir('e2e'),
    periods: PERIODS,
    periodMs: 30_000,
    downtime: [
      { instance: 1, period: 1, fromMs: 5_000, toMs: 15_000 },
      { instance: 1, period: TAMPERED, fromMs: 5_000, toMs: 15_000 },
    ],
    tamperPeriods: [TAMPERED],
    tamperInstance: 1,
    arbiterOwnerPercent: 40,
    log: (l) => console.log(`# ${l}`),
  });
  const r = await scenario.run();
  console.log(resultTable(r).replace(/^/gm, '# '));

  assert.equal(r.results.length, PERIODS, 'every period recorded');
  for (const row of r.results) {
    assert.ok(['Settled', 'Resolved'].includes(row.state), `period ${row.period} settled or resolved`);
  }

  // The breached period is refunded exactly by the credit schedule.
  const down = r.results[1];
  const reports = down.block.reports.map((x) => x.toJSON());
  const availability = Math.floor(
    reports.reduce((sum, rep) => sum + Math.floor((rep.probeSuccesses * 1000) / Math.max(rep.expectedSamples, rep.samples, rep.probeSuccesses)), 0) / 3,
  );
  const credit = expectedCredit(DEMO_SLA, availability);
  assert.ok(credit > 0, `period 1 breached (availability ${availability} ‰)`);
  assert.equal(down.verdict, 'Breached');
  assert.equal(down.credit, credit);
  const refund = (r.price * BigInt(credit) + 99n) / 100n;
  assert.equal(down.toClient, refund, 'refund = ceil(price × credit)');
  assert.equal(down.toOwner, r.price - refund);

  // Undisturbed periods pay the owner in full.
  for (const p of [0, 3]) {
    assert.equal(r.results[p].verdict, 'Met', `period ${p} met`);
    assert.equal(r.results[p].toOwner, r.price);
  }

  // The altered report makes the OTP fail; the money stayed in escrow until the arbiter.
  const tampered = r.results[TAMPERED];
  assert.ok(r.tampered >= 1, 'the proxy altered a report');
  // The altered report hid the outage: the ledger's verdict believed it.
  const stored = tampered.block.reports.find((x) => x.instance.toNumber() === 1).toJSON();
  assert.equal(stored.probeSuccesses, stored.expectedSamples, 'the recorded report is the altered one');
  assert.match(tampered.otp, /mismatch/);
  assert.equal(tampered.state, 'Resolved');
  assert.ok(tampered.heldWhileDisputed >= r.price * BigInt(PERIODS - TAMPERED), 'the period was still in escrow while disputed');
  assert.equal(tampered.toOwner, (r.price * 40n) / 100n);
  assert.equal(tampered.toOwner + tampered.toClient, r.price);

  // No fund created or lost.
  const paid = r.results.reduce((s, x) => s + x.toOwner, 0n);
  const back = r.results.reduce((s, x) => s + x.toClient, 0n);
  assert.equal(paid + back, r.price * BigInt(PERIODS));
  assert.equal(r.escrowLeft, 0n);
  assert.equal(r.after.owner - r.before.owner, paid - r.fees.owner);
  assert.equal(r.after.client - r.before.client, -paid - r.fees.client);
  assert.equal(r.issuanceBefore - r.issuanceAfter, r.fees.owner + r.fees.client + r.fees.arbiter, 'only fees left the supply');

  // polkadot.js with no custom types decodes every event of the run and every
  // storage item of the three pallets.
  const { api } = r;
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  const seen = new Set();
  for (let n = 1; n <= best; n += 1) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const events = await api.query.system.events.at(hash);
    for (const { event } of events) {
      assert.ok(event.toHuman(), `event in block ${n} decodes`);
      seen.add(`${event.section}.${event.method}`);
    }
  }
  for (const name of [
    'slaVerification.ServiceRegistered',
    'slaVerification.InstanceAdded',
    'slaVerification.AgreementCreated',
    'slaVerification.PeriodRecorded',
    'slaVerification.PeriodSettled',
    'slaVerification.OtpMismatch',
    'slaVerification.PeriodDisputed',
    'slaVerification.DisputeResolved',
    'metricsBlocks.MetricsBlockRecorded',
    'escrowRelease.EscrowOpened',
    'escrowRelease.PeriodPaid',
  ]) {
    assert.ok(seen.has(name), `${name} emitted and decoded (saw ${[...seen].join(', ')})`);
  }
  for (const section of ['metricsBlocks', 'slaVerification', 'escrowRelease']) {
    for (const [item, query] of Object.entries(api.query[section])) {
      const value = query.creator.meta.type.isPlain ? await query() : await query.entries();
      assert.ok(JSON.stringify(value.toHuman ? value.toHuman() : value.map(([k, v]) => [k.toHuman(), v.toHuman()])), `${section}.${item} decodes`);
    }
  }
  await r.api.disconnect();
});
