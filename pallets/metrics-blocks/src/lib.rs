//! # Metrics Blocks Pallet
//!
//! Accounting nodes, their off-chain worker, and the hash-chained *metrics
//! blocks* of qos-ledger. The protocol is specified in the repository's
//! `docs/protocol.md`; `docs/threat-model.md` lists what a lying or unlucky
//! accounting node could try and what stops it.
//!
//! ## Overview
//!
//! The accounting nodes are the Aura authorities ([`Config::Authorities`]). Each
//! authority is mapped to an *accounting key* of key type `acct` (sr25519,
//! [`crypto`]) held in its node's keystore. The mapping starts from the genesis
//! config and follows the authority set: a new authority's off-chain worker binds
//! its local `acct` key with [`Pallet::bind_accounting_key`] (signed by both its
//! Aura key and its accounting key, over a per-authority nonce so an old binding
//! cannot be replayed), and entries of authorities that left the set are dropped
//! on the next binding. Only mapped authorities are accounting nodes.
//!
//! For `(agreement, period)` the designated node is
//! `authorities[designated_index(agreement, period, n)]`
//! ([`qos_primitives::selection::designated_index`]). Its off-chain worker fetches
//! every covered instance's monitor once the period's window closed and settled
//! ([`qos_primitives::REPORT_SETTLE_MS`]; the runtime refuses earlier blocks),
//! retries failed monitors within the first half of its grace, validates the
//! answers, computes the OTP commitment from the monitors' tags (tags never go on
//! chain) and submits [`Pallet::submit_metrics_block`] with the reports and,
//! for every instance without one, the reason ([`MissingReason`]).
//! [`Config::SubmitGrace`] blocks after the window settled, any accounting node
//! may submit instead.
//!
//! ### No instance is missing on one node's word
//!
//! A block in which pulled instances are missing is only a [`PartialBlock`]
//! while more than one accounting node exists: it is stored, evented and not
//! handed to SLA verification. The accounting node of another authority then
//! pulls every monitor itself (the first pull's authority cannot be its own
//! second witness under a key it binds later: [`Error::SameNodeCannotCorroborate`]).
//! Its block must hold a report of every instance the
//! partial block has one of; it becomes the final block, and the instances
//! still missing in it were missing from both pulls. A second pull that lacks
//! such a report is refused ([`Error::DisagreesWithFirstPull`]) and retried.
//! The reports' contents need no second witness: a report is the monitor's,
//! bound to it by its tag, which the client's OTP checks; only an omission
//! leaves no tag to check. If no second node agrees by the agreement's record
//! deadline, the period lapses (SLA verification); from that deadline on no
//! block of the period is accepted ([`Error::RecordDeadlinePassed`]), so a
//! period is recorded or lapsed, never both.
//!
//! ### The chain of metrics blocks
//!
//! The runtime stores a final block with `report_hash = sha256(SCALE(report))`
//! for every report, their Merkle root ([`qos_primitives::merkle`]) and
//! `prev_hash`, the hash of the agreement's previously recorded metrics block,
//! then hands the reports to SLA verification ([`Config::MetricsHandler`]).
//! Each agreement keeps its last [`Config::RetainPeriods`] blocks; older ones
//! are pruned and the hash of the last pruned block is kept as the anchor of the
//! chain, so the retained chain stays checkable ([`ChainTip`]). When SLA
//! verification prunes a finished agreement, its blocks go too
//! ([`MetricsArchive`](qos_primitives::traits::MetricsArchive)).
//!
//! ### Transactions: authorized, not signed
//!
//! Both calls are *authorized* general transactions (`#[pallet::authorize]`,
//! origin `frame_system::Origin::Authorized`) carrying a signed payload, not
//! signed transactions from the `acct` account, because:
//! - an accounting node needs no funded account and no nonce: a validator whose
//!   `acct` account ran dry, or whose nonce raced between two off-chain worker
//!   runs, would otherwise stop recording periods;
//! - fees would not stop spam anyway: the only senders that pass are the
//!   accounting nodes, and what they can send is bounded by the state. The
//!   authorization runs before a transaction enters the pool (and again when
//!   it is applied); it checks the signer and the signature first, then that
//!   the period awaits its block, that its window settled and its record
//!   deadline has not passed, that the signer is designated or the grace
//!   passed, and every report. A valid transaction
//!   `provides` the tag `(agreement, period, partial block exists)`, so the
//!   pool holds at most one first pull and one second pull per period, and a
//!   recorded period is refused (`Stale`). Nobody can pay to fill blocks and
//!   nobody's fees can be drained.
//!
//! The signature covers a domain, the genesis hash and every argument, so it
//! cannot be replayed on another chain or for another call.
//!
//! ## Interface
//!
//! ### Dispatchable functions
//!
//! | call | origin | complexity | errors |
//! |---|---|---|---|
//! | [`Pallet::submit_metrics_block`] | `Authorized` by a valid accounting-node signature | `O(n)`, `n` the covered instances | `TooManyReports`, `NotAccountingNode`, `BadSignature`, `PeriodAlreadyRecorded`, `AgreementPeriodNotFound`, `WindowNotSettled`, `TooManyInstances`, `NotDesignatedNode`, `ReportsNotSorted`, `UnknownInstance`, `ReportDoesNotMatchPeriod`, `ReportOutOfBounds`, `WrongMissingReason`, `InstancesNotAccountedFor`, `SameNodeCannotCorroborate`, `DisagreesWithFirstPull`, `RecordDeadlinePassed` |
//! | [`Pallet::bind_accounting_key`] | `Authorized` by the authority's Aura signature and the accounting key's signature | `O(a)`, `a` the authorities | `NotAuthority`, `AccountingKeyAlreadyBound`, `AccountingKeyInUse`, `BadSignature`, `TooManyAuthorities` |
//!
//! ### Runtime API
//!
//! [`runtime_api::MetricsBlocksApi`] returns a metrics block, a Merkle
//! inclusion proof for one instance's report ([`Pallet::report_inclusion_proof`])
//! and the node designated to record a period ([`Pallet::designated_node`]).
//!
//! ### Off-chain worker
//!
//! See [`ocw`]: one concurrent fetch of all due monitors per run with a single
//! deadline, retries of failed monitors within the grace, second pulls of
//! other nodes' partial blocks, offchain-storage claims so a node submits a
//! period once and retries after a failed submission, and a quick exit on
//! blocks where nothing is due.
//!
//! ### Storage keys
//!
//! Agreements and periods, which the SLA pallet assigns, are keyed with
//! `Twox64Concat`; authority keys, which validators choose, with
//! `Blake2_128Concat`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain;
#[cfg(test)]
mod mock;
mod submission;
#[cfg(test)]
mod tests;

