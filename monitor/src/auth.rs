//! Who gets reports: the authorized-keys file and signed report requests.
//!
//! A report's tag feeds the one-time password that releases the client's
//! money, and computing a report costs the instance CPU, so the monitor
//! answers only:
//! - the **accounting nodes** on chain: a request naming an `acct` key of the
//!   file's `accounting_keys` gets the report and its tag;
//! - the agreement's **client** (its account key): the report and its tag, to
//!   find out which report was altered on the way;
//! - the agreement's **owner**: the report without its tag, to refute a
//!   metrics block that does not match what the monitor measured.
//!
//! Each request carries its signer's key, a timestamp within
//! [`REQUEST_MAX_SKEW_MS`] of the monitor's clock, and an sr25519 signature
//! over [`report_request_payload`] (see `qos_primitives::request`). Anything
//! else is refused with 401 and a reason ([`Refusal`]).
//!
//! The file is written from chain state by `qos monitor-keys`, which can read
//! it through an embedded light client (so no single RPC node is trusted),
//! and is read again on SIGHUP; a file that fails to load leaves the keys in
//! force unchanged. The monitor never asks a node itself: it has no chain
//! connection to be lied to over.
//!
//! ```json
//! {
//!   "agreement": 7,
//!   "accounting_keys": ["0xd43593c7…"],
//!   "client": "0x8eaf04151687…",
//!   "owner": "0x306721211d55…",
//!   "source": { "genesis": "0x…", "block": 1234, "block_hash": "0x…" }
//! }
//! ```

use std::{
	collections::BTreeSet,
	fs,
	os::unix::fs::MetadataExt,
	path::{Path, PathBuf},
	sync::{Arc, RwLock},
};

use qos_primitives::{
	request::{
		report_request_payload, timestamp_is_fresh, ACCOUNTING_KEY_HEADER, PARTY_KEY_HEADER, REQUEST_MAX_SKEW_MS,
		SIGNATURE_HEADER, TIMESTAMP_HEADER,
	},
	AgreementId, InstanceId, PeriodIndex, Window,
};
use serde::Deserialize;

/// Largest authorized-keys file read (a few hundred keys fit easily).
pub const MAX_KEYS_FILE_BYTES: u64 = 256 * 1024;

/// Substrate's sr25519 signing context.
const SIGNING_CONTEXT: &[u8] = b"substrate";

/// An sr25519 public key.
pub type PublicKey = [u8; 32];

/// Why the authorized-keys file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeysFileError {
	#[error("cannot read the authorized-keys file {path}: {reason}")]
	Read { path: PathBuf, reason: String },
	#[error("the authorized-keys file {path} is writable by others than its owner (mode {mode:o}): whoever can write it can authorize themselves")]
	Writable { path: PathBuf, mode: u32 },
	#[error("the authorized-keys file {path} is {size} bytes, more than the {MAX_KEYS_FILE_BYTES} accepted")]
	TooLarge { path: PathBuf, size: u64 },
	#[error("the authorized-keys file {path} is not valid: {reason}")]
	Invalid { path: PathBuf, reason: String },
	#[error("the authorized-keys file {path} is for agreement {found}, this monitor serves agreement {expected}")]
	OtherAgreement { path: PathBuf, found: AgreementId, expected: AgreementId },
}

/// The keys allowed to ask for this monitor's reports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthorizedKeys {
	pub agreement: AgreementId,
	pub accounting: BTreeSet<PublicKey>,
	pub client: Option<PublicKey>,
	pub owner: Option<PublicKey>,
	/// The block the file was written at, if it says so (for the log).
	pub block: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
	agreement: AgreementId,
	accounting_keys: Vec<String>,
	client: Option<String>,
	owner: Option<String>,
	#[serde(default)]
	source: Option<Source>,
}

/// Where the file was read from; only the block is used (for the log),
/// its other fields (genesis, block hash) are for people.
#[derive(Deserialize)]
struct Source {
	block: Option<u64>,
}

