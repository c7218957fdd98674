//! Runtime API: metrics blocks and inclusion proofs for clients, the node's
//! RPC and the tests.

use qos_primitives::{AgreementId, InstanceId, PeriodIndex};

use crate::{DesignatedNode, MetricsBlock, ReportInclusionProof};

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