pub mod ocw;
pub mod runtime_api;
pub mod types;
pub mod weights;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::BoundedVec;
use qos_primitives::{otp::Commitment, AgreementId, InstanceId, MissingReason, PeriodIndex, Report};

/// The application crypto of accounting keys: sr25519 under key type `acct`.
pub mod crypto {
	use sp_application_crypto::sr25519;
	use sp_core::crypto::KeyTypeId;

	/// Key type of accounting-node keys ([`qos_primitives::ACCOUNTING_KEY_TYPE`]).
	pub const KEY_TYPE: KeyTypeId = KeyTypeId(qos_primitives::ACCOUNTING_KEY_TYPE);

	sp_application_crypto::app_crypto!(sr25519, KEY_TYPE);
}

/// An accounting node's public key (`acct`, sr25519).
pub type AccountingKey = crypto::Public;
/// A signature by an accounting key.
pub type AccountingSignature = crypto::Signature;
/// An Aura authority, i.e. a validator.
pub type AuthorityId = sp_consensus_aura::sr25519::AuthorityId;
/// A signature by an Aura authority key.
pub type AuthoritySignature = sp_consensus_aura::sr25519::AuthoritySignature;

/// Domain of the payload an accounting node signs for a metrics block.
pub const SUBMIT_DOMAIN: &[u8] = b"qos-ledger:metrics-block:v2";
/// Domain of the payload both keys sign to bind an accounting key.
pub const BIND_DOMAIN: &[u8] = b"qos-ledger:bind-accounting-key:v2";

