//! # Metrics Blocks Pallet
//!
//! Accounting nodes, their off-chain worker, and the hash-chained *metrics
//! blocks* of qos-ledger.
//!
//! ## Overview
//!
//! The accounting nodes are the Aura authorities ([`Config::Authorities`]). Each
//! authority is mapped to an *accounting key* of key type `acct` (sr25519,
//! [`crypto`]) held in its node's keystore. The mapping starts from the genesis
//! config and follows the authority set: a new authority's off-chain worker binds
//! its local `acct` key with [`Pallet::bind_accounting_key`] (signed by both its
//! Aura key and its accounting key), and entries of authorities that left the
//! set are dropped on the next binding. Only mapped authorities are accounting
//! nodes.
//!
//! For `(agreement, period)` the designated node is
//! `authorities[designated_index(agreement, period, n)]`
//! ([`qos_primitives::selection::designated_index`]). Its off-chain worker fetches
//! every instance's monitor once the period's window closed and settled
//! ([`qos_primitives::REPORT_SETTLE_MS`]), validates the answers, computes the
//! OTP commitment from the monitors' tags (tags never go on chain) and submits
//! [`Pallet::submit_metrics_block`]. [`Config::SubmitGrace`] blocks after the
//! window settled, any accounting node may submit instead.
//!
//! The runtime stores the block with `report_hash = sha256(SCALE(report))` for
//! every report, their Merkle root ([`qos_primitives::merkle`]) and `prev_hash`,
//! the hash of the agreement's previously recorded metrics block, then hands
//! the reports to SLA verification ([`Config::MetricsHandler`]). Each agreement
//! keeps its last [`Config::RetainPeriods`] blocks; older ones are pruned and
//! the hash of the last pruned block is kept as the anchor of the chain, so the
//! retained chain stays checkable ([`ChainTip`]).
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
//!   it is applied) and checks the signature, that the signer is an accounting
//!   node, that the period awaits its block, that its window closed, that the
//!   signer is designated or the grace passed, and every report. A valid
//!   transaction `provides` the tag `(agreement, period)`, so the pool holds at
//!   most one per period, and a recorded period is refused (`Stale`). Nobody
//!   can pay to fill blocks and nobody's fees can be drained.
//!
//! The signature covers a domain, the genesis hash and every argument, so it
//! cannot be replayed on another chain or for another call.
//!
//! ## Interface
//!
//! ### Dispatchable functions
//!
//! - [`Pallet::submit_metrics_block`]: origin `Authorized` (by a valid accounting-node
//!   signature); records one period. Complexity `O(r)` in the number of reports.
//! - [`Pallet::bind_accounting_key`]: origin `Authorized` (by the authority's Aura
//!   signature and the accounting key's signature); maps an authority to its
//!   accounting key. Complexity `O(a)` in the number of authorities.
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
//! deadline, offchain-storage claims so a node submits a period once and
//! retries after a failed submission, and a quick exit on blocks where nothing
//! is due.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub mod ocw;
pub mod weights;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use qos_primitives::{
	merkle::ProofStep, otp::Commitment, AgreementId, Hash256, InstanceId, MaxInstancesPerService, PeriodIndex, Report,
	Window,
};
use scale_info::TypeInfo;

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
pub const SUBMIT_DOMAIN: &[u8] = b"qos-ledger:metrics-block:v1";
/// Domain of the payload both keys sign to bind an accounting key.
pub const BIND_DOMAIN: &[u8] = b"qos-ledger:bind-accounting-key:v1";

