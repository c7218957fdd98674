//! Tests of the SLA terms and of the verdict.

use super::*;
use crate::{BoundedVec, InstanceId, Report, Window};
use alloc::vec::Vec;

const WINDOW: Window = Window { from_ms: 60_000, to_ms: 120_000 };

/// All 1000 probes answered, p95 latency 20 ms and CPU steal 10 ‰: the
/// values the thresholds below are drawn around.
fn report(instance: InstanceId) -> Report {
	Report {
		latency_p50_ms: 5,
		latency_p95_ms: 20,
		latency_p99_ms: 40,
		cpu_steal_permille: 10,
		..Report::all_up(1, 1, instance, WINDOW, 1000)
	}
}

fn with_successes(instance: InstanceId, successes: u32) -> Report {
	let mut r = report(instance);
	r.probe_successes = successes;
	r.probe_failures = 1000 - successes;
	r
}

fn cloud_schedule() -> CreditSchedule {
	CreditSchedule {
		availability_tiers: BoundedVec::truncate_from(alloc::vec![
			CreditTier { below_permille: 999, credit_percent: 10 },
			CreditTier { below_permille: 990, credit_percent: 30 },
			CreditTier { below_permille: 950, credit_percent: 100 },
		]),
		other_breach_credit_percent: 25,
	}
}

fn running(ids: &[InstanceId]) -> Vec<CoveredInstance> {
	ids.iter().copied().map(CoveredInstance::running).collect()
}

fn sla(qos: QosIndicators) -> Sla {
	Sla { qos, credits: cloud_schedule() }
}

fn violated(v: &Verdict) -> Vec<Indicator> {
	match v {
		Verdict::Met => Vec::new(),
		Verdict::Breached { violated, .. } => violated.to_vec(),
	}
}

fn failing(v: &Verdict) -> Vec<InstanceId> {
	match v {
		Verdict::Met => Vec::new(),
		Verdict::Breached { failing_instances, .. } => failing_instances.to_vec(),
	}
}

#[test]
fn availability_at_above_and_below_threshold() {
	let s = sla(QosIndicators { min_availability_permille: Some(999), ..Default::default() });
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[with_successes(0, 999)]), Verdict::Met);
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[with_successes(0, 1000)]), Verdict::Met);
	let v = evaluate(&s, &WINDOW, &running(&[0]), &[with_successes(0, 998)]);
	assert_eq!(violated(&v), [Indicator::Availability]);
	assert_eq!(v.credit_percent(), 10);
	assert_eq!(failing(&v), [0]);
}

#[test]
fn availability_credit_takes_worst_tier_that_applies() {
	let s = sla(QosIndicators { min_availability_permille: Some(999), ..Default::default() });
	let credit = |succ| evaluate(&s, &WINDOW, &running(&[0]), &[with_successes(0, succ)]).credit_percent();
	assert_eq!(credit(990), 10);
	assert_eq!(credit(989), 30);
	assert_eq!(credit(950), 30);
	assert_eq!(credit(949), 100);
	assert_eq!(credit(0), 100);
}

#[test]
fn availability_is_mean_across_instances() {
	let s = sla(QosIndicators { min_availability_permille: Some(900), ..Default::default() });
	// (1000 + 800) / 2 = 900: at threshold.
	let v = evaluate(&s, &WINDOW, &running(&[0, 1]), &[report(0), with_successes(1, 800)]);
	assert_eq!(violated(&v), Vec::<Indicator>::new());
	// (1000 + 799) / 2 = 899: just below.
	let v = evaluate(&s, &WINDOW, &running(&[0, 1]), &[report(0), with_successes(1, 799)]);
	assert_eq!(violated(&v), [Indicator::Availability]);
	assert_eq!(failing(&v), [1]);
}

#[test]
fn latency_at_above_and_below_threshold() {
	let s = sla(QosIndicators { max_latency_p95_ms: Some(20), ..Default::default() });
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[report(0)]), Verdict::Met);
	let mut r = report(0);
	r.latency_p95_ms = 19;
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[r.clone()]), Verdict::Met);
	r.latency_p95_ms = 21;
	let v = evaluate(&s, &WINDOW, &running(&[0]), &[r]);
	assert_eq!(violated(&v), [Indicator::LatencyP95]);
	assert_eq!(v.credit_percent(), 25);
}

