//! The keystore a qos-ledger node's off-chain workers sign with: the node's own, with the
//! accounting (`acct`) key pair kept once it has been derived.
//!
//! An accounting node signs every monitor request it makes: a thousand per
//! block under load. The node's `LocalKeystore` stores a key as the secret
//! URI it was inserted with and derives the pair again at each signature;
//! for a mnemonic or a dev URI (`//Alice`) that is a 2,048-round PBKDF2, about
//! 2 ms, which made signing most of an off-chain run. This keystore derives
//! each accounting pair once and keeps it in memory, as any signer holds the
//! key it signs with. A key removed from the keystore stops signing at once:
//! every signature first asks the node's keystore whether the key is still
//! there (a file check, no derivation). Every other key type and operation
//! goes to the node's keystore unchanged.

use std::{
	collections::HashMap,
	sync::{Arc, RwLock},
};

use pallet_metrics_blocks::crypto::{Pair as AccountingPair, KEY_TYPE};
use sc_keystore::LocalKeystore;
use sp_core::{
	crypto::{ByteArray, KeyTypeId},
	ecdsa, ed25519, sr25519, Pair,
};
use sp_keystore::{Error, Keystore};

/// The node's keystore, with the accounting pairs derived once.
pub struct AccountingKeystore {
	local: Arc<LocalKeystore>,
	pairs: RwLock<HashMap<sr25519::Public, sr25519::Pair>>,
}

impl AccountingKeystore {
	/// Wraps the node's keystore.
	pub fn new(local: Arc<LocalKeystore>) -> Self {
		Self { local, pairs: RwLock::new(HashMap::new()) }
	}

	fn accounting_sign(&self, public: &sr25519::Public, msg: &[u8]) -> Result<Option<sr25519::Signature>, Error> {
		if !self.local.has_keys(&[(public.to_raw_vec(), KEY_TYPE)]) {
			// Removed (or never there): forget it.
			self.pairs.write().unwrap_or_else(|e| e.into_inner()).remove(public);
			return Ok(None);
		}
		if let Some(pair) = self.pairs.read().unwrap_or_else(|e| e.into_inner()).get(public) {
			return Ok(Some(pair.sign(msg)));
		}
		let app_public = pallet_metrics_blocks::crypto::Public::from(*public);
		let Some(pair) = self.local.key_pair::<AccountingPair>(&app_public).map_err(|e| Error::Other(e.to_string()))?
		else {
			return Ok(None);
		};
		let pair: sr25519::Pair = pair.into();
		let signature = pair.sign(msg);
		self.pairs.write().unwrap_or_else(|e| e.into_inner()).insert(*public, pair);
		Ok(Some(signature))
	}
}

impl Keystore for AccountingKeystore {
	fn sr25519_public_keys(&self, key_type: KeyTypeId) -> Vec<sr25519::Public> {
		self.local.sr25519_public_keys(key_type)
	}

	fn sr25519_generate_new(&self, key_type: KeyTypeId, seed: Option<&str>) -> Result<sr25519::Public, Error> {
		self.local.sr25519_generate_new(key_type, seed)
	}

	fn sr25519_sign(
		&self,
		key_type: KeyTypeId,
		public: &sr25519::Public,
		msg: &[u8],
	) -> Result<Option<sr25519::Signature>, Error> {
		if key_type == KEY_TYPE {
			self.accounting_sign(public, msg)
		} else {
			self.local.sr25519_sign(key_type, public, msg)
		}
	}

	fn sr25519_vrf_sign(
		&self,
		key_type: KeyTypeId,
		public: &sr25519::Public,
		data: &sr25519::vrf::VrfSignData,
	) -> Result<Option<sr25519::vrf::VrfSignature>, Error> {
		self.local.sr25519_vrf_sign(key_type, public, data)
	}

	fn sr25519_vrf_pre_output(
		&self,
		key_type: KeyTypeId,
		public: &sr25519::Public,
		input: &sr25519::vrf::VrfInput,
	) -> Result<Option<sr25519::vrf::VrfPreOutput>, Error> {
		self.local.sr25519_vrf_pre_output(key_type, public, input)
	}

