//! # SLA Verification Pallet
//!
//! Services, the SLA offers their owners publish, their instances, the
//! agreements clients make on those offers, the SLA verdict of every billing
//! period, and the rules that move each period's escrow: the client's OTP,
//! contests, arbitration and deadlines. The protocol is specified in the
//! repository's `docs/protocol.md`; `docs/threat-model.md` lists who could
//! cheat each rule and the test that shows they cannot.
//!
//! ## Overview
//!
//! - A cloud **owner** registers a service (price per period, period length,
//!   the capacity each instance promises), publishes one or more **offers**
//!   ([`Offer`]: an SLA and the arbiters it accepts) and adds its instances,
//!   each with the base URL of its monitor. The owner's deposit covers the
//!   storage of all of it.
//! - A **client** creates an agreement on one offer, asking for the offer's
//!   SLA or for terms easier on the owner, never harsher
//!   ([`qos_primitives::sla::Sla::within_offer`]), and picks one of the
//!   offer's arbiters. `price × periods` is put on hold on the client's balance
//!   ([`Config::Escrow`]), the accounting fee for the validators' work
//!   (`AccountingFee × instances × periods`) is burned, and a deposit for the
//!   agreement's storage is held. The instances the agreement covers are the
//!   service's instances at that moment, and stay fixed. The agreement's clock
//!   starts at the chain time of that block: period `p` is
//!   [`Window::of_period`]`(start, period_ms, p)`.
//! - When a period's window has closed, the metrics-blocks pallet records its
//!   metrics block and hands the reports and the OTP commitment to this
//!   pallet ([`MetricsBlockHandler`](qos_primitives::traits::MetricsBlockHandler)). The verdict is
//!   [`qos_primitives::sla::evaluate`] over the covered instances: `Met`, or
//!   `Breached` with the violated indicators, the failing instances and the
//!   credit.
//!
//! ### Period lifecycle
//!
//! ```text
//!                 OTP matches, Met ─────────────────────────────────────► Closed(Confirmed)
//! Recorded ──────►OTP matches, Breached ──► Confirmed ──owner accepts / window ends──► Closed(Confirmed)
//!    │  │                                       │
//!    │  └── contest window ends, nothing done ──┼──────────────────────► Closed(DeemedAccepted)
//!    │                                          │
//!    └── contest (client: any verdict; owner: a breach) / MaxOtpAttempts wrong OTPs
//!                     ▼
//!                 Disputed ──arbiter──► Closed(Arbitrated)
//!                     └──ArbitrationWindow ends──► Closed(ArbitrationLapsed)
//! awaiting metrics ──RecordDeadlineMs after the window, no final block──► Closed(Lapsed)
//! ```
//!
//! - **The client's OTP** is the permission for every payment to the owner
//!   outside arbitration and the deadlines below. If `commit(otp)` equals the
//!   stored commitment, a `Met` period is paid at once; a breached one is
//!   paid (price minus credit to the owner, the credit to the client) once the
//!   owner accepts the verdict or its contest window ends. A wrong OTP is
//!   counted and evented ([`Event::OtpMismatch`]); after
//!   [`Config::MaxOtpAttempts`] of them the period is disputed.
//! - **Contests**: the side that loses money on a verdict may contest it,
//!   with a reason, within [`Config::ContestWindow`] blocks of its recording:
//!   the client any verdict it has not confirmed, the owner a breach it has
//!   not accepted. A contested period goes to arbitration.
//! - **Arbitration**: the arbiter the client chose among the offer's, or the
//!   last-resort [`Config::ArbiterOrigin`] (Root), splits the disputed
//!   period's price, and nothing else.
//!
//! ### Deadlines: no escrow is held forever
//!
//! Each rule is applied by [`Pallet::settle_overdue`], which anyone may call
//! once its deadline passed (the party owed the money has the reason to).
//! The chain applies the accounting nodes' rule itself: at the start of
//! each block it lapses the periods whose record deadline passed, oldest
//! first, within [`Config::MaxLapseWeight`] (an agreement's consecutive
//! overdue periods at once, so one that fell behind during an outage
//! catches up in one step), so a period that nobody can or will record does
//! not stay open on anyone's goodwill. From its record
//! deadline on a period can no longer be recorded (the metrics-blocks pallet
//! refuses it), so exactly one of the two ever happens.
//!
//! | who does nothing | deadline | rule |
//! |---|---|---|
//! | the client neither confirms nor contests | `ContestWindow` blocks after the recording | paid per the verdict (`DeemedAccepted`), as an invoice not disputed in time |
//! | the owner neither accepts nor contests a confirmed breach | the same | paid per the verdict |
//! | the arbiter | `ArbitrationWindow` blocks after the dispute began | split by `UnresolvedDisputeOwnerShare` (`ArbitrationLapsed`) |
//! | the accounting nodes (no final metrics block) | `RecordDeadlineMs` after the window closed and settled | refunded to the client (`Lapsed`); the next period can then be recorded |
//! | an owner who disappears | — | nothing waits for the owner: the rules above close every period |
//!
//! Periods are recorded in order: only the lowest unrecorded period of an
//! agreement awaits its metrics block. A period is closed exactly once, so it
//! is never paid twice. When every period of the term is closed the agreement
//! is finished and whatever is left in its escrow (top-ups) is released to
//! the client; [`Config::AgreementRetention`] blocks later anyone may prune
//! it, which returns the client's deposit.
//!
//! ### Credits and rounding
//!
//! A breached period with a credit of `c` percent pays the owner
//! `floor(price × (100 − c) / 100)` and refunds the client
//! `ceil(price × c / 100)`. A split with an owner share `s` pays the owner
//! `floor(s × price)` and the client the rest. Rounding always favours the
//! client, by at most one unit ([`pallet_escrow_release::split_period_price`]).
//!
//! ### Notice rule for cancellation
//!
//! A client may cancel an active agreement at any time. Every period that has
//! started by then — the running one included — is still owed and closed like
//! any other. Every later period is cut from the term and its price released
//! to the client at once. The accounting fee is not refunded.
//!
//! ### Instances
//!
//! A service has at most [`MAX_INSTANCES_PER_SERVICE`](qos_primitives::MAX_INSTANCES_PER_SERVICE)
//! instances, retired ones included: a retired instance stays as the record of
//! the agreements that covered it, and counts as down from the moment of its
//! retirement in every period of theirs not yet recorded. To swap a broken VM,
//! the owner gives the same instance a new monitor URL with
//! [`Pallet::replace_instance`]: windows that begin from then on are pulled
//! from the new URL.
//!
//! ## Interface
//!
//! ### Dispatchable functions
//!
//! | call | origin | complexity | errors |
//! |---|---|---|---|
//! | [`Pallet::register_service`] | signed (becomes the owner) | O(1) | `PriceBelowMinimum`, `PeriodLengthOutOfRange`, `DepositUnavailable` |
//! | [`Pallet::update_service`] | the owner | O(1) | `ServiceNotFound`, `NotServiceOwner`, `PriceBelowMinimum`, `PeriodLengthOutOfRange` |
//! | [`Pallet::set_offers`] | the owner | O(offers × arbiters) | `ServiceNotFound`, `NotServiceOwner`, `TooManyOffers`, `TooManyArbiters`, `TooManyCreditTiers`, `Sla…`, `DepositUnavailable` |
//! | [`Pallet::add_instance`] | the owner | O(url) | `ServiceNotFound`, `NotServiceOwner`, `UrlTooLong`, `Url…`, `TooManyInstances`, `DepositUnavailable` |
//! | [`Pallet::replace_instance`] | the owner | O(url) | `ServiceNotFound`, `NotServiceOwner`, `UrlTooLong`, `Url…`, `InstanceNotFound`, `InstanceRetired`, `ReplacedTooRecently` |
//! | [`Pallet::retire_instance`] | the owner | O(instances) | `ServiceNotFound`, `NotServiceOwner`, `InstanceNotFound`, `InstanceRetired` |
//! | [`Pallet::deregister_service`] | the owner | O(instances) | `ServiceNotFound`, `NotServiceOwner`, `ServiceHasOpenAgreements` |
//! | [`Pallet::create_agreement`] | signed (becomes the client) | O(instances) | `ServiceNotFound`, `ZeroPeriods`, `TooManyPeriods`, `PriceAboveLimit`, `OfferNotFound`, `TooManyCreditTiers`, `Sla…`, `TermsHarsherThanOffer`, `ArbiterNotOffered`, `QosExceedsCapacity`, `ServiceHasNoInstances`, `NotEnoughInstances`, `AgreementIdsExhausted`, `DepositUnavailable`, escrow errors |
//! | [`Pallet::confirm_period`] | the client | O(1) | `AgreementNotFound`, `NotClient`, `PeriodNotInTerm`, `PeriodAwaitingMetrics`, `PeriodAlreadyConfirmed`, `PeriodDisputed`, `PeriodClosed` |
//! | [`Pallet::contest_period`] | the client or the owner | O(reason) | `ReasonTooLong`, `AgreementNotFound`, `NotParty`, `PeriodNotInTerm`, `PeriodAwaitingMetrics`, `ContestWindowClosed`, `NoCreditToContest`, `VerdictAccepted`, `PeriodAlreadyConfirmed`, `PeriodDisputed`, `PeriodClosed` |
//! | [`Pallet::accept_verdict`] | the owner | O(1) | `AgreementNotFound`, `NotServiceOwner`, `PeriodNotInTerm`, `PeriodAwaitingMetrics`, `NoCreditToContest`, `VerdictAccepted`, `PeriodDisputed`, `PeriodClosed` |
//! | [`Pallet::cancel_agreement`] | the client | O(1) | `AgreementNotFound`, `NotClient`, `AgreementAlreadyCancelled`, `AgreementFinished` |
//! | [`Pallet::resolve_dispute`] | the agreement's arbiter or [`Config::ArbiterOrigin`] | O(1) | `ShareAboveWhole`, `AgreementNotFound`, `NotArbiter`, `PeriodNotInTerm`, `PeriodAwaitingMetrics`, `PeriodNotDisputed` |
//! | [`Pallet::settle_overdue`] | signed (anyone) | O(1) | `AgreementNotFound`, `PeriodNotInTerm`, `EarlierPeriodOpen`, `DeadlineNotReached`, `PeriodClosed` |
//! | [`Pallet::prune_agreement`] | signed (anyone) | O(`PruneBatch`) | `AgreementNotFound`, `AgreementNotFinished`, `RetentionNotOver` |
//!
//! ### Hooks
//!
//! - `on_initialize`: lapses the periods whose record deadline passed, oldest window first, an agreement's
//!   consecutive overdue periods at once (at most [`MAX_PERIODS_PER_LAPSE`]), within [`Config::MaxLapseWeight`];
//!   each run of `k` periods costs [`WeightInfo::lapse_overdue_periods`]`(k)`, an idle block two reads.
//!
//! ### Traits implemented
//!
//! - [`AgreementRegistry`](qos_primitives::traits::AgreementRegistry): which periods await a metrics block (those past
//!   their record deadline left out: they lapse), which monitors to pull for them, and each period's record deadline,
//!   for the metrics-blocks pallet.
//! - [`MetricsBlockHandler`](qos_primitives::traits::MetricsBlockHandler): receives each final metrics block. Its cost is
//!   [`WeightInfo::on_metrics_block`], to be charged by the caller.
//!
//! ### Storage keys
//!
//! Ids the pallet assigns itself (services, agreements, instances, periods)
//! are keyed with `Twox64Concat`: nobody can choose them to unbalance the
//! trie. Nothing is keyed by a value a user chooses.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod errors;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod lapses;
#[cfg(test)]
mod mock;
mod registry;
mod support;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use alloc::vec::Vec;
use frame_support::traits::{Consideration, Footprint};
use pallet_escrow_release::EscrowSettlement;
use qos_primitives::{sla::Sla, traits::MetricsArchive, AgreementId, InstanceId, PeriodIndex, ServiceId, Window};
use sp_runtime::Perbill;

