//! The node's JSON-RPC methods beyond Substrate's defaults.

use std::sync::Arc;

use jsonrpsee::{types::ErrorObjectOwned, RpcModule};
use pallet_metrics_blocks::runtime_api::MetricsBlocksApi;
use qos_ledger_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
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
/// `payment_queryInfo` for wallets and polkadot.js, and qos-ledger's own:
///
/// - `qos_metricsBlock(agreement, period, at?)`: the metrics block of a
///   period, or `null` if it is not recorded (or pruned);
/// - `qos_reportInclusionProof(agreement, period, instance, at?)`: that block,
///   one instance's report, its hash and the Merkle proof that leads from the
///   hash to the block's `reports_root` (`qos_primitives::merkle::verify_proof`).
///
/// `at` is a block hash; the best block by default.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
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
	module.merge(qos_rpc(client)?)?;

	Ok(module)
}

type At = Option<<Block as sp_runtime::traits::Block>::Hash>;

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(1, format!("runtime API call failed: {e}"), None::<()>)
}

fn invalid_params(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(jsonrpsee::types::error::INVALID_PARAMS_CODE, e.to_string(), None::<()>)
}

/// `qos_*` methods over the metrics-blocks runtime API.
fn qos_rpc<C>(client: Arc<C>) -> Result<RpcModule<Arc<C>>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: MetricsBlocksApi<Block, BlockNumber>,
{
	let mut module = RpcModule::new(client);
	module.register_method("qos_metricsBlock", |params, client, _| {
		let mut seq = params.sequence();
		let agreement: u64 = seq.next().map_err(invalid_params)?;
		let period: u32 = seq.next().map_err(invalid_params)?;
		let at: At = seq.optional_next().map_err(invalid_params)?;
		let at = at.unwrap_or_else(|| client.info().best_hash);
		client.runtime_api().metrics_block(at, agreement, period).map_err(runtime_error)
	})?;
	module.register_method("qos_reportInclusionProof", |params, client, _| {
		let mut seq = params.sequence();
		let agreement: u64 = seq.next().map_err(invalid_params)?;
		let period: u32 = seq.next().map_err(invalid_params)?;
		let instance: u32 = seq.next().map_err(invalid_params)?;
		let at: At = seq.optional_next().map_err(invalid_params)?;
		let at = at.unwrap_or_else(|| client.info().best_hash);
		client
			.runtime_api()
			.report_inclusion_proof(at, agreement, period, instance)
			.map_err(runtime_error)
	})?;
	Ok(module)
}
