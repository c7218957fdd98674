//! What an SLA promises: QoS indicators and the credit schedule, how they
//! are checked, and when one set of terms is no harsher than another (an
//! owner's offer against the terms a client asks for).

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use super::Indicator;
use crate::{BoundedVec, ConstU32};

/// Most availability tiers in a credit schedule.
pub const MAX_CREDIT_TIERS: u32 = 4;

/// Optional thresholds of an agreement; `None` is not checked.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
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
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditTier {
	/// Availability (permille) below which this tier applies.
	pub below_permille: u16,
	/// Share of the period's price refunded, in percent (0..=100).
	pub credit_percent: u8,
}

/// How a breach turns into a refund, like public clouds' service credits.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditSchedule {
	/// Tiers by availability, ordered from the mildest (highest threshold,
	/// smallest credit) to the worst; the worst tier that applies wins.
	pub availability_tiers: BoundedVec<CreditTier, ConstU32<MAX_CREDIT_TIERS>>,
	/// Credit, in percent, when any indicator other than availability is violated.
	pub other_breach_credit_percent: u8,
}

/// An agreement's service level: what is promised and what a miss costs.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
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
	/// More availability tiers than [`MAX_CREDIT_TIERS`].
	TooManyCreditTiers,
}

impl Sla {
	/// Checks ranges and the order of the credit tiers.
	pub fn validate(&self) -> Result<(), SlaError> {
		let q = &self.qos;
		if q.min_availability_permille.is_some_and(|v| v > 1000) || q.max_cpu_steal_permille.is_some_and(|v| v > 1000) {
			return Err(SlaError::PermilleOutOfRange);
		}
		if q.min_healthy_instances.is_some_and(|v| v == 0 || v > crate::MAX_INSTANCES_PER_SERVICE) {
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
			if pair[1].below_permille >= pair[0].below_permille || pair[1].credit_percent <= pair[0].credit_percent {
				return Err(SlaError::TiersNotOrdered);
			}
		}
		Ok(())
	}
}

impl Sla {
	/// The availability credit, in percent, at a mean availability of
	/// `availability_permille`: 0 unless availability is checked and missed,
	/// otherwise the largest credit of the tiers that apply.
	pub fn availability_credit(&self, availability_permille: u16) -> u8 {
		let missed = self.qos.min_availability_permille.is_some_and(|min| availability_permille < min);
		if !missed {
			return 0;
		}
		self.credits
			.availability_tiers
			.iter()
			.filter(|tier| availability_permille < tier.below_permille)
			.map(|tier| tier.credit_percent)
			.max()
			.unwrap_or(0)
	}

