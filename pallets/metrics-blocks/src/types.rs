//! What the pallet stores and serves: metrics blocks, the head of each
//! agreement's chain of them, partial blocks awaiting a second pull, and the
//! answers of the runtime API.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::BoundedVec;
use qos_primitives::{
	merkle::ProofStep, otp::Commitment, AgreementId, Hash256, InstanceId, MaxInstancesPerService, MissingReason,
	PeriodIndex, Window,
};
use scale_info::TypeInfo;

use crate::{AccountingKey, AuthorityId};

/// The instances of a metrics block without a report, each with the reason.
pub type MissingInstances = BoundedVec<(InstanceId, MissingReason), MaxInstancesPerService>;

/// The hash of each report of a metrics block, by ascending instance id.
pub type ReportHashes = BoundedVec<(InstanceId, Hash256), MaxInstancesPerService>;

/// One recorded period of an agreement: the hashes of the monitors' reports,
/// their Merkle root and the link to the agreement's previous metrics block.
/// The reports themselves are in the `submit_metrics_block` extrinsic of
/// block `recorded_at`, where anyone can check them against these hashes;
/// storing only the hashes keeps a thousand-instance block at 36 KiB.
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
	/// Merkle root over the hashes of `report_hashes`, in order.
	pub reports_root: Hash256,
	/// `sha256(SCALE(report))` of each validated report, by ascending instance id.
	pub report_hashes: ReportHashes,
	/// Covered instances without a report, by ascending id, with why.
	pub missing: MissingInstances,
	/// Commitment to the period's one-time password.
	pub otp_commitment: Commitment,
	/// The accounting node whose pull this block is.
	pub accounting_node: AccountingKey,
	/// When this block followed a partial block of another accounting node:
	/// that node. The instances missing here were missing from both pulls.
	pub first_pull: Option<AccountingKey>,
	/// Chain block in which the metrics block was recorded.
	pub recorded_at: BlockNumber,
	/// `sha256` of the SCALE encoding of every field above except
	/// `report_hashes`, which `reports_root` stands for.
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
				&self.first_pull,
				&self.recorded_at,
			)
				.encode(),
		)
	}

	/// The report hashes in order: the Merkle leaves.
	pub fn leaves(&self) -> Vec<Hash256> {
		self.report_hashes.iter().map(|(_, hash)| *hash).collect()
	}
}

/// A metrics block in which one accounting node marked pulled instances
/// missing. It is not final, and not handed to SLA verification, until a
/// second accounting node pulls the monitors too.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct PartialBlock {
	/// The node that pulled.
	pub accounting_node: AccountingKey,
	/// The authority whose accounting key that was: a second pull must come
	/// from another authority, whatever key it has bound since.
	pub authority: AuthorityId,
	/// `sha256(SCALE(report))` of each report it got, by instance.
	pub report_hashes: ReportHashes,
	/// The instances it got no valid answer from, with why.
	pub missing: MissingInstances,
	/// Chain time (ms) at which it was recorded.
	pub recorded_at_ms: u64,
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

/// A metrics block and the proof that one instance's report is in it. The
/// report itself is in the block's extrinsic; its hash is `report_hash`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct ReportInclusionProof<BlockNumber> {
	/// The metrics block; `reports_root` is what the proof leads to.
	pub block: MetricsBlock<BlockNumber>,
	/// Position of the report among the block's reports (its Merkle leaf).
	pub leaf_index: u32,
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