const LOG_TARGET: &str = "runtime::sla-verification";

/// Most periods of one agreement the chain lapses at once (the benchmarked
/// range); a longer backlog takes a block more per this many.
pub const MAX_PERIODS_PER_LAPSE: u32 = 256;

/// The balance type of the escrow the pallet settles through.
pub type BalanceOf<T> = <<T as Config>::Escrow as EscrowSettlement<<T as frame_system::Config>::AccountId>>::Balance;
/// A block number of runtime `T`.
pub type BlockNumberOf<T> = frame_system::pallet_prelude::BlockNumberFor<T>;
/// A service as stored for runtime `T`.
pub type ServiceOf<T> = Service<<T as frame_system::Config>::AccountId, BalanceOf<T>, <T as Config>::ServiceDeposit>;
/// An offer as stored for runtime `T`.
pub type OfferOf<T> = Offer<<T as frame_system::Config>::AccountId, <T as Config>::MaxArbiters>;
/// An instance as stored for runtime `T`.
pub type InstanceOf<T> = Instance<<T as Config>::MaxUrlLen>;
/// An agreement as stored for runtime `T`.
pub type AgreementOf<T> =
	Agreement<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberOf<T>, <T as Config>::AgreementDeposit>;
/// A period record as stored for runtime `T`.
pub type PeriodRecordOf<T> = PeriodRecord<BlockNumberOf<T>>;