/// One recorded period of an agreement: the monitors' reports, their Merkle
/// root and the link to the agreement's previous metrics block.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricsBlock<BlockNumber> {
	/// The agreement.
	pub agreement: AgreementId,
	/// The recorded period.
	pub period: PeriodIndex,
	/// The period's window.
	pub window: Window,
	/// Position of this block in the agreement's chain, counted from 0.
	pub sequence: u32,
	/// `block_hash` of the agreement's previous metrics block; zero for the first.
	pub prev_hash: Hash256,
	/// Merkle root over `sha256(SCALE(report))` of `reports`, in order.
	pub reports_root: Hash256,
	/// The validated reports, by ascending instance id.
	pub reports: BoundedVec<Report, MaxInstancesPerService>,
	/// Instances expected to report that did not (missing, late or invalid answer).
	pub missing: BoundedVec<InstanceId, MaxInstancesPerService>,
	/// Commitment to the period's one-time password.
	pub otp_commitment: Commitment,
	/// The accounting node that submitted the block.
	pub accounting_node: AccountingKey,
	/// Chain block in which the metrics block was recorded.
	pub recorded_at: BlockNumber,
	/// `sha256` of the SCALE encoding of every field above except `reports`,
	/// which `reports_root` stands for.
	pub block_hash: Hash256,
}

impl<BlockNumber: Encode> MetricsBlock<BlockNumber> {
	/// The hash this block must carry as `block_hash`.
	pub fn compute_hash(&self) -> Hash256 {
		qos_primitives::sha256(
			&(
				self.agreement,
				self.period,
				self.window,
				self.sequence,
				self.prev_hash,
				self.reports_root,
				&self.missing,
				self.otp_commitment,
				&self.accounting_node,
				&self.recorded_at,
			)
				.encode(),
		)
	}

	/// `sha256(SCALE(report))` of every report, in order: the Merkle leaves.
	pub fn report_hashes(&self) -> Vec<Hash256> {
		self.reports.iter().map(Report::hash).collect()
	}
}

/// The head of an agreement's metrics-block chain.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct ChainTip {
	/// Number of metrics blocks ever recorded for the agreement.
	pub length: u32,
	/// `block_hash` of the last recorded block (zero before the first).
	pub last_hash: Hash256,
	/// Sequence number of the oldest retained block.
	pub first_retained: u32,
	/// `block_hash` of the last pruned block: the `prev_hash` of the oldest
	/// retained block (zero while nothing was pruned).
	pub anchor_hash: Hash256,
}

/// A metrics block and the proof that one instance's report is in it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct ReportInclusionProof<BlockNumber> {
	/// The metrics block; `reports_root` is what the proof leads to.
	pub block: MetricsBlock<BlockNumber>,
	/// Position of the report among the block's reports (its Merkle leaf).
	pub leaf_index: u32,
	/// The report.
	pub report: Report,
	/// `sha256(SCALE(report))`.
	pub report_hash: Hash256,
	/// The inclusion proof: `verify_proof(reports_root, report_hash, proof)`.
	pub proof: Vec<ProofStep>,
}

/// The accounting node designated to record one period.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct DesignatedNode {
	/// Position of the authority in the current Aura authority set.
	pub authority_index: u32,
	/// The authority (validator).
	pub authority: AuthorityId,
	/// Its accounting key; `None` while the authority has not bound one, in
	/// which case the period is recorded by another node after the grace.
	pub accounting_key: Option<AccountingKey>,
}

/// Runtime API: metrics blocks and inclusion proofs for clients and the node's RPC.
pub mod runtime_api {
	use super::*;