#[test]
fn vcpus_and_memory_at_above_and_below_threshold() {
	let s = sla(QosIndicators { min_vcpus_milli: Some(2000), min_memory_mib: Some(4096), ..Default::default() });
	let mut r = report(0);
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[r.clone()]), Verdict::Met);
	r.min_vcpus_milli = 2001;
	r.min_memory_mib = 4097;
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[r.clone()]), Verdict::Met);
	r.min_vcpus_milli = 1999;
	assert_eq!(violated(&evaluate(&s, &WINDOW, &running(&[0]), &[r.clone()])), [Indicator::Vcpus]);
	r.min_vcpus_milli = 2000;
	r.min_memory_mib = 4095;
	assert_eq!(violated(&evaluate(&s, &WINDOW, &running(&[0]), &[r])), [Indicator::Memory]);
}

#[test]
fn steal_at_above_and_below_threshold() {
	let s = sla(QosIndicators { max_cpu_steal_permille: Some(10), ..Default::default() });
	let mut r = report(0);
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[r.clone()]), Verdict::Met);
	r.cpu_steal_permille = 9;
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[r.clone()]), Verdict::Met);
	r.cpu_steal_permille = 11;
	assert_eq!(violated(&evaluate(&s, &WINDOW, &running(&[0]), &[r])), [Indicator::CpuSteal]);
}

#[test]
fn healthy_instances_at_above_and_below_threshold() {
	let s = sla(QosIndicators { min_healthy_instances: Some(2), ..Default::default() });
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0, 1, 2]), &[report(0), report(1), report(2)]), Verdict::Met);
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0, 1, 2]), &[report(0), report(1)]), Verdict::Met);
	let v = evaluate(&s, &WINDOW, &running(&[0, 1, 2]), &[report(0)]);
	assert_eq!(violated(&v), [Indicator::HealthyInstances]);
	assert_eq!(failing(&v), [1, 2]);
	assert_eq!(v.credit_percent(), 25);
}

#[test]
fn missing_instance_is_down_for_the_whole_window() {
	let s =
		sla(QosIndicators { min_availability_permille: Some(999), min_vcpus_milli: Some(1000), ..Default::default() });
	let v = evaluate(&s, &WINDOW, &running(&[0, 1]), &[report(0)]);
	assert_eq!(violated(&v), [Indicator::Availability, Indicator::Vcpus]);
	assert_eq!(failing(&v), [1]);
	// Availability 500 ‰ is in the worst tier.
	assert_eq!(v.credit_percent(), 100);
}

#[test]
fn report_for_another_window_or_instance_counts_as_missing() {
	let s = sla(QosIndicators { min_availability_permille: Some(500), ..Default::default() });
	let mut late = report(0);
	late.window = Window { from_ms: 120_000, to_ms: 180_000 };
	assert_eq!(failing(&evaluate(&s, &WINDOW, &running(&[0]), &[late])), [0]);
	assert_eq!(failing(&evaluate(&s, &WINDOW, &running(&[0]), &[report(7)])), [0]);
}

#[test]
fn zero_reports_and_zero_instances_breach_availability() {
	let s = sla(QosIndicators { min_availability_permille: Some(1), ..Default::default() });
	let v = evaluate(&s, &WINDOW, &running(&[0, 1]), &[]);
	assert_eq!(violated(&v), [Indicator::Availability]);
	assert_eq!(failing(&v), [0, 1]);
	assert_eq!(v.credit_percent(), 100);
	assert_eq!(violated(&evaluate(&s, &WINDOW, &running(&[]), &[])), [Indicator::Availability]);
}

#[test]
fn no_indicators_means_met_while_instances_report() {
	let s = Sla::default();
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[report(0)]), Verdict::Met);
	assert_eq!(evaluate(&s, &WINDOW, &running(&[0]), &[]), Verdict::Met);
}