fn parse_key(field: &str, value: &str) -> Result<PublicKey, String> {
	let digits = value.strip_prefix("0x").ok_or_else(|| format!("{field}: {value:?} is not 0x-prefixed hex"))?;
	let bytes = hex::decode(digits).map_err(|_| format!("{field}: {value:?} is not hex"))?;
	bytes.try_into().map_err(|_| format!("{field}: {value:?} is not 32 bytes"))
}

impl AuthorizedKeys {
	/// Reads and checks the file at `path` for agreement `expected`.
	pub fn load(path: &Path, expected: AgreementId) -> Result<Self, KeysFileError> {
		let read = |e: std::io::Error| KeysFileError::Read { path: path.to_owned(), reason: e.to_string() };
		let meta = fs::metadata(path).map_err(read)?;
		if meta.mode() & 0o022 != 0 {
			return Err(KeysFileError::Writable { path: path.to_owned(), mode: meta.mode() & 0o7777 });
		}
		if meta.len() > MAX_KEYS_FILE_BYTES {
			return Err(KeysFileError::TooLarge { path: path.to_owned(), size: meta.len() });
		}
		let text = fs::read_to_string(path).map_err(read)?;
		let invalid = |reason: String| KeysFileError::Invalid { path: path.to_owned(), reason };
		let file: KeysFile = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
		if file.agreement != expected {
			return Err(KeysFileError::OtherAgreement { path: path.to_owned(), found: file.agreement, expected });
		}
		let accounting = file
			.accounting_keys
			.iter()
			.enumerate()
			.map(|(i, k)| parse_key(&format!("accounting_keys[{i}]"), k))
			.collect::<Result<BTreeSet<_>, _>>()
			.map_err(invalid)?;
		let party = |field: &str, value: &Option<String>| value.as_deref().map(|v| parse_key(field, v)).transpose();
		Ok(AuthorizedKeys {
			agreement: file.agreement,
			accounting,
			client: party("client", &file.client).map_err(invalid)?,
			owner: party("owner", &file.owner).map_err(invalid)?,
			block: file.source.and_then(|s| s.block),
		})
	}

	/// One line for the log.
	pub fn describe(&self) -> String {
		format!(
			"{} accounting key(s), client {}, owner {}{}",
			self.accounting.len(),
			if self.client.is_some() { "set" } else { "not set" },
			if self.owner.is_some() { "set" } else { "not set" },
			self.block.map(|b| format!(", from block {b}")).unwrap_or_default()
		)
	}
}

/// The keys in force, and where they are read from again on SIGHUP.
pub struct Authorizer {
	path: PathBuf,
	agreement: AgreementId,
	keys: RwLock<Arc<AuthorizedKeys>>,
}

impl Authorizer {
	/// Loads the file at `path`; the monitor refuses to start if it cannot.
	pub fn load(path: &Path, agreement: AgreementId) -> Result<Self, KeysFileError> {
		let keys = AuthorizedKeys::load(path, agreement)?;
		Ok(Authorizer { path: path.to_owned(), agreement, keys: RwLock::new(Arc::new(keys)) })
	}

	/// Fixed keys, for tests.
	pub fn fixed(keys: AuthorizedKeys) -> Self {
		Authorizer { path: PathBuf::new(), agreement: keys.agreement, keys: RwLock::new(Arc::new(keys)) }
	}

	/// Reads the file again; on any problem the keys in force stay.
	pub fn reload(&self) -> Result<Arc<AuthorizedKeys>, KeysFileError> {
		let keys = Arc::new(AuthorizedKeys::load(&self.path, self.agreement)?);
		*self.keys.write().unwrap_or_else(|p| p.into_inner()) = keys.clone();
		Ok(keys)
	}

	/// The keys in force.
	pub fn keys(&self) -> Arc<AuthorizedKeys> {
		self.keys.read().unwrap_or_else(|p| p.into_inner()).clone()
	}

	/// Who signed a request for `instance`'s report of `period` over
	/// `window`, given its headers, at `now_ms`.
	pub fn authorize(
		&self,
		credentials: &Credentials,
		instance: InstanceId,
		period: PeriodIndex,
		window: &Window,
		now_ms: u64,
	) -> Result<Requester, Refusal> {
		let keys = self.keys();
		keys.authorize(credentials, keys.agreement, instance, period, window, now_ms)
	}
}

