//! The chains this node knows by name: `dev` and `local`; anything else is
//! read as a chain-spec file.

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

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "the runtime's Wasm was not built (SKIP_WASM_BUILD set?)".to_string())
}

/// One validator (Alice); the `development` genesis preset.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("qos-ledger development")
		.with_id("qos_ledger_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// Three validators (Alice, Bob, Charlie); the `local_testnet` genesis preset.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("qos-ledger local testnet")
		.with_id("qos_ledger_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// Four validators (Alice, Bob, Charlie, Dave); the `local_testnet_four`
/// genesis preset, on which one validator can fail without stopping finality.
pub fn local_four_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("qos-ledger local testnet (four validators)")
		.with_id("qos_ledger_local_four")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(qos_ledger_runtime::genesis_config_presets::LOCAL_TESTNET_FOUR_PRESET)
		.with_properties(properties())
		.build())
}
