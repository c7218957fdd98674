//! What a signed report request covers.
//!
//! A monitor's report and tag go only to the accounting nodes on chain and to
//! the agreement's parties. Each request names its signer's sr25519 public
//! key, a timestamp, and a signature over [`report_request_payload`]: the
//! domain [`REPORT_REQUEST_DOMAIN`], then the SCALE encoding of (agreement,
//! instance, period, from_ms, to_ms, timestamp_ms). A signature therefore
//! opens one window of one instance for [`REQUEST_MAX_SKEW_MS`] either side
//! of its timestamp: a captured request replayed for another window or
//! instance, or later, is refused. (Replaying it for the same window within
//! the skew gets the same bytes the signer already had.)
//!
//! The signature is sr25519 with Substrate's signing context (`substrate`),
//! so a keystore key (`sp_io::crypto::sr25519_sign`), a polkadot.js keyring
//! pair and `schnorrkel` all produce and check the same bytes.

use alloc::vec::Vec;
use codec::Encode;

use crate::{AgreementId, InstanceId, PeriodIndex, Window};

/// Domain separator of a report request's signed payload.
pub const REPORT_REQUEST_DOMAIN: &[u8] = b"qos-ledger:report-request:v1";

/// How far a request's timestamp may be from the monitor's clock.
pub const REQUEST_MAX_SKEW_MS: u64 = 30_000;

/// Header naming an accounting node's `acct` key (`0x` + 64 hex digits).
pub const ACCOUNTING_KEY_HEADER: &str = "X-Qos-Accounting-Key";
/// Header naming a party's account key (`0x` + 64 hex digits), instead of an
/// accounting key, when the agreement's client or owner asks.
pub const PARTY_KEY_HEADER: &str = "X-Qos-Party-Key";
/// Header with the request's timestamp, ms since the Unix epoch (decimal).
pub const TIMESTAMP_HEADER: &str = "X-Qos-Timestamp";
/// Header with the sr25519 signature (`0x` + 128 hex digits).
pub const SIGNATURE_HEADER: &str = "X-Qos-Signature";

/// The bytes a report request's signature covers.
pub fn report_request_payload(
	agreement: AgreementId,
	instance: InstanceId,
	period: PeriodIndex,
	window: &Window,
	timestamp_ms: u64,
) -> Vec<u8> {
	let mut payload = REPORT_REQUEST_DOMAIN.to_vec();
	(agreement, instance, period, window.from_ms, window.to_ms, timestamp_ms).encode_to(&mut payload);
	payload
}

/// Whether `timestamp_ms` is within [`REQUEST_MAX_SKEW_MS`] of `now_ms`.
pub fn timestamp_is_fresh(timestamp_ms: u64, now_ms: u64) -> bool {
	timestamp_ms.abs_diff(now_ms) <= REQUEST_MAX_SKEW_MS
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_payload_is_the_domain_then_the_scale_fields_in_order() {
		let window = Window { from_ms: 0x0102, to_ms: 0x0304 };
		let payload = report_request_payload(7, 2, 5, &window, 0x0506);
		let mut expected = b"qos-ledger:report-request:v1".to_vec();
		expected.extend_from_slice(&7u64.to_le_bytes());
		expected.extend_from_slice(&2u32.to_le_bytes());
		expected.extend_from_slice(&5u32.to_le_bytes());
		expected.extend_from_slice(&0x0102u64.to_le_bytes());
		expected.extend_from_slice(&0x0304u64.to_le_bytes());
		expected.extend_from_slice(&0x0506u64.to_le_bytes());
		assert_eq!(payload, expected);
	}

	#[test]
	fn payloads_match_the_reference_vectors() {
		let text =
			std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/report-request-vectors.json"))
				.expect("primitives/testdata/report-request-vectors.json");
		let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
		let cases = vectors["cases"].as_array().unwrap();
		assert!(cases.len() >= 2);
		for case in cases {
			let number = |field: &str| -> u64 {
				match &case[field] {
					serde_json::Value::String(s) => s.parse().unwrap(),
					v => v.as_u64().unwrap(),
				}
			};
			let window = Window { from_ms: number("from_ms"), to_ms: number("to_ms") };
			let payload = report_request_payload(
				number("agreement"),
				number("instance") as InstanceId,
				number("period") as PeriodIndex,
				&window,
				number("timestamp_ms"),
			);
			assert_eq!(format!("0x{}", hex::encode(payload)), case["payload"].as_str().unwrap(), "{}", case["name"]);
		}
	}

	#[test]
	fn every_field_changes_the_payload() {
		let w = Window { from_ms: 1_000, to_ms: 2_000 };
		let base = report_request_payload(1, 1, 1, &w, 10);
		assert_ne!(base, report_request_payload(2, 1, 1, &w, 10));
		assert_ne!(base, report_request_payload(1, 2, 1, &w, 10));
		assert_ne!(base, report_request_payload(1, 1, 2, &w, 10));
		assert_ne!(base, report_request_payload(1, 1, 1, &Window { from_ms: 1_001, to_ms: 2_000 }, 10));
		assert_ne!(base, report_request_payload(1, 1, 1, &Window { from_ms: 1_000, to_ms: 2_001 }, 10));
		assert_ne!(base, report_request_payload(1, 1, 1, &w, 11));
	}

	#[test]
	fn a_timestamp_is_fresh_within_the_skew_either_side() {
		let now = 1_800_000_000_000;
		assert!(timestamp_is_fresh(now, now));
		assert!(timestamp_is_fresh(now - REQUEST_MAX_SKEW_MS, now));
		assert!(timestamp_is_fresh(now + REQUEST_MAX_SKEW_MS, now));
		assert!(!timestamp_is_fresh(now - REQUEST_MAX_SKEW_MS - 1, now));
		assert!(!timestamp_is_fresh(now + REQUEST_MAX_SKEW_MS + 1, now));
	}
}