impl AuthorizedKeys {
	/// Who signed a request for the report of `instance` of `agreement` for
	/// `period` over `window`, given its headers, at `now_ms`. The monitor
	/// passes its own agreement; the load-test fleet, which serves many, the
	/// one asked for.
	pub fn authorize(
		&self,
		credentials: &Credentials,
		agreement: AgreementId,
		instance: InstanceId,
		period: PeriodIndex,
		window: &Window,
		now_ms: u64,
	) -> Result<Requester, Refusal> {
		let (named, key_text) = match (&credentials.accounting_key, &credentials.party_key) {
			(Some(k), None) => (KeyNamed::Accounting, k),
			(None, Some(k)) => (KeyNamed::Party, k),
			(Some(_), Some(_)) => {
				return Err(Refusal::Malformed(format!("both {ACCOUNTING_KEY_HEADER} and {PARTY_KEY_HEADER} given")))
			},
			(None, None) => return Err(Refusal::Unsigned(format!("no {ACCOUNTING_KEY_HEADER} or {PARTY_KEY_HEADER}"))),
		};
		let timestamp =
			credentials.timestamp.as_deref().ok_or_else(|| Refusal::Unsigned(format!("no {TIMESTAMP_HEADER}")))?;
		let signature =
			credentials.signature.as_deref().ok_or_else(|| Refusal::Unsigned(format!("no {SIGNATURE_HEADER}")))?;
		let key = parse_key("key", key_text).map_err(Refusal::Malformed)?;
		let timestamp_ms: u64 = timestamp
			.parse()
			.map_err(|_| Refusal::Malformed(format!("{TIMESTAMP_HEADER} {timestamp:?} is not ms since the epoch")))?;
		let signature: [u8; 64] = signature
			.strip_prefix("0x")
			.and_then(|d| hex::decode(d).ok())
			.and_then(|b| b.try_into().ok())
			.ok_or_else(|| Refusal::Malformed(format!("{SIGNATURE_HEADER} is not 0x + 64 bytes of hex")))?;
		if !timestamp_is_fresh(timestamp_ms, now_ms) {
			return Err(Refusal::Stale { timestamp_ms, now_ms });
		}
		let requester = match named {
			KeyNamed::Accounting if self.accounting.contains(&key) => Requester::AccountingNode,
			KeyNamed::Accounting => return Err(Refusal::UnknownKey("not a current accounting key")),
			KeyNamed::Party if self.client == Some(key) => Requester::Client,
			KeyNamed::Party if self.owner == Some(key) => Requester::Owner,
			KeyNamed::Party => return Err(Refusal::UnknownKey("not the agreement's client or owner")),
		};
		let payload = report_request_payload(agreement, instance, period, window, timestamp_ms);
		if !verify(&key, &payload, &signature) {
			return Err(Refusal::BadSignature);
		}
		Ok(requester)
	}
}

enum KeyNamed {
	Accounting,
	Party,
}

/// Whether `signature` is `key`'s sr25519 signature of `message` in Substrate's context.
pub fn verify(key: &PublicKey, message: &[u8], signature: &[u8; 64]) -> bool {
	let (Ok(public), Ok(signature)) =
		(schnorrkel::PublicKey::from_bytes(key), schnorrkel::Signature::from_bytes(signature))
	else {
		return false;
	};
	public.verify_simple(SIGNING_CONTEXT, message, &signature).is_ok()
}

/// The authentication headers of a request, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
	pub accounting_key: Option<String>,
	pub party_key: Option<String>,
	pub timestamp: Option<String>,
	pub signature: Option<String>,
}

impl Credentials {
	/// Reads the headers through `header` (a case-insensitive lookup).
	pub fn from_headers<'a>(header: impl Fn(&str) -> Option<&'a str>) -> Self {
		let get = |name: &str| header(name).map(|v| v.trim().to_owned());
		Credentials {
			accounting_key: get(ACCOUNTING_KEY_HEADER),
			party_key: get(PARTY_KEY_HEADER),
			timestamp: get(TIMESTAMP_HEADER),
			signature: get(SIGNATURE_HEADER),
		}
	}
}

