//! Service-level agreements: QoS indicators, the credit schedule, and the
//! verdict of one period.
//!
//! [`evaluate`] is the only place a verdict is computed; the runtime, the
//! client scripts' tests and the monitor's tests all go through it.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{BoundedVec, ConstU32, InstanceId, MaxInstancesPerService, Report, Window};

/// Most availability tiers in a credit schedule.
pub const MAX_CREDIT_TIERS: u32 = 4;

/// Optional thresholds of an agreement; `None` is not checked.
#[derive(
	Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QosIndicators {
	/// Least availability over the window, permille, as the mean over all the
	/// service's instances (a missing instance counts as 0).
	pub min_availability_permille: Option<u16>,
	/// Highest p95 probe latency, in milliseconds, on each instance.
	pub max_latency_p95_ms: Option<u32>,
	/// Fewest vCPUs (thousandths) seen on each instance.
	pub min_vcpus_milli: Option<u32>,
	/// Least memory (MiB) seen on each instance.
	pub min_memory_mib: Option<u32>,
	/// Highest mean CPU steal, permille, on each instance.
	pub max_cpu_steal_permille: Option<u16>,
	/// Fewest instances that reported and met every per-instance indicator.
	pub min_healthy_instances: Option<u32>,
}

/// "If availability is below `below_permille`, refund `credit_percent` of the
/// period's price."
#[derive(
	Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditTier {
	/// Availability (permille) below which this tier applies.
	pub below_permille: u16,
	/// Share of the period's price refunded, in percent (0..=100).
	pub credit_percent: u8,
}

/// How a breach turns into a refund, like public clouds' service credits.
#[derive(
	Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditSchedule {
	/// Tiers by availability, ordered from the mildest (highest threshold,
	/// smallest credit) to the worst; the worst tier that applies wins.
	pub availability_tiers: BoundedVec<CreditTier, ConstU32<MAX_CREDIT_TIERS>>,
	/// Credit, in percent, when any indicator other than availability is violated.
	pub other_breach_credit_percent: u8,
}

/// An agreement's service level: what is promised and what a miss costs.
#[derive(
	Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Sla {
	/// The thresholds checked each period.
	pub qos: QosIndicators,
	/// The refund owed when they are missed.
	pub credits: CreditSchedule,
}

/// Why an [`Sla`] is not acceptable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SlaError {
	/// A permille value is above 1000.
	PermilleOutOfRange,
	/// A percentage is above 100.
	PercentOutOfRange,
	/// Tiers are not strictly decreasing in threshold and increasing in credit.
	TiersNotOrdered,
	/// `min_healthy_instances` is 0 or more than the instance bound.
	HealthyInstancesOutOfRange,
}

impl Sla {
	/// Checks ranges and the order of the credit tiers.
	pub fn validate(&self) -> Result<(), SlaError> {
		let q = &self.qos;
		if q.min_availability_permille.is_some_and(|v| v > 1000) ||
			q.max_cpu_steal_permille.is_some_and(|v| v > 1000)
		{
			return Err(SlaError::PermilleOutOfRange);
		}
		if q
			.min_healthy_instances
			.is_some_and(|v| v == 0 || v > crate::MAX_INSTANCES_PER_SERVICE)
		{
			return Err(SlaError::HealthyInstancesOutOfRange);
		}
		if self.credits.other_breach_credit_percent > 100 {
			return Err(SlaError::PercentOutOfRange);
		}
		let tiers = &self.credits.availability_tiers;
		for tier in tiers.iter() {
			if tier.below_permille > 1000 {
				return Err(SlaError::PermilleOutOfRange);
			}
			if tier.credit_percent > 100 {
				return Err(SlaError::PercentOutOfRange);
			}
		}
		for pair in tiers.windows(2) {
			if pair[1].below_permille >= pair[0].below_permille ||
				pair[1].credit_percent <= pair[0].credit_percent
			{
				return Err(SlaError::TiersNotOrdered);
			}
		}
		Ok(())
	}
}

/// A QoS indicator, as named in a breached verdict.
#[derive(
	Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Indicator {
	/// [`QosIndicators::min_availability_permille`]
	Availability,
	/// [`QosIndicators::max_latency_p95_ms`]
	LatencyP95,
	/// [`QosIndicators::min_vcpus_milli`]
	Vcpus,
	/// [`QosIndicators::min_memory_mib`]
	Memory,
	/// [`QosIndicators::max_cpu_steal_permille`]
	CpuSteal,
	/// [`QosIndicators::min_healthy_instances`]
	HealthyInstances,
}

/// Number of [`Indicator`] variants.
pub type MaxIndicators = ConstU32<6>;

/// The outcome of one period.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Verdict {
	/// Every indicator held.
	Met,
	/// At least one indicator was missed.
	Breached {
		/// The indicators that were missed.
		violated: BoundedVec<Indicator, MaxIndicators>,
		/// Instances that did not report, or missed a per-instance indicator.
		failing_instances: BoundedVec<InstanceId, MaxInstancesPerService>,
		/// Share of the period's price refunded to the client, in percent.
		credit_percent: u8,
	},
}

