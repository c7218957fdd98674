//! The node's JSON-RPC methods beyond Substrate's defaults.

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned, RpcModule};
use pallet_metrics_blocks::{runtime_api::MetricsBlocksApi, MetricsBlock, ReportInclusionProof};
use qos_ledger_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use qos_primitives::{AgreementId, InstanceId, PeriodIndex};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the RPC methods need.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// The full node's RPC methods: `system_accountNextIndex` and
/// `payment_queryInfo` for wallets and polkadot.js, and qos-ledger's own
/// ([`QosApiServer`]: `qos_metricsBlock`, `qos_reportInclusionProof`).
pub fn create_full<C, P>(deps: FullDeps<C, P>) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>
		+ MetricsBlocksApi<Block, BlockNumber>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Qos::new(client).into_rpc())?;

	Ok(module)
}

/// qos-ledger's own methods, over the metrics-blocks runtime API
/// ([`MetricsBlocksApi`]).
///
/// Full nodes serve them for convenience. The same data is reachable without
/// trusting a full node through the runtime API itself (`state_call` of
/// `MetricsBlocksApi_*`, which a light client executes against proven
/// storage), so nothing here is needed by a light client; that is why these
/// stay RPC methods rather than becoming a custom transport.
#[rpc(server, namespace = "qos")]
pub trait QosApi<BlockHash, BlockNumber> {
	/// The metrics block of `period` of `agreement` at block `at` (the best
	/// block by default), or `null` if it is not recorded (or pruned).
	#[method(name = "metricsBlock")]
	fn metrics_block(
		&self,
		agreement: AgreementId,
		period: PeriodIndex,
		at: Option<BlockHash>,
	) -> RpcResult<Option<MetricsBlock<BlockNumber>>>;

	/// That block, `instance`'s report, its hash and the Merkle proof from the
	/// hash to the block's `reports_root`, or `null`.
	#[method(name = "reportInclusionProof")]
	fn report_inclusion_proof(
		&self,
		agreement: AgreementId,
		period: PeriodIndex,
		instance: InstanceId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ReportInclusionProof<BlockNumber>>>;
}

/// The `qos_*` methods of a full node.
pub struct Qos<C> {
	client: Arc<C>,
}

impl<C> Qos<C> {
	/// Methods answering from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Qos { client }
	}
}

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(1, format!("runtime API call failed: {e}"), None::<()>)
}

type Hash = <Block as sp_runtime::traits::Block>::Hash;

impl<C> QosApiServer<Hash, BlockNumber> for Qos<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: MetricsBlocksApi<Block, BlockNumber>,
{
	fn metrics_block(
		&self,
		agreement: AgreementId,
		period: PeriodIndex,
		at: Option<Hash>,
	) -> RpcResult<Option<MetricsBlock<BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().metrics_block(at, agreement, period).map_err(runtime_error)
	}

	fn report_inclusion_proof(
		&self,
		agreement: AgreementId,
		period: PeriodIndex,
		instance: InstanceId,
		at: Option<Hash>,
	) -> RpcResult<Option<ReportInclusionProof<BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().report_inclusion_proof(at, agreement, period, instance).map_err(runtime_error)
	}
}