/// Sets up what benchmarks need from the rest of the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// Creates an agreement whose period awaits its metrics block with
	/// `instances` monitors (ids `0..instances`), and makes the chain's time
	/// (`Config::UnixTime`) at least the end of that period's window.
	fn awaiting_period(instances: u32) -> qos_primitives::traits::PeriodToRecord;
	/// Adds `authority` to the set `Config::Authorities` returns.
	fn add_authority(authority: AuthorityId);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::BuildGenesisConfig};
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	// 2: metrics blocks hold report hashes, not reports. 3: a partial block
	// names the first pull's authority. No chain with an earlier version
	// holds value, so there is no migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// The current Aura authorities, in Aura's order (the runtime reads
		/// `pallet_aura::Authorities`).
		type Authorities: Get<Vec<AuthorityId>>;

		/// Agreements and the periods that await a metrics block.
		type Agreements: qos_primitives::traits::AgreementRegistry;

		/// Receives every final metrics block (SLA verification).
		type MetricsHandler: qos_primitives::traits::MetricsBlockHandler;

		/// The chain's time (`pallet_timestamp`).
		type UnixTime: frame_support::traits::UnixTime;

		/// Most authorities the accounting-key map holds.
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// Blocks after a period's window settled during which only the
		/// designated node may submit its metrics block. The designated node
		/// retries failed monitors during the first half of it.
		#[pallet::constant]
		type SubmitGrace: Get<BlockNumberFor<Self>>;

		/// Expected block time in milliseconds; turns `SubmitGrace` into time
		/// on the agreements' millisecond clock.
		#[pallet::constant]
		type MillisecsPerBlock: Get<u64>;

		/// Metrics blocks retained per agreement; older ones are pruned. At least 1.
		#[pallet::constant]
		type RetainPeriods: Get<u32>;

		/// Priority of this pallet's transactions in the pool.
		#[pallet::constant]
		type TransactionPriority: Get<TransactionPriority>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Sets up agreements and authorities for benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper;
	}

	/// The accounting key of each authority that has one.
	#[pallet::storage]
	pub type AccountingKeys<T: Config> =
		StorageValue<_, BoundedVec<(AuthorityId, AccountingKey), T::MaxAuthorities>, ValueQuery>;

	/// Bindings made by each authority so far: the nonce its next binding signs.
	#[pallet::storage]
	pub type BindingNonces<T: Config> = StorageMap<_, Blake2_128Concat, AuthorityId, u32, ValueQuery>;

	/// Retained metrics blocks by agreement and period.
	#[pallet::storage]
	pub type MetricsBlocks<T: Config> =
		StorageDoubleMap<_, Twox64Concat, AgreementId, Twox64Concat, PeriodIndex, MetricsBlock<BlockNumberFor<T>>>;

	/// Partial blocks awaiting a second accounting node's pull.
	#[pallet::storage]
	pub type PartialBlocks<T: Config> =
		StorageDoubleMap<_, Twox64Concat, AgreementId, Twox64Concat, PeriodIndex, PartialBlock>;

	/// The head of each agreement's metrics-block chain.
	#[pallet::storage]
	pub type ChainTips<T: Config> = StorageMap<_, Twox64Concat, AgreementId, ChainTip>;

	/// The period recorded at each retained position of an agreement's chain.
	#[pallet::storage]
	pub type ChainPeriods<T: Config> = StorageDoubleMap<_, Twox64Concat, AgreementId, Twox64Concat, u32, PeriodIndex>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A final metrics block was recorded and handed to SLA verification.
		MetricsBlockRecorded {
			agreement: AgreementId,
			period: PeriodIndex,
			block_hash: qos_primitives::Hash256,
			reports_root: qos_primitives::Hash256,
			accounting_node: AccountingKey,
			missing: MissingInstances,
		},
		/// An accounting node found pulled instances missing; a second node's
		/// pull decides.
		PartialBlockRecorded {
			agreement: AgreementId,
			period: PeriodIndex,
			accounting_node: AccountingKey,
			missing: MissingInstances,
		},
		/// A metrics block older than `RetainPeriods` was pruned; its hash is now
		/// the anchor of the agreement's chain.
		MetricsBlockPruned { agreement: AgreementId, period: PeriodIndex, block_hash: qos_primitives::Hash256 },
		/// An authority's accounting key was bound.
		AccountingKeyBound { authority: AuthorityId, accounting_key: AccountingKey },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The agreement is unknown, the period is outside its term, or the
		/// period was already recorded, lapsed or pruned.
		AgreementPeriodNotFound,
		/// A metrics block for this period is already recorded.
		PeriodAlreadyRecorded,
		/// The period's window has not closed and settled yet (`REPORT_SETTLE_MS`).
		WindowNotSettled,
		/// The signer is not the accounting key of a current authority.
		NotAccountingNode,
		/// Another node is designated for this period and its grace has not passed.
		NotDesignatedNode,
		/// The signature does not match the payload and key.
		BadSignature,
		/// More reports and missing instances than a metrics block holds.
		TooManyReports,
		/// Reports and missing instances must each be ordered by strictly
		/// ascending instance id.
		ReportsNotSorted,
		/// A report or a missing instance is for an instance the period does not pull.
		UnknownInstance,
		/// A report's agreement, period or window is not the recorded period's.
		ReportDoesNotMatchPeriod,
		/// A report field is out of its bounds (permille above 1000, latency
		/// percentiles not ascending, empty or over-long window).
		ReportOutOfBounds,
		/// A retired instance must be missing as `Retired`, and only a retired one.
		WrongMissingReason,
		/// Every covered instance must have exactly one report or missing entry.
		InstancesNotAccountedFor,
		/// The agreement covers more instances than a metrics block holds.
		TooManyInstances,
		/// The second pull of a partial block must come from another authority
		/// than the first, under whatever accounting key.
		SameNodeCannotCorroborate,
		/// The second pull lacks a report of an instance the partial block has one of.
		DisagreesWithFirstPull,
		/// The authority is not in the current authority set.
		NotAuthority,
		/// The accounting key is already bound to another authority.
		AccountingKeyInUse,
		/// The authority is already bound to this accounting key.
		AccountingKeyAlreadyBound,
		/// The accounting-key map is full (`MaxAuthorities`).
		TooManyAuthorities,
		/// The period's record deadline has passed: it lapses, refunded to the
		/// client, and can no longer be recorded.
		RecordDeadlinePassed,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Accounting key of each initial authority.
		pub accounting_keys: Vec<(AuthorityId, AccountingKey)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (i, (authority, key)) in self.accounting_keys.iter().enumerate() {
				for (other_authority, other_key) in &self.accounting_keys[..i] {
					assert!(other_authority != authority, "authority mapped twice in genesis");
					assert!(other_key != key, "accounting key mapped twice in genesis");
				}
			}
			let keys = BoundedVec::try_from(self.accounting_keys.clone())
				.expect("more genesis accounting keys than MaxAuthorities");
			AccountingKeys::<T>::put(keys);
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn offchain_worker(block: BlockNumberFor<T>) {
			Self::run_offchain_worker(block);
		}

		fn integrity_test() {
			assert!(T::RetainPeriods::get() >= 1, "RetainPeriods must be at least 1");
			assert!(T::MaxAuthorities::get() >= 1, "MaxAuthorities must be at least 1");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Record the metrics block of `period` of `agreement`.
		///
		/// Origin: `Authorized`, by a valid `signature` of `accounting_node` over
		/// `(SUBMIT_DOMAIN, genesis hash, agreement, period, reports, missing,
		/// otp_commitment, accounting_node)`. `accounting_node` must be the
		/// accounting key of the designated authority, or of any authority once
		/// `SubmitGrace` passed. The period must await its metrics block and its
		/// window must have closed and settled. `reports` are the validated
		/// monitor reports and `missing` the covered instances without one, with
		/// why, each by ascending instance id; together they list every covered
		/// instance once. `otp_commitment` commits to the OTP derived from the tags
		/// of exactly these reports.
		///
		/// A block with pulled instances missing is partial until another
		/// accounting node pulls the monitors too and submits this call with a
		/// block that has a report of every instance the first has one of:
		/// that block is final.
		/// A final block is linked to the agreement's previous one, the oldest
		/// block beyond `RetainPeriods` is pruned, `MetricsBlockRecorded` is
		/// emitted and the reports go to SLA verification.
		///
		/// Complexity: `O(n log n)` to authorize and `O(n)` to dispatch, `n` the
		/// covered instances, with a constant number of storage reads; only
		/// the reports' hashes are stored.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_metrics_block(Pallet::<T>::covered_in(reports, missing)))]
		#[pallet::authorize(Self::authorize_submit_metrics_block)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_submit_metrics_block(Pallet::<T>::covered_in(reports, missing)))]
		pub fn submit_metrics_block(
			origin: OriginFor<T>,
			agreement: AgreementId,
			period: PeriodIndex,
			reports: Vec<Report>,
			missing: Vec<(InstanceId, MissingReason)>,
			otp_commitment: Commitment,
			accounting_node: AccountingKey,
			signature: AccountingSignature,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			// The signature and the reports were checked by the authorization.
			let _ = signature;
			let checked = Self::checked_for_dispatch(agreement, period, &reports, &missing, &accounting_node)?;
			// Both lists were checked against the bound.
			let missing = BoundedVec::truncate_from(missing);
			match checked.first_pull {
				None if checked.partial => {
					Self::record_partial(checked.to_record, &reports, missing, accounting_node, checked.authority);
					Ok(())
				},
				first_pull => {
					Self::record(checked.to_record, &reports, missing, otp_commitment, accounting_node, first_pull)
				},
			}
		}

		/// Bind `accounting_key` as the accounting key of `authority`.
		///
		/// Origin: `Authorized`, by `authority_signature` of `authority` and
		/// `accounting_signature` of `accounting_key`, both over
		/// `(BIND_DOMAIN, genesis hash, authority, accounting_key, nonce)` with
		/// `nonce` the authority's `BindingNonces` entry, so a binding cannot be
		/// replayed from chain history. `authority` must be in the current
		/// authority set and the key must not belong to another authority.
		/// Entries of authorities no longer in the set are dropped. A validator's
		/// off-chain worker sends this when its local `acct` key is not yet bound.
		///
		/// Complexity: `O(a)`, `a` the number of authorities.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::bind_accounting_key())]
		#[pallet::authorize(Self::authorize_bind_accounting_key)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_bind_accounting_key())]
		pub fn bind_accounting_key(
			origin: OriginFor<T>,
			authority: AuthorityId,
			accounting_key: AccountingKey,
			authority_signature: AuthoritySignature,
			accounting_signature: AccountingSignature,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			let authorities =
				Self::check_binding(&authority, &accounting_key, &authority_signature, &accounting_signature)?;
			let mut keys = AccountingKeys::<T>::get();
			keys.retain(|(a, _)| a != &authority && authorities.contains(a));
			keys.try_push((authority.clone(), accounting_key.clone())).map_err(|_| Error::<T>::TooManyAuthorities)?;
			AccountingKeys::<T>::put(keys);
			BindingNonces::<T>::mutate(&authority, |nonce| *nonce = nonce.saturating_add(1));
			Self::deposit_event(Event::AccountingKeyBound { authority, accounting_key });
			Ok(())
		}
	}
}

/// Bounds every report must respect, whoever produced it. Returns the name of
/// the first violated bound.
pub fn report_within_bounds(report: &Report) -> Result<(), &'static str> {
	if report.cpu_utilisation_permille > 1000 {
		return Err("cpu_utilisation_permille above 1000");
	}
	if report.cpu_steal_permille > 1000 {
		return Err("cpu_steal_permille above 1000");
	}
	if !(report.latency_p50_ms <= report.latency_p95_ms && report.latency_p95_ms <= report.latency_p99_ms) {
		return Err("latency percentiles not ascending");
	}
	if report.window.len_ms() == 0 || report.window.len_ms() > qos_primitives::MAX_REPORT_WINDOW_MS {
		return Err("window empty or longer than MAX_REPORT_WINDOW_MS");
	}
	Ok(())
}

impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = AccountingKey;
}
