//! The chains this node knows by name: `dev`, `local` and `local-four`;
//! anything else is read as a chain-spec file.

use qos_ledger_runtime::WASM_BINARY;
use sc_service::ChainType;

/// Chain specification of qos-ledger (no extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

fn properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), "QOS".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

/// A chain of this runtime started from one of its genesis presets.
fn preset_chain_spec(name: &str, id: &str, chain_type: ChainType, preset: &str) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or_else(|| "the runtime's Wasm was not built (SKIP_WASM_BUILD set?)".to_string())?;
	Ok(ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// One validator (Alice); the `development` genesis preset.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	preset_chain_spec(
		"qos-ledger development",
		"qos_ledger_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// Three validators (Alice, Bob, Charlie); the `local_testnet` genesis preset.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	preset_chain_spec(
		"qos-ledger local testnet",
		"qos_ledger_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// Four validators (Alice, Bob, Charlie, Dave); the `local_testnet_four`
/// genesis preset, on which one validator can fail without stopping finality.
pub fn local_four_chain_spec() -> Result<ChainSpec, String> {
	preset_chain_spec(
		"qos-ledger local testnet (four validators)",
		"qos_ledger_local_four",
		ChainType::Local,
		qos_ledger_runtime::genesis_config_presets::LOCAL_TESTNET_FOUR_PRESET,
	)
}
