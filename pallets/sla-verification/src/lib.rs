//! # SLA Verification Pallet
//!
//! Services, their instances, agreements between clients and services, the
//! SLA verdict of every billing period and the client's OTP check that
//! releases payment.
//!
//! ## Overview
//!
//! - A cloud **owner** registers a service (price per period, period length,
//!   the capacity each instance promises) and adds its instances, each with the
//!   URL of its monitor.
//! - A **client** creates an agreement on a service with QoS indicators and a
//!   credit schedule ([`qos_primitives::sla::Sla`]) for a number of periods.
//!   `price × periods` is put on hold on the client's balance by the escrow
//!   pallet ([`Config::Escrow`]). The agreement's clock starts at the chain
//!   time of that block: period `p` is
//!   [`Window::of_period`]`(start, period_ms, p)`.
//! - When a period's window has closed, the metrics-blocks pallet records its
//!   metrics block and hands the reports and the OTP commitment to this pallet
//!   ([`MetricsBlockHandler`]). The verdict is
//!   [`qos_primitives::sla::evaluate`] over the service's current
//!   (non-retired) instances: `Met`, or `Breached` with the violated
//!   indicators, the failing instances and the credit.
//! - The client confirms the period with its OTP. If `commit(otp)` equals the
//!   stored commitment, the escrow pays the owner the price minus the credit
//!   and refunds the credit to the client.
//!
//! ### Period lifecycle
//!
//! ```text
//! awaiting metrics --metrics block--> Recorded --OTP matches--> Settled
//!                                        |
//!                                        +--MaxOtpAttempts wrong OTPs / escalate--> Disputed --arbiter--> Resolved
//! ```
//!
//! Periods are recorded in order: only the lowest unrecorded period of an
//! agreement is awaiting metrics (metrics blocks are hash-chained per
//! agreement). A period leaves `Recorded` exactly once, so it is never paid
//! twice. When every period of the term is `Settled` or `Resolved`, the
//! agreement is finished and whatever is left in its escrow (top-ups) is
//! released to the client.
//!
//! ### Credits and rounding
//!
//! A breached period with a credit of `c` percent pays the owner
//! `floor(price × (100 − c) / 100)` and refunds the client
//! `ceil(price × c / 100)`. The arbiter splits a disputed period with an
//! `owner_share` ([`Perbill`]): the owner gets `floor(owner_share × price)`,
//! the client the rest. Rounding always favours the client, by at most one
//! unit ([`pallet_escrow_release::split_period_price`]).
//!
//! ### Wrong OTPs and disputes
//!
//! A wrong OTP is not an error: the attempt is counted and evented
//! ([`Event::OtpMismatch`]) and the call succeeds, so the count is kept. After
//! [`Config::MaxOtpAttempts`] wrong OTPs the period is `Disputed`. If the
//! client has not confirmed within [`Config::ConfirmWindow`] blocks of the
//! recording, either party may [`Pallet::escalate`]. The
//! [`Config::ArbiterOrigin`] resolves a disputed period with a split.
//!
//! ### Notice rule for cancellation
//!
//! A client may cancel an active agreement at any time. Every period that has
//! started by then — the running one included — is still owed: it is recorded,
//! verified and settled like any other (so a breach in it still earns its
//! credit). Every later period is cut from the term and its price released to
//! the client at once.
//!
//! ### Instances
//!
//! Retiring an instance removes it from every metrics block recorded after
//! that: it is neither pulled nor expected. An agreement's
//! `min_healthy_instances` indicator protects the client against an owner
//! shedding instances. Instance ids are never reused.
//!
//! ## Interface
//!
//! ### Dispatchable functions
//!
//! | call | origin | complexity |
//! |---|---|---|
//! | [`Pallet::register_service`] | signed (becomes the owner) | O(1) |
//! | [`Pallet::update_service`] | the service's owner | O(1) |
//! | [`Pallet::add_instance`] | the service's owner | O(url length) |
//! | [`Pallet::retire_instance`] | the service's owner | O(instances) |
//! | [`Pallet::create_agreement`] | signed (becomes the client) | O(1) (bounded SLA and instances) |
//! | [`Pallet::confirm_period`] | the agreement's client | O(1) |
//! | [`Pallet::escalate`] | the agreement's client or the service's owner | O(1) |
//! | [`Pallet::cancel_agreement`] | the agreement's client | O(1) |
//! | [`Pallet::resolve_dispute`] | [`Config::ArbiterOrigin`] | O(1) |
//!
//! ### Traits implemented
//!
//! - [`AgreementRegistry`]: which periods await a metrics block and which
//!   monitors to pull, for the metrics-blocks pallet.
//! - [`MetricsBlockHandler`]: receives each recorded metrics block. Its cost
//!   is [`WeightInfo::on_metrics_block`], to be charged by the caller.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use pallet_escrow_release::EscrowSettlement;
use qos_primitives::{
	otp::Commitment,
	sla::{Sla, SlaError, Verdict},
	traits::{AgreementRegistry, MetricsBlockHandler, MonitorEndpoint, PeriodToRecord},
	AgreementId, InstanceId, PeriodIndex, Report, ServiceId, Window,
};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

