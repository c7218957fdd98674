//! What the pallet stores: services with their offers and instances,
//! agreements, and the record of every period.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use qos_primitives::{
	otp::Commitment,
	sla::{CoveredInstance, Sla, SlaTerms, Verdict},
	InstanceId, MaxInstancesPerService, PeriodIndex, ServiceId, Window,
};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// A `DueIndex` key: the time a window closes, in ms, big-endian, so that
/// the keys' byte order is the order of time.
pub type DueKey = [u8; 8];

/// The `DueIndex` key of a window that closes at `to_ms`.
pub fn due_key(to_ms: u64) -> DueKey {
	to_ms.to_be_bytes()
}

/// Monitor URLs kept per instance: the one in force and the ones it
/// replaced, for windows that began before the replacement.
pub const URL_HISTORY: u32 = 4;

/// What a service promises for each of its instances.
#[derive(
	Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Capacity {
	/// vCPUs of each instance, in thousandths of a vCPU.
	pub vcpus_milli: u32,
	/// Memory of each instance, in MiB.
	pub memory_mib: u32,
}

/// A service registered by a cloud owner. Its price, period length and
/// capacity apply to agreements created after they were set.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Service<AccountId, Balance, Ticket> {
	/// The cloud owner, who is paid.
	pub owner: AccountId,
	/// Price of one period.
	pub price_per_period: Balance,
	/// Length of one period, in milliseconds.
	pub period_ms: u64,
	/// What each instance promises.
	pub capacity: Capacity,
	/// Instances ever added; the next one gets this id. Retired ones stay as
	/// the record of the agreements that covered them.
	pub instance_count: InstanceId,
	/// Agreements on the service not yet finished.
	pub open_agreements: u32,
	/// The owner's deposit for the storage of the service, its offers and
	/// its instances; returned when the service is deregistered.
	pub deposit: Ticket,
}

/// The terms an owner offers on a service: the SLA a client may sign (or
/// one easier on the owner) and the arbiters the owner accepts.
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxArbiters))]
pub struct Offer<AccountId: Clone + PartialEq + Eq + core::fmt::Debug, MaxArbiters: Get<u32>> {
	/// QoS indicators and credit schedule.
	pub sla: Sla,
	/// Accounts the owner accepts as arbiter of a disputed period; the client
	/// picks one of them (or none: only the last-resort arbiter).
	pub arbiters: BoundedVec<AccountId, MaxArbiters>,
}

/// An offer as an owner writes it in a call (unbounded lists, refused by
/// name when too long).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct OfferTerms<AccountId> {
	/// QoS indicators and credit schedule.
	pub sla: SlaTerms,
	/// Accounts the owner accepts as arbiter.
	pub arbiters: alloc::vec::Vec<AccountId>,
}

/// A monitor URL and the chain time from which windows use it.
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxUrlLen))]
pub struct MonitorUrl<MaxUrlLen: Get<u32>> {
	/// Windows that begin at or after this time (ms) are pulled from `url`.
	pub since_ms: u64,
	/// Base URL of the monitor.
	pub url: BoundedVec<u8, MaxUrlLen>,
}

/// An instance (VM or container) of a service.
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxUrlLen))]
pub struct Instance<MaxUrlLen: Get<u32>> {
	/// Its monitor URLs, oldest first; the last is in force.
	pub monitor_urls: BoundedVec<MonitorUrl<MaxUrlLen>, frame_support::traits::ConstU32<URL_HISTORY>>,
	/// When the owner retired it (ms); from then on it counts as down in
	/// every agreement that covers it.
	pub retired_at_ms: Option<u64>,
}

impl<MaxUrlLen: Get<u32>> Instance<MaxUrlLen> {
	/// The monitor URL in force for a window that begins at `from_ms`.
	pub fn url_for(&self, from_ms: u64) -> Option<&BoundedVec<u8, MaxUrlLen>> {
		self.monitor_urls
			.iter()
			.rev()
			.find(|entry| entry.since_ms <= from_ms)
			.or_else(|| self.monitor_urls.first())
			.map(|entry| &entry.url)
	}

	/// The instance as the verdict of a window sees it.
	pub fn covered(&self, instance: InstanceId) -> CoveredInstance {
		CoveredInstance { instance, retired_at_ms: self.retired_at_ms }
	}
}

/// Where an agreement is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum AgreementStatus<BlockNumber> {
	/// Running its whole term.
	Active,
	/// Cancelled by the client; the periods that had started are still owed.
	Cancelled,
	/// Every period of the term is closed and its escrow released; it may be
	/// pruned `AgreementRetention` blocks after `at`.
	Finished {
		/// Block in which the last period closed.
		at: BlockNumber,
	},
}