/// Who a request is answered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester {
	AccountingNode,
	Client,
	/// Gets reports without tags.
	Owner,
}

impl Requester {
	/// Whether the answer carries the report's tag.
	pub fn gets_tag(self) -> bool {
		!matches!(self, Requester::Owner)
	}
}

/// Why a request was refused with 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
	/// A header of the signature is missing.
	Unsigned(String),
	/// A header is not in its format.
	Malformed(String),
	/// The timestamp is more than [`REQUEST_MAX_SKEW_MS`] from the monitor's clock.
	Stale { timestamp_ms: u64, now_ms: u64 },
	/// The key is not one this monitor answers.
	UnknownKey(&'static str),
	/// The signature does not verify for this request.
	BadSignature,
}

impl Refusal {
	/// The `reason` field of the 401 answer, and the label of `auth_refusals_total`.
	pub fn code(&self) -> &'static str {
		match self {
			Refusal::Unsigned(_) => "unsigned",
			Refusal::Malformed(_) => "malformed",
			Refusal::Stale { .. } => "stale_timestamp",
			Refusal::UnknownKey(_) => "unknown_key",
			Refusal::BadSignature => "bad_signature",
		}
	}
}

impl std::fmt::Display for Refusal {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Refusal::Unsigned(what) => write!(f, "unsigned request: {what}"),
			Refusal::Malformed(what) => write!(f, "malformed signature headers: {what}"),
			Refusal::Stale { timestamp_ms, now_ms } => write!(
				f,
				"timestamp {timestamp_ms} ms is more than {REQUEST_MAX_SKEW_MS} ms from this monitor's clock ({now_ms} ms)"
			),
			Refusal::UnknownKey(what) => write!(f, "key refused: {what}"),
			Refusal::BadSignature => {
				write!(f, "the signature does not verify for this agreement, instance, period, window and timestamp")
			},
		}
	}
}

#[cfg(test)]
pub mod tests {
	use super::*;
	use std::os::unix::fs::PermissionsExt;

	/// A keypair from a fixed seed, as tests sign with.
	pub fn keypair(seed: u8) -> schnorrkel::Keypair {
		schnorrkel::MiniSecretKey::from_bytes(&[seed; 32])
			.unwrap()
			.expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
	}

	pub fn public(seed: u8) -> PublicKey {
		keypair(seed).public.to_bytes()
	}

	/// The headers of a request signed by `seed`'s key.
	pub fn signed(
		seed: u8,
		party: bool,
		agreement: AgreementId,
		instance: InstanceId,
		period: PeriodIndex,
		window: &Window,
		timestamp_ms: u64,
	) -> Credentials {
		let pair = keypair(seed);
		let payload = report_request_payload(agreement, instance, period, window, timestamp_ms);
		let signature = pair.sign_simple(SIGNING_CONTEXT, &payload);
		let key = Some(format!("0x{}", hex::encode(pair.public.to_bytes())));
		Credentials {
			accounting_key: if party { None } else { key.clone() },
			party_key: if party { key } else { None },
			timestamp: Some(timestamp_ms.to_string()),
			signature: Some(format!("0x{}", hex::encode(signature.to_bytes()))),
		}
	}

	const NOW: u64 = 1_800_000_000_000;
	const W: Window = Window { from_ms: NOW - 70_000, to_ms: NOW - 10_000 };

	fn authorizer() -> Authorizer {
		Authorizer::fixed(AuthorizedKeys {
			agreement: 7,
			accounting: [public(1), public(2)].into(),
			client: Some(public(10)),
			owner: Some(public(11)),
			block: None,
		})
	}

	#[test]
	fn accounting_nodes_and_the_client_get_tags_the_owner_does_not() {
		let a = authorizer();
		let ask = |seed, party| a.authorize(&signed(seed, party, 7, 2, 3, &W, NOW), 2, 3, &W, NOW);
		assert_eq!(ask(1, false), Ok(Requester::AccountingNode));
		assert_eq!(ask(2, false), Ok(Requester::AccountingNode));
		assert_eq!(ask(10, true), Ok(Requester::Client));
		assert_eq!(ask(11, true), Ok(Requester::Owner));
		assert!(Requester::AccountingNode.gets_tag() && Requester::Client.gets_tag() && !Requester::Owner.gets_tag());
	}