#[test]
fn validation_names_the_problem() {
	let mut s = sla(QosIndicators { min_availability_permille: Some(1000), ..Default::default() });
	assert_eq!(s.validate(), Ok(()));
	s.qos.min_availability_permille = Some(1001);
	assert_eq!(s.validate(), Err(SlaError::PermilleOutOfRange));
	s.qos.min_availability_permille = None;
	s.qos.max_cpu_steal_permille = Some(1001);
	assert_eq!(s.validate(), Err(SlaError::PermilleOutOfRange));
	s.qos.max_cpu_steal_permille = None;
	s.qos.min_healthy_instances = Some(0);
	assert_eq!(s.validate(), Err(SlaError::HealthyInstancesOutOfRange));
	s.qos.min_healthy_instances = Some(crate::MAX_INSTANCES_PER_SERVICE + 1);
	assert_eq!(s.validate(), Err(SlaError::HealthyInstancesOutOfRange));
	s.qos.min_healthy_instances = None;
	s.credits.other_breach_credit_percent = 101;
	assert_eq!(s.validate(), Err(SlaError::PercentOutOfRange));
	s.credits.other_breach_credit_percent = 0;
	s.credits.availability_tiers[1].credit_percent = 5;
	assert_eq!(s.validate(), Err(SlaError::TiersNotOrdered));
	s.credits.availability_tiers[1] = CreditTier { below_permille: 999, credit_percent: 30 };
	assert_eq!(s.validate(), Err(SlaError::TiersNotOrdered));
	s.credits.availability_tiers[1] = CreditTier { below_permille: 990, credit_percent: 101 };
	assert_eq!(s.validate(), Err(SlaError::PercentOutOfRange));
	s.credits.availability_tiers[1] = CreditTier { below_permille: 1001, credit_percent: 30 };
	assert_eq!(s.validate(), Err(SlaError::PermilleOutOfRange));
}

#[test]
fn instance_retired_before_the_window_is_down_for_all_of_it() {
	let s = sla(QosIndicators { min_availability_permille: Some(999), ..Default::default() });
	let retired = CoveredInstance { instance: 1, retired_at_ms: Some(WINDOW.from_ms) };
	// Even a report of the retired instance does not count.
	let v = evaluate(&s, &WINDOW, &[CoveredInstance::running(0), retired], &[report(0), report(1)]);
	assert_eq!(violated(&v), [Indicator::Availability]);
	assert_eq!(failing(&v), [1]);
	assert_eq!(v.credit_percent(), 100, "mean availability 500 ‰");
}

#[test]
fn instance_retired_during_the_window_is_down_from_its_retirement() {
	let s = sla(QosIndicators { min_availability_permille: Some(999), ..Default::default() });
	// Retired three quarters into the window: 1000 ‰ reported counts as 750 ‰.
	let at = WINDOW.from_ms + WINDOW.len_ms() * 3 / 4;
	let retired = CoveredInstance { instance: 0, retired_at_ms: Some(at) };
	let v = evaluate(&s, &WINDOW, &[retired], &[report(0)]);
	assert_eq!(violated(&v), [Indicator::Availability]);
	assert_eq!(v.credit_percent(), 100, "750 ‰ is in the worst tier");
	// Retired after the window: the window is untouched.
	let later = CoveredInstance { instance: 0, retired_at_ms: Some(WINDOW.to_ms) };
	assert_eq!(evaluate(&s, &WINDOW, &[later], &[report(0)]), Verdict::Met);
}

#[test]
fn terms_with_too_many_tiers_or_bad_values_are_refused_by_name() {
	let tiers = |n: u16| (0..n).map(|i| CreditTier { below_permille: 1000 - i, credit_percent: i as u8 + 1 }).collect();
	let terms =
		|n| SlaTerms { qos: QosIndicators::default(), availability_tiers: tiers(n), other_breach_credit_percent: 0 };
	assert_eq!(Sla::try_from(terms(MAX_CREDIT_TIERS as u16)).map(|s| s.credits.availability_tiers.len()), Ok(4));
	assert_eq!(Sla::try_from(terms(MAX_CREDIT_TIERS as u16 + 1)), Err(SlaError::TooManyCreditTiers));
	let mut bad = terms(1);
	bad.other_breach_credit_percent = 101;
	assert_eq!(Sla::try_from(bad), Err(SlaError::PercentOutOfRange));
	let sla = sla(QosIndicators { min_availability_permille: Some(990), ..Default::default() });
	assert_eq!(Sla::try_from(SlaTerms::from(sla.clone())), Ok(sla));
}

fn offer() -> Sla {
	sla(QosIndicators {
		min_availability_permille: Some(999),
		max_latency_p95_ms: Some(20),
		min_vcpus_milli: Some(2000),
		min_memory_mib: Some(4096),
		max_cpu_steal_permille: Some(10),
		min_healthy_instances: Some(2),
	})
}

