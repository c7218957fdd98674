//! How the pallets talk to each other. Each trait is implemented by the
//! pallet that owns the data and wired in the runtime; no pallet reads
//! another's storage.
//!
//! ```text
//! pallet-metrics-blocks --AgreementRegistry-->  pallet-sla-verification  (what is due, which instances)
//! pallet-metrics-blocks --MetricsBlockHandler--> pallet-sla-verification (reports + OTP commitment -> verdict)
//! pallet-sla-verification --MetricsArchive-->   pallet-metrics-blocks    (drop a lapsed period's partial block, prune)
//! pallet-sla-verification --EscrowSettlement--> pallet-escrow-release   (all fund movements)
//! ```

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::{otp::Commitment, AgreementId, InstanceId, PeriodIndex, Report, Window};

/// Where the accounting node pulls one instance's reports from.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct MonitorEndpoint {
	/// The instance within its service.
	pub instance: InstanceId,
	/// Base URL of the instance's monitor, e.g. `http://10.0.0.5:9615`.
	pub url: Vec<u8>,
}

/// A period that can be recorded, with everything an accounting node needs
/// to pull its reports.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PeriodToRecord {
	/// The agreement.
	pub agreement: AgreementId,
	/// The period within the agreement.
	pub period: PeriodIndex,
	/// The period's window on the agreement's clock.
	pub window: Window,
	/// The instances to pull, by ascending instance id, each with the
	/// monitor URL in force for this window.
	pub monitors: Vec<MonitorEndpoint>,
	/// Instances the agreement covers that were retired before the window
	/// began: nobody asks them, and they count as down.
	pub retired: Vec<InstanceId>,
}

impl PeriodToRecord {
	/// Every instance the agreement covers, pulled or retired.
	pub fn covered_count(&self) -> usize {
		self.monitors.len() + self.retired.len()
	}
}

/// Which instances a period covers, without their monitor URLs: what a
/// metrics block is checked against. Two storage reads however many
/// instances, where [`PeriodToRecord`] reads each instance's URLs.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PeriodCoverage {
	/// The agreement.
	pub agreement: AgreementId,
	/// The period within the agreement.
	pub period: PeriodIndex,
	/// The period's window on the agreement's clock.
	pub window: Window,
	/// The instances to pull, by strictly ascending id.
	pub pulled: Vec<InstanceId>,
	/// Covered instances retired before the window began, by strictly
	/// ascending id: nobody asks them, and they count as down.
	pub retired: Vec<InstanceId>,
}

impl PeriodCoverage {
	/// Every instance the agreement covers, pulled or retired.
	pub fn covered_count(&self) -> usize {
		self.pulled.len() + self.retired.len()
	}

	/// Whether `instance` is pulled in this period (`O(log n)`).
	pub fn is_pulled(&self, instance: InstanceId) -> bool {
		self.pulled.binary_search(&instance).is_ok()
	}

	/// Whether `instance` was retired before the window (`O(log n)`).
	pub fn is_retired(&self, instance: InstanceId) -> bool {
		self.retired.binary_search(&instance).is_ok()
	}
}

impl From<&PeriodToRecord> for PeriodCoverage {
	fn from(p: &PeriodToRecord) -> Self {
		PeriodCoverage {
			agreement: p.agreement,
			period: p.period,
			window: p.window,
			pulled: p.monitors.iter().map(|m| m.instance).collect(),
			retired: p.retired.clone(),
		}
	}
}

/// Which due periods a caller of [`AgreementRegistry::periods_awaiting_metrics`]
/// wants, from `(agreement, period, window end in ms)`: `Continue(take)`, or
/// `Break` to stop scanning.
pub type DueFilter<'a> = dyn Fn(AgreementId, PeriodIndex, u64) -> core::ops::ControlFlow<(), bool> + 'a;

/// Read access to agreements, implemented by the pallet that owns them.
pub trait AgreementRegistry {
	/// `period` of `agreement` if the agreement exists, the period is within
	/// its term and still awaits its metrics block; `None` otherwise.
	fn period_to_record(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodToRecord>;

	/// What [`Self::period_to_record`] covers, without the monitor URLs, in
	/// a constant number of storage reads; `None` exactly when it is `None`.
	fn period_coverage(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodCoverage>;

	/// Periods whose window closed at or before `now_ms`, that still await a
	/// metrics block, whose record deadline has not passed by then
	/// (`now_ms` + [`REPORT_SETTLE_MS`](crate::REPORT_SETTLE_MS) is the
	/// caller's present) and that `wanted` keeps, those that closed first first,
	/// as many as hold at most `max_monitors` monitors (at least one period,
	/// if one is wanted). `wanted` sees the agreement, the period and the
	/// end of its window (ms) before anything else of the period is read, so
	/// a caller that can take only some periods does not pay for the rest;
	/// it answers `Continue(take)`, or `Break` to end the scan there. An
	/// idle chain answers in one storage read (the due-time index).
	fn periods_awaiting_metrics(now_ms: u64, max_monitors: u32, wanted: &DueFilter<'_>) -> Vec<PeriodToRecord>;

	/// Time (ms) from which a period whose window ends at `window_end_ms`
	/// can no longer be recorded: it lapses, its price back to the client.
	/// Until then a metrics block may be recorded and the period cannot
	/// lapse; from then on, the other way round.
	fn record_deadline_ms(window_end_ms: u64) -> u64;
}

/// Receives every recorded metrics block, implemented by the SLA pallet.
pub trait MetricsBlockHandler {
	/// Called once per recorded period, after the metrics block is stored.
	/// `reports` are the validated reports (by ascending instance id); the
	/// instances of `period_to_record` missing from them did not answer.
	fn on_metrics_block(
		agreement: AgreementId,
		period: PeriodIndex,
		window: Window,
		reports: &[Report],
		otp_commitment: Commitment,
	);
}

/// What the owner of agreements asks of the metrics-block store,
/// implemented by the metrics-blocks pallet.
pub trait MetricsArchive {
	/// Drops any metrics block of `period` that is still waiting for a second
	/// accounting node: the period lapsed without a final block.
	fn discard_unfinished(agreement: AgreementId, period: PeriodIndex);

	/// Removes up to `limit` stored metrics blocks of a pruned agreement, and
	/// its chain once none is left. Returns how many blocks were removed and
	/// whether the agreement is gone from the store.
	fn prune(agreement: AgreementId, limit: u32) -> (u32, bool);
}

impl MetricsArchive for () {
	fn discard_unfinished(_: AgreementId, _: PeriodIndex) {}
	fn prune(_: AgreementId, _: u32) -> (u32, bool) {
		(0, true)
	}
}

impl AgreementRegistry for () {
	fn period_to_record(_: AgreementId, _: PeriodIndex) -> Option<PeriodToRecord> {
		None
	}
	fn period_coverage(_: AgreementId, _: PeriodIndex) -> Option<PeriodCoverage> {
		None
	}
	fn periods_awaiting_metrics(_: u64, _: u32, _: &DueFilter<'_>) -> Vec<PeriodToRecord> {
		Vec::new()
	}
	fn record_deadline_ms(_: u64) -> u64 {
		u64::MAX
	}
}

impl MetricsBlockHandler for () {
	fn on_metrics_block(_: AgreementId, _: PeriodIndex, _: Window, _: &[Report], _: Commitment) {}
}
