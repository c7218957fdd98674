//! Genesis presets: `development`, `local_testnet` and `local_testnet_four`.
//!
//! Both fund the well-known dev accounts (Alice … Ferdie and their `//stash`
//! accounts) and make Alice the sudo key, i.e. the arbiter on dev chains.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use pallet_metrics_blocks::AccountingKey;

use crate::{AccountId, BalancesConfig, RuntimeGenesisConfig, SudoConfig, UNIT};

/// Balance of every endowed dev account.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// A validator's keys: Aura (authoring), GRANDPA (finality) and its
/// accounting key (`acct`).
struct Validator {
	aura: AuraId,
	grandpa: GrandpaId,
	accounting: AccountingKey,
}

/// The validators of a preset by dev keyring name. Dev nodes derive every
/// session key from the same seed (`//Alice`, …), so a dev validator's `acct`
/// key is the sr25519 key of its name, like its Aura key.
fn validators(names: &[(Sr25519Keyring, Ed25519Keyring)]) -> Vec<Validator> {
	names
		.iter()
		.map(|(sr, ed)| Validator {
			aura: sr.public().into(),
			grandpa: ed.public().into(),
			accounting: sr.public().into(),
		})
		.collect()
}

fn genesis(authorities: Vec<Validator>, endowed: Vec<AccountId>, root: AccountId) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: endowed.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>() },
		aura: pallet_aura::GenesisConfig {
			authorities: authorities.iter().map(|v| v.aura.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: authorities.iter().map(|v| (v.grandpa.clone(), 1)).collect::<Vec<_>>(),
		},
		metrics_blocks: pallet_metrics_blocks::GenesisConfig {
			accounting_keys: authorities.iter().map(|v| (v.aura.clone(), v.accounting.clone())).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
	})
}

/// The dev validators in authority order; a preset takes the first few.
const DEV_VALIDATORS: [(Sr25519Keyring, Ed25519Keyring); 4] = [
	(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
	(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
	(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
	(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
];

/// The first `count` dev validators validate and account; Alice is root.
fn dev_genesis(count: usize) -> Value {
	genesis(
		validators(&DEV_VALIDATORS[..count]),
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// Alice alone validates and accounts.
pub fn development_config_genesis() -> Value {
	dev_genesis(1)
}

/// Alice, Bob and Charlie validate and account.
pub fn local_testnet_genesis() -> Value {
	dev_genesis(3)
}

/// Id of the four-validator local testnet preset.
pub const LOCAL_TESTNET_FOUR_PRESET: &str = "local_testnet_four";

/// Alice, Bob, Charlie and Dave validate and account: the smallest set in
/// which GRANDPA still finalises with one validator down (3 of 4 > 2/3).
pub fn local_testnet_four_genesis() -> Value {
	dev_genesis(4)
}

/// The preset `id` as JSON, if it exists.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		LOCAL_TESTNET_FOUR_PRESET => local_testnet_four_genesis(),
		_ => return None,
	};
	Some(serde_json::to_string(&patch).expect("serialization to json is expected to work. qed.").into_bytes())
}

/// Names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(LOCAL_TESTNET_FOUR_PRESET),
	]
}