	fn ed25519_public_keys(&self, key_type: KeyTypeId) -> Vec<ed25519::Public> {
		self.local.ed25519_public_keys(key_type)
	}

	fn ed25519_generate_new(&self, key_type: KeyTypeId, seed: Option<&str>) -> Result<ed25519::Public, Error> {
		self.local.ed25519_generate_new(key_type, seed)
	}

	fn ed25519_sign(
		&self,
		key_type: KeyTypeId,
		public: &ed25519::Public,
		msg: &[u8],
	) -> Result<Option<ed25519::Signature>, Error> {
		self.local.ed25519_sign(key_type, public, msg)
	}

	fn ecdsa_public_keys(&self, key_type: KeyTypeId) -> Vec<ecdsa::Public> {
		self.local.ecdsa_public_keys(key_type)
	}

	fn ecdsa_generate_new(&self, key_type: KeyTypeId, seed: Option<&str>) -> Result<ecdsa::Public, Error> {
		self.local.ecdsa_generate_new(key_type, seed)
	}

	fn ecdsa_sign(
		&self,
		key_type: KeyTypeId,
		public: &ecdsa::Public,
		msg: &[u8],
	) -> Result<Option<ecdsa::Signature>, Error> {
		self.local.ecdsa_sign(key_type, public, msg)
	}

	fn ecdsa_sign_prehashed(
		&self,
		key_type: KeyTypeId,
		public: &ecdsa::Public,
		msg: &[u8; 32],
	) -> Result<Option<ecdsa::Signature>, Error> {
		self.local.ecdsa_sign_prehashed(key_type, public, msg)
	}

	fn insert(&self, key_type: KeyTypeId, suri: &str, public: &[u8]) -> Result<(), ()> {
		self.local.insert(key_type, suri, public)
	}

	fn keys(&self, key_type: KeyTypeId) -> Result<Vec<Vec<u8>>, Error> {
		self.local.keys(key_type)
	}

	fn has_keys(&self, public_keys: &[(Vec<u8>, KeyTypeId)]) -> bool {
		self.local.has_keys(public_keys)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn signs_as(keystore: &AccountingKeystore, public: &sr25519::Public) -> bool {
		let msg = b"a monitor request";
		keystore
			.sr25519_sign(KEY_TYPE, public, msg)
			.unwrap()
			.is_some_and(|signature| sr25519::Pair::verify(&signature, msg, public))
	}

	#[test]
	fn signs_with_the_accounting_key_again_and_again_and_stops_when_it_is_removed() {
		let dir = tempfile::tempdir().unwrap();
		let local = Arc::new(LocalKeystore::open(dir.path(), None).unwrap());
		let suri = "//Alice//acct";
		let public = sr25519::Pair::from_string(suri, None).unwrap().public();
		local.insert(KEY_TYPE, suri, public.as_slice()).unwrap();
		let keystore = AccountingKeystore::new(local.clone());
		assert!(signs_as(&keystore, &public));
		assert!(signs_as(&keystore, &public), "the kept pair signs the same");
		// The key file goes (the operator rotated the key out): no more signatures.
		for entry in std::fs::read_dir(dir.path()).unwrap() {
			std::fs::remove_file(entry.unwrap().path()).unwrap();
		}
		assert_eq!(keystore.sr25519_sign(KEY_TYPE, &public, b"x").unwrap(), None);
	}

	#[test]
	fn a_key_not_in_the_keystore_and_other_key_types_are_the_node_keystores_answer() {
		let local = Arc::new(LocalKeystore::in_memory());
		let keystore = AccountingKeystore::new(local.clone());
		let stranger = sr25519::Pair::from_string("//Mallory", None).unwrap().public();
		assert_eq!(keystore.sr25519_sign(KEY_TYPE, &stranger, b"x").unwrap(), None);
		let aura = KeyTypeId(*b"aura");
		let public = keystore.sr25519_generate_new(aura, Some("//Bob")).unwrap();
		assert_eq!(keystore.sr25519_public_keys(aura), vec![public]);
		let signature = keystore.sr25519_sign(aura, &public, b"block").unwrap().unwrap();
		assert!(sr25519::Pair::verify(&signature, b"block", &public));
	}
}