	#[test]
	fn a_key_is_accepted_only_in_its_own_role() {
		let a = authorizer();
		let ask = |seed, party| a.authorize(&signed(seed, party, 7, 2, 3, &W, NOW), 2, 3, &W, NOW).unwrap_err();
		// Someone on the network with a key of its own.
		assert_eq!(ask(99, false).code(), "unknown_key");
		assert_eq!(ask(99, true).code(), "unknown_key");
		// The owner presenting its account as an accounting key, and a node as a party.
		assert_eq!(ask(11, false).code(), "unknown_key");
		assert_eq!(ask(1, true).code(), "unknown_key");
	}

	#[test]
	fn unsigned_stale_replayed_and_forged_requests_are_refused() {
		let a = authorizer();
		let ok = signed(1, false, 7, 2, 3, &W, NOW);
		let refused =
			|c: &Credentials, period, window: &Window, now| a.authorize(c, 2, period, window, now).unwrap_err();
		// Unsigned: each header missing in turn.
		for strip in 0..3 {
			let mut c = ok.clone();
			match strip {
				0 => c.accounting_key = None,
				1 => c.timestamp = None,
				_ => c.signature = None,
			}
			assert_eq!(refused(&c, 3, &W, NOW).code(), "unsigned", "header {strip} missing");
		}
		// Stale, either way, by one millisecond past the skew.
		assert_eq!(refused(&ok, 3, &W, NOW + REQUEST_MAX_SKEW_MS + 1).code(), "stale_timestamp");
		assert_eq!(refused(&ok, 3, &W, NOW - REQUEST_MAX_SKEW_MS - 1).code(), "stale_timestamp");
		assert!(a.authorize(&ok, 2, 3, &W, NOW + REQUEST_MAX_SKEW_MS).is_ok());
		// Replayed for another window, period or instance.
		let later = Window { from_ms: W.to_ms, to_ms: W.to_ms + 60_000 };
		assert_eq!(refused(&ok, 3, &later, NOW).code(), "bad_signature");
		assert_eq!(refused(&ok, 4, &W, NOW).code(), "bad_signature");
		assert_eq!(a.authorize(&ok, 1, 3, &W, NOW).unwrap_err().code(), "bad_signature");
		// A fresh timestamp pasted onto an old signature.
		let mut moved = ok.clone();
		moved.timestamp = Some((NOW + 1).to_string());
		assert_eq!(refused(&moved, 3, &W, NOW).code(), "bad_signature");
		// Another key's signature under a listed key.
		let mut forged = signed(99, false, 7, 2, 3, &W, NOW);
		forged.accounting_key = ok.accounting_key.clone();
		assert_eq!(refused(&forged, 3, &W, NOW).code(), "bad_signature");
		// Malformed headers.
		let mut both = ok.clone();
		both.party_key = ok.accounting_key.clone();
		assert_eq!(refused(&both, 3, &W, NOW).code(), "malformed");
		for (field, value) in [(0, "0x1234"), (1, "yesterday"), (2, "0xzz")] {
			let mut c = ok.clone();
			match field {
				0 => c.accounting_key = Some(value.into()),
				1 => c.timestamp = Some(value.into()),
				_ => c.signature = Some(value.into()),
			}
			assert_eq!(refused(&c, 3, &W, NOW).code(), "malformed", "{value}");
		}
	}

	fn write(dir: &Path, text: &str, mode: u32) -> PathBuf {
		let path = dir.join("authorized-keys.json");
		fs::write(&path, text).unwrap();
		fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
		path
	}

	fn file_text(agreement: u64, accounting: &[u8]) -> String {
		let keys: Vec<String> = accounting.iter().map(|s| format!("0x{}", hex::encode(public(*s)))).collect();
		serde_json::json!({
			"agreement": agreement,
			"accounting_keys": keys,
			"client": format!("0x{}", hex::encode(public(10))),
			"owner": null,
			"source": { "genesis": "0xabc", "block": 42, "block_hash": "0xdef" },
		})
		.to_string()
	}

