// SLA terms on the client's side: a port of qos-primitives' sla/terms.rs
// (`Sla::validate`, `Sla::availability_credit`, `Sla::within_offer`), so that
// the CLI refuses terms the chain would refuse, naming the term, before
// anything is sent. primitives/src/sla/tests.rs and test/unit/sla.test.mjs
// hold the same cases.
//
// Terms are handled in the shape a call takes (`SlaTerms`):
//   { qos: { min_availability_permille, max_latency_p95_ms, min_vcpus_milli,
//            min_memory_mib, max_cpu_steal_permille, min_healthy_instances },   each null or a number
//     availability_tiers: [{ below_permille, credit_percent }],                  mildest first, at most 4
//     other_breach_credit_percent }
// `toSlaTerms` also takes the stored shape (`Sla`, tiers under `credits`) and
// polkadot.js' camelCase JSON of either.

/** Most availability tiers in a credit schedule (terms.rs `MAX_CREDIT_TIERS`). */
export const MAX_CREDIT_TIERS = 4;
/** Most instances of a service (qos-primitives `MAX_INSTANCES_PER_SERVICE`). */
export const MAX_INSTANCES_PER_SERVICE = 1024;

/** The QoS indicators: SlaTerms field, the verdict's `Indicator` name and the CLI option that sets it. */
export const INDICATORS = [
  { field: 'min_availability_permille', indicator: 'Availability', option: 'min-availability', kind: 'min' },
  { field: 'max_latency_p95_ms', indicator: 'LatencyP95', option: 'max-latency-p95', kind: 'max' },
  { field: 'min_vcpus_milli', indicator: 'Vcpus', option: 'min-vcpus-milli', kind: 'min' },
  { field: 'min_memory_mib', indicator: 'Memory', option: 'min-memory-mib', kind: 'min' },
  { field: 'max_cpu_steal_permille', indicator: 'CpuSteal', option: 'max-steal', kind: 'max' },
  { field: 'min_healthy_instances', indicator: 'HealthyInstances', option: 'min-healthy', kind: 'min' },
];

const camel = (snake) => snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const pick = (obj, snake) => (obj?.[snake] !== undefined ? obj[snake] : obj?.[camel(snake)]);
const optionalNumber = (v) => (v === undefined || v === null ? null : Number(v));

/**
 * `sla` as SlaTerms with snake_case fields: accepts SlaTerms, the stored
 * `Sla` (`credits.availability_tiers`), and polkadot.js JSON of either.
 */
export function toSlaTerms(sla) {
  if (!sla || typeof sla !== 'object') throw new TypeError('SLA terms must be an object');
  const q = pick(sla, 'qos') ?? {};
  const credits = pick(sla, 'credits');
  const schedule = credits ?? sla;
  const tiers = pick(schedule, 'availability_tiers') ?? [];
  if (!Array.isArray(tiers)) throw new TypeError('availability_tiers must be a list');
  return {
    qos: Object.fromEntries(INDICATORS.map(({ field }) => [field, optionalNumber(pick(q, field))])),
    availability_tiers: tiers.map((t) => ({ below_permille: Number(pick(t, 'below_permille')), credit_percent: Number(pick(t, 'credit_percent')) })),
    other_breach_credit_percent: Number(pick(schedule, 'other_breach_credit_percent') ?? 0),
  };
}

/**
 * `null` if the pallet would accept the terms (`Sla::try_from`: the tier
 * bound, then `Sla::validate`), otherwise the `SlaError` name:
 * TooManyCreditTiers, PermilleOutOfRange, HealthyInstancesOutOfRange,
 * PercentOutOfRange or TiersNotOrdered.
 */
export function validateSla(sla) {
  const s = toSlaTerms(sla);
  if (s.availability_tiers.length > MAX_CREDIT_TIERS) return 'TooManyCreditTiers';
  const q = s.qos;
  if ((q.min_availability_permille ?? 0) > 1000 || (q.max_cpu_steal_permille ?? 0) > 1000) return 'PermilleOutOfRange';
  if (q.min_healthy_instances !== null && (q.min_healthy_instances === 0 || q.min_healthy_instances > MAX_INSTANCES_PER_SERVICE)) {
    return 'HealthyInstancesOutOfRange';
  }
  if (s.other_breach_credit_percent > 100) return 'PercentOutOfRange';
  for (const tier of s.availability_tiers) {
    if (tier.below_permille > 1000) return 'PermilleOutOfRange';
    if (tier.credit_percent > 100) return 'PercentOutOfRange';
  }
  for (let i = 1; i < s.availability_tiers.length; i += 1) {
    const [prev, next] = [s.availability_tiers[i - 1], s.availability_tiers[i]];
    if (next.below_permille >= prev.below_permille || next.credit_percent <= prev.credit_percent) return 'TiersNotOrdered';
  }
  return null;
}

const SLA_ERROR_TEXT = {
  TooManyCreditTiers: `more than ${MAX_CREDIT_TIERS} availability credit tiers`,
  PermilleOutOfRange: 'a permille value is above 1000',
  PercentOutOfRange: 'a credit percentage is above 100',
  TiersNotOrdered: 'credit tiers must go from the mildest to the worst: strictly decreasing thresholds and strictly increasing credits',
  HealthyInstancesOutOfRange: `min_healthy_instances must be from 1 to ${MAX_INSTANCES_PER_SERVICE}`,
};

/** A one-line explanation of a `validateSla` error. */
export function describeSlaError(error) {
  return SLA_ERROR_TEXT[error] ?? error;
}