/// An agreement between a client and a service, on one of its offers, with
/// the service's terms as they were when it was created.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Agreement<AccountId, Balance, BlockNumber, Ticket> {
	/// The client, who pays and confirms periods.
	pub client: AccountId,
	/// The service.
	pub service: ServiceId,
	/// The service's owner, who is paid.
	pub owner: AccountId,
	/// Index of the offer the agreement was made on.
	pub offer: u32,
	/// The terms the client asked for, within the offer.
	pub sla: Sla,
	/// The arbiter the client chose among the offer's; `None`: only the
	/// last-resort arbiter.
	pub arbiter: Option<AccountId>,
	/// Price of one period.
	pub price_per_period: Balance,
	/// Length of one period, in milliseconds.
	pub period_ms: u64,
	/// Chain time (ms) at creation: start of period 0.
	pub start_ms: u64,
	/// Number of periods in the term (cut by a cancellation).
	pub periods: u32,
	/// The instances the agreement covers, fixed when it starts.
	pub instances: BoundedVec<InstanceId, MaxInstancesPerService>,
	/// Lowest period without a metrics block (periods are recorded in order).
	pub next_to_record: PeriodIndex,
	/// Where the agreement is in its life.
	pub status: AgreementStatus<BlockNumber>,
	/// The client's deposit for the agreement's storage, returned when it is pruned.
	pub deposit: Ticket,
}

impl<AccountId, Balance, BlockNumber, Ticket> Agreement<AccountId, Balance, BlockNumber, Ticket> {
	/// The window of `period` on the agreement's clock.
	pub fn window(&self, period: PeriodIndex) -> Option<Window> {
		Window::of_period(self.start_ms, self.period_ms, period)
	}

	/// Whether every period of the term is closed.
	pub fn is_finished(&self) -> bool {
		matches!(self.status, AgreementStatus::Finished { .. })
	}
}

/// The party to an agreement that did something.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Party {
	/// The client.
	Client,
	/// The service's owner.
	Owner,
}

/// Why a period became disputed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum DisputeCause {
	/// The client submitted `MaxOtpAttempts` wrong OTPs.
	OtpAttemptsExhausted,
	/// A party contested the verdict within the contest window.
	Contested(Party),
}

/// How a period was closed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Closure {
	/// Paid per the verdict after the client's OTP matched (and, for a
	/// breach, the owner accepted it or let the contest window pass).
	Confirmed,
	/// Paid per the verdict because the contest window passed with neither
	/// the client's OTP nor a contest.
	DeemedAccepted,
	/// Split by the arbiter.
	Arbitrated,
	/// Split by `UnresolvedDisputeOwnerShare` because no arbiter acted
	/// within `ArbitrationWindow`.
	ArbitrationLapsed,
	/// Refunded to the client: no final metrics block by the record deadline.
	Lapsed,
}

/// Where a period is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum PeriodState<BlockNumber> {
	/// The verdict is stored; the client's OTP is awaited and either party
	/// may contest until the contest window closes.
	Recorded,
	/// The client's OTP matched a breached verdict; the owner may still
	/// contest until the contest window closes.
	Confirmed,
	/// Awaiting the arbiter since block `since`.
	Disputed {
		/// Why.
		cause: DisputeCause,
		/// Block in which the dispute began.
		since: BlockNumber,
	},
	/// Closed; nothing more happens to it.
	Closed(Closure),
}

/// The record of a period from its metrics block (or its lapse) on.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct PeriodRecord<BlockNumber> {
	/// The SLA verdict of the metrics block; `None` for a period that lapsed
	/// without one.
	pub verdict: Option<Verdict>,
	/// `commit(otp)` put on chain by the accounting node (zero when lapsed).
	pub otp_commitment: Commitment,
	/// Block in which the metrics block was recorded (or the period lapsed).
	pub recorded_at: BlockNumber,
	/// Wrong OTPs submitted so far.
	pub failed_otp_attempts: u32,
	/// Whether the owner waived its right to contest a breached verdict.
	pub owner_accepted: bool,
	/// Where the period is in its life.
	pub state: PeriodState<BlockNumber>,
}

impl<BlockNumber> PeriodRecord<BlockNumber> {
	/// The credit owed under the verdict, in percent of the period's price.
	pub fn credit_percent(&self) -> u8 {
		self.verdict.as_ref().map_or(100, Verdict::credit_percent)
	}

	/// Whether the verdict found a breach.
	pub fn breached(&self) -> bool {
		matches!(self.verdict, Some(Verdict::Breached { .. }))
	}
}

/// The owner's share of a period's price after an SLA credit of `credit_percent`.
pub fn owner_share_after_credit(credit_percent: u8) -> Perbill {
	Perbill::from_percent(100u32.saturating_sub(credit_percent as u32))
}