	sp_api::decl_runtime_apis! {
		/// Read access to metrics blocks.
		pub trait MetricsBlocksApi<BlockNumber> where BlockNumber: codec::Codec {
			/// The metrics block of `period` of `agreement`, if recorded and not pruned.
			fn metrics_block(agreement: AgreementId, period: PeriodIndex) -> Option<MetricsBlock<BlockNumber>>;
			/// The metrics block and a Merkle inclusion proof of `instance`'s report,
			/// if the block is retained and holds a report of that instance.
			fn report_inclusion_proof(
				agreement: AgreementId,
				period: PeriodIndex,
				instance: InstanceId,
			) -> Option<ReportInclusionProof<BlockNumber>>;
			/// The accounting node designated to record `period` of `agreement`
			/// under the current authority set; `None` without authorities.
			fn designated_node(agreement: AgreementId, period: PeriodIndex) -> Option<DesignatedNode>;
		}
	}
}

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
	use frame_support::{
		pallet_prelude::*,
		traits::{BuildGenesisConfig, UnixTime},
	};
	use frame_system::pallet_prelude::*;
	use qos_primitives::{
		merkle,
		selection::designated_index,
		traits::{AgreementRegistry, MetricsBlockHandler, PeriodToRecord},
	};
	use sp_runtime::{traits::Zero, RuntimeAppPublic};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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
		type Agreements: AgreementRegistry;

		/// Receives every recorded metrics block (SLA verification).
		type MetricsHandler: MetricsBlockHandler;

		/// The chain's time (`pallet_timestamp`).
		type UnixTime: UnixTime;

		/// Most authorities the accounting-key map holds.
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// Blocks after a period's window settled during which only the
		/// designated node may submit its metrics block.
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

	/// Retained metrics blocks by agreement and period.
	#[pallet::storage]
	pub type MetricsBlocks<T: Config> =
		StorageDoubleMap<_, Twox64Concat, AgreementId, Twox64Concat, PeriodIndex, MetricsBlock<BlockNumberFor<T>>>;

	/// The head of each agreement's metrics-block chain.
	#[pallet::storage]
	pub type ChainTips<T: Config> = StorageMap<_, Twox64Concat, AgreementId, ChainTip>;

	/// The period recorded at each retained position of an agreement's chain.
	#[pallet::storage]
	pub type ChainPeriods<T: Config> = StorageDoubleMap<_, Twox64Concat, AgreementId, Twox64Concat, u32, PeriodIndex>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A metrics block was recorded and handed to SLA verification.
		MetricsBlockRecorded {
			agreement: AgreementId,
			period: PeriodIndex,
			block_hash: Hash256,
			reports_root: Hash256,
			accounting_node: AccountingKey,
		},
		/// A metrics block older than `RetainPeriods` was pruned; its hash is now
		/// the anchor of the agreement's chain.
		MetricsBlockPruned { agreement: AgreementId, period: PeriodIndex, block_hash: Hash256 },
		/// An authority's accounting key was bound.
		AccountingKeyBound { authority: AuthorityId, accounting_key: AccountingKey },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The agreement is unknown, the period is outside its term, or the
		/// period was already recorded and pruned.
		AgreementPeriodNotFound,
		/// A metrics block for this period is already recorded.
		PeriodAlreadyRecorded,
		/// The period's window has not closed yet.
		WindowNotClosed,
		/// The signer is not the accounting key of a current authority.
		NotAccountingNode,
		/// Another node is designated for this period and its grace has not passed.
		NotDesignatedNode,
		/// The signature does not match the payload and key.
		BadSignature,
		/// Reports must be ordered by strictly ascending instance id.
		ReportsNotSorted,
		/// A report is for an instance the agreement's service does not list.
		UnknownInstance,
		/// A report's agreement, period or window is not the recorded period's.
		ReportDoesNotMatchPeriod,
		/// A report field is out of its bounds (permille above 1000, latency
		/// percentiles not ascending, empty or over-long window).
		ReportOutOfBounds,
		/// The agreement's service lists more instances than a metrics block holds.
		TooManyInstances,
		/// The authority is not in the current authority set.
		NotAuthority,
		/// The accounting key is already bound to another authority.
		AccountingKeyInUse,
		/// The authority is already bound to this accounting key.
		AccountingKeyAlreadyBound,
		/// The accounting-key map is full (`MaxAuthorities`).
		TooManyAuthorities,
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
		/// `(SUBMIT_DOMAIN, genesis hash, agreement, period, reports,
		/// otp_commitment, accounting_node)`. `accounting_node` must be the
		/// accounting key of the designated authority, or of any authority once
		/// `SubmitGrace` passed. The period must await its metrics block and its
		/// window must have closed. `reports` are the validated monitor reports by
		/// ascending instance id; instances without a report are recorded as
		/// missing. `otp_commitment` commits to the OTP derived from the tags of
		/// exactly these reports.
		///
		/// Stores the block linked to the agreement's previous one, prunes the
		/// oldest block beyond `RetainPeriods`, emits `MetricsBlockRecorded` and
		/// hands the reports to SLA verification.
		///
		/// Complexity: `O(r)`, `r` the number of reports (at most 16).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_metrics_block(reports.len() as u32))]
		#[pallet::authorize(Self::authorize_submit_metrics_block)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_submit_metrics_block(reports.len() as u32))]
		pub fn submit_metrics_block(
			origin: OriginFor<T>,
			agreement: AgreementId,
			period: PeriodIndex,
			reports: BoundedVec<Report, MaxInstancesPerService>,
			otp_commitment: Commitment,
			accounting_node: AccountingKey,
			signature: AccountingSignature,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			let to_record =
				Self::check_submission(agreement, period, &reports, &otp_commitment, &accounting_node, &signature)?;
			Self::record(to_record, reports, otp_commitment, accounting_node)
		}

		/// Bind `accounting_key` as the accounting key of `authority`.
		///
		/// Origin: `Authorized`, by `authority_signature` of `authority` and
		/// `accounting_signature` of `accounting_key`, both over
		/// `(BIND_DOMAIN, genesis hash, authority, accounting_key)`. `authority`
		/// must be in the current authority set and the key must not belong to
		/// another authority. Entries of authorities no longer in the set are
		/// dropped. A validator's off-chain worker sends this when its local
		/// `acct` key is not yet bound.
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
			Self::deposit_event(Event::AccountingKeyBound { authority, accounting_key });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The chain's current time in milliseconds.
		pub fn now_ms() -> u64 {
			T::UnixTime::now().as_millis() as u64
		}

		/// The genesis hash the signed payloads are bound to.
		pub(crate) fn genesis_hash() -> T::Hash {
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}

		/// The bytes an accounting node signs for a metrics block.
		pub fn submission_payload(
			agreement: AgreementId,
			period: PeriodIndex,
			reports: &[Report],
			otp_commitment: &Commitment,
			accounting_node: &AccountingKey,
		) -> Vec<u8> {
			(SUBMIT_DOMAIN, Self::genesis_hash(), agreement, period, reports, otp_commitment, accounting_node).encode()
		}

		/// The bytes both keys sign to bind an accounting key.
		pub fn binding_payload(authority: &AuthorityId, accounting_key: &AccountingKey) -> Vec<u8> {
			(BIND_DOMAIN, Self::genesis_hash(), authority, accounting_key).encode()
		}

		/// The accounting key of `authority`, if bound.
		pub fn accounting_key_of(authority: &AuthorityId) -> Option<AccountingKey> {
			AccountingKeys::<T>::get().into_iter().find(|(a, _)| a == authority).map(|(_, k)| k)
		}

		/// Time (ms) from which any accounting node may record a period of `window`.
		pub fn grace_ends_ms(window: &Window) -> u64 {
			let grace_blocks: u64 = T::SubmitGrace::get().try_into().unwrap_or(u64::MAX);
			window
				.to_ms
				.saturating_add(qos_primitives::REPORT_SETTLE_MS)
				.saturating_add(grace_blocks.saturating_mul(T::MillisecsPerBlock::get()))
		}

		/// Index of `key`'s authority in `authorities`, if `key` is an accounting key.
		pub(crate) fn authority_index_of(authorities: &[AuthorityId], key: &AccountingKey) -> Option<u32> {
			let keys = AccountingKeys::<T>::get();
			authorities.iter().position(|a| keys.iter().any(|(ka, k)| ka == a && k == key)).map(|i| i as u32)
		}

		/// Every check of a metrics-block submission, in the pool and in the block.
		pub(crate) fn check_submission(
			agreement: AgreementId,
			period: PeriodIndex,
			reports: &[Report],
			otp_commitment: &Commitment,
			accounting_node: &AccountingKey,
			signature: &AccountingSignature,
		) -> Result<PeriodToRecord, Error<T>> {
			ensure!(!MetricsBlocks::<T>::contains_key(agreement, period), Error::<T>::PeriodAlreadyRecorded);
			let to_record =
				T::Agreements::period_to_record(agreement, period).ok_or(Error::<T>::AgreementPeriodNotFound)?;
			let now_ms = Self::now_ms();
			ensure!(now_ms >= to_record.window.to_ms, Error::<T>::WindowNotClosed);

			let authorities = T::Authorities::get();
			let signer_index =
				Self::authority_index_of(&authorities, accounting_node).ok_or(Error::<T>::NotAccountingNode)?;
			let designated = designated_index(agreement, period, authorities.len() as u32);
			if designated != Some(signer_index) {
				ensure!(now_ms >= Self::grace_ends_ms(&to_record.window), Error::<T>::NotDesignatedNode);
			}

			let payload = Self::submission_payload(agreement, period, reports, otp_commitment, accounting_node);
			ensure!(accounting_node.verify(&payload, signature), Error::<T>::BadSignature);

			ensure!(
				to_record.monitors.len() <= qos_primitives::MAX_INSTANCES_PER_SERVICE as usize,
				Error::<T>::TooManyInstances
			);
			Self::check_reports(&to_record, reports)?;
			Ok(to_record)
		}

		/// Reports must be sorted, belong to listed instances, match the period
		/// and be within bounds.
		fn check_reports(to_record: &PeriodToRecord, reports: &[Report]) -> Result<(), Error<T>> {
			ensure!(reports.windows(2).all(|pair| pair[0].instance < pair[1].instance), Error::<T>::ReportsNotSorted);
			for report in reports {
				ensure!(to_record.monitors.iter().any(|m| m.instance == report.instance), Error::<T>::UnknownInstance);
				ensure!(
					report.agreement == to_record.agreement
						&& report.period == to_record.period
						&& report.window == to_record.window,
					Error::<T>::ReportDoesNotMatchPeriod
				);
				report_within_bounds(report).map_err(|_| Error::<T>::ReportOutOfBounds)?;
			}
			Ok(())
		}

		/// Checks of a binding, in the pool and in the block; returns the
		/// current authorities.
		pub(crate) fn check_binding(
			authority: &AuthorityId,
			accounting_key: &AccountingKey,
			authority_signature: &AuthoritySignature,
			accounting_signature: &AccountingSignature,
		) -> Result<Vec<AuthorityId>, Error<T>> {
			let authorities = T::Authorities::get();
			ensure!(authorities.contains(authority), Error::<T>::NotAuthority);
			let keys = AccountingKeys::<T>::get();
			ensure!(
				!keys.iter().any(|(a, k)| a == authority && k == accounting_key),
				Error::<T>::AccountingKeyAlreadyBound
			);
			ensure!(
				!keys.iter().any(|(a, k)| a != authority && k == accounting_key && authorities.contains(a)),
				Error::<T>::AccountingKeyInUse
			);
			let payload = Self::binding_payload(authority, accounting_key);
			ensure!(
				authority.verify(&payload, authority_signature)
					&& accounting_key.verify(&payload, accounting_signature),
				Error::<T>::BadSignature
			);
			Ok(authorities)
		}

		fn authorize_submit_metrics_block(
			_source: TransactionSource,
			agreement: &AgreementId,
			period: &PeriodIndex,
			reports: &BoundedVec<Report, MaxInstancesPerService>,
			otp_commitment: &Commitment,
			accounting_node: &AccountingKey,
			signature: &AccountingSignature,
		) -> TransactionValidityWithRefund {
			Self::check_submission(*agreement, *period, reports, otp_commitment, accounting_node, signature)
				.map_err(Self::invalid_transaction)?;
			let validity = ValidTransaction::with_tag_prefix("QosMetricsBlock")
				.priority(T::TransactionPriority::get())
				.and_provides((*agreement, *period))
				.longevity(crate::ocw::RESUBMIT_AFTER_BLOCKS as u64)
				.propagate(true)
				.build()?;
			Ok((validity, Weight::zero()))
		}

		fn authorize_bind_accounting_key(
			_source: TransactionSource,
			authority: &AuthorityId,
			accounting_key: &AccountingKey,
			authority_signature: &AuthoritySignature,
			accounting_signature: &AccountingSignature,
		) -> TransactionValidityWithRefund {
			Self::check_binding(authority, accounting_key, authority_signature, accounting_signature)
				.map_err(Self::invalid_transaction)?;
			let validity = ValidTransaction::with_tag_prefix("QosBindAccountingKey")
				.priority(T::TransactionPriority::get())
				.and_provides(authority)
				.longevity(crate::ocw::RESUBMIT_AFTER_BLOCKS as u64)
				.propagate(true)
				.build()?;
			Ok((validity, Weight::zero()))
		}

		/// How a refused transaction is reported to the pool: `Stale` for a
		/// period already recorded or a key already bound, `BadProof` for a bad
		/// signature, otherwise `Custom(i)` with `i` the index of the
		/// [`Error`] variant (as in the metadata).
		pub fn invalid_transaction(error: Error<T>) -> TransactionValidityError {
			match error {
				Error::<T>::PeriodAlreadyRecorded | Error::<T>::AccountingKeyAlreadyBound => {
					InvalidTransaction::Stale.into()
				}
				Error::<T>::BadSignature => InvalidTransaction::BadProof.into(),
				other => {
					let index = match DispatchError::from(other) {
						DispatchError::Module(module) => module.error[0],
						_ => u8::MAX,
					};
					InvalidTransaction::Custom(index).into()
				}
			}
		}

		/// Store the block, link and prune the chain, emit, hand over.
		fn record(
			to_record: PeriodToRecord,
			reports: BoundedVec<Report, MaxInstancesPerService>,
			otp_commitment: Commitment,
			accounting_node: AccountingKey,
		) -> DispatchResult {
			let PeriodToRecord { agreement, period, window, monitors } = to_record;
			let report_hashes: Vec<Hash256> = reports.iter().map(Report::hash).collect();
			let reports_root = merkle::merkle_root(&report_hashes);
			let missing: Vec<InstanceId> = monitors
				.iter()
				.map(|m| m.instance)
				.filter(|instance| !reports.iter().any(|r| r.instance == *instance))
				.collect();
			let missing = BoundedVec::try_from(missing).map_err(|_| Error::<T>::TooManyInstances)?;

			let mut tip = ChainTips::<T>::get(agreement).unwrap_or_default();
			let mut block = MetricsBlock {
				agreement,
				period,
				window,
				sequence: tip.length,
				prev_hash: tip.last_hash,
				reports_root,
				reports,
				missing,
				otp_commitment,
				accounting_node: accounting_node.clone(),
				recorded_at: frame_system::Pallet::<T>::block_number(),
				block_hash: [0; 32],
			};
			block.block_hash = block.compute_hash();
			let block_hash = block.block_hash;

			ChainPeriods::<T>::insert(agreement, tip.length, period);
			tip.length = tip.length.saturating_add(1);
			tip.last_hash = block_hash;
			if tip.length.saturating_sub(tip.first_retained) > T::RetainPeriods::get() {
				let oldest = tip.first_retained;
				if let Some(old_period) = ChainPeriods::<T>::take(agreement, oldest) {
					if let Some(old) = MetricsBlocks::<T>::take(agreement, old_period) {
						tip.anchor_hash = old.block_hash;
						Self::deposit_event(Event::MetricsBlockPruned {
							agreement,
							period: old_period,
							block_hash: old.block_hash,
						});
					}
				}
				tip.first_retained = oldest.saturating_add(1);
			}
			ChainTips::<T>::insert(agreement, tip);

			let reports_for_handler = block.reports.clone();
			MetricsBlocks::<T>::insert(agreement, period, block);
			Self::deposit_event(Event::MetricsBlockRecorded {
				agreement,
				period,
				block_hash,
				reports_root,
				accounting_node,
			});
			T::MetricsHandler::on_metrics_block(agreement, period, window, &reports_for_handler, otp_commitment);
			Ok(())
		}

		/// The retained metrics block of `period` of `agreement` (runtime API).
		pub fn metrics_block(agreement: AgreementId, period: PeriodIndex) -> Option<MetricsBlock<BlockNumberFor<T>>> {
			MetricsBlocks::<T>::get(agreement, period)
		}

		/// The metrics block and the inclusion proof of `instance`'s report (runtime API).
		pub fn report_inclusion_proof(
			agreement: AgreementId,
			period: PeriodIndex,
			instance: InstanceId,
		) -> Option<ReportInclusionProof<BlockNumberFor<T>>> {
			let block = MetricsBlocks::<T>::get(agreement, period)?;
			let leaf_index = block.reports.iter().position(|r| r.instance == instance)?;
			let hashes = block.report_hashes();
			let proof = merkle::merkle_proof(&hashes, leaf_index)?;
			Some(ReportInclusionProof {
				report: block.reports[leaf_index].clone(),
				report_hash: hashes[leaf_index],
				leaf_index: leaf_index as u32,
				proof,
				block,
			})
		}

		/// The node designated to record `period` of `agreement` (runtime API).
		pub fn designated_node(agreement: AgreementId, period: PeriodIndex) -> Option<DesignatedNode> {
			let authorities = T::Authorities::get();
			let authority_index = designated_index(agreement, period, authorities.len() as u32)?;
			let authority = authorities.get(authority_index as usize)?.clone();
			Some(DesignatedNode { authority_index, accounting_key: Self::accounting_key_of(&authority), authority })
		}

		/// Invariants: every retained block carries its own hash and root, the
		/// retained chain of each agreement links from its anchor to its tip
		/// without gaps, and nothing beyond `RetainPeriods` is retained.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use sp_runtime::TryRuntimeError;
			ensure!(
				AccountingKeys::<T>::get().len() as u32 <= T::MaxAuthorities::get(),
				TryRuntimeError::Other("accounting-key map over its bound")
			);
			for (agreement, tip) in ChainTips::<T>::iter() {
				ensure!(
					tip.length.saturating_sub(tip.first_retained) <= T::RetainPeriods::get(),
					TryRuntimeError::Other("more blocks retained than RetainPeriods")
				);
				let mut expected_prev = tip.anchor_hash;
				for sequence in tip.first_retained..tip.length {
					let period = ChainPeriods::<T>::get(agreement, sequence)
						.ok_or(TryRuntimeError::Other("gap in a retained chain"))?;
					let block = MetricsBlocks::<T>::get(agreement, period)
						.ok_or(TryRuntimeError::Other("chain position without its block"))?;
					ensure!(block.sequence == sequence, TryRuntimeError::Other("block sequence mismatch"));
					ensure!(block.prev_hash == expected_prev, TryRuntimeError::Other("broken prev_hash link"));
					ensure!(block.block_hash == block.compute_hash(), TryRuntimeError::Other("wrong block_hash"));
					ensure!(
						block.reports_root == merkle::merkle_root(&block.report_hashes()),
						TryRuntimeError::Other("wrong reports_root")
					);
					expected_prev = block.block_hash;
				}
				ensure!(expected_prev == tip.last_hash, TryRuntimeError::Other("tip does not end the chain"));
				ensure!(
					ChainPeriods::<T>::iter_prefix(agreement).count() as u32
						== tip.length.saturating_sub(tip.first_retained),
					TryRuntimeError::Other("stale chain positions")
				);
			}
			for (agreement, _, _) in MetricsBlocks::<T>::iter() {
				ensure!(ChainTips::<T>::contains_key(agreement), TryRuntimeError::Other("block without chain"));
			}
			let retained: u32 = ChainTips::<T>::iter_values()
				.map(|tip| tip.length.saturating_sub(tip.first_retained))
				.fold(0u32, |a, b| a.saturating_add(b));
			ensure!(
				MetricsBlocks::<T>::iter().count() as u32 == retained,
				TryRuntimeError::Other("blocks outside any chain")
			);
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