/// What benchmarks need from the rest of the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// Makes `Config::Time` return `ms`.
	fn set_time(ms: u64);
	/// Stores `count` metrics blocks of `agreement` in the metrics-block store.
	fn store_metrics_blocks(agreement: AgreementId, count: u32);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use crate::support::Finished;
	use frame_support::{pallet_prelude::*, traits::Time};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{CheckedMul, Saturating, Zero},
		ArithmeticError,
	};

	/// The in-code storage version.
	// 2: `DueIndex` replaced `AwaitingMetrics`, `RetiredInstances` added. No
	// chain with version 1 holds value, so there is no migration.
	// 3: `Agreement::closed_periods` removed (the escrow counts the periods
	// due). No chain with version 2 holds value either.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Holds, pays and refunds the clients' funds (pallet-escrow-release).
		type Escrow: EscrowSettlement<Self::AccountId>;

		/// The metrics-block store (pallet-metrics-blocks): drops a lapsed
		/// period's unfinished block and prunes pruned agreements' blocks.
		type Metrics: MetricsArchive;

		/// Chain time in milliseconds (pallet-timestamp).
		type Time: Time<Moment = u64>;

		/// The last-resort arbiter of disputed periods, besides the arbiter an
		/// agreement names.
		type ArbiterOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The owner's deposit for a service's storage (its offers and
		/// instances included), held while the service is registered.
		type ServiceDeposit: Consideration<Self::AccountId, Footprint>;

		/// The client's deposit for an agreement's storage (its period records
		/// included), held until the agreement is pruned.
		type AgreementDeposit: Consideration<Self::AccountId, Footprint>;

		/// Fee for the accounting nodes' work on one instance for one period,
		/// burned when the agreement is created.
		#[pallet::constant]
		type AccountingFee: Get<BalanceOf<Self>>;

		/// Lowest price of a period a service may ask.
		#[pallet::constant]
		type MinPricePerPeriod: Get<BalanceOf<Self>>;

		/// Longest monitor URL, in bytes.
		#[pallet::constant]
		type MaxUrlLen: Get<u32>;

		/// Most offers a service publishes.
		#[pallet::constant]
		type MaxOffers: Get<u32>;

		/// Most arbiters an offer names.
		#[pallet::constant]
		type MaxArbiters: Get<u32>;

		/// Longest reason a contest carries, in bytes.
		#[pallet::constant]
		type MaxReasonLen: Get<u32>;

		/// Most periods in one agreement.
		#[pallet::constant]
		type MaxPeriods: Get<u32>;

		/// Shortest period, in milliseconds: long enough for monitors to settle
		/// their reports, the designated node's grace and a second node's pull.
		/// The longest is one day (`MAX_REPORT_WINDOW_MS`), the longest window a
		/// monitor reports on.
		#[pallet::constant]
		type MinPeriodMs: Get<u64>;

		/// Wrong OTPs after which a period becomes disputed.
		#[pallet::constant]
		type MaxOtpAttempts: Get<u32>;

		/// Blocks after a period is recorded during which the client may
		/// confirm or contest it and the owner may contest a breach. After it,
		/// an undisputed period is paid per its verdict.
		#[pallet::constant]
		type ContestWindow: Get<BlockNumberFor<Self>>;

		/// Blocks the arbiter has to resolve a dispute; after them the period
		/// is split by `UnresolvedDisputeOwnerShare`.
		#[pallet::constant]
		type ArbitrationWindow: Get<BlockNumberFor<Self>>;

		/// The owner's share of a disputed period no arbiter resolved in time.
		#[pallet::constant]
		type UnresolvedDisputeOwnerShare: Get<Perbill>;

		/// Milliseconds after a window closed and settled by which its final
		/// metrics block must be recorded; after them the period lapses and is
		/// refunded to the client.
		#[pallet::constant]
		type RecordDeadlineMs: Get<u64>;

		/// Most weight the chain spends at the start of a block lapsing
		/// periods whose record deadline passed (oldest first); zero leaves
		/// every lapse to `settle_overdue`.
		#[pallet::constant]
		type MaxLapseWeight: Get<Weight>;

		/// Blocks a finished agreement is kept before it may be pruned.
		#[pallet::constant]
		type AgreementRetention: Get<BlockNumberFor<Self>>;

		/// Most period records, and most metrics blocks, one
		/// `prune_agreement` call removes.
		#[pallet::constant]
		type PruneBatch: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Sets the chain's time and fills the metrics-block store for benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// An owner's deposit for a service's storage.
		#[codec(index = 0)]
		ServiceDeposit,
		/// A client's deposit for an agreement's storage.
		#[codec(index = 1)]
		AgreementDeposit,
	}

	/// Id the next registered service gets.
	#[pallet::storage]
	pub type NextServiceId<T: Config> = StorageValue<_, ServiceId, ValueQuery>;

	/// Registered services.
	#[pallet::storage]
	pub type Services<T: Config> = StorageMap<_, Twox64Concat, ServiceId, ServiceOf<T>, OptionQuery>;

	/// The offers of each service, by index.
	#[pallet::storage]
	pub type Offers<T: Config> =
		StorageMap<_, Twox64Concat, ServiceId, BoundedVec<OfferOf<T>, T::MaxOffers>, ValueQuery>;

	/// Every instance of each service, retired ones included.
	#[pallet::storage]
	pub type Instances<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ServiceId, Twox64Concat, InstanceId, InstanceOf<T>, OptionQuery>;

	/// A service's instances that are not retired, by ascending id: the ones a
	/// new agreement covers.
	#[pallet::storage]
	pub type ActiveInstances<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ServiceId,
		BoundedVec<InstanceId, qos_primitives::MaxInstancesPerService>,
		ValueQuery,
	>;

	/// Id the next agreement gets.
	#[pallet::storage]
	pub type NextAgreementId<T: Config> = StorageValue<_, AgreementId, ValueQuery>;

	/// Agreements, kept after they finish until they are pruned.
	#[pallet::storage]
	pub type Agreements<T: Config> = StorageMap<_, Twox64Concat, AgreementId, AgreementOf<T>, OptionQuery>;

	/// The period each unfinished agreement awaits a metrics block for, keyed
	/// by the time its window closes (big-endian ms, so that iteration is in
	/// due order) and the agreement. The off-chain worker of every validator
	/// asks on every block which periods are due: it reads from the front and
	/// stops at the first that is not, one read on an idle chain.
	#[pallet::storage]
	pub type DueIndex<T: Config> =
		StorageDoubleMap<_, Identity, DueKey, Twox64Concat, AgreementId, PeriodIndex, OptionQuery>;

	/// The retired instances of each service with when they were retired, by
	/// ascending id: what a metrics block's check and verdict read, in one
	/// read, instead of every covered instance's record.
	#[pallet::storage]
	pub type RetiredInstances<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ServiceId,
		BoundedVec<(InstanceId, u64), qos_primitives::MaxInstancesPerService>,
		ValueQuery,
	>;

	/// Every period that has its metrics block or lapsed, with its verdict and state.
	#[pallet::storage]
	pub type Periods<T: Config> =
		StorageDoubleMap<_, Twox64Concat, AgreementId, Twox64Concat, PeriodIndex, PeriodRecordOf<T>, OptionQuery>;

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
		/// A service's offers were replaced; agreements already made keep their terms.
		OffersSet { service: ServiceId, offers: u32 },
		/// A service was deregistered and its owner's deposit returned.
		ServiceDeregistered { service: ServiceId },
		/// An instance was added to a service.
		InstanceAdded { service: ServiceId, instance: InstanceId, monitor_url: BoundedVec<u8, T::MaxUrlLen> },
		/// An instance got a new monitor URL for windows that begin from `from_ms` on.
		InstanceReplaced {
			service: ServiceId,
			instance: InstanceId,
			monitor_url: BoundedVec<u8, T::MaxUrlLen>,
			from_ms: u64,
		},
		/// An instance was retired; it counts as down from `at_ms` on in every
		/// agreement that covers it.
		InstanceRetired { service: ServiceId, instance: InstanceId, at_ms: u64 },
		/// An agreement was made on an offer; its escrow is on hold and its
		/// accounting fee burned.
		AgreementCreated {
			agreement: AgreementId,
			client: T::AccountId,
			service: ServiceId,
			offer: u32,
			arbiter: Option<T::AccountId>,
			periods: u32,
			instances: u32,
			start_ms: u64,
			price_per_period: BalanceOf<T>,
			accounting_fee: BalanceOf<T>,
		},
		/// A period's final metrics block was recorded, with the period's verdict.
		PeriodRecorded { agreement: AgreementId, period: PeriodIndex, verdict: qos_primitives::sla::Verdict },
		/// The client's OTP matched a breached period; it is paid when the owner
		/// accepts the verdict or its contest window ends.
		PeriodConfirmed { agreement: AgreementId, period: PeriodIndex },
		/// The owner accepted a breached verdict and waived its contest.
		VerdictAccepted { agreement: AgreementId, period: PeriodIndex },
		/// A period was closed: `to_owner` is owed to the owner, `to_client` back
		/// to the client, paid out by the escrow's `pay_out` (either party) or
		/// when the agreement finishes.
		PeriodSettled {
			agreement: AgreementId,
			period: PeriodIndex,
			closure: Closure,
			credit_percent: u8,
			to_owner: BalanceOf<T>,
			to_client: BalanceOf<T>,
		},
		/// A wrong OTP was submitted; `attempts` wrong ones so far.
		OtpMismatch { agreement: AgreementId, period: PeriodIndex, attempts: u32 },
		/// A party contested a period's verdict.
		PeriodContested {
			agreement: AgreementId,
			period: PeriodIndex,
			by: Party,
			reason: BoundedVec<u8, T::MaxReasonLen>,
		},
		/// A period is disputed and awaits the arbiter.
		PeriodDisputed { agreement: AgreementId, period: PeriodIndex, cause: DisputeCause },
		/// No final metrics block came by the record deadline: the period's
		/// price went back to the client.
		PeriodLapsed { agreement: AgreementId, period: PeriodIndex, refunded: BalanceOf<T> },
		/// The client cancelled; `refunded_periods` later periods were refunded and
		/// the term now has `periods` periods.
		AgreementCancelled { agreement: AgreementId, periods: u32, refunded_periods: u32, refunded: BalanceOf<T> },
		/// Every period of the agreement is closed and its escrow paid out;
		/// `released` went back to the client (credits and what was left).
		AgreementFinished { agreement: AgreementId, released: BalanceOf<T> },
		/// `removed` stored items of a finished agreement were pruned; more remain.
		AgreementPartlyPruned { agreement: AgreementId, removed: u32 },
		/// A finished agreement was pruned and the client's deposit returned.
		AgreementPruned { agreement: AgreementId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No service has this id.
		ServiceNotFound,
		/// Only the service's owner may do this.
		NotServiceOwner,
		/// The price per period is below `MinPricePerPeriod`.
		PriceBelowMinimum,
		/// The period length is below `MinPeriodMs` or above one day.
		PeriodLengthOutOfRange,
		/// The free balance cannot cover the storage deposit.
		DepositUnavailable,
		/// More offers than `MaxOffers`.
		TooManyOffers,
		/// An offer names more arbiters than `MaxArbiters`.
		TooManyArbiters,
		/// The service has no offer with this index.
		OfferNotFound,
		/// The monitor URL is longer than `MaxUrlLen`.
		UrlTooLong,
		/// The monitor URL is empty.
		UrlEmpty,
		/// The monitor URL holds a space, a control character or a non-ASCII byte.
		UrlBadCharacter,
		/// The monitor URL does not start with `http://` or `https://`.
		UrlNotHttp,
		/// The monitor URL has no host.
		UrlNoHost,
		/// The monitor URL carries credentials.
		UrlHasCredentials,
		/// The monitor URL's port is not a number from 1 to 65535.
		UrlBadPort,
		/// The monitor URL carries a query or a fragment; it must be a base URL.
		UrlHasQueryOrFragment,
		/// The service already has the most instances allowed, retired ones included.
		TooManyInstances,
		/// The service has no instance with this id.
		InstanceNotFound,
		/// The instance is retired.
		InstanceRetired,
		/// The instance's URLs were replaced too often: the oldest one kept may
		/// still be needed for a window not yet recorded.
		ReplacedTooRecently,
		/// The service has agreements that are not finished.
		ServiceHasOpenAgreements,
		/// The service has no instance to monitor.
		ServiceHasNoInstances,
		/// An agreement needs at least one period.
		ZeroPeriods,
		/// More periods than `MaxPeriods`.
		TooManyPeriods,
		/// The service's price is above the most the client agreed to pay.
		PriceAboveLimit,
		/// More availability tiers than a credit schedule holds.
		TooManyCreditTiers,
		/// An SLA permille value is above 1000.
		SlaPermilleOutOfRange,
		/// An SLA credit percentage is above 100.
		SlaPercentOutOfRange,
		/// Credit tiers must be strictly decreasing in threshold and increasing in credit.
		SlaTiersNotOrdered,
		/// `min_healthy_instances` is 0 or above the instance bound.
		SlaHealthyInstancesOutOfRange,
		/// The terms asked for are harsher on the owner than the offer.
		TermsHarsherThanOffer,
		/// The arbiter is not one the offer names.
		ArbiterNotOffered,
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
		/// Only the agreement's arbiter or the last-resort arbiter may do this.
		NotArbiter,
		/// The period is not within the agreement's term.
		PeriodNotInTerm,
		/// The period has no metrics block yet.
		PeriodAwaitingMetrics,
		/// An earlier period of the agreement is still open to recording.
		EarlierPeriodOpen,
		/// The client already confirmed the period.
		PeriodAlreadyConfirmed,
		/// The period is disputed and awaits the arbiter.
		PeriodDisputed,
		/// The period is closed.
		PeriodClosed,
		/// The period is not disputed.
		PeriodNotDisputed,
		/// The contest window of the period has closed.
		ContestWindowClosed,
		/// The verdict credits the client nothing: the owner has nothing to
		/// contest or accept.
		NoCreditToContest,
		/// The owner already accepted the verdict.
		VerdictAccepted,
		/// The contest reason is longer than `MaxReasonLen`.
		ReasonTooLong,
		/// An owner share above 1000 permille.
		ShareAboveWhole,
		/// No deadline of the period has passed yet.
		DeadlineNotReached,
		/// The agreement is already cancelled.
		AgreementAlreadyCancelled,
		/// The agreement is finished.
		AgreementFinished,
		/// The agreement is not finished.
		AgreementNotFinished,
		/// The agreement finished less than `AgreementRetention` blocks ago.
		RetentionNotOver,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Lapses periods that no final metrics block reached by their record
		/// deadline, so nothing waits for a party to ask: see
		/// [`Pallet::lapse_overdue`].
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::lapse_overdue(T::MaxLapseWeight::get())
		}

		fn integrity_test() {
			assert!(T::MaxPeriods::get() >= 1, "MaxPeriods must be at least 1");
			assert!(T::MaxOtpAttempts::get() >= 1, "MaxOtpAttempts must be at least 1");
			assert!(T::MaxOffers::get() >= 1, "MaxOffers must be at least 1");
			assert!(T::PruneBatch::get() >= 1, "PruneBatch must be at least 1");
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
		/// - `price_per_period`: what a client pays for one period (at least
		///   `MinPricePerPeriod`).
		/// - `period_ms`: length of a period in milliseconds, from `MinPeriodMs`
		///   to one day.
		/// - `capacity`: vCPUs (thousandths) and memory (MiB) each instance
		///   promises; agreements cannot ask for more.
		///
		/// A deposit for the service's storage is held from your balance until
		/// you deregister it. Publish offers with `set_offers` and add instances
		/// with `add_instance` before clients can create agreements.
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
			let deposit = T::ServiceDeposit::new(&owner, Self::service_footprint(0, 0))
				.map_err(|_| Error::<T>::DepositUnavailable)?;
			Services::<T>::insert(
				service,
				Service {
					owner: owner.clone(),
					price_per_period,
					period_ms,
					capacity,
					instance_count: 0,
					open_agreements: 0,
					deposit,
				},
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

		/// Publish the offers of your service, replacing the ones before.
		///
		/// Each offer is an SLA (QoS indicators and credit schedule) a client
		/// may sign, or ask terms easier on you than, and the arbiters you
		/// accept for its disputes (the client picks one). At most `MaxOffers`
		/// offers of at most `MaxArbiters` arbiters. Agreements already made keep
		/// their terms. The service's deposit grows or shrinks with the offers.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_offers(offers.len() as u32))]
		pub fn set_offers(
			origin: OriginFor<T>,
			service: ServiceId,
			offers: Vec<OfferTerms<T::AccountId>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Self::owned_service(&who, service)?;
			ensure!(offers.len() as u32 <= T::MaxOffers::get(), Error::<T>::TooManyOffers);
			let mut stored = BoundedVec::<OfferOf<T>, T::MaxOffers>::new();
			for offer in offers {
				let sla = Sla::try_from(offer.sla).map_err(Error::<T>::from)?;
				let arbiters = BoundedVec::try_from(offer.arbiters).map_err(|_| Error::<T>::TooManyArbiters)?;
				stored.try_push(Offer { sla, arbiters }).map_err(|_| Error::<T>::TooManyOffers)?;
			}
			let count = stored.len() as u32;
			info.deposit = info
				.deposit
				.update(&who, Self::service_footprint(count, info.instance_count))
				.map_err(|_| Error::<T>::DepositUnavailable)?;
			Offers::<T>::insert(service, stored);
			Services::<T>::insert(service, info);
			Self::deposit_event(Event::OffersSet { service, offers: count });
			Ok(())
		}

		/// Add an instance (VM or container) to your service.
		///
		/// `monitor_url` is the base URL of the instance's `qos-monitor`: `http`
		/// or `https`, a host, an optional port and path, no query, fragment or
		/// credentials, at most `MaxUrlLen` bytes. Agreements created from now
		/// on cover the instance. The service's deposit grows by one instance.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::add_instance(monitor_url.len().min(T::MaxUrlLen::get() as usize) as u32))]
		pub fn add_instance(origin: OriginFor<T>, service: ServiceId, monitor_url: Vec<u8>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Self::owned_service(&who, service)?;
			let url = Self::checked_url(monitor_url)?;
			let instance = info.instance_count;
			ensure!(instance < qos_primitives::MAX_INSTANCES_PER_SERVICE, Error::<T>::TooManyInstances);
			let mut active = ActiveInstances::<T>::get(service);
			// Ids only grow, so pushing keeps the list ascending.
			active.try_push(instance).map_err(|_| Error::<T>::TooManyInstances)?;
			info.instance_count = instance.saturating_add(1);
			info.deposit = info
				.deposit
				.update(
					&who,
					Self::service_footprint(Offers::<T>::decode_len(service).unwrap_or(0) as u32, info.instance_count),
				)
				.map_err(|_| Error::<T>::DepositUnavailable)?;
			let first = MonitorUrl { since_ms: T::Time::now(), url: url.clone() };
			Instances::<T>::insert(
				service,
				instance,
				Instance { monitor_urls: BoundedVec::truncate_from(alloc::vec![first]), retired_at_ms: None },
			);
			ActiveInstances::<T>::insert(service, active);
			Services::<T>::insert(service, info);
			Self::deposit_event(Event::InstanceAdded { service, instance, monitor_url: url });
			Ok(())
		}

		/// Give an instance of your service a new monitor URL, to swap a broken
		/// VM without retiring its slot.
		///
		/// Windows that begin from now on are pulled from the new URL; the
		/// window in progress is still pulled from the old one. The client must
		/// install its key in the new monitor, or its OTP will not match.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::replace_instance(monitor_url.len().min(T::MaxUrlLen::get() as usize) as u32))]
		pub fn replace_instance(
			origin: OriginFor<T>,
			service: ServiceId,
			instance: InstanceId,
			monitor_url: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::owned_service(&who, service)?;
			let url = Self::checked_url(monitor_url)?;
			let mut record = Instances::<T>::get(service, instance).ok_or(Error::<T>::InstanceNotFound)?;
			ensure!(record.retired_at_ms.is_none(), Error::<T>::InstanceRetired);
			let now_ms = T::Time::now();
			if record.monitor_urls.is_full() {
				// The oldest URL serves windows that began before the next one
				// took over; it may go once every such window is recorded or
				// has lapsed.
				let next_since = record.monitor_urls.get(1).map_or(0, |entry| entry.since_ms);
				let unneeded_from = next_since
					.saturating_add(qos_primitives::MAX_REPORT_WINDOW_MS)
					.saturating_add(qos_primitives::REPORT_SETTLE_MS)
					.saturating_add(T::RecordDeadlineMs::get());
				ensure!(now_ms >= unneeded_from, Error::<T>::ReplacedTooRecently);
				record.monitor_urls.remove(0);
			}
			record
				.monitor_urls
				.try_push(MonitorUrl { since_ms: now_ms, url: url.clone() })
				.map_err(|_| Error::<T>::ReplacedTooRecently)?;
			Instances::<T>::insert(service, instance, record);
			Self::deposit_event(Event::InstanceReplaced { service, instance, monitor_url: url, from_ms: now_ms });
			Ok(())
		}

		/// Retire an instance of your service.
		///
		/// It counts as down from now on in every period not yet recorded of
		/// every agreement that covers it, and new agreements do not cover it.
		/// Its slot is not freed: to swap a VM, use `replace_instance`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::retire_instance(qos_primitives::MAX_INSTANCES_PER_SERVICE))]
		pub fn retire_instance(origin: OriginFor<T>, service: ServiceId, instance: InstanceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::owned_service(&who, service)?;
			let mut record = Instances::<T>::get(service, instance).ok_or(Error::<T>::InstanceNotFound)?;
			ensure!(record.retired_at_ms.is_none(), Error::<T>::InstanceRetired);
			let at_ms = T::Time::now();
			record.retired_at_ms = Some(at_ms);
			let mut active = ActiveInstances::<T>::get(service);
			active.retain(|i| *i != instance);
			ActiveInstances::<T>::insert(service, active);
			RetiredInstances::<T>::try_mutate(service, |retired| {
				let at = retired.partition_point(|(id, _)| *id < instance);
				retired.try_insert(at, (instance, at_ms))
			})
			.map_err(|_| Error::<T>::TooManyInstances)?;
			Instances::<T>::insert(service, instance, record);
			Self::deposit_event(Event::InstanceRetired { service, instance, at_ms });
			Ok(())
		}

		/// Deregister your service once none of its agreements is open: its
		/// offers and instances are removed and your deposit is returned.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::deregister_service(qos_primitives::MAX_INSTANCES_PER_SERVICE))]
		pub fn deregister_service(origin: OriginFor<T>, service: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Self::owned_service(&who, service)?;
			ensure!(info.open_agreements == 0, Error::<T>::ServiceHasOpenAgreements);
			let _ = Instances::<T>::clear_prefix(service, info.instance_count, None);
			ActiveInstances::<T>::remove(service);
			RetiredInstances::<T>::remove(service);
			Offers::<T>::remove(service);
			Services::<T>::remove(service);
			info.deposit.drop(&who)?;
			Self::deposit_event(Event::ServiceDeregistered { service });
			Ok(())
		}

		/// Make an agreement on offer `offer` of `service` for `periods` periods.
		///
		/// - `sla`: the terms you ask for: the offer's, or terms easier on the
		///   owner (refused with `TermsHarsherThanOffer` otherwise).
		/// - `max_price_per_period`: the most you agree to pay per period; the
		///   call fails if the owner raised the price above it.
		/// - `arbiter`: one of the offer's arbiters, or `None` for the
		///   last-resort arbiter only.
		///
		/// `price × periods` of your balance is put on hold (escrow), the
		/// accounting fee (`AccountingFee × instances × periods`) is burned and
		/// a deposit for the agreement's storage is held until it is pruned.
		/// The agreement covers the service's instances of this moment. Period 0
		/// starts at this block's time.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::create_agreement(qos_primitives::MAX_INSTANCES_PER_SERVICE))]
		pub fn create_agreement(
			origin: OriginFor<T>,
			service: ServiceId,
			offer: u32,
			sla: qos_primitives::sla::SlaTerms,
			periods: u32,
			max_price_per_period: BalanceOf<T>,
			arbiter: Option<T::AccountId>,
		) -> DispatchResult {
			let client = ensure_signed(origin)?;
			let mut info = Services::<T>::get(service).ok_or(Error::<T>::ServiceNotFound)?;
			ensure!(periods >= 1, Error::<T>::ZeroPeriods);
			ensure!(periods <= T::MaxPeriods::get(), Error::<T>::TooManyPeriods);
			ensure!(info.price_per_period <= max_price_per_period, Error::<T>::PriceAboveLimit);
			let offered = Offers::<T>::get(service).into_iter().nth(offer as usize).ok_or(Error::<T>::OfferNotFound)?;
			let sla = Sla::try_from(sla).map_err(Error::<T>::from)?;
			sla.within_offer(&offered.sla).map_err(|_| Error::<T>::TermsHarsherThanOffer)?;
			if let Some(arbiter) = &arbiter {
				ensure!(offered.arbiters.contains(arbiter), Error::<T>::ArbiterNotOffered);
			}
			let qos = &sla.qos;
			ensure!(
				qos.min_vcpus_milli.is_none_or(|v| v <= info.capacity.vcpus_milli)
					&& qos.min_memory_mib.is_none_or(|m| m <= info.capacity.memory_mib),
				Error::<T>::QosExceedsCapacity
			);
			let instances = ActiveInstances::<T>::get(service);
			ensure!(!instances.is_empty(), Error::<T>::ServiceHasNoInstances);
			ensure!(
				qos.min_healthy_instances.is_none_or(|h| h <= instances.len() as u32),
				Error::<T>::NotEnoughInstances
			);

			let agreement = NextAgreementId::<T>::get();
			// The last id is usable once; the counter then stays on it.
			ensure!(!Agreements::<T>::contains_key(agreement), Error::<T>::AgreementIdsExhausted);
			let start_ms = T::Time::now();
			Window::of_period(start_ms, info.period_ms, periods - 1).ok_or(ArithmeticError::Overflow)?;
			let total =
				info.price_per_period.checked_mul(&BalanceOf::<T>::from(periods)).ok_or(ArithmeticError::Overflow)?;
			let instance_periods = (instances.len() as u32).checked_mul(periods).ok_or(ArithmeticError::Overflow)?;
			let accounting_fee = T::AccountingFee::get()
				.checked_mul(&BalanceOf::<T>::from(instance_periods))
				.ok_or(ArithmeticError::Overflow)?;
			let deposit = T::AgreementDeposit::new(&client, Self::agreement_footprint(periods))
				.map_err(|_| Error::<T>::DepositUnavailable)?;
			T::Escrow::open(agreement, &client, &info.owner, info.price_per_period, periods, total)?;
			T::Escrow::burn_fee(agreement, &client, accounting_fee)?;

			NextAgreementId::<T>::put(agreement.saturating_add(1));
			info.open_agreements = info.open_agreements.saturating_add(1);
			let instance_count = instances.len() as u32;
			let created = Agreement {
				client: client.clone(),
				service,
				owner: info.owner.clone(),
				offer,
				sla,
				arbiter: arbiter.clone(),
				price_per_period: info.price_per_period,
				period_ms: info.period_ms,
				start_ms,
				periods,
				instances,
				next_to_record: 0,
				status: AgreementStatus::Active,
				deposit,
			};
			Self::schedule(agreement, &created);
			Agreements::<T>::insert(agreement, created);
			let price_per_period = info.price_per_period;
			Services::<T>::insert(service, info);
			Self::deposit_event(Event::AgreementCreated {
				agreement,
				client,
				service,
				offer,
				arbiter,
				periods,
				instances: instance_count,
				start_ms,
				price_per_period,
				accounting_fee,
			});
			Ok(())
		}

		/// Confirm a recorded period with its one-time password.
		///
		/// Origin: the agreement's client. `otp` is the 32-byte OTP derived from
		/// the monitors' tags with your key. If `commit(otp)` matches the metrics
		/// block's commitment, a `Met` period is settled at once; a breached one
		/// is settled (the price minus the credit to the owner, the credit to
		/// you) once the owner accepts the verdict or its contest window closes.
		/// A settled period is owed on hold, paid out by the escrow's `pay_out`
		/// or when the last period closes; settling costs about a transfer, and
		/// the weight of finishing is charged only to the last period. A wrong
		/// OTP is counted (`OtpMismatch`) and the call still succeeds; after
		/// `MaxOtpAttempts` wrong ones the period is disputed.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::confirm_period().max(T::WeightInfo::confirm_last_period()))]
		pub fn confirm_period(
			origin: OriginFor<T>,
			agreement: AgreementId,
			period: PeriodIndex,
			otp: [u8; 32],
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			ensure!(info.client == who, Error::<T>::NotClient);
			let mut record = Self::recorded_period(&info, agreement, period)?;
			ensure!(record.state == PeriodState::Recorded, Self::state_error(&record.state));

			if qos_primitives::otp::otp_matches(&otp, &record.otp_commitment) {
				if !record.breached() || record.owner_accepted || Self::contest_window_closed(&record) {
					if Self::settle(agreement, period, info, record, None, Closure::Confirmed)? == Finished::Yes {
						return Ok(Some(T::WeightInfo::confirm_last_period()).into());
					}
				} else {
					record.state = PeriodState::Confirmed;
					Periods::<T>::insert(agreement, period, record);
					Self::deposit_event(Event::PeriodConfirmed { agreement, period });
				}
			} else {
				record.failed_otp_attempts = record.failed_otp_attempts.saturating_add(1);
				let attempts = record.failed_otp_attempts;
				Self::deposit_event(Event::OtpMismatch { agreement, period, attempts });
				if attempts >= T::MaxOtpAttempts::get() {
					Self::dispute(agreement, period, &mut record, DisputeCause::OtpAttemptsExhausted);
				}
				Periods::<T>::insert(agreement, period, record);
			}
			// Every path but the last period's reads and writes no more than
			// settling a period that is not the last.
			Ok(Some(T::WeightInfo::confirm_period()).into())
		}

		/// Contest a period's verdict, with a reason for the arbiter.
		///
		/// Origin: the client, for any verdict it has not confirmed, or the
		/// owner, for a breach it has not accepted; within `ContestWindow`
		/// blocks of the recording. The period goes to arbitration.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::contest_period(reason.len().min(T::MaxReasonLen::get() as usize) as u32))]
		pub fn contest_period(
			origin: OriginFor<T>,
			agreement: AgreementId,
			period: PeriodIndex,
			reason: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let reason: BoundedVec<u8, T::MaxReasonLen> = reason.try_into().map_err(|_| Error::<T>::ReasonTooLong)?;
			let info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			let by = Self::party(&info, &who)?;
			let mut record = Self::recorded_period(&info, agreement, period)?;
			match (by, record.state) {
				(_, PeriodState::Recorded) | (Party::Owner, PeriodState::Confirmed) => {},
				(Party::Client, PeriodState::Confirmed) => return Err(Error::<T>::PeriodAlreadyConfirmed.into()),
				(_, state) => return Err(Self::state_error(&state).into()),
			}
			if by == Party::Owner {
				ensure!(record.breached(), Error::<T>::NoCreditToContest);
				ensure!(!record.owner_accepted, Error::<T>::VerdictAccepted);
			}
			ensure!(!Self::contest_window_closed(&record), Error::<T>::ContestWindowClosed);
			Self::deposit_event(Event::PeriodContested { agreement, period, by, reason });
			Self::dispute(agreement, period, &mut record, DisputeCause::Contested(by));
			Periods::<T>::insert(agreement, period, record);
			Ok(())
		}

		/// Accept a breached verdict of your service without contesting it.
		///
		/// Origin: the service's owner. If the client already confirmed the
		/// period with its OTP, it is paid at once; otherwise it is paid as soon
		/// as the client confirms.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::accept_verdict())]
		pub fn accept_verdict(origin: OriginFor<T>, agreement: AgreementId, period: PeriodIndex) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			ensure!(info.owner == who, Error::<T>::NotServiceOwner);
			let mut record = Self::recorded_period(&info, agreement, period)?;
			ensure!(
				matches!(record.state, PeriodState::Recorded | PeriodState::Confirmed),
				Self::state_error(&record.state)
			);
			ensure!(record.breached(), Error::<T>::NoCreditToContest);
			ensure!(!record.owner_accepted, Error::<T>::VerdictAccepted);
			record.owner_accepted = true;
			Self::deposit_event(Event::VerdictAccepted { agreement, period });
			if record.state == PeriodState::Confirmed {
				Self::settle(agreement, period, info, record, None, Closure::Confirmed).map(|_| ())
			} else {
				Periods::<T>::insert(agreement, period, record);
				Ok(())
			}
		}

		/// Cancel your agreement.
		///
		/// Notice rule: every period that has started (the running one
		/// included) is still owed and is closed like any other; later periods
		/// are cut from the term and their price released to you at once.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::cancel_agreement())]
		pub fn cancel_agreement(origin: OriginFor<T>, agreement: AgreementId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			ensure!(info.client == who, Error::<T>::NotClient);
			match info.status {
				AgreementStatus::Active => {},
				AgreementStatus::Cancelled => return Err(Error::<T>::AgreementAlreadyCancelled.into()),
				AgreementStatus::Finished { .. } => return Err(Error::<T>::AgreementFinished.into()),
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
			Self::unschedule(agreement, &info);
			info.periods = kept;
			info.status = AgreementStatus::Cancelled;
			Self::schedule(agreement, &info);
			Self::deposit_event(Event::AgreementCancelled { agreement, periods: kept, refunded_periods, refunded });
			if Self::all_periods_closed(agreement) {
				Self::finish(agreement, info)?;
			} else {
				Agreements::<T>::insert(agreement, info);
			}
			Ok(())
		}

		/// Settle a disputed period with a split of its price.
		///
		/// Origin: the arbiter the agreement names, or `ArbiterOrigin` (the last
		/// resort). The owner gets `floor(owner_share_permille / 1000 × price)`,
		/// the client the rest; nothing but this period's price moves.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::resolve_dispute())]
		pub fn resolve_dispute(
			origin: OriginFor<T>,
			agreement: AgreementId,
			period: PeriodIndex,
			owner_share_permille: u16,
		) -> DispatchResult {
			let named_arbiter = match T::ArbiterOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			ensure!(owner_share_permille <= 1000, Error::<T>::ShareAboveWhole);
			let info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			if let Some(who) = named_arbiter {
				ensure!(info.arbiter.as_ref() == Some(&who), Error::<T>::NotArbiter);
			}
			let record = Self::recorded_period(&info, agreement, period)?;
			ensure!(matches!(record.state, PeriodState::Disputed { .. }), Error::<T>::PeriodNotDisputed);
			let share = Perbill::from_perthousand(owner_share_permille as u32);
			Self::settle(agreement, period, info, record, Some(share), Closure::Arbitrated).map(|_| ())
		}

		/// Apply the deadline rule of a period whose deadline has passed.
		///
		/// Origin: anyone (signed). Depending on where the period is:
		/// - awaiting its metrics block `RecordDeadlineMs` after its window
		///   settled: it lapses and its price goes back to the client;
		/// - recorded or confirmed, with its contest window closed: it is paid
		///   per its verdict;
		/// - disputed for `ArbitrationWindow` blocks: it is split by
		///   `UnresolvedDisputeOwnerShare`.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::settle_overdue_paid().max(T::WeightInfo::settle_overdue_lapsed()))]
		pub fn settle_overdue(origin: OriginFor<T>, agreement: AgreementId, period: PeriodIndex) -> DispatchResult {
			ensure_signed(origin)?;
			let info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			ensure!(period < info.periods, Error::<T>::PeriodNotInTerm);
			let Some(record) = Periods::<T>::get(agreement, period) else {
				return Self::lapse(agreement, period, 1, info);
			};
			let now = frame_system::Pallet::<T>::block_number();
			match record.state {
				PeriodState::Recorded | PeriodState::Confirmed => {
					ensure!(Self::contest_window_closed(&record), Error::<T>::DeadlineNotReached);
					let closure = if record.state == PeriodState::Confirmed {
						Closure::Confirmed
					} else {
						Closure::DeemedAccepted
					};
					Self::settle(agreement, period, info, record, None, closure).map(|_| ())
				},
				PeriodState::Disputed { since, .. } => {
					ensure!(now >= since.saturating_add(T::ArbitrationWindow::get()), Error::<T>::DeadlineNotReached);
					let share = T::UnresolvedDisputeOwnerShare::get();
					Self::settle(agreement, period, info, record, Some(share), Closure::ArbitrationLapsed).map(|_| ())
				},
				PeriodState::Closed(_) => Err(Error::<T>::PeriodClosed.into()),
			}
		}

		/// Remove a finished agreement `AgreementRetention` blocks after it
		/// finished, with its period records and metrics blocks, and return the
		/// client's deposit.
		///
		/// Origin: anyone (signed). Removes at most `PruneBatch` period records
		/// and `PruneBatch` metrics blocks per call (`AgreementPartlyPruned`);
		/// call again until `AgreementPruned`.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::prune_agreement(T::PruneBatch::get()))]
		pub fn prune_agreement(origin: OriginFor<T>, agreement: AgreementId) -> DispatchResult {
			ensure_signed(origin)?;
			let info = Agreements::<T>::get(agreement).ok_or(Error::<T>::AgreementNotFound)?;
			let AgreementStatus::Finished { at } = info.status else {
				return Err(Error::<T>::AgreementNotFinished.into());
			};
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now >= at.saturating_add(T::AgreementRetention::get()), Error::<T>::RetentionNotOver);
			let batch = T::PruneBatch::get();
			let periods: Vec<PeriodIndex> = Periods::<T>::iter_key_prefix(agreement).take(batch as usize).collect();
			for period in &periods {
				Periods::<T>::remove(agreement, period);
			}
			let (blocks_removed, blocks_done) = T::Metrics::prune(agreement, batch);
			let removed = (periods.len() as u32).saturating_add(blocks_removed);
			let records_left = Periods::<T>::iter_key_prefix(agreement).next().is_some();
			if records_left || !blocks_done {
				Self::deposit_event(Event::AgreementPartlyPruned { agreement, removed });
				return Ok(());
			}
			Agreements::<T>::remove(agreement);
			info.deposit.drop(&info.client)?;
			Self::deposit_event(Event::AgreementPruned { agreement });
			Ok(())
		}
	}
}