const LOG_TARGET: &str = "runtime::sla-verification";

/// The balance type of the escrow the pallet settles through.
pub type BalanceOf<T> = <<T as Config>::Escrow as EscrowSettlement<<T as frame_system::Config>::AccountId>>::Balance;

/// An agreement as stored by the pallet for runtime `T`.
pub type AgreementOf<T> = Agreement<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

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

/// A service registered by a cloud owner. Its terms apply to agreements
/// created after they were set.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Service<AccountId, Balance> {
	/// The cloud owner, who is paid.
	pub owner: AccountId,
	/// Price of one period.
	pub price_per_period: Balance,
	/// Length of one period, in milliseconds.
	pub period_ms: u64,
	/// What each instance promises.
	pub capacity: Capacity,
	/// Id the next added instance gets.
	pub next_instance: InstanceId,
}

/// Where an agreement is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum AgreementStatus {
	/// Running its whole term.
	Active,
	/// Cancelled by the client; the periods that had started are still owed.
	Cancelled,
	/// Every period of the term is settled or resolved; its escrow is closed.
	Finished,
}

/// An agreement between a client and a service, with the service's terms as
/// they were when it was created.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Agreement<AccountId, Balance> {
	/// The client, who pays and confirms periods.
	pub client: AccountId,
	/// The service.
	pub service: ServiceId,
	/// The service's owner, who is paid.
	pub owner: AccountId,
	/// QoS indicators and credit schedule.
	pub sla: Sla,
	/// Price of one period.
	pub price_per_period: Balance,
	/// Length of one period, in milliseconds.
	pub period_ms: u64,
	/// Chain time (ms) at creation: start of period 0.
	pub start_ms: u64,
	/// Number of periods in the term (cut by a cancellation).
	pub periods: u32,
	/// Lowest period without a metrics block (periods are recorded in order).
	pub next_to_record: PeriodIndex,
	/// Periods settled or resolved.
	pub closed_periods: u32,
	/// Where the agreement is in its life.
	pub status: AgreementStatus,
}

impl<AccountId, Balance> Agreement<AccountId, Balance> {
	/// The window of `period` on the agreement's clock.
	pub fn window(&self, period: PeriodIndex) -> Option<Window> {
		Window::of_period(self.start_ms, self.period_ms, period)
	}
}

/// Where a recorded period is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum PeriodState {
	/// The verdict is stored; the client's OTP is awaited.
	Recorded,
	/// Paid after the client's OTP matched.
	Settled,
	/// Awaiting the arbiter.
	Disputed,
	/// Paid as the arbiter decided.
	Resolved,
}

/// A period that has its metrics block.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct PeriodRecord<BlockNumber> {
	/// The SLA verdict from the metrics block.
	pub verdict: Verdict,
	/// `commit(otp)` put on chain by the accounting node.
	pub otp_commitment: Commitment,
	/// Block in which the metrics block was recorded.
	pub recorded_at: BlockNumber,
	/// Wrong OTPs submitted so far.
	pub failed_otp_attempts: u32,
	/// Where the period is in its life.
	pub state: PeriodState,
}

/// Why a period became disputed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum DisputeCause {
	/// The client submitted `MaxOtpAttempts` wrong OTPs.
	OtpAttemptsExhausted,
	/// The client escalated after the confirm window.
	EscalatedByClient,
	/// The owner escalated after the confirm window.
	EscalatedByOwner,
}