impl Verdict {
	/// The refund owed, in percent of the period's price.
	pub fn credit_percent(&self) -> u8 {
		match self {
			Verdict::Met => 0,
			Verdict::Breached { credit_percent, .. } => *credit_percent,
		}
	}
}

/// Per-instance view used by [`evaluate`].
struct InstanceOutcome {
	availability_permille: u16,
	failed: [bool; 4],
}

const PER_INSTANCE: [Indicator; 4] =
	[Indicator::LatencyP95, Indicator::Vcpus, Indicator::Memory, Indicator::CpuSteal];

fn instance_outcome(qos: &QosIndicators, report: Option<&Report>) -> InstanceOutcome {
	let Some(r) = report else {
		// A missing instance was down for the whole window: it fails every
		// per-instance indicator that is checked.
		let failed = [
			qos.max_latency_p95_ms.is_some(),
			qos.min_vcpus_milli.is_some(),
			qos.min_memory_mib.is_some(),
			qos.max_cpu_steal_permille.is_some(),
		];
		return InstanceOutcome { availability_permille: 0, failed };
	};
	// Latency is only defined when a probe got through; an instance with no
	// successful probe is already counted by availability.
	let latency_failed = r.probe_successes > 0 &&
		qos.max_latency_p95_ms.is_some_and(|max| r.latency_p95_ms > max);
	InstanceOutcome {
		availability_permille: r.availability_permille(),
		failed: [
			latency_failed,
			qos.min_vcpus_milli.is_some_and(|min| r.min_vcpus_milli < min),
			qos.min_memory_mib.is_some_and(|min| r.min_memory_mib < min),
			qos.max_cpu_steal_permille.is_some_and(|max| r.cpu_steal_permille > max),
		],
	}
}

