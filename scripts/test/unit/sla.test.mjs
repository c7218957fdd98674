// The CLI's SLA checks agree with the runtime's: the cases of
// primitives/src/sla/tests.rs for `within_offer`, `validate`, the tier bound
// and the availability credit, case for case.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { availabilityCredit, describeHarsherTerm, MAX_CREDIT_TIERS, MAX_INSTANCES_PER_SERVICE, toSlaTerms, validateSla, withinOffer } from '../../lib/sla.mjs';

const NO_QOS = {
  min_availability_permille: null,
  max_latency_p95_ms: null,
  min_vcpus_milli: null,
  min_memory_mib: null,
  max_cpu_steal_permille: null,
  min_healthy_instances: null,
};

/** tests.rs `cloud_schedule`. */
const cloudTiers = () => [
  { below_permille: 999, credit_percent: 10 },
  { below_permille: 990, credit_percent: 30 },
  { below_permille: 950, credit_percent: 100 },
];

/** tests.rs `sla(qos)`: the cloud schedule with `qos`. */
const sla = (qos) => ({ qos: { ...NO_QOS, ...qos }, availability_tiers: cloudTiers(), other_breach_credit_percent: 25 });
const clone = (s) => structuredClone(s);

/** tests.rs `offer()`. */
const offer = () =>
  sla({
    min_availability_permille: 999,
    max_latency_p95_ms: 20,
    min_vcpus_milli: 2000,
    min_memory_mib: 4096,
    max_cpu_steal_permille: 10,
    min_healthy_instances: 2,
  });

/** `Sla::default()`: nothing checked, no credit. */
const DEFAULT_SLA = { qos: { ...NO_QOS }, availability_tiers: [], other_breach_credit_percent: 0 };

test('terms easier on the owner are within the offer (tests.rs terms_easier_on_the_owner_are_within_the_offer)', () => {
  const o = offer();
  assert.equal(withinOffer(o, o), null);
  const easier = clone(o);
  easier.qos.min_availability_permille = 990;
  easier.qos.max_latency_p95_ms = 50;
  easier.qos.min_vcpus_milli = null;
  easier.qos.min_memory_mib = 1024;
  easier.qos.max_cpu_steal_permille = 50;
  easier.qos.min_healthy_instances = 1;
  easier.availability_tiers = [
    { below_permille: 990, credit_percent: 10 },
    { below_permille: 900, credit_percent: 50 },
  ];
  easier.other_breach_credit_percent = 0;
  assert.equal(withinOffer(easier, o), null);
  assert.equal(withinOffer(DEFAULT_SLA, o), null, 'no indicator at all');
});

test('terms harsher on the owner are refused naming the term (tests.rs terms_harsher_on_the_owner_are_refused_naming_the_term)', () => {
  const o = offer();
  const harsher = (change) => {
    const s = clone(o);
    change(s);
    return withinOffer(s, o);
  };
  assert.equal(
    harsher((s) => (s.qos.min_availability_permille = 1000)),
    'Availability',
  );
  assert.equal(
    harsher((s) => (s.qos.max_latency_p95_ms = 0)),
    'LatencyP95',
  );
  assert.equal(
    harsher((s) => (s.qos.min_vcpus_milli = 2001)),
    'Vcpus',
  );
  assert.equal(
    harsher((s) => (s.qos.min_memory_mib = 4097)),
    'Memory',
  );
  assert.equal(
    harsher((s) => (s.qos.max_cpu_steal_permille = 9)),
    'CpuSteal',
  );
  assert.equal(
    harsher((s) => (s.qos.min_healthy_instances = 3)),
    'HealthyInstances',
  );
  assert.equal(
    harsher((s) => (s.availability_tiers[0].credit_percent = 11)),
    'AvailabilityCredit',
    'a larger credit in a tier',
  );
  assert.equal(
    harsher((s) => (s.availability_tiers[1].below_permille = 995)),
    'AvailabilityCredit',
    'a tier that starts earlier',
  );
  assert.equal(
    harsher((s) => (s.other_breach_credit_percent = 26)),
    'OtherBreachCredit',
  );
  // The client's example of a bought refund: 100 % credit on a 0 ms latency.
  const bought = clone(DEFAULT_SLA);
  bought.qos.max_latency_p95_ms = 0;
  bought.other_breach_credit_percent = 100;
  assert.equal(withinOffer(bought, o), 'LatencyP95');
  // An indicator the offer does not check may not be added.
  const unchecked = clone(o);
  unchecked.qos.max_latency_p95_ms = null;
  assert.equal(withinOffer(o, unchecked), 'LatencyP95');
});