	#[test]
	fn the_file_is_read_and_a_bad_reload_keeps_the_keys_in_force() {
		let dir = tempfile::tempdir().unwrap();
		let path = write(dir.path(), &file_text(7, &[1]), 0o644);
		let a = Authorizer::load(&path, 7).unwrap();
		assert_eq!(a.keys().accounting, [public(1)].into());
		assert_eq!((a.keys().client, a.keys().owner, a.keys().block), (Some(public(10)), None, Some(42)));
		let by = |seed| a.authorize(&signed(seed, false, 7, 2, 3, &W, NOW), 2, 3, &W, NOW);
		assert!(by(1).is_ok() && by(2).is_err());

		// The validator set changed: key 2 joins, key 1 leaves.
		write(dir.path(), &file_text(7, &[2]), 0o644);
		a.reload().unwrap();
		assert!(by(2).is_ok());
		assert_eq!(by(1).unwrap_err().code(), "unknown_key");

		// A half-written or wrong file does not lock everybody out.
		write(dir.path(), "{\"agreement\": 7, \"accounting_ke", 0o644);
		assert!(matches!(a.reload(), Err(KeysFileError::Invalid { .. })));
		write(dir.path(), &file_text(8, &[1]), 0o644);
		assert!(matches!(a.reload(), Err(KeysFileError::OtherAgreement { found: 8, expected: 7, .. })));
		assert!(by(2).is_ok(), "the last good keys stay in force");
	}

	#[test]
	fn a_file_others_can_write_or_an_odd_file_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let path = write(dir.path(), &file_text(7, &[1]), 0o666);
		assert!(matches!(AuthorizedKeys::load(&path, 7), Err(KeysFileError::Writable { mode: 0o666, .. })));
		let path = write(dir.path(), &file_text(7, &[1]), 0o620);
		assert!(matches!(AuthorizedKeys::load(&path, 7), Err(KeysFileError::Writable { .. })));
		let path = write(dir.path(), &file_text(7, &[1]).replace("\"agreement\"", "\"agreemnt\""), 0o600);
		assert!(matches!(AuthorizedKeys::load(&path, 7), Err(KeysFileError::Invalid { .. })));
		let path = write(dir.path(), &file_text(7, &[1]).replace("0x", "0X"), 0o600);
		assert!(matches!(AuthorizedKeys::load(&path, 7), Err(KeysFileError::Invalid { .. })));
		let path = write(dir.path(), &" ".repeat(MAX_KEYS_FILE_BYTES as usize + 1), 0o600);
		assert!(matches!(AuthorizedKeys::load(&path, 7), Err(KeysFileError::TooLarge { .. })));
		assert!(matches!(AuthorizedKeys::load(&dir.path().join("absent"), 7), Err(KeysFileError::Read { .. })));
	}

	#[test]
	fn signatures_made_by_substrate_keys_verify() {
		// A signature by //Alice made with @polkadot/util-crypto, kept with the
		// payload vectors (scripts/test/unit/report-request.test.mjs checks the
		// same vector there).
		let text = std::fs::read_to_string(concat!(
			env!("CARGO_MANIFEST_DIR"),
			"/../primitives/testdata/report-request-vectors.json"
		))
		.unwrap();
		let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
		let case = &vectors["cases"][0];
		let bytes = |v: &serde_json::Value| hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap();
		let key: PublicKey = bytes(&case["signer"]["public"]).try_into().unwrap();
		let signature: [u8; 64] = bytes(&case["signer"]["signature"]).try_into().unwrap();
		let number = |field: &str| case[field].as_str().unwrap().parse::<u64>().unwrap();
		let window = Window { from_ms: number("from_ms"), to_ms: number("to_ms") };
		let payload = report_request_payload(number("agreement"), 2, 3, &window, number("timestamp_ms"));
		assert_eq!(payload, bytes(&case["payload"]));
		assert!(verify(&key, &payload, &signature));
		let later = report_request_payload(number("agreement"), 2, 3, &window, number("timestamp_ms") + 1);
		assert!(!verify(&key, &later, &signature));
		assert!(!verify(&public(1), &payload, &signature));
	}
}