#[test]
fn terms_easier_on_the_owner_are_within_the_offer() {
	let offer = offer();
	assert_eq!(offer.within_offer(&offer), Ok(()));
	let mut easier = offer.clone();
	easier.qos.min_availability_permille = Some(990);
	easier.qos.max_latency_p95_ms = Some(50);
	easier.qos.min_vcpus_milli = None;
	easier.qos.min_memory_mib = Some(1024);
	easier.qos.max_cpu_steal_permille = Some(50);
	easier.qos.min_healthy_instances = Some(1);
	easier.credits.availability_tiers = BoundedVec::truncate_from(alloc::vec![
		CreditTier { below_permille: 990, credit_percent: 10 },
		CreditTier { below_permille: 900, credit_percent: 50 },
	]);
	easier.credits.other_breach_credit_percent = 0;
	assert_eq!(easier.within_offer(&offer), Ok(()));
	assert_eq!(Sla::default().within_offer(&offer), Ok(()), "no indicator at all");
}

#[test]
fn terms_harsher_on_the_owner_are_refused_naming_the_term() {
	let offer = offer();
	let harsher = |change: &dyn Fn(&mut Sla)| {
		let mut s = offer.clone();
		change(&mut s);
		s.within_offer(&offer)
	};
	use HarsherTerm::*;
	assert_eq!(
		harsher(&|s| s.qos.min_availability_permille = Some(1000)),
		Err(Indicator(super::Indicator::Availability))
	);
	assert_eq!(harsher(&|s| s.qos.max_latency_p95_ms = Some(0)), Err(Indicator(super::Indicator::LatencyP95)));
	assert_eq!(harsher(&|s| s.qos.min_vcpus_milli = Some(2001)), Err(Indicator(super::Indicator::Vcpus)));
	assert_eq!(harsher(&|s| s.qos.min_memory_mib = Some(4097)), Err(Indicator(super::Indicator::Memory)));
	assert_eq!(harsher(&|s| s.qos.max_cpu_steal_permille = Some(9)), Err(Indicator(super::Indicator::CpuSteal)));
	assert_eq!(harsher(&|s| s.qos.min_healthy_instances = Some(3)), Err(Indicator(super::Indicator::HealthyInstances)));
	assert_eq!(
		harsher(&|s| s.credits.availability_tiers[0].credit_percent = 11),
		Err(AvailabilityCredit),
		"a larger credit in a tier"
	);
	assert_eq!(
		harsher(&|s| s.credits.availability_tiers[1].below_permille = 995),
		Err(AvailabilityCredit),
		"a tier that starts earlier"
	);
	assert_eq!(harsher(&|s| s.credits.other_breach_credit_percent = 26), Err(OtherBreachCredit));
	// The client's example of a bought refund: 100 % credit on a 0 ms latency.
	let mut bought = Sla::default();
	bought.qos.max_latency_p95_ms = Some(0);
	bought.credits.other_breach_credit_percent = 100;
	assert_eq!(bought.within_offer(&offer), Err(Indicator(super::Indicator::LatencyP95)));
	// An indicator the offer does not check may not be added.
	let mut unchecked = offer.clone();
	unchecked.qos.max_latency_p95_ms = None;
	assert_eq!(offer.within_offer(&unchecked), Err(Indicator(super::Indicator::LatencyP95)));
}

mod property {
	use super::*;
	use proptest::prelude::*;