test('availability: no threshold is harsher than an offered 0 when healthy instances are counted', () => {
  // terms.rs `availability_ok`: (None, Some(o)) is fine unless
  // min_healthy_instances is asked and the offer's threshold is 0.
  const o = sla({ min_availability_permille: 0, min_healthy_instances: 2 });
  const asked = sla({ min_healthy_instances: 2 });
  assert.equal(withinOffer(asked, o), 'Availability');
  assert.equal(withinOffer(asked, sla({ min_availability_permille: 1, min_healthy_instances: 2 })), null);
  assert.equal(withinOffer(sla({}), o), null, 'without min_healthy_instances');
  // (Some(a), None): only a threshold of 0 adds nothing.
  assert.equal(withinOffer(sla({ min_availability_permille: 0 }), sla({})), null);
  assert.equal(withinOffer(sla({ min_availability_permille: 1 }), sla({})), 'Availability');
});

test('the availability credit takes the worst tier that applies (tests.rs availability_credit_takes_worst_tier_that_applies)', () => {
  const s = sla({ min_availability_permille: 999 });
  assert.equal(availabilityCredit(s, 1000), 0);
  assert.equal(availabilityCredit(s, 999), 0, 'at the threshold');
  assert.equal(availabilityCredit(s, 998), 10);
  assert.equal(availabilityCredit(s, 990), 10);
  assert.equal(availabilityCredit(s, 989), 30);
  assert.equal(availabilityCredit(s, 950), 30);
  assert.equal(availabilityCredit(s, 949), 100);
  assert.equal(availabilityCredit(s, 0), 100);
  assert.equal(availabilityCredit(sla({}), 0), 0, 'availability not checked');
});

test('validation names the problem (tests.rs validation_names_the_problem)', () => {
  const s = sla({ min_availability_permille: 1000 });
  assert.equal(validateSla(s), null);
  s.qos.min_availability_permille = 1001;
  assert.equal(validateSla(s), 'PermilleOutOfRange');
  s.qos.min_availability_permille = null;
  s.qos.max_cpu_steal_permille = 1001;
  assert.equal(validateSla(s), 'PermilleOutOfRange');
  s.qos.max_cpu_steal_permille = null;
  s.qos.min_healthy_instances = 0;
  assert.equal(validateSla(s), 'HealthyInstancesOutOfRange');
  assert.equal(MAX_INSTANCES_PER_SERVICE, 1024, "qos-primitives' MAX_INSTANCES_PER_SERVICE");
  s.qos.min_healthy_instances = MAX_INSTANCES_PER_SERVICE;
  assert.equal(validateSla(s), null);
  s.qos.min_healthy_instances = MAX_INSTANCES_PER_SERVICE + 1;
  assert.equal(validateSla(s), 'HealthyInstancesOutOfRange');
  s.qos.min_healthy_instances = null;
  s.other_breach_credit_percent = 101;
  assert.equal(validateSla(s), 'PercentOutOfRange');
  s.other_breach_credit_percent = 0;
  s.availability_tiers[1].credit_percent = 5;
  assert.equal(validateSla(s), 'TiersNotOrdered');
  s.availability_tiers[1] = { below_permille: 999, credit_percent: 30 };
  assert.equal(validateSla(s), 'TiersNotOrdered');
  s.availability_tiers[1] = { below_permille: 990, credit_percent: 101 };
  assert.equal(validateSla(s), 'PercentOutOfRange');
  s.availability_tiers[1] = { below_permille: 1001, credit_percent: 30 };
  assert.equal(validateSla(s), 'PermilleOutOfRange');
});