/// The owner's share of a period's price after an SLA credit of `credit_percent`.
pub fn owner_share_after_credit(credit_percent: u8) -> Perbill {
	Perbill::from_percent(100u32.saturating_sub(credit_percent as u32))
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::Time};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{CheckedMul, Saturating, Zero},
		ArithmeticError,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Holds, pays and refunds the clients' funds (pallet-escrow-release).
		type Escrow: EscrowSettlement<Self::AccountId>;

		/// Chain time in milliseconds (pallet-timestamp).
		type Time: Time<Moment = u64>;

		/// Who resolves disputed periods.
		type ArbiterOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Longest monitor URL, in bytes.
		#[pallet::constant]
		type MaxUrlLen: Get<u32>;

		/// Most periods in one agreement.
		#[pallet::constant]
		type MaxPeriods: Get<u32>;

		/// Shortest period, in milliseconds. The longest is one day
		/// (`MAX_REPORT_WINDOW_MS`), the longest window a monitor reports on.
		#[pallet::constant]
		type MinPeriodMs: Get<u64>;

		/// Wrong OTPs after which a period becomes disputed.
		#[pallet::constant]
		type MaxOtpAttempts: Get<u32>;

		/// Blocks after a period is recorded before either party may escalate.
		#[pallet::constant]
		type ConfirmWindow: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Id the next registered service gets.
	#[pallet::storage]
	pub type NextServiceId<T: Config> = StorageValue<_, ServiceId, ValueQuery>;

	/// Registered services.
	#[pallet::storage]
	pub type Services<T: Config> =
		StorageMap<_, Blake2_128Concat, ServiceId, Service<T::AccountId, BalanceOf<T>>, OptionQuery>;

	/// A service's non-retired instances, by ascending id.
	#[pallet::storage]
	pub type ActiveInstances<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		ServiceId,
		BoundedVec<InstanceId, qos_primitives::MaxInstancesPerService>,
		ValueQuery,
	>;

	/// Monitor URL of each non-retired instance.
	#[pallet::storage]
	pub type MonitorUrls<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		ServiceId,
		Twox64Concat,
		InstanceId,
		BoundedVec<u8, T::MaxUrlLen>,
		OptionQuery,
	>;

	/// Id the next agreement gets.
	#[pallet::storage]
	pub type NextAgreementId<T: Config> = StorageValue<_, AgreementId, ValueQuery>;

	/// Agreements, kept after they finish as their record.
	#[pallet::storage]
	pub type Agreements<T: Config> = StorageMap<_, Blake2_128Concat, AgreementId, AgreementOf<T>, OptionQuery>;

	/// Agreements with a period still awaiting its metrics block.
	#[pallet::storage]
	pub type AwaitingMetrics<T: Config> = StorageMap<_, Twox64Concat, AgreementId, (), OptionQuery>;

	/// Every period that has its metrics block, with its verdict and state.
	#[pallet::storage]
	pub type Periods<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		AgreementId,
		Twox64Concat,
		PeriodIndex,
		PeriodRecord<BlockNumberFor<T>>,
		OptionQuery,
	>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A service was registered.
		ServiceRegistered {
			service: ServiceId,
			owner: T::AccountId,
			price_per_period: BalanceOf<T>,
			period_ms: u64,
			capacity: Capacity,
		},
		/// A service's terms changed; they apply to agreements created from now on.
		ServiceUpdated { service: ServiceId, price_per_period: BalanceOf<T>, period_ms: u64, capacity: Capacity },
		/// An instance was added to a service.
		InstanceAdded { service: ServiceId, instance: InstanceId, monitor_url: BoundedVec<u8, T::MaxUrlLen> },
		/// An instance was retired; later metrics blocks neither pull nor expect it.
		InstanceRetired { service: ServiceId, instance: InstanceId },
		/// An agreement was created and its escrow put on hold.
		AgreementCreated {
			agreement: AgreementId,
			client: T::AccountId,
			service: ServiceId,
			periods: u32,
			start_ms: u64,
			price_per_period: BalanceOf<T>,
		},
		/// A period's metrics block was recorded, with the period's verdict.
		PeriodRecorded { agreement: AgreementId, period: PeriodIndex, verdict: Verdict },
		/// The client's OTP matched and the period was paid.
		PeriodSettled {
			agreement: AgreementId,
			period: PeriodIndex,
			credit_percent: u8,
			to_owner: BalanceOf<T>,
			to_client: BalanceOf<T>,
		},
		/// A wrong OTP was submitted; `attempts` wrong ones so far.
		OtpMismatch { agreement: AgreementId, period: PeriodIndex, attempts: u32 },
		/// A period is disputed and awaits the arbiter.
		PeriodDisputed { agreement: AgreementId, period: PeriodIndex, cause: DisputeCause },
		/// The arbiter settled a disputed period.
		DisputeResolved {
			agreement: AgreementId,
			period: PeriodIndex,
			owner_share: Perbill,
			to_owner: BalanceOf<T>,
			to_client: BalanceOf<T>,
		},
		/// The client cancelled; `refunded_periods` later periods were refunded and
		/// the term now has `periods` periods.
		AgreementCancelled { agreement: AgreementId, periods: u32, refunded_periods: u32, refunded: BalanceOf<T> },
		/// Every period of the agreement is paid; `released` was left in escrow
		/// and went back to the client.
		AgreementFinished { agreement: AgreementId, released: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No service has this id.
		ServiceNotFound,
		/// Only the service's owner may do this.
		NotServiceOwner,
		/// The price per period must be more than zero.
		ZeroPrice,
		/// The period length is below `MinPeriodMs` or above one day.
		PeriodLengthOutOfRange,
		/// The monitor URL is empty.
		EmptyUrl,
		/// The monitor URL does not start with `http://` or `https://`.
		UrlNotHttp,
		/// The service already has the most instances allowed.
		TooManyInstances,
		/// The service has no non-retired instance with this id.
		InstanceNotFound,
		/// The service has used up its instance ids.
		InstanceIdsExhausted,
		/// The service has no instance to monitor.
		ServiceHasNoInstances,
		/// An agreement needs at least one period.
		ZeroPeriods,
		/// More periods than `MaxPeriods`.
		TooManyPeriods,
		/// An SLA permille value is above 1000.
		SlaPermilleOutOfRange,
		/// An SLA credit percentage is above 100.
		SlaPercentOutOfRange,
		/// Credit tiers must be strictly decreasing in threshold and increasing in credit.
		SlaTiersNotOrdered,
		/// `min_healthy_instances` is 0 or above the instance bound.
		SlaHealthyInstancesOutOfRange,
		/// The QoS indicators ask for more vCPUs or memory than the service promises.
		QosExceedsCapacity,
		/// `min_healthy_instances` is more than the service's instances.
		NotEnoughInstances,
		/// Every agreement id is used.
		AgreementIdsExhausted,
		/// No agreement has this id.
		AgreementNotFound,
		/// Only the agreement's client may do this.
		NotClient,
		/// Only the agreement's client or the service's owner may do this.
		NotParty,
		/// The period is not within the agreement's term.
		PeriodNotInTerm,
		/// The period has no metrics block yet.
		PeriodAwaitingMetrics,
		/// The period is already paid.
		PeriodAlreadySettled,
		/// The period is disputed and awaits the arbiter.
		PeriodDisputed,
		/// The period is not disputed.
		PeriodNotDisputed,
		/// The client may still confirm: escalation opens `ConfirmWindow` blocks
		/// after the recording.
		ConfirmWindowOpen,
		/// The agreement is already cancelled.
		AgreementAlreadyCancelled,
		/// The agreement is finished.
		AgreementFinished,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxPeriods::get() >= 1, "MaxPeriods must be at least 1");
			assert!(T::MaxOtpAttempts::get() >= 1, "MaxOtpAttempts must be at least 1");
			assert!(
				T::MinPeriodMs::get() >= 1 && T::MinPeriodMs::get() <= qos_primitives::MAX_REPORT_WINDOW_MS,
				"MinPeriodMs must be within 1 ms ..= one day"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a service you own.
		///
		/// - `price_per_period`: what a client pays for one period (> 0).
		/// - `period_ms`: length of a period in milliseconds, from `MinPeriodMs` to one day.
		/// - `capacity`: vCPUs (thousandths) and memory (MiB) each instance promises;
		///   agreements cannot ask for more.
		///
		/// Add instances with `add_instance` before clients can create agreements.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_service())]
		pub fn register_service(
			origin: OriginFor<T>,
			price_per_period: BalanceOf<T>,
			period_ms: u64,
			capacity: Capacity,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::ensure_terms(price_per_period, period_ms)?;
			let service = NextServiceId::<T>::get();
			NextServiceId::<T>::put(service.checked_add(1).ok_or(ArithmeticError::Overflow)?);
			Services::<T>::insert(
				service,
				Service { owner: owner.clone(), price_per_period, period_ms, capacity, next_instance: 0 },
			);
			Self::deposit_event(Event::ServiceRegistered { service, owner, price_per_period, period_ms, capacity });
			Ok(())
		}

		/// Change your service's price, period length and capacity.
		///
		/// Only agreements created afterwards get the new terms; running
		/// agreements keep theirs.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_service())]
		pub fn update_service(
			origin: OriginFor<T>,
			service: ServiceId,
			price_per_period: BalanceOf<T>,
			period_ms: u64,
			capacity: Capacity,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Self::owned_service(&who, service)?;
			Self::ensure_terms(price_per_period, period_ms)?;
			info.price_per_period = price_per_period;
			info.period_ms = period_ms;
			info.capacity = capacity;
			Services::<T>::insert(service, info);
			Self::deposit_event(Event::ServiceUpdated { service, price_per_period, period_ms, capacity });
			Ok(())
		}

		/// Add an instance (VM or container) to your service.
		///
		/// `monitor_url` is the base URL of the instance's `qos-monitor`
		/// (`http://` or `https://`, at most `MaxUrlLen` bytes). The instance is
		/// pulled and expected in every metrics block recorded from now on.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::add_instance(monitor_url.len() as u32))]
		pub fn add_instance(
			origin: OriginFor<T>,
			service: ServiceId,
			monitor_url: BoundedVec<u8, T::MaxUrlLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Self::owned_service(&who, service)?;
			ensure!(!monitor_url.is_empty(), Error::<T>::EmptyUrl);
			ensure!(
				monitor_url.starts_with(b"http://") || monitor_url.starts_with(b"https://"),
				Error::<T>::UrlNotHttp
			);
			let instance = info.next_instance;
			let mut active = ActiveInstances::<T>::get(service);
			// Ids only grow, so pushing keeps the list ascending.
			active.try_push(instance).map_err(|_| Error::<T>::TooManyInstances)?;
			info.next_instance = instance.checked_add(1).ok_or(Error::<T>::InstanceIdsExhausted)?;
			ActiveInstances::<T>::insert(service, active);
			MonitorUrls::<T>::insert(service, instance, monitor_url.clone());
			Services::<T>::insert(service, info);
			Self::deposit_event(Event::InstanceAdded { service, instance, monitor_url });
			Ok(())
		}

		/// Retire an instance of your service.
		///
		/// Metrics blocks recorded from now on neither pull nor expect it. Its
		/// id is not reused.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::retire_instance(qos_primitives::MAX_INSTANCES_PER_SERVICE))]
		pub fn retire_instance(origin: OriginFor<T>, service: ServiceId, instance: InstanceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::owned_service(&who, service)?;
			let mut active = ActiveInstances::<T>::get(service);
			let position = active.binary_search(&instance).map_err(|_| Error::<T>::InstanceNotFound)?;
			active.remove(position);
			ActiveInstances::<T>::insert(service, active);
			MonitorUrls::<T>::remove(service, instance);
			Self::deposit_event(Event::InstanceRetired { service, instance });
			Ok(())
		}

		/// Create an agreement on `service` for `periods` periods, with the QoS
		/// indicators and credit schedule in `sla`.
		///
		/// `price × periods` of your balance is put on hold (escrow). Period 0
		/// starts at this block's time. Thresholds are validated: permille
		/// values at most 1000, percentages at most 100, credit tiers ordered,
		/// and no more vCPUs, memory or healthy instances than the service has.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::create_agreement())]
		pub fn create_agreement(origin: OriginFor<T>, service: ServiceId, sla: Sla, periods: u32) -> DispatchResult {
			let client = ensure_signed(origin)?;
			let info = Services::<T>::get(service).ok_or(Error::<T>::ServiceNotFound)?;
			ensure!(periods >= 1, Error::<T>::ZeroPeriods);
			ensure!(periods <= T::MaxPeriods::get(), Error::<T>::TooManyPeriods);
			sla.validate().map_err(Error::<T>::from)?;
			let qos = &sla.qos;
			ensure!(
				qos.min_vcpus_milli.is_none_or(|v| v <= info.capacity.vcpus_milli)
					&& qos.min_memory_mib.is_none_or(|m| m <= info.capacity.memory_mib),
				Error::<T>::QosExceedsCapacity
			);
			let instances = ActiveInstances::<T>::decode_len(service).unwrap_or(0) as u32;
			ensure!(instances > 0, Error::<T>::ServiceHasNoInstances);
			ensure!(qos.min_healthy_instances.is_none_or(|h| h <= instances), Error::<T>::NotEnoughInstances);

			let agreement = NextAgreementId::<T>::get();
			// The last id is usable once; the counter then stays on it.
			ensure!(!Agreements::<T>::contains_key(agreement), Error::<T>::AgreementIdsExhausted);
			let start_ms = T::Time::now();
			Window::of_period(start_ms, info.period_ms, periods - 1).ok_or(ArithmeticError::Overflow)?;
			let total =
				info.price_per_period.checked_mul(&BalanceOf::<T>::from(periods)).ok_or(ArithmeticError::Overflow)?;
			T::Escrow::open(agreement, &client, &info.owner, info.price_per_period, periods, total)?;

			NextAgreementId::<T>::put(agreement.saturating_add(1));
			Agreements::<T>::insert(
				agreement,
				Agreement {
					client: client.clone(),
					service,
					owner: info.owner,
					sla,
					price_per_period: info.price_per_period,
					period_ms: info.period_ms,
					start_ms,
					periods,
					next_to_record: 0,
					closed_periods: 0,
					status: AgreementStatus::Active,
				},
			);
			AwaitingMetrics::<T>::insert(agreement, ());
			Self::deposit_event(Event::AgreementCreated {
				agreement,
				client,
				service,
				periods,
				start_ms,
				price_per_period: info.price_per_period,
			});
			Ok(())
		}

		/// Confirm a recorded period with its one-time password.
		///
		/// Origin: the agreement's client. `otp` is the 32-byte OTP derived from
		/// the monitors' tags with your key (DESIGN.md, "Permission check"). If
		/// `commit(otp)` matches the metrics block's commitment, the period is
		/// paid: the price minus the SLA credit to the owner, the credit to you.
		/// A wrong OTP is counted (`OtpMismatch`) and the call still succeeds;
		/// after `MaxOtpAttempts` wrong ones the period is disputed.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::confirm_period())]
		pub fn confirm_period(
			origin: OriginFor<T>,
			agreement: AgreementId,
			period: PeriodIndex,
			otp: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			ensure!(info.client == who, Error::<T>::NotClient);
			let mut record = Self::recorded_period(&info, agreement, period)?;
			ensure!(record.state == PeriodState::Recorded, Self::state_error(record.state));

			if qos_primitives::otp::otp_matches(&otp, &record.otp_commitment) {
				let credit_percent = record.verdict.credit_percent();
				let (to_owner, to_client) =
					T::Escrow::settle_period(agreement, period, owner_share_after_credit(credit_percent))?;
				record.state = PeriodState::Settled;
				Periods::<T>::insert(agreement, period, record);
				Self::deposit_event(Event::PeriodSettled { agreement, period, credit_percent, to_owner, to_client });
				Self::close_period(agreement, info)?;
			} else {
				record.failed_otp_attempts = record.failed_otp_attempts.saturating_add(1);
				let attempts = record.failed_otp_attempts;
				Self::deposit_event(Event::OtpMismatch { agreement, period, attempts });
				if attempts >= T::MaxOtpAttempts::get() {
					record.state = PeriodState::Disputed;
					Self::deposit_event(Event::PeriodDisputed {
						agreement,
						period,
						cause: DisputeCause::OtpAttemptsExhausted,
					});
				}
				Periods::<T>::insert(agreement, period, record);
			}
			Ok(())
		}

		/// Put a recorded period before the arbiter.
		///
		/// Origin: the agreement's client or the service's owner, once
		/// `ConfirmWindow` blocks have passed since the period was recorded
		/// without the client confirming it.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::escalate())]
		pub fn escalate(origin: OriginFor<T>, agreement: AgreementId, period: PeriodIndex) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			let cause = if who == info.client {
				DisputeCause::EscalatedByClient
			} else if who == info.owner {
				DisputeCause::EscalatedByOwner
			} else {
				return Err(Error::<T>::NotParty.into());
			};
			let mut record = Self::recorded_period(&info, agreement, period)?;
			ensure!(record.state == PeriodState::Recorded, Self::state_error(record.state));
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now >= record.recorded_at.saturating_add(T::ConfirmWindow::get()), Error::<T>::ConfirmWindowOpen);
			record.state = PeriodState::Disputed;
			Periods::<T>::insert(agreement, period, record);
			Self::deposit_event(Event::PeriodDisputed { agreement, period, cause });
			Ok(())
		}

		/// Cancel your agreement.
		///
		/// Notice rule: every period that has started (the running one
		/// included) is still owed and is settled normally; later periods are
		/// cut from the term and their price released to you at once.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::cancel_agreement())]
		pub fn cancel_agreement(origin: OriginFor<T>, agreement: AgreementId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			ensure!(info.client == who, Error::<T>::NotClient);
			match info.status {
				AgreementStatus::Active => {}
				AgreementStatus::Cancelled => return Err(Error::<T>::AgreementAlreadyCancelled.into()),
				AgreementStatus::Finished => return Err(Error::<T>::AgreementFinished.into()),
			}
			let now_ms = T::Time::now();
			// `period_ms >= 1` is enforced when a service's terms are set.
			let running = now_ms.saturating_sub(info.start_ms) / info.period_ms.max(1);
			let started = u32::try_from(running.saturating_add(1)).unwrap_or(u32::MAX);
			// A period already recorded is owed too, even if the clock says otherwise.
			let kept = started.max(info.next_to_record).min(info.periods);
			let refunded_periods = info.periods - kept;
			let refunded = if refunded_periods > 0 {
				T::Escrow::refund_periods(agreement, refunded_periods)?
			} else {
				Zero::zero()
			};
			info.periods = kept;
			info.status = AgreementStatus::Cancelled;
			if info.next_to_record >= kept {
				AwaitingMetrics::<T>::remove(agreement);
			}
			Self::deposit_event(Event::AgreementCancelled { agreement, periods: kept, refunded_periods, refunded });
			if info.closed_periods >= info.periods {
				Self::finish(agreement, info)?;
			} else {
				Agreements::<T>::insert(agreement, info);
			}
			Ok(())
		}

		/// Settle a disputed period with a split.
		///
		/// Origin: `ArbiterOrigin`. The owner gets `floor(owner_share × price)`,
		/// the client the rest (rounding favours the client by at most one unit).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::resolve_dispute())]
		pub fn resolve_dispute(
			origin: OriginFor<T>,
			agreement: AgreementId,
			period: PeriodIndex,
			owner_share: Perbill,
		) -> DispatchResult {
			T::ArbiterOrigin::ensure_origin(origin)?;
			let info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			let mut record = Self::recorded_period(&info, agreement, period)?;
			ensure!(record.state == PeriodState::Disputed, Error::<T>::PeriodNotDisputed);
			let (to_owner, to_client) = T::Escrow::settle_period(agreement, period, owner_share)?;
			record.state = PeriodState::Resolved;
			Periods::<T>::insert(agreement, period, record);
			Self::deposit_event(Event::DisputeResolved { agreement, period, owner_share, to_owner, to_client });
			Self::close_period(agreement, info)
		}
	}

	impl<T: Config> From<SlaError> for Error<T> {
		fn from(e: SlaError) -> Self {
			match e {
				SlaError::PermilleOutOfRange => Error::<T>::SlaPermilleOutOfRange,
				SlaError::PercentOutOfRange => Error::<T>::SlaPercentOutOfRange,
				SlaError::TiersNotOrdered => Error::<T>::SlaTiersNotOrdered,
				SlaError::HealthyInstancesOutOfRange => Error::<T>::SlaHealthyInstancesOutOfRange,
			}
		}
	}

	impl<T: Config> Pallet<T> {
		fn ensure_terms(price_per_period: BalanceOf<T>, period_ms: u64) -> DispatchResult {
			ensure!(!price_per_period.is_zero(), Error::<T>::ZeroPrice);
			ensure!(
				period_ms >= T::MinPeriodMs::get() && period_ms <= qos_primitives::MAX_REPORT_WINDOW_MS,
				Error::<T>::PeriodLengthOutOfRange
			);
			Ok(())
		}

		fn owned_service(
			who: &T::AccountId,
			service: ServiceId,
		) -> Result<Service<T::AccountId, BalanceOf<T>>, DispatchError> {
			let info = Services::<T>::get(service).ok_or(Error::<T>::ServiceNotFound)?;
			ensure!(&info.owner == who, Error::<T>::NotServiceOwner);
			Ok(info)
		}

		/// The record of `period`, or the error naming why it has none.
		fn recorded_period(
			info: &AgreementOf<T>,
			agreement: AgreementId,
			period: PeriodIndex,
		) -> Result<PeriodRecord<BlockNumberFor<T>>, DispatchError> {
			ensure!(period < info.periods, Error::<T>::PeriodNotInTerm);
			Periods::<T>::get(agreement, period).ok_or_else(|| Error::<T>::PeriodAwaitingMetrics.into())
		}

		fn state_error(state: PeriodState) -> Error<T> {
			match state {
				PeriodState::Disputed => Error::<T>::PeriodDisputed,
				// `Recorded` is never passed here.
				_ => Error::<T>::PeriodAlreadySettled,
			}
		}

		/// Counts a paid period and finishes the agreement after its last one.
		fn close_period(agreement: AgreementId, mut info: AgreementOf<T>) -> DispatchResult {
			info.closed_periods = info.closed_periods.saturating_add(1);
			if info.closed_periods >= info.periods {
				Self::finish(agreement, info)
			} else {
				Agreements::<T>::insert(agreement, info);
				Ok(())
			}
		}

		fn finish(agreement: AgreementId, mut info: AgreementOf<T>) -> DispatchResult {
			let released = T::Escrow::close(agreement)?;
			info.status = AgreementStatus::Finished;
			Agreements::<T>::insert(agreement, info);
			AwaitingMetrics::<T>::remove(agreement);
			Self::deposit_event(Event::AgreementFinished { agreement, released });
			Ok(())
		}

		/// The period of `agreement` awaiting its metrics block, if it is `period`.
		fn awaiting(agreement: AgreementId, period: PeriodIndex) -> Option<(AgreementOf<T>, Window)> {
			let info = Agreements::<T>::get(agreement)?;
			if info.status == AgreementStatus::Finished || period != info.next_to_record || period >= info.periods {
				return None;
			}
			let window = info.window(period)?;
			Some((info, window))
		}

		fn monitors(service: ServiceId) -> Vec<MonitorEndpoint> {
			ActiveInstances::<T>::get(service)
				.into_iter()
				.filter_map(|instance| {
					MonitorUrls::<T>::get(service, instance)
						.map(|url| MonitorEndpoint { instance, url: url.into_inner() })
				})
				.collect()
		}

		/// Checks the pallet's invariants.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			for (agreement, info) in Agreements::<T>::iter() {
				ensure!(info.periods >= 1 && info.periods <= T::MaxPeriods::get(), "term out of bounds");
				ensure!(info.closed_periods <= info.periods, "more periods closed than the term has");
				ensure!(info.next_to_record <= info.periods, "recorded beyond the term");
				let mut closed = 0u32;
				for (period, record) in Periods::<T>::iter_prefix(agreement) {
					ensure!(period < info.next_to_record, "a period is recorded out of order");
					if matches!(record.state, PeriodState::Settled | PeriodState::Resolved) {
						closed += 1;
					}
				}
				ensure!(closed == info.closed_periods, "closed period count differs from the records");
				let finished = info.status == AgreementStatus::Finished;
				ensure!(finished == (info.closed_periods == info.periods), "finished iff every period is closed");
				ensure!(
					finished == T::Escrow::held(agreement).is_none(),
					"an unfinished agreement has an open escrow and a finished one none"
				);
				ensure!(
					AwaitingMetrics::<T>::contains_key(agreement) == (!finished && info.next_to_record < info.periods),
					"AwaitingMetrics differs from the agreements"
				);
			}
			for (service, active) in ActiveInstances::<T>::iter() {
				ensure!(active.windows(2).all(|w| w[0] < w[1]), "instances not ascending");
				for instance in active.iter() {
					ensure!(MonitorUrls::<T>::contains_key(service, instance), "an instance without URL");
				}
			}
			Ok(())
		}
	}

	impl<T: Config> AgreementRegistry for Pallet<T> {
		fn period_to_record(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodToRecord> {
			let (info, window) = Self::awaiting(agreement, period)?;
			Some(PeriodToRecord { agreement, period, window, monitors: Self::monitors(info.service) })
		}

		fn periods_awaiting_metrics(now_ms: u64, limit: u32) -> Vec<PeriodToRecord> {
			let mut due: Vec<(u64, AgreementId, PeriodIndex, ServiceId, Window)> = AwaitingMetrics::<T>::iter_keys()
				.filter_map(|agreement| {
					let info = Agreements::<T>::get(agreement)?;
					let period = info.next_to_record;
					let (_, window) = Self::awaiting(agreement, period)?;
					(window.to_ms <= now_ms).then_some((window.to_ms, agreement, period, info.service, window))
				})
				.collect();
			due.sort_unstable_by_key(|(to_ms, agreement, ..)| (*to_ms, *agreement));
			due.truncate(limit as usize);
			due.into_iter()
				.map(|(_, agreement, period, service, window)| PeriodToRecord {
					agreement,
					period,
					window,
					monitors: Self::monitors(service),
				})
				.collect()
		}
	}

	impl<T: Config> MetricsBlockHandler for Pallet<T> {
		fn on_metrics_block(
			agreement: AgreementId,
			period: PeriodIndex,
			window: Window,
			reports: &[Report],
			otp_commitment: Commitment,
		) {
			let Some((mut info, expected_window)) = Self::awaiting(agreement, period) else {
				log::warn!(target: LOG_TARGET, "ignored metrics block: agreement {agreement} period {period} is not awaiting metrics");
				return;
			};
			if window != expected_window {
				log::warn!(target: LOG_TARGET, "ignored metrics block: agreement {agreement} period {period}: window {window:?}, expected {expected_window:?}");
				return;
			}
			let expected_instances = ActiveInstances::<T>::get(info.service);
			let verdict = qos_primitives::sla::evaluate(&info.sla, &window, &expected_instances, reports);
			Periods::<T>::insert(
				agreement,
				period,
				PeriodRecord {
					verdict: verdict.clone(),
					otp_commitment,
					recorded_at: frame_system::Pallet::<T>::block_number(),
					failed_otp_attempts: 0,
					state: PeriodState::Recorded,
				},
			);
			info.next_to_record = period.saturating_add(1);
			if info.next_to_record >= info.periods {
				AwaitingMetrics::<T>::remove(agreement);
			}
			Agreements::<T>::insert(agreement, info);
			Self::deposit_event(Event::PeriodRecorded { agreement, period, verdict });
		}
	}
}