/// The verdict of one period of `sla` over `window`, for a service whose
/// instances are `expected_instances`, given the `reports` in the period's
/// metrics block.
///
/// A report counts only for an expected instance and the exact window (the
/// first one per instance); every expected instance without such a report
/// is missing and counts as down for the whole window. With no expected
/// instances availability is 0: nothing was delivered.
pub fn evaluate(
	sla: &Sla,
	window: &Window,
	expected_instances: &[InstanceId],
	reports: &[Report],
) -> Verdict {
	let qos = &sla.qos;
	let mut instances: Vec<InstanceId> = expected_instances.to_vec();
	instances.sort_unstable();
	instances.dedup();

	let outcomes: Vec<(InstanceId, InstanceOutcome)> = instances
		.iter()
		.map(|&id| {
			let report = reports
				.iter()
				.find(|r| r.instance == id && r.window == *window && r.samples > 0);
			(id, instance_outcome(qos, report))
		})
		.collect();

	let availability_permille = if outcomes.is_empty() {
		0
	} else {
		let sum: u64 = outcomes.iter().map(|(_, o)| o.availability_permille as u64).sum();
		(sum / outcomes.len() as u64) as u16
	};

	let mut violated: Vec<Indicator> = Vec::new();
	let availability_missed = qos.min_availability_permille.is_some_and(|min| availability_permille < min);
	if availability_missed {
		violated.push(Indicator::Availability);
	}
	for (i, indicator) in PER_INSTANCE.iter().enumerate() {
		if outcomes.iter().any(|(_, o)| o.failed[i]) {
			violated.push(*indicator);
		}
	}

	let instance_availability_ok = |o: &InstanceOutcome| match qos.min_availability_permille {
		Some(min) => o.availability_permille >= min,
		None => o.availability_permille > 0,
	};
	let failing: Vec<InstanceId> = outcomes
		.iter()
		.filter(|(_, o)| o.failed.iter().any(|f| *f) || !instance_availability_ok(o))
		.map(|(id, _)| *id)
		.collect();
	let healthy = (outcomes.len() - failing.len()) as u32;
	if qos.min_healthy_instances.is_some_and(|min| healthy < min) {
		violated.push(Indicator::HealthyInstances);
	}

	if violated.is_empty() {
		return Verdict::Met;
	}

	let availability_credit = if availability_missed {
		sla.credits
			.availability_tiers
			.iter()
			.filter(|tier| availability_permille < tier.below_permille)
			.map(|tier| tier.credit_percent)
			.max()
			.unwrap_or(0)
	} else {
		0
	};
	let other_credit = if violated.iter().any(|i| *i != Indicator::Availability) {
		sla.credits.other_breach_credit_percent
	} else {
		0
	};
	Verdict::Breached {
		violated: BoundedVec::truncate_from(violated),
		failing_instances: BoundedVec::truncate_from(failing),
		credit_percent: availability_credit.max(other_credit).min(100),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

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
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[with_successes(0, 999)]), Verdict::Met);
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[with_successes(0, 1000)]), Verdict::Met);
		let v = evaluate(&s, &WINDOW, &[0], &[with_successes(0, 998)]);
		assert_eq!(violated(&v), [Indicator::Availability]);
		assert_eq!(v.credit_percent(), 10);
		assert_eq!(failing(&v), [0]);
	}

	#[test]
	fn availability_credit_takes_worst_tier_that_applies() {
		let s = sla(QosIndicators { min_availability_permille: Some(999), ..Default::default() });
		let credit = |succ| evaluate(&s, &WINDOW, &[0], &[with_successes(0, succ)]).credit_percent();
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
		let v = evaluate(&s, &WINDOW, &[0, 1], &[report(0), with_successes(1, 800)]);
		assert_eq!(violated(&v), Vec::<Indicator>::new());
		// (1000 + 799) / 2 = 899: just below.
		let v = evaluate(&s, &WINDOW, &[0, 1], &[report(0), with_successes(1, 799)]);
		assert_eq!(violated(&v), [Indicator::Availability]);
		assert_eq!(failing(&v), [1]);
	}

	#[test]
	fn latency_at_above_and_below_threshold() {
		let s = sla(QosIndicators { max_latency_p95_ms: Some(20), ..Default::default() });
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[report(0)]), Verdict::Met);
		let mut r = report(0);
		r.latency_p95_ms = 19;
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[r.clone()]), Verdict::Met);
		r.latency_p95_ms = 21;
		let v = evaluate(&s, &WINDOW, &[0], &[r]);
		assert_eq!(violated(&v), [Indicator::LatencyP95]);
		assert_eq!(v.credit_percent(), 25);
	}

	#[test]
	fn vcpus_and_memory_at_above_and_below_threshold() {
		let s = sla(QosIndicators {
			min_vcpus_milli: Some(2000),
			min_memory_mib: Some(4096),
			..Default::default()
		});
		let mut r = report(0);
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[r.clone()]), Verdict::Met);
		r.min_vcpus_milli = 2001;
		r.min_memory_mib = 4097;
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[r.clone()]), Verdict::Met);
		r.min_vcpus_milli = 1999;
		assert_eq!(violated(&evaluate(&s, &WINDOW, &[0], &[r.clone()])), [Indicator::Vcpus]);
		r.min_vcpus_milli = 2000;
		r.min_memory_mib = 4095;
		assert_eq!(violated(&evaluate(&s, &WINDOW, &[0], &[r])), [Indicator::Memory]);
	}

	#[test]
	fn steal_at_above_and_below_threshold() {
		let s = sla(QosIndicators { max_cpu_steal_permille: Some(10), ..Default::default() });
		let mut r = report(0);
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[r.clone()]), Verdict::Met);
		r.cpu_steal_permille = 9;
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[r.clone()]), Verdict::Met);
		r.cpu_steal_permille = 11;
		assert_eq!(violated(&evaluate(&s, &WINDOW, &[0], &[r])), [Indicator::CpuSteal]);
	}

	#[test]
	fn healthy_instances_at_above_and_below_threshold() {
		let s = sla(QosIndicators { min_healthy_instances: Some(2), ..Default::default() });
		assert_eq!(evaluate(&s, &WINDOW, &[0, 1, 2], &[report(0), report(1), report(2)]), Verdict::Met);
		assert_eq!(evaluate(&s, &WINDOW, &[0, 1, 2], &[report(0), report(1)]), Verdict::Met);
		let v = evaluate(&s, &WINDOW, &[0, 1, 2], &[report(0)]);
		assert_eq!(violated(&v), [Indicator::HealthyInstances]);
		assert_eq!(failing(&v), [1, 2]);
		assert_eq!(v.credit_percent(), 25);
	}

	#[test]
	fn missing_instance_is_down_for_the_whole_window() {
		let s = sla(QosIndicators {
			min_availability_permille: Some(999),
			min_vcpus_milli: Some(1000),
			..Default::default()
		});
		let v = evaluate(&s, &WINDOW, &[0, 1], &[report(0)]);
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
		assert_eq!(failing(&evaluate(&s, &WINDOW, &[0], &[late])), [0]);
		assert_eq!(failing(&evaluate(&s, &WINDOW, &[0], &[report(7)])), [0]);
	}

	#[test]
	fn zero_reports_and_zero_instances_breach_availability() {
		let s = sla(QosIndicators { min_availability_permille: Some(1), ..Default::default() });
		let v = evaluate(&s, &WINDOW, &[0, 1], &[]);
		assert_eq!(violated(&v), [Indicator::Availability]);
		assert_eq!(failing(&v), [0, 1]);
		assert_eq!(v.credit_percent(), 100);
		assert_eq!(violated(&evaluate(&s, &WINDOW, &[], &[])), [Indicator::Availability]);
	}

	#[test]
	fn no_indicators_means_met_while_instances_report() {
		let s = Sla::default();
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[report(0)]), Verdict::Met);
		assert_eq!(evaluate(&s, &WINDOW, &[0], &[]), Verdict::Met);
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
}
