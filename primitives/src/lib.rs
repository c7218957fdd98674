//! # qos-primitives
//!
//! The types and pure functions that every part of qos-ledger must agree on,
//! byte for byte: the runtime hashes a [`Report`] exactly as the monitor that
//! produced it and the client that checks it.
//!
//! - [`report`]: a monitor's [`Report`] for one instance and one window.
//! - [`sla`]: QoS indicators, the credit schedule, and [`sla::evaluate`], the one
//!   function that turns reports into a [`sla::Verdict`].
//! - [`otp`]: the permission check (tags, OTP, commitment), specified in the
//!   repository's `docs/protocol.md`.
//! - [`merkle`]: the Merkle root over a metrics block's report hashes, and
//!   inclusion proofs for single reports.
//! - [`selection`]: which accounting node is designated for a period.
//! - [`url`]: what a monitor's base URL may look like.
//! - [`request`]: what the signature of a report request to a monitor covers.
//!
//! Everything is `no_std` and allocation-light so it runs inside the Wasm
//! runtime, and every integer is SCALE (little-endian) encoded.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod merkle;
pub mod otp;
pub mod report;
pub mod request;
pub mod selection;
pub mod sla;
pub mod traits;
pub mod url;

pub use bounded_collections::{BoundedVec, ConstU32};
pub use report::{MissingReason, Report, Window};

/// Identifies an agreement between a client and a service.
pub type AgreementId = u64;
/// Index of a billing period within an agreement, counted from 0.
pub type PeriodIndex = u32;
/// Identifies an instance (VM or container) within a service.
pub type InstanceId = u32;
/// Identifies a service registered by a cloud owner.
pub type ServiceId = u64;
/// A SHA-256 digest.
pub type Hash256 = [u8; 32];

/// Most instances one service (and so one agreement and one metrics block)
/// may have. Only each report's hash is stored on chain; the reports travel
/// in the metrics block's extrinsic.
pub const MAX_INSTANCES_PER_SERVICE: u32 = 1_024;
/// The bound of [`MAX_INSTANCES_PER_SERVICE`] as a type.
pub type MaxInstancesPerService = ConstU32<MAX_INSTANCES_PER_SERVICE>;

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Hash256 {
	use sha2::Digest;
	sha2::Sha256::digest(data).into()
}

/// Key type of accounting-node keys in a validator's keystore (`acct`, sr25519).
pub const ACCOUNTING_KEY_TYPE: [u8; 4] = *b"acct";

/// How long after a window closes a monitor's report for it becomes final.
/// A probe that started inside the window may still be running when the
/// window closes; its sample is stored under its start time. Monitors refuse
/// (HTTP 425) windows younger than this, and accounting nodes do not ask for
/// them, so every report served is final and byte-for-byte stable.
/// Probe timeouts must be shorter than this.
pub const REPORT_SETTLE_MS: u64 = 5_000;

/// Longest window a monitor serves a report for (one day).
pub const MAX_REPORT_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;