/**
 * The availability credit, in percent, at a mean availability of
 * `availabilityPermille`: 0 unless availability is checked and missed,
 * otherwise the largest credit of the tiers that apply.
 */
export function availabilityCredit(sla, availabilityPermille) {
  const s = toSlaTerms(sla);
  const min = s.qos.min_availability_permille;
  if (min === null || !(availabilityPermille < min)) return 0;
  return Math.max(0, ...s.availability_tiers.filter((t) => availabilityPermille < t.below_permille).map((t) => t.credit_percent));
}

/**
 * `null` if `asked` is no harsher on the owner than `offer`: for any
 * reports, it never finds a breach the offer does not find, nor a larger
 * credit. Otherwise the first harsher term: an `Indicator` name
 * (Availability, LatencyP95, Vcpus, Memory, CpuSteal, HealthyInstances) when
 * that threshold is stricter or the offer does not check it,
 * `AvailabilityCredit` or `OtherBreachCredit`.
 */
export function withinOffer(asked, offer) {
  const a = toSlaTerms(asked);
  const o = toSlaTerms(offer);
  // A "minimum" threshold is no harsher when it is absent or lower; a
  // threshold the offer does not check may not be added (a missing
  // instance fails every checked per-instance indicator).
  const minOk = (x, y) => x === null || (y !== null && x <= y);
  const maxOk = (x, y) => x === null || (y !== null && x >= y);
  // Availability also decides which instances count as healthy: without a
  // threshold an instance is healthy when it was up at all, which is harsher
  // than an offered threshold of 0.
  const [av, ov] = [a.qos.min_availability_permille, o.qos.min_availability_permille];
  let availabilityOk;
  if (av === null && ov === null) availabilityOk = true;
  else if (av !== null && ov !== null) availabilityOk = av <= ov;
  else if (av === null) availabilityOk = a.qos.min_healthy_instances === null || ov >= 1;
  else availabilityOk = av === 0;
  if (!availabilityOk) return 'Availability';
  for (const { field, indicator, kind } of INDICATORS.slice(1)) {
    const ok = kind === 'min' ? minOk : maxOk;
    if (!ok(a.qos[field], o.qos[field])) return indicator;
  }
  // Both availability credits are step functions of the availability that
  // change only at a tier threshold or a minimum, so comparing them at those
  // points (and at 0) compares them everywhere.
  const breakpoints = [
    ...a.availability_tiers.map((t) => t.below_permille),
    ...o.availability_tiers.map((t) => t.below_permille),
    ...[av, ov].filter((v) => v !== null),
    0,
  ];
  for (const availability of breakpoints) {
    if (availabilityCredit(a, availability) > availabilityCredit(o, availability)) return 'AvailabilityCredit';
  }
  if (a.other_breach_credit_percent > o.other_breach_credit_percent) return 'OtherBreachCredit';
  return null;
}

/** A one-line explanation of a `withinOffer` answer, naming the term and both values. */
export function describeHarsherTerm(term, asked, offer) {
  const [a, o] = [toSlaTerms(asked), toSlaTerms(offer)];
  const indicator = INDICATORS.find((i) => i.indicator === term);
  if (indicator) {
    const { field, option, kind } = indicator;
    const [mine, theirs] = [a.qos[field], o.qos[field]];
    if (theirs === null) return `${field} (--${option}) ${mine} is not checked by the offer, so it may not be added: leave it out`;
    if (mine === null) {
      // Only availability: without a threshold, --min-healthy counts an
      // instance healthy only if it was up at all.
      return `${field} (--${option}) left out is harsher than the offer's ${theirs} when min_healthy_instances is asked: ask at most ${theirs}`;
    }
    const way = kind === 'min' ? 'at most' : 'at least';
    return `${field} (--${option}) ${mine} is harsher than the offer's ${theirs}: ask ${way} the offer's value, or leave it out`;
  }
  if (term === 'AvailabilityCredit') {
    const tiers = (s) => s.availability_tiers.map((t) => `${t.below_permille}:${t.credit_percent}`).join(' ') || 'none';
    return `availability_tiers (--credit-tier) ${tiers(a)} credit more than the offer's ${tiers(o)} at some availability`;
  }
  if (term === 'OtherBreachCredit') {
    return `other_breach_credit_percent (--other-credit) ${a.other_breach_credit_percent} is above the offer's ${o.other_breach_credit_percent}`;
  }
  return term;
}

/** How each indicator reads in words, for people (the dashboard). */
const INDICATOR_WORDS = {
  min_availability_permille: (v) => `availability ≥ ${v / 10} %`,
  max_latency_p95_ms: (v) => `p95 latency ≤ ${v} ms`,
  min_vcpus_milli: (v) => `≥ ${v / 1000} vCPUs per instance`,
  min_memory_mib: (v) => `≥ ${v} MiB per instance`,
  max_cpu_steal_permille: (v) => `CPU steal ≤ ${v / 10} %`,
  min_healthy_instances: (v) => `≥ ${v} healthy instances`,
};

/** `{ indicators, credits }`: an SLA (any shape `toSlaTerms` takes) in words. */
export function describeSla(sla) {
  const terms = toSlaTerms(sla);
  const indicators = INDICATORS.filter(({ field }) => terms.qos[field] !== null).map(({ field }) => INDICATOR_WORDS[field](terms.qos[field]));
  const credits = terms.availability_tiers.map((t) => `${t.credit_percent} % below ${t.below_permille / 10} %`);
  if (terms.other_breach_credit_percent > 0) credits.push(`${terms.other_breach_credit_percent} % for another missed indicator`);
  return { indicators: indicators.join(', ') || 'nothing checked', credits: credits.join(', ') || 'no credits' };
}