test('terms with too many tiers or bad values are refused by name (tests.rs terms_with_too_many_tiers_or_bad_values_are_refused_by_name)', () => {
  const tiers = (n) => Array.from({ length: n }, (_, i) => ({ below_permille: 1000 - i, credit_percent: i + 1 }));
  const terms = (n) => ({ qos: { ...NO_QOS }, availability_tiers: tiers(n), other_breach_credit_percent: 0 });
  assert.equal(validateSla(terms(MAX_CREDIT_TIERS)), null);
  assert.equal(validateSla(terms(MAX_CREDIT_TIERS + 1)), 'TooManyCreditTiers');
  const bad = terms(1);
  bad.other_breach_credit_percent = 101;
  assert.equal(validateSla(bad), 'PercentOutOfRange');
});

test('the stored shape and polkadot.js JSON read as the same terms', () => {
  const flat = sla({ min_availability_permille: 990 });
  const stored = { qos: flat.qos, credits: { availability_tiers: flat.availability_tiers, other_breach_credit_percent: 25 } };
  const json = {
    qos: { minAvailabilityPermille: 990, maxLatencyP95Ms: null, minVcpusMilli: null, minMemoryMib: null, maxCpuStealPermille: null, minHealthyInstances: null },
    credits: {
      availabilityTiers: cloudTiers().map((t) => ({ belowPermille: t.below_permille, creditPercent: t.credit_percent })),
      otherBreachCreditPercent: 25,
    },
  };
  assert.deepEqual(toSlaTerms(stored), flat);
  assert.deepEqual(toSlaTerms(json), flat);
  assert.equal(withinOffer(flat, json), null);
});

test('within_offer is reflexive and refuses every single tightening (seeded random terms)', () => {
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const opt = (n, min = 0) => (rand(2) ? null : min + rand(n));
  for (let i = 0; i < 500; i += 1) {
    const thresholds = [...new Set(Array.from({ length: rand(5) }, () => rand(1001)))].sort((a, b) => b - a);
    const credits = [...new Set(Array.from({ length: thresholds.length }, () => rand(101)))].sort((a, b) => a - b);
    const s = {
      qos: {
        min_availability_permille: opt(1001),
        max_latency_p95_ms: opt(100),
        min_vcpus_milli: opt(3000),
        min_memory_mib: opt(5000),
        max_cpu_steal_permille: opt(1001),
        min_healthy_instances: opt(4, 1),
      },
      availability_tiers: credits.map((c, k) => ({ below_permille: thresholds[k], credit_percent: c })),
      other_breach_credit_percent: rand(101),
    };
    if (validateSla(s) !== null) continue;
    assert.equal(withinOffer(s, s), null, JSON.stringify(s));
    if (s.qos.max_latency_p95_ms !== null && s.qos.max_latency_p95_ms > 0) {
      const t = clone(s);
      t.qos.max_latency_p95_ms -= 1;
      assert.equal(withinOffer(t, s), 'LatencyP95');
    }
    if (s.other_breach_credit_percent < 100) {
      const t = clone(s);
      t.other_breach_credit_percent += 1;
      assert.equal(withinOffer(t, s), 'OtherBreachCredit');
    }
  }
});

test('a harsher term is described by its field, option and both values', () => {
  const o = offer();
  const asked = clone(o);
  asked.qos.max_latency_p95_ms = 5;
  assert.equal(
    describeHarsherTerm('LatencyP95', asked, o),
    "max_latency_p95_ms (--max-latency-p95) 5 is harsher than the offer's 20: ask at least the offer's value, or leave it out",
  );
  assert.match(describeHarsherTerm('OtherBreachCredit', { ...o, other_breach_credit_percent: 26 }, o), /26 is above the offer's 25/);
  assert.match(describeHarsherTerm('AvailabilityCredit', o, o), /999:10 990:30 950:100/);
  const unchecked = clone(o);
  unchecked.qos.max_latency_p95_ms = null;
  assert.equal(
    describeHarsherTerm('LatencyP95', o, unchecked),
    'max_latency_p95_ms (--max-latency-p95) 20 is not checked by the offer, so it may not be added: leave it out',
  );
  const healthyOnly = sla({ min_healthy_instances: 2 });
  assert.match(
    describeHarsherTerm('Availability', healthyOnly, sla({ min_availability_permille: 0, min_healthy_instances: 2 })),
    /left out is harsher than the offer's 0/,
  );
});