	fn opt<T: core::fmt::Debug + Clone + 'static>(s: impl Strategy<Value = T> + 'static) -> BoxedStrategy<Option<T>> {
		prop_oneof![Just(None), s.prop_map(Some)].boxed()
	}

	fn any_sla() -> impl Strategy<Value = Sla> {
		let qos = (opt(0u16..=1000), opt(0u32..100), opt(0u32..3000), opt(0u32..5000), opt(0u16..=1000), opt(1u32..=4))
			.prop_map(|(a, l, v, m, s, h)| QosIndicators {
				min_availability_permille: a,
				max_latency_p95_ms: l,
				min_vcpus_milli: v,
				min_memory_mib: m,
				max_cpu_steal_permille: s,
				min_healthy_instances: h,
			});
		let tiers = proptest::collection::vec((0u16..=1000, 0u8..=100), 0..=4).prop_map(|mut raw| {
			// Strictly decreasing thresholds, strictly increasing credits.
			raw.sort_by_key(|step| core::cmp::Reverse(step.0));
			raw.dedup_by_key(|t| t.0);
			let mut credits: Vec<u8> = raw.iter().map(|t| t.1).collect();
			credits.sort();
			credits.dedup();
			raw.iter()
				.zip(credits)
				.map(|(t, c)| CreditTier { below_permille: t.0, credit_percent: c })
				.collect::<Vec<_>>()
		});
		(qos, tiers, 0u8..=100).prop_map(|(qos, tiers, other)| Sla {
			qos,
			credits: CreditSchedule {
				availability_tiers: BoundedVec::truncate_from(tiers),
				other_breach_credit_percent: other,
			},
		})
	}

	fn any_report(instance: InstanceId) -> impl Strategy<Value = Option<Report>> {
		let fields = (0u32..=100, 0u32..60, 0u32..3000, 0u32..5000, 0u16..=40);
		opt(fields.prop_map(move |(up, p95, vcpus, mem, steal)| Report {
			probe_successes: up,
			probe_failures: 100 - up,
			latency_p50_ms: p95 / 2,
			latency_p95_ms: p95,
			latency_p99_ms: p95 * 2,
			min_vcpus_milli: vcpus,
			min_memory_mib: mem,
			cpu_steal_permille: steal,
			..Report::all_up(1, 1, instance, WINDOW, 100)
		}))
	}

	/// `offer` with each indicator kept, dropped or loosened by a delta, and
	/// the credits scaled down and moved to lower thresholds.
	fn relaxed(offer: &Sla, (steps, credit_scale, shift, drop_tier): &(Vec<(u8, u32)>, u8, u16, bool)) -> Sla {
		let mut s = offer.clone();
		let step = |i: usize| steps[i];
		let loosen_min = |v: Option<u32>, (how, d): (u8, u32)| match how {
			0 => v,
			1 => None,
			_ => v.map(|x| x.saturating_sub(d)),
		};
		let loosen_max = |v: Option<u32>, (how, d): (u8, u32)| match how {
			0 => v,
			1 => None,
			_ => v.map(|x| x.saturating_add(d)),
		};
		let q = &mut s.qos;
		q.min_availability_permille = loosen_min(q.min_availability_permille.map(u32::from), step(0)).map(|v| v as u16);
		q.max_latency_p95_ms = loosen_max(q.max_latency_p95_ms, step(1));
		q.min_vcpus_milli = loosen_min(q.min_vcpus_milli, step(2));
		q.min_memory_mib = loosen_min(q.min_memory_mib, step(3));
		q.max_cpu_steal_permille =
			loosen_max(q.max_cpu_steal_permille.map(u32::from), step(4)).map(|v| v.min(1000) as u16);
		q.min_healthy_instances = loosen_min(q.min_healthy_instances, step(5)).filter(|h| *h >= 1);
		let mut tiers: Vec<CreditTier> = s
			.credits
			.availability_tiers
			.iter()
			.map(|t| CreditTier {
				below_permille: t.below_permille.saturating_sub(*shift),
				credit_percent: (t.credit_percent as u32 * *credit_scale as u32 / 100) as u8,
			})
			.collect();
		if *drop_tier {
			tiers.pop();
		}
		tiers.dedup_by_key(|t| t.below_permille);
		tiers.dedup_by_key(|t| t.credit_percent);
		s.credits.availability_tiers = BoundedVec::truncate_from(tiers);
		s.credits.other_breach_credit_percent =
			(s.credits.other_breach_credit_percent as u32 * *credit_scale as u32 / 100) as u8;
		s
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(2_000))]

		/// Whatever the reports, terms within an offer never credit more than
		/// the offer: `within_offer` is sound.
		#[test]
		fn terms_within_the_offer_never_credit_more(
			offer in any_sla(),
			relax in (proptest::collection::vec((0u8..3, 0u32..200), 6), 0u8..=100, 0u16..=300, any::<bool>()),
			reports in (any_report(0), any_report(1), any_report(2), any_report(3)),
		) {
			prop_assume!(offer.validate().is_ok());
			let asked = relaxed(&offer, &relax);
			prop_assume!(asked.validate().is_ok() && asked.within_offer(&offer).is_ok());
			let reports: Vec<Report> = [reports.0, reports.1, reports.2, reports.3].into_iter().flatten().collect();
			let instances = running(&[0, 1, 2, 3]);
			let credit_asked = evaluate(&asked, &WINDOW, &instances, &reports).credit_percent();
			let credit_offered = evaluate(&offer, &WINDOW, &instances, &reports).credit_percent();
			prop_assert!(credit_asked <= credit_offered, "asked {credit_asked} % > offered {credit_offered} %");
		}
	}
}