	/// `Ok` if these terms are no harsher on the owner than `offer`: for any
	/// reports, they never find a breach `offer` does not find, nor a larger
	/// credit. Otherwise the first term that is harsher.
	///
	/// A client may ask for terms easier on the owner than an offer (a lower
	/// availability threshold, a higher latency ceiling, smaller credits, an
	/// indicator left out), never harsher ones.
	pub fn within_offer(&self, offer: &Sla) -> Result<(), HarsherTerm> {
		let (asked, offered) = (&self.qos, &offer.qos);
		// A "minimum" threshold is no harsher when it is absent or lower; a
		// threshold the offer does not check may not be added (a missing
		// instance fails every checked per-instance indicator).
		let min_ok = |asked: Option<u32>, offered: Option<u32>| match (asked, offered) {
			(None, _) => true,
			(Some(a), Some(o)) => a <= o,
			(Some(_), None) => false,
		};
		let max_ok = |asked: Option<u32>, offered: Option<u32>| match (asked, offered) {
			(None, _) => true,
			(Some(a), Some(o)) => a >= o,
			(Some(_), None) => false,
		};
		// Availability also decides which instances count as healthy: without
		// a threshold an instance is healthy when it was up at all, which is
		// harsher than an offered threshold of 0.
		let availability_ok = match (asked.min_availability_permille, offered.min_availability_permille) {
			(None, None) => true,
			(Some(a), Some(o)) => a <= o,
			(None, Some(o)) => asked.min_healthy_instances.is_none() || o >= 1,
			(Some(a), None) => a == 0,
		};
		if !availability_ok {
			return Err(HarsherTerm::Indicator(Indicator::Availability));
		}
		if !max_ok(asked.max_latency_p95_ms, offered.max_latency_p95_ms) {
			return Err(HarsherTerm::Indicator(Indicator::LatencyP95));
		}
		if !min_ok(asked.min_vcpus_milli, offered.min_vcpus_milli) {
			return Err(HarsherTerm::Indicator(Indicator::Vcpus));
		}
		if !min_ok(asked.min_memory_mib, offered.min_memory_mib) {
			return Err(HarsherTerm::Indicator(Indicator::Memory));
		}
		if !max_ok(asked.max_cpu_steal_permille.map(u32::from), offered.max_cpu_steal_permille.map(u32::from)) {
			return Err(HarsherTerm::Indicator(Indicator::CpuSteal));
		}
		if !min_ok(asked.min_healthy_instances, offered.min_healthy_instances) {
			return Err(HarsherTerm::Indicator(Indicator::HealthyInstances));
		}
		// Both availability credits are step functions of the availability
		// that change only at a tier threshold or a minimum, so comparing
		// them at those points (and at 0) compares them everywhere.
		let breakpoints = self
			.credits
			.availability_tiers
			.iter()
			.chain(offer.credits.availability_tiers.iter())
			.map(|tier| tier.below_permille)
			.chain(asked.min_availability_permille)
			.chain(offered.min_availability_permille)
			.chain(core::iter::once(0));
		for availability in breakpoints {
			if self.availability_credit(availability) > offer.availability_credit(availability) {
				return Err(HarsherTerm::AvailabilityCredit);
			}
		}
		if self.credits.other_breach_credit_percent > offer.credits.other_breach_credit_percent {
			return Err(HarsherTerm::OtherBreachCredit);
		}
		Ok(())
	}
}

/// The term of an SLA that is harsher on the owner than the offer it was
/// asked against ([`Sla::within_offer`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HarsherTerm {
	/// The indicator's threshold is stricter, or the offer does not check it.
	Indicator(Indicator),
	/// Some availability earns a larger credit.
	AvailabilityCredit,
	/// A breach of another indicator earns a larger credit.
	OtherBreachCredit,
}

/// An SLA as a user writes it in a call: like [`Sla`], with the credit
/// tiers in an unbounded list so that too many tiers are refused by the
/// pallet with a named error ([`SlaError::TooManyCreditTiers`]) instead of
/// failing to decode.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SlaTerms {
	/// The thresholds checked each period.
	pub qos: QosIndicators,
	/// Tiers by availability, mildest first (see [`CreditSchedule`]).
	pub availability_tiers: Vec<CreditTier>,
	/// Credit, in percent, when any indicator other than availability is violated.
	pub other_breach_credit_percent: u8,
}

impl TryFrom<SlaTerms> for Sla {
	type Error = SlaError;

	/// Bounds and validates the terms ([`Sla::validate`]).
	fn try_from(terms: SlaTerms) -> Result<Self, SlaError> {
		let availability_tiers =
			BoundedVec::try_from(terms.availability_tiers).map_err(|_| SlaError::TooManyCreditTiers)?;
		let sla = Sla {
			qos: terms.qos,
			credits: CreditSchedule {
				availability_tiers,
				other_breach_credit_percent: terms.other_breach_credit_percent,
			},
		};
		sla.validate()?;
		Ok(sla)
	}
}

impl From<Sla> for SlaTerms {
	fn from(sla: Sla) -> Self {
		SlaTerms {
			qos: sla.qos,
			availability_tiers: sla.credits.availability_tiers.into_inner(),
			other_breach_credit_percent: sla.credits.other_breach_credit_percent,
		}
	}
}
