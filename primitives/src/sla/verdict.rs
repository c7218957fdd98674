//! The verdict of one period: [`evaluate`] is the only place it is
//! computed; the runtime, the client scripts' tests and the monitor's tests
//! all go through it.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use super::{QosIndicators, Sla};
use crate::{BoundedVec, ConstU32, InstanceId, MaxInstancesPerService, Report, Window};

/// A QoS indicator, as named in a breached verdict.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
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
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
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

/// An instance an agreement covers, as the verdict of one window sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CoveredInstance {
	/// The instance within its service.
	pub instance: InstanceId,
	/// When its owner retired it (chain time, ms), if it did: from then on it
	/// counts as down.
	pub retired_at_ms: Option<u64>,
}

impl CoveredInstance {
	/// An instance that has not been retired.
	pub fn running(instance: InstanceId) -> Self {
		CoveredInstance { instance, retired_at_ms: None }
	}

	/// Whether it was retired by `t_ms`, so that it is not even asked for a
	/// report of a window starting then.
	pub fn retired_by(&self, t_ms: u64) -> bool {
		self.retired_at_ms.is_some_and(|at| at <= t_ms)
	}
}

/// Per-instance view used by [`evaluate`].
struct InstanceOutcome {
	availability_permille: u16,
	failed: [bool; 4],
}

const PER_INSTANCE: [Indicator; 4] = [Indicator::LatencyP95, Indicator::Vcpus, Indicator::Memory, Indicator::CpuSteal];

fn instance_outcome(
	qos: &QosIndicators,
	window: &Window,
	covered: &CoveredInstance,
	report: Option<&Report>,
) -> InstanceOutcome {
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
	let latency_failed = r.probe_successes > 0 && qos.max_latency_p95_ms.is_some_and(|max| r.latency_p95_ms > max);
	InstanceOutcome {
		availability_permille: availability_until_retired(r.availability_permille(), window, covered.retired_at_ms),
		failed: [
			latency_failed,
			qos.min_vcpus_milli.is_some_and(|min| r.min_vcpus_milli < min),
			qos.min_memory_mib.is_some_and(|min| r.min_memory_mib < min),
			qos.max_cpu_steal_permille.is_some_and(|max| r.cpu_steal_permille > max),
		],
	}
}

/// A report's availability, scaled down to the share of `window` before
/// the instance was retired: after retirement it counts as down, and the
/// monitor's availability is taken as spread evenly over the window.
fn availability_until_retired(availability_permille: u16, window: &Window, retired_at_ms: Option<u64>) -> u16 {
	match retired_at_ms {
		Some(at) if at < window.to_ms => {
			let up_ms = at.saturating_sub(window.from_ms) as u128;
			let len = window.len_ms().max(1) as u128;
			(availability_permille as u128 * up_ms / len) as u16
		},
		_ => availability_permille,
	}
}

/// The verdict of one period of `sla` over `window`, for an agreement that
/// covers `instances`, given the `reports` in the period's metrics block.
///
/// A report counts only for a covered instance and the exact window (the
/// first one per instance); every covered instance without such a report is
/// missing and counts as down for the whole window, and so does an instance
/// retired before the window began. An instance retired during the window
/// counts as down from its retirement on. With no covered instances
/// availability is 0: nothing was delivered.
pub fn evaluate(sla: &Sla, window: &Window, instances: &[CoveredInstance], reports: &[Report]) -> Verdict {
	let qos = &sla.qos;
	let mut instances: Vec<CoveredInstance> = instances.to_vec();
	instances.sort_unstable_by_key(|c| c.instance);
	instances.dedup_by_key(|c| c.instance);

	// The first qualifying report of each instance, found by binary search:
	// a block of a thousand instances costs n log n, not n².
	let mut by_instance: Vec<&Report> = reports.iter().filter(|r| r.window == *window && r.samples > 0).collect();
	by_instance.sort_by_key(|r| r.instance);
	by_instance.dedup_by_key(|r| r.instance);
	let outcomes: Vec<(InstanceId, InstanceOutcome)> = instances
		.iter()
		.map(|covered| {
			let report = if covered.retired_by(window.from_ms) {
				None
			} else {
				by_instance.binary_search_by_key(&covered.instance, |r| r.instance).ok().map(|i| by_instance[i])
			};
			(covered.instance, instance_outcome(qos, window, covered, report))
		})
		.collect();

	let availability_permille = if outcomes.is_empty() {
		0
	} else {
		let sum: u64 = outcomes.iter().map(|(_, o)| o.availability_permille as u64).sum();
		(sum / outcomes.len() as u64) as u16
	};

	let mut violated: Vec<Indicator> = Vec::new();
	if qos.min_availability_permille.is_some_and(|min| availability_permille < min) {
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

	let other_credit = if violated.iter().any(|i| *i != Indicator::Availability) {
		sla.credits.other_breach_credit_percent
	} else {
		0
	};
	Verdict::Breached {
		violated: BoundedVec::truncate_from(violated),
		failing_instances: BoundedVec::truncate_from(failing),
		credit_percent: sla.availability_credit(availability_permille).max(other_credit).min(100),
	}
}
