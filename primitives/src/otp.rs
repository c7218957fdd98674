//! The permission check (`docs/protocol.md`, "Permission check"): monitors tag their reports with a key
//! `K` that only they and the client hold; the client turns the tags into a
//! one-time password whose commitment the accounting node put on chain.
//!
//! ```text
//! tag_i      = HMAC-SHA256(K, "qos-ledger:otp:v1:instance" || agreement:u64 || period:u32 || instance:u32 || report_hash_i)
//! otp        = H("qos-ledger:otp:v1:period" || agreement:u64 || period:u32 || n:u32 || tag_1 || … || tag_n)
//! commitment = H("qos-ledger:otp:v1:commit" || otp)
//! ```
//! Integers are little-endian, tags are ordered by instance id.

use alloc::vec::Vec;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{AgreementId, Hash256, InstanceId, PeriodIndex};

/// Domain of a monitor's per-instance tag.
pub const TAG_DOMAIN: &[u8] = b"qos-ledger:otp:v1:instance";
/// Domain of the period's one-time password.
pub const OTP_DOMAIN: &[u8] = b"qos-ledger:otp:v1:period";
/// Domain of the on-chain commitment to the one-time password.
pub const COMMIT_DOMAIN: &[u8] = b"qos-ledger:otp:v1:commit";

/// The 32-byte key shared by the client and the monitors.
pub type OtpKey = [u8; 32];
/// A monitor's HMAC tag over one report.
pub type Tag = [u8; 32];
/// The client's one-time password for one period.
pub type Otp = [u8; 32];
/// `H(COMMIT_DOMAIN || otp)`, stored on chain.
pub type Commitment = [u8; 32];

/// The tag a monitor holding `key` attaches to its report.
pub fn instance_tag(
	key: &OtpKey,
	agreement: AgreementId,
	period: PeriodIndex,
	instance: InstanceId,
	report_hash: &Hash256,
) -> Tag {
	let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
	mac.update(TAG_DOMAIN);
	mac.update(&agreement.to_le_bytes());
	mac.update(&period.to_le_bytes());
	mac.update(&instance.to_le_bytes());
	mac.update(report_hash);
	mac.finalize().into_bytes().into()
}

/// The OTP of a period from the tags of the reports in its metrics block, in
/// any order: they are sorted by instance id here.
pub fn period_otp(agreement: AgreementId, period: PeriodIndex, tags: &[(InstanceId, Tag)]) -> Otp {
	let mut sorted: Vec<&(InstanceId, Tag)> = tags.iter().collect();
	sorted.sort_by_key(|(instance, _)| *instance);
	let mut hasher = Sha256::new();
	hasher.update(OTP_DOMAIN);
	hasher.update(agreement.to_le_bytes());
	hasher.update(period.to_le_bytes());
	hasher.update((sorted.len() as u32).to_le_bytes());
	for (_, tag) in sorted {
		hasher.update(tag);
	}
	hasher.finalize().into()
}

/// The public commitment to `otp`.
pub fn commit(otp: &Otp) -> Commitment {
	let mut hasher = Sha256::new();
	hasher.update(COMMIT_DOMAIN);
	hasher.update(otp);
	hasher.finalize().into()
}

/// Whether `otp` opens `commitment`, compared in constant time.
pub fn otp_matches(otp: &Otp, commitment: &Commitment) -> bool {
	commit(otp).ct_eq(commitment).into()
}

/// Whether two tags are equal, compared in constant time.
pub fn tags_equal(a: &Tag, b: &Tag) -> bool {
	a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hex32(s: &str) -> [u8; 32] {
		hex::decode(s).unwrap().try_into().unwrap()
	}

	/// The reference vectors, kept with the crate as test data.
	const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/otp-vectors.json");
	/// The team's reference copy, beside the repository in the workspace only.
	const SHARED_VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/otp-vectors.json");

	fn vectors() -> serde_json::Value {
		let text = std::fs::read_to_string(VECTORS).expect("primitives/testdata/otp-vectors.json");
		serde_json::from_str(&text).unwrap()
	}

	#[test]
	fn test_vectors_equal_the_shared_reference_when_present() {
		let Ok(shared) = std::fs::read_to_string(SHARED_VECTORS) else {
			eprintln!("skipped: no ../shared/otp-vectors.json beside the repository to cross-check against");
			return;
		};
		let shared: serde_json::Value = serde_json::from_str(&shared).unwrap();
		assert_eq!(vectors(), shared, "primitives/testdata/otp-vectors.json differs from ../shared/otp-vectors.json");
	}

	#[test]
	fn reproduces_every_reference_vector() {
		let v = vectors();
		let cases = v["cases"].as_array().unwrap();
		assert!(cases.len() >= 4);
		for case in cases {
			let name = case["name"].as_str().unwrap();
			let key = hex32(case["key"].as_str().unwrap());
			let agreement = case["agreement_id"].as_u64().unwrap();
			let period = case["period"].as_u64().unwrap() as u32;
			let mut tags = Vec::new();
			for r in case["reports"].as_array().unwrap() {
				let instance = r["instance_id"].as_u64().unwrap() as u32;
				let tag = instance_tag(&key, agreement, period, instance, &hex32(r["report_hash"].as_str().unwrap()));
				assert_eq!(hex::encode(tag), r["tag"].as_str().unwrap(), "tag in case {name}");
				tags.push((instance, tag));
			}
			let otp = period_otp(agreement, period, &tags);
			assert_eq!(hex::encode(otp), case["otp"].as_str().unwrap(), "otp in case {name}");
			let commitment = commit(&otp);
			assert_eq!(hex::encode(commitment), case["commitment"].as_str().unwrap(), "commitment in case {name}");
			assert!(otp_matches(&otp, &commitment));
		}
	}

	#[test]
	fn otp_of_another_period_or_agreement_never_matches() {
		let key = [7u8; 32];
		let tags = [(0, instance_tag(&key, 1, 2, 0, &[1; 32]))];
		let commitment = commit(&period_otp(1, 2, &tags));
		assert!(!otp_matches(&period_otp(1, 3, &tags), &commitment));
		assert!(!otp_matches(&period_otp(2, 2, &tags), &commitment));
		let forged = [(0, instance_tag(&[8u8; 32], 1, 2, 0, &[1; 32]))];
		assert!(!otp_matches(&period_otp(1, 2, &forged), &commitment));
		let altered = [(0, instance_tag(&key, 1, 2, 0, &[2; 32]))];
		assert!(!otp_matches(&period_otp(1, 2, &altered), &commitment));
	}

	#[test]
	fn tags_are_bound_to_their_instance() {
		let key = [7u8; 32];
		assert!(!tags_equal(&instance_tag(&key, 1, 2, 0, &[1; 32]), &instance_tag(&key, 1, 2, 1, &[1; 32])));
		assert!(tags_equal(&instance_tag(&key, 1, 2, 0, &[1; 32]), &instance_tag(&key, 1, 2, 0, &[1; 32])));
	}
}
