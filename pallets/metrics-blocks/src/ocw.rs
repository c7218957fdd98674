//! The off-chain worker of an accounting node.
//!
//! On each imported block:
//! 1. Leave at once unless the keystore holds an `acct` key (one keystore
//!    call). If this node is an authority whose local `acct` key is not bound,
//!    send [`Call::bind_accounting_key`].
//! 2. Leave unless a local `acct` key is a current accounting node.
//! 3. Ask the registry for periods whose window closed at least
//!    [`REPORT_SETTLE_MS`] ago and whose record deadline has not passed
//!    (from then on the chain lapses them), and keep those this node may
//!    submit: the designated node at once; the others staggered, the node `d`
//!    places after the designated one in the authority list after `d` grace
//!    periods (the runtime accepts any of them after one; the stagger only
//!    avoids that every node polls the monitors at the same moment). A period
//!    with another authority's partial block is a *second pull*: the authority
//!    right after that one goes at once, the others staggered the same way.
//!    Oldest windows first, in rounds of at most [`MAX_MONITORS_PER_RUN`]
//!    monitor requests (always at least one period), second pulls at most
//!    [`MAX_SECOND_PULL_MONITORS`] of a round: a backlog drains oldest first.
//!    Another round follows while one more as long as the last still ends
//!    within the block interval (at most [`MAX_ROUNDS_PER_RUN`]), so a burst
//!    of due periods is pulled as fast as the machine answers. The registry is asked only for periods this node may take now
//!    and has not claimed, so periods that are other nodes' to record, or
//!    already in flight, cost a read or two each.
//! 4. Take one of [`CONCURRENT_RUNS`] run locks ([`run_lock_key`]), and claim
//!    each period in offchain storage ([`claim_key`]): a claimed period is not
//!    submitted again for [`RESUBMIT_AFTER_BLOCKS`]; a failed submission
//!    releases the claim so the next block retries. A run that outlasts the
//!    block interval (a burst of periods on a busy machine) thus does not cost
//!    the next block its run, and overlapping runs take different periods.
//! 5. Fetch every pulled monitor of every claimed period of a round
//!    concurrently, with one deadline ([`MONITOR_DEADLINE_MS`]) for the lot,
//!    log the round's timing line, each request naming
//!    this node's accounting key ([`ACCOUNTING_KEY_HEADER`]) and signed with it
//!    ([`request_headers`]; monitors answer only the accounting nodes on
//!    chain and the agreement's parties); validate each
//!    answer ([`validate_answer`]) and log each missing instance with its reason.
//! 6. A first pull with unreachable monitors is retried on the next blocks
//!    during the first half of the grace ([`retry_until_ms`]), then submitted
//!    with the reasons. A second pull that lacks a report of the partial block
//!    keeps its claim and is tried again [`RESUBMIT_AFTER_BLOCKS`] later, until
//!    it has them all or the period lapses. Otherwise compute the OTP
//!    commitment from the tags, sign and submit.

use alloc::{
	collections::{BTreeMap, BTreeSet},
	format,
	string::String,
	vec::Vec,
};
use codec::{DecodeAll, Encode};
use core::{
	cell::{Cell, RefCell},
	ops::ControlFlow,
};
use frame_support::traits::Get;
use frame_system::{
	offchain::{CreateAuthorizedTransaction, SubmitTransaction},
	pallet_prelude::BlockNumberFor,
};
use qos_primitives::{
	otp::{commit, period_otp, Tag},
	selection::designated_index,
	traits::{AgreementRegistry, MonitorEndpoint, PeriodToRecord},
	Hash256, InstanceId, MissingReason, Report, REPORT_SETTLE_MS,
};
use sp_runtime::{
	offchain::{
		http,
		storage::{MutateStorageError, StorageRetrievalError, StorageValueRef},
		storage_lock::{BlockAndTime, StorageLock},
		Duration, Timestamp,
	},
	traits::Saturating,
	RuntimeAppPublic,
};

use crate::{
	submission::is_sorted_subset, AccountingKey, AccountingKeys, AuthorityId, Call, Config, Pallet, PartialBlock,
	PartialBlocks,
};

const LOG_TARGET: &str = "runtime::metrics-blocks";

/// One deadline for all monitor requests of a run, in milliseconds: within
/// one 3-second block interval, with half a second left to sign and submit.
/// A thousand answers take 1.6 to 2.2 s on loopback with 2 cores.
pub const MONITOR_DEADLINE_MS: u64 = 2_500;
/// Largest monitor answer read; a longer body is invalid.
pub const MAX_MONITOR_ANSWER_BYTES: usize = 16 * 1024;
/// Most monitor requests made in one round of a run (the periods they belong
/// to are taken whole, oldest first; a period larger than this still goes
/// alone).
pub const MAX_MONITORS_PER_RUN: usize = 1_024;
/// Most rounds of one run: another round follows while one more as long as
/// the last still ends within the block interval.
pub const MAX_ROUNDS_PER_RUN: u32 = 4;
/// Blocks after which a claimed period (or binding) may be submitted again if
/// it is still not on chain; also the longevity of the transactions.
pub const RESUBMIT_AFTER_BLOCKS: u32 = 10;
pub use qos_primitives::request::{ACCOUNTING_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
/// Most due periods one run looks at (in due order) to find those it may
/// take: bounds the run's cost when many periods are other nodes' to record.
pub const MAX_DUE_EXAMINED: u32 = 4_096;
/// Most monitor requests of one run that go to second pulls (a period
/// larger than this still goes alone): periods whose monitors answer only
/// the node that pulled first cannot take every run's budget.
pub const MAX_SECOND_PULL_MONITORS: usize = MAX_MONITORS_PER_RUN / 2;
/// Runs that may overlap (the node runs off-chain workers on a pool of
/// threads); each holds one of as many run locks.
pub const CONCURRENT_RUNS: u8 = 2;

/// Offchain storage key of run lock `slot` (`0..CONCURRENT_RUNS`).
pub fn run_lock_key(slot: u8) -> Vec<u8> {
	let mut key = b"qos-ledger::metrics-blocks::run-lock::".to_vec();
	key.push(slot);
	key
}
/// The run lock expires after this many blocks or milliseconds.
const LOCK_BLOCKS: u32 = 5;
const LOCK_MS: u64 = MONITOR_DEADLINE_MS * 3;

/// Until when (ms) a first pull with unreachable monitors is retried rather
/// than submitted: the first half of the designated node's grace, so the
/// block still lands before the others may record the period.
pub fn retry_until_ms<T: Config>(window: &qos_primitives::Window) -> u64 {
	Pallet::<T>::settled_ms(window).saturating_add(Pallet::<T>::grace_ms() / 2)
}

/// Offchain storage key of the claim on `(agreement, period)`.
pub fn claim_key(agreement: u64, period: u32) -> Vec<u8> {
	let mut key = b"qos-ledger::metrics-blocks::claim::".to_vec();
	key.extend((agreement, period).encode());
	key
}

fn bind_claim_key(authority: &AuthorityId) -> Vec<u8> {
	let mut key = b"qos-ledger::metrics-blocks::bind::".to_vec();
	key.extend(authority.encode());
	key
}

/// Why a monitor's answer did not make it into the metrics block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitorFault {
	/// The monitor URL is not valid UTF-8.
	BadUrl,
	/// The keystore could not sign the request (the key left it mid-run).
	Unsigned,
	/// The request could not be started or failed on the wire.
	Http(http::Error),
	/// No complete answer before the deadline.
	Timeout,
	/// The monitor answered with a status other than 200 (and its reason, if any).
	Status(u16, String),
	/// The body is longer than [`MAX_MONITOR_ANSWER_BYTES`].
	TooLarge,
	/// The body is not the documented JSON object.
	Schema(String),
	/// A hex field is not `0x`-prefixed hex of the right length.
	Hex(&'static str),
	/// `scale` does not decode as exactly one `Report`.
	Undecodable,
	/// `report_hash` is not `sha256(scale)`.
	HashMismatch,
	/// The report is for another agreement, period, instance or window.
	Mismatch(&'static str),
	/// A report field is out of bounds.
	OutOfBounds(&'static str),
}

impl MonitorFault {
	/// The reason recorded on chain for an instance whose answer failed so.
	pub fn reason(&self) -> MissingReason {
		match self {
			MonitorFault::Timeout => MissingReason::Timeout,
			MonitorFault::BadUrl | MonitorFault::Unsigned | MonitorFault::Http(_) => MissingReason::Unreachable,
			MonitorFault::Status(code, _) => MissingReason::HttpStatus(*code),
			MonitorFault::TooLarge
			| MonitorFault::Schema(_)
			| MonitorFault::Hex(_)
			| MonitorFault::Undecodable
			| MonitorFault::HashMismatch
			| MonitorFault::Mismatch(_)
			| MonitorFault::OutOfBounds(_) => MissingReason::InvalidAnswer,
		}
	}
}

#[derive(serde::Deserialize)]
struct MonitorAnswer {
	#[allow(dead_code)]
	report: serde::de::IgnoredAny,
	scale: String,
	report_hash: String,
	tag: String,
}

fn decode_hex(field: &'static str, value: &str) -> Result<Vec<u8>, MonitorFault> {
	let digits = value.strip_prefix("0x").ok_or(MonitorFault::Hex(field))?;
	hex::decode(digits).map_err(|_| MonitorFault::Hex(field))
}

fn decode_hex32(field: &'static str, value: &str) -> Result<[u8; 32], MonitorFault> {
	decode_hex(field, value)?.try_into().map_err(|_| MonitorFault::Hex(field))
}

/// Validate one monitor answer body for `instance` of `expected`: schema,
/// SCALE bytes that decode as exactly one report, the claimed hash, the
/// report's agreement, period, instance and window, and its bounds. Returns the
/// report and the monitor's tag.
pub fn validate_answer(
	body: &[u8],
	expected: &PeriodToRecord,
	instance: InstanceId,
) -> Result<(Report, Tag), MonitorFault> {
	let answer: MonitorAnswer = serde_json::from_slice(body).map_err(|e| MonitorFault::Schema(format!("{e}")))?;
	let scale = decode_hex("scale", &answer.scale)?;
	let claimed_hash: Hash256 = decode_hex32("report_hash", &answer.report_hash)?;
	let tag: Tag = decode_hex32("tag", &answer.tag)?;
	let report = Report::decode_all(&mut &scale[..]).map_err(|_| MonitorFault::Undecodable)?;
	if report.hash() != claimed_hash {
		return Err(MonitorFault::HashMismatch);
	}
	if report.agreement != expected.agreement {
		return Err(MonitorFault::Mismatch("agreement"));
	}
	if report.period != expected.period {
		return Err(MonitorFault::Mismatch("period"));
	}
	if report.instance != instance {
		return Err(MonitorFault::Mismatch("instance"));
	}
	if report.window != expected.window {
		return Err(MonitorFault::Mismatch("window"));
	}
	crate::report_within_bounds(&report).map_err(MonitorFault::OutOfBounds)?;
	Ok((report, tag))
}

/// The URL of `monitor`'s report for `period`.
pub fn report_url(monitor: &MonitorEndpoint, period: &PeriodToRecord) -> Result<String, MonitorFault> {
	let base = core::str::from_utf8(&monitor.url).map_err(|_| MonitorFault::BadUrl)?;
	Ok(format!(
		"{}/v1/report?agreement={}&period={}&from_ms={}&to_ms={}",
		base.trim_end_matches('/'),
		period.agreement,
		period.period,
		period.window.from_ms,
		period.window.to_ms
	))
}

/// Reason of a 4xx/5xx answer: its `error` field, or nothing.
fn error_reason(body: &[u8]) -> String {
	#[derive(serde::Deserialize)]
	struct ErrorAnswer {
		error: String,
	}
	serde_json::from_slice::<ErrorAnswer>(body).map(|e| e.error.chars().take(120).collect()).unwrap_or_default()
}

fn read_body(response: &http::Response, deadline: Timestamp) -> Result<Vec<u8>, MonitorFault> {
	let mut body = response.body();
	body.deadline(deadline);
	let mut bytes = Vec::new();
	for byte in body.by_ref() {
		if bytes.len() == MAX_MONITOR_ANSWER_BYTES {
			return Err(MonitorFault::TooLarge);
		}
		bytes.push(byte);
	}
	match body.error() {
		None => Ok(bytes),
		Some(sp_runtime::offchain::HttpError::DeadlineReached) => Err(MonitorFault::Timeout),
		Some(_) => Err(MonitorFault::Http(http::Error::IoError)),
	}
}

/// The authentication headers of a request for `instance`'s report of
/// `period`, signed with `requester` at `timestamp_ms`: the key, the
/// timestamp and the sr25519 signature over
/// [`qos_primitives::request::report_request_payload`].
pub fn request_headers(
	requester: &AccountingKey,
	period: &PeriodToRecord,
	instance: InstanceId,
	timestamp_ms: u64,
) -> Result<[(&'static str, String); 3], MonitorFault> {
	let payload = qos_primitives::request::report_request_payload(
		period.agreement,
		instance,
		period.period,
		&period.window,
		timestamp_ms,
	);
	let signature = requester.sign(&payload).ok_or(MonitorFault::Unsigned)?;
	Ok([
		(ACCOUNTING_KEY_HEADER, format!("0x{}", hex::encode(requester.encode()))),
		(TIMESTAMP_HEADER, format!("{timestamp_ms}")),
		(SIGNATURE_HEADER, format!("0x{}", hex::encode(signature.encode()))),
	])
}

/// Fetch every monitor of every period at once with one deadline,
/// [`MONITOR_DEADLINE_MS`] from now but not after `latest`, as the node of
/// accounting key `requester`. The answer for `periods[i].monitors[j]` is
/// at `[i][j]`.
pub fn fetch_reports(
	periods: &[PeriodToRecord],
	requester: &AccountingKey,
	latest: Timestamp,
) -> Vec<Vec<Result<(Report, Tag), MonitorFault>>> {
	let now = sp_io::offchain::timestamp();
	let deadline = now.add(Duration::from_millis(MONITOR_DEADLINE_MS)).min(latest);
	let mut results: Vec<Vec<Result<(Report, Tag), MonitorFault>>> =
		periods.iter().map(|p| p.monitors.iter().map(|_| Err(MonitorFault::Timeout)).collect()).collect();
	let mut pending = Vec::new();
	let mut slots = Vec::new();
	for (i, period) in periods.iter().enumerate() {
		for (j, monitor) in period.monitors.iter().enumerate() {
			let started = report_url(monitor, period).and_then(|url| {
				let headers = request_headers(requester, period, monitor.instance, now.unix_millis())?;
				let mut request = http::Request::get(&url).add_header("Accept", "application/json");
				for (name, value) in &headers {
					request = request.add_header(name, value);
				}
				request.deadline(deadline).send().map_err(|_| MonitorFault::Http(http::Error::IoError))
			});
			match started {
				Ok(request) => {
					pending.push(request);
					slots.push((i, j));
				},
				Err(fault) => results[i][j] = Err(fault),
			}
		}
	}
	let answers = http::PendingRequest::try_wait_all(pending, deadline);
	for ((i, j), answer) in slots.into_iter().zip(answers) {
		let period = &periods[i];
		let instance = period.monitors[j].instance;
		results[i][j] = match answer {
			Err(_still_pending) => Err(MonitorFault::Timeout),
			Ok(Err(e)) => Err(MonitorFault::Http(e)),
			Ok(Ok(response)) => read_body(&response, deadline).and_then(|body| {
				if response.code == 200 {
					validate_answer(&body, period, instance)
				} else {
					Err(MonitorFault::Status(response.code, error_reason(&body)))
				}
			}),
		};
	}
	results
}

/// A period this node is about to pull: a first pull, or a second pull after
/// another node's partial block.
struct Pull {
	to_record: PeriodToRecord,
	first: Option<PartialBlock>,
}

impl<T: Config> Pallet<T> {
	pub(crate) fn run_offchain_worker(block: BlockNumberFor<T>) {
		let local_keys = AccountingKey::all();
		if local_keys.is_empty() {
			return;
		}
		let authorities = T::Authorities::get();
		Self::bind_local_key(block, &authorities, &local_keys);

		let Some((my_index, my_key)) =
			local_keys.iter().find_map(|key| Self::authority_index_of(&authorities, key).map(|i| (i, key.clone())))
		else {
			return;
		};
		let now_ms = Self::now_ms();
		let eligible = Self::pulls_to_make(block, now_ms, &authorities, my_index, &my_key, &BTreeSet::new());
		if eligible.is_empty() {
			return;
		}

		let lock_keys: Vec<Vec<u8>> = (0..CONCURRENT_RUNS).map(run_lock_key).collect();
		let mut locks: Vec<_> = lock_keys
			.iter()
			.map(|key| {
				StorageLock::<BlockAndTime<frame_system::Pallet<T>>>::with_block_and_time_deadline(
					key,
					LOCK_BLOCKS,
					Duration::from_millis(LOCK_MS),
				)
			})
			.collect();
		let Some(_guard) = locks.iter_mut().find_map(|lock| lock.try_lock().ok()) else {
			log::debug!(target: LOG_TARGET, "{CONCURRENT_RUNS} off-chain worker runs hold the run locks");
			return;
		};

		// Rounds of at most `MAX_MONITORS_PER_RUN` requests, oldest periods
		// first: another round as long as a round as long as the last would
		// still end before the next block's run begins, so that a burst of
		// due periods is pulled as fast as the machine answers, not one round
		// a block. A period is pulled once a run. No round waits for monitors
		// past the block interval: an owner whose monitors answer slowly
		// cannot stretch a run that a fast first round let continue.
		let run_started = sp_io::offchain::timestamp();
		let run_ends = run_started.add(Duration::from_millis(T::MillisecsPerBlock::get()));
		let mut pulled: BTreeSet<(u64, u32)> = BTreeSet::new();
		let mut last_round_ms = 0u64;
		let mut first_round = Some(eligible);
		for _ in 0..MAX_ROUNDS_PER_RUN {
			let eligible = match first_round.take() {
				Some(eligible) => eligible,
				None => {
					let elapsed = sp_io::offchain::timestamp().diff(&run_started).millis();
					if elapsed.saturating_add(last_round_ms) > T::MillisecsPerBlock::get() {
						break;
					}
					Self::pulls_to_make(block, now_ms, &authorities, my_index, &my_key, &pulled)
				},
			};
			let round_started = sp_io::offchain::timestamp();
			if !Self::pull_round(eligible, &mut pulled, &my_key, block, now_ms, run_ends) {
				break;
			}
			last_round_ms = sp_io::offchain::timestamp().diff(&round_started).millis();
		}
	}

	/// One round of a run: claims `eligible` periods in order (the scan has
	/// left out those `pulled` earlier in this run), skipping those claimed
	/// before, and adds them to `pulled`, until the monitor budget is spent; fetches their monitors (until `run_ends` at
	/// the latest), logs the round's timing line and submits. Returns
	/// whether it pulled anything.
	fn pull_round(
		eligible: Vec<Pull>,
		pulled: &mut BTreeSet<(u64, u32)>,
		my_key: &AccountingKey,
		block: BlockNumberFor<T>,
		now_ms: u64,
		run_ends: Timestamp,
	) -> bool {
		let mut requests = 0usize;
		let mut claimed: Vec<Pull> = Vec::new();
		for pull in eligible {
			let id = (pull.to_record.agreement, pull.to_record.period);
			let monitors = pull.to_record.monitors.len();
			if !claimed.is_empty() && requests.saturating_add(monitors) > MAX_MONITORS_PER_RUN {
				break;
			}
			if Self::claim(&claim_key(id.0, id.1), block) {
				pulled.insert(id);
				requests += monitors;
				claimed.push(pull);
			}
		}
		if claimed.is_empty() {
			return false;
		}
		let periods: Vec<PeriodToRecord> = claimed.iter().map(|p| p.to_record.clone()).collect();
		let started = sp_io::offchain::timestamp();
		let fetched = fetch_reports(&periods, my_key, run_ends);
		let answered = fetched.iter().flatten().filter(|answer| answer.is_ok()).count();
		log::info!(
			target: LOG_TARGET,
			"fetched and validated {answered} of {requests} monitor answers for {} period(s) in {} ms",
			periods.len(),
			sp_io::offchain::timestamp().diff(&started).millis()
		);
		for (pull, answers) in claimed.iter().zip(fetched) {
			Self::submit_period(pull, answers, my_key, block, now_ms);
		}
		true
	}

	/// The periods this node may pull now, oldest window first, within one
	/// run's monitor budget: first pulls, and second pulls of other
	/// authorities' partial blocks, found in one scan of the registry's due
	/// periods (which leaves out periods past their record deadline: they
	/// lapse). Periods claimed by an earlier run, or not yet this node's
	/// turn, are passed over before anything of theirs beyond the
	/// partial-block check is read, and so are periods `pulled` earlier in
	/// this run (a period whose claim a retry released must not take a later
	/// round's budget) and periods whose record deadline comes before the
	/// next block could include their metrics block. Second pulls take at
	/// most [`MAX_SECOND_PULL_MONITORS`] of the budget.
	fn pulls_to_make(
		block: BlockNumberFor<T>,
		now_ms: u64,
		authorities: &[AuthorityId],
		my_index: u32,
		my_key: &AccountingKey,
		pulled: &BTreeSet<(u64, u32)>,
	) -> Vec<Pull> {
		let n = authorities.len() as u32;
		let firsts: RefCell<BTreeMap<(u64, u32), PartialBlock>> = RefCell::new(BTreeMap::new());
		let second_pull_monitors = Cell::new(0usize);
		let examined = Cell::new(0u32);
		let wanted = |agreement: u64, period: u32, to_ms: u64| {
			examined.set(examined.get().saturating_add(1));
			if examined.get() > MAX_DUE_EXAMINED {
				return ControlFlow::Break(());
			}
			// The next block's timestamp is at least a block interval later.
			let includable =
				T::Agreements::record_deadline_ms(to_ms) > now_ms.saturating_add(T::MillisecsPerBlock::get());
			if !includable || pulled.contains(&(agreement, period)) {
				return ControlFlow::Continue(false);
			}
			let first_pull_now = now_ms >= Self::may_try_from_ms(agreement, period, to_ms, my_index, n);
			if (!first_pull_now && !PartialBlocks::<T>::contains_key(agreement, period))
				|| Self::is_claimed(&claim_key(agreement, period), block)
			{
				return ControlFlow::Continue(false);
			}
			let Some(first) = PartialBlocks::<T>::get(agreement, period) else {
				return ControlFlow::Continue(
					first_pull_now && !crate::MetricsBlocks::<T>::contains_key(agreement, period),
				);
			};
			if authorities.get(my_index as usize) == Some(&first.authority)
				|| first.accounting_node == *my_key
				|| now_ms < Self::second_pull_from_ms(&first, authorities, my_index)
			{
				return ControlFlow::Continue(false);
			}
			let monitors = first.report_hashes.len().saturating_add(first.missing.len());
			let taken = second_pull_monitors.get();
			if taken > 0 && taken.saturating_add(monitors) > MAX_SECOND_PULL_MONITORS {
				return ControlFlow::Continue(false);
			}
			second_pull_monitors.set(taken.saturating_add(monitors));
			firsts.borrow_mut().insert((agreement, period), first);
			ControlFlow::Continue(true)
		};
		let due = T::Agreements::periods_awaiting_metrics(
			now_ms.saturating_sub(REPORT_SETTLE_MS),
			MAX_MONITORS_PER_RUN as u32,
			&wanted,
		);
		let mut firsts = firsts.into_inner();
		due.into_iter()
			.map(|to_record| {
				let first = firsts.remove(&(to_record.agreement, to_record.period));
				Pull { to_record, first }
			})
			.collect()
	}

	/// When this node may pull again after `first`: the authority right
	/// after the first pull's at once, each next one a grace later.
	fn second_pull_from_ms(first: &PartialBlock, authorities: &[AuthorityId], my_index: u32) -> u64 {
		let n = authorities.len() as u32;
		let after = authorities.iter().position(|a| *a == first.authority).map_or(my_index, |i| (i as u32 + 1) % n);
		let distance = (my_index + n - after) % n.max(1);
		first.recorded_at_ms.saturating_add(Self::grace_ms().saturating_mul(distance as u64))
	}

	/// When this node may first try `period` of `agreement`, whose window
	/// ends at `to_ms`: its window settled, plus one grace per place after
	/// the designated node.
	fn may_try_from_ms(agreement: u64, period: u32, to_ms: u64, my_index: u32, n: u32) -> u64 {
		let designated = designated_index(agreement, period, n).unwrap_or(my_index);
		let distance = (my_index + n - designated) % n.max(1);
		to_ms.saturating_add(REPORT_SETTLE_MS).saturating_add(Self::grace_ms().saturating_mul(distance as u64))
	}

	/// Whether `key` was claimed less than `RESUBMIT_AFTER_BLOCKS` before `block`.
	fn is_claimed(key: &[u8], block: BlockNumberFor<T>) -> bool {
		let resubmit_after: BlockNumberFor<T> = RESUBMIT_AFTER_BLOCKS.into();
		matches!(
			StorageValueRef::persistent(key).get::<BlockNumberFor<T>>(),
			Ok(Some(at)) if block < at.saturating_add(resubmit_after)
		)
	}

	/// Claim `key` at `block`: false if it was claimed less than
	/// `RESUBMIT_AFTER_BLOCKS` ago.
	fn claim(key: &[u8], block: BlockNumberFor<T>) -> bool {
		let resubmit_after: BlockNumberFor<T> = RESUBMIT_AFTER_BLOCKS.into();
		let claimed = StorageValueRef::persistent(key).mutate(
			|previous: Result<Option<BlockNumberFor<T>>, StorageRetrievalError>| match previous {
				Ok(Some(at)) if block < at.saturating_add(resubmit_after) => Err(()),
				_ => Ok(block),
			},
		);
		match claimed {
			Ok(_) => true,
			Err(MutateStorageError::ValueFunctionFailed(())) => false,
			Err(MutateStorageError::ConcurrentModification(_)) => false,
		}
	}

	fn release(key: &[u8]) {
		StorageValueRef::persistent(key).clear();
	}

	fn submit_period(
		pull: &Pull,
		answers: Vec<Result<(Report, Tag), MonitorFault>>,
		key: &AccountingKey,
		block: BlockNumberFor<T>,
		now_ms: u64,
	) {
		let period = &pull.to_record;
		let claim = claim_key(period.agreement, period.period);
		let mut reports = Vec::new();
		let mut tags = Vec::new();
		let mut missing: Vec<(InstanceId, MissingReason)> =
			period.retired.iter().map(|instance| (*instance, MissingReason::Retired)).collect();
		for (monitor, answer) in period.monitors.iter().zip(answers) {
			match answer {
				Ok((report, tag)) => {
					tags.push((report.instance, tag));
					reports.push(report);
				},
				Err(fault) => {
					log::warn!(
						target: LOG_TARGET,
						"agreement {} period {} instance {}: no valid answer: {:?}",
						period.agreement,
						period.period,
						monitor.instance,
						fault,
					);
					missing.push((monitor.instance, fault.reason()));
				},
			}
		}
		reports.sort_by_key(|r| r.instance);
		missing.sort_by_key(|(instance, _)| *instance);
		let unreached = missing.iter().any(|(_, reason)| *reason != MissingReason::Retired);
		match &pull.first {
			None if unreached && now_ms < retry_until_ms::<T>(&period.window) => {
				log::info!(
					target: LOG_TARGET,
					"agreement {} period {}: retrying {} unreachable monitor(s) on the next block",
					period.agreement,
					period.period,
					missing.len() - period.retired.len(),
				);
				Self::release(&claim);
				return;
			},
			Some(first)
				if !is_sorted_subset(
					first.report_hashes.iter().map(|(i, _)| *i),
					reports.iter().map(|r| r.instance),
				) =>
			{
				// The claim is kept: the period is tried again once it
				// expires, so monitors that answer only the first node cost
				// a pull every `RESUBMIT_AFTER_BLOCKS`, not every block.
				log::info!(
					target: LOG_TARGET,
					"agreement {} period {}: second pull lacks a report the first had; retrying in {} blocks",
					period.agreement,
					period.period,
					RESUBMIT_AFTER_BLOCKS,
				);
				return;
			},
			_ => {},
		}
		let otp_commitment = commit(&period_otp(period.agreement, period.period, &tags));
		let payload =
			Self::submission_payload(period.agreement, period.period, &reports, &missing, &otp_commitment, key);
		let Some(signature) = key.sign(&payload) else {
			log::error!(target: LOG_TARGET, "accounting key vanished from the keystore");
			Self::release(&claim);
			return;
		};
		let second_pull = pull.first.is_some();
		let call = Call::<T>::submit_metrics_block {
			agreement: period.agreement,
			period: period.period,
			reports,
			missing,
			otp_commitment,
			accounting_node: key.clone(),
			signature,
		};
		let xt = <T as CreateAuthorizedTransaction<Call<T>>>::create_authorized_transaction(call.into());
		match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
			Ok(()) => log::info!(
				target: LOG_TARGET,
				"submitted {} metrics block of agreement {} period {} at block {:?}",
				if second_pull { "second-pull" } else { "first-pull" },
				period.agreement,
				period.period,
				block,
			),
			Err(()) => {
				log::warn!(
					target: LOG_TARGET,
					"pool refused metrics block of agreement {} period {}; retrying next block",
					period.agreement,
					period.period,
				);
				Self::release(&claim);
			},
		}
	}

	/// If this node holds the Aura key of an authority whose accounting key is
	/// not one of `local_keys`, bind the first local key not bound elsewhere.
	fn bind_local_key(block: BlockNumberFor<T>, authorities: &[AuthorityId], local_keys: &[AccountingKey]) {
		let local_authorities = AuthorityId::all();
		if local_authorities.is_empty() {
			return;
		}
		let keys = AccountingKeys::<T>::get();
		for authority in authorities.iter().filter(|a| local_authorities.contains(a)) {
			let bound = keys.iter().find(|(a, _)| a == authority).map(|(_, k)| k);
			if bound.is_some_and(|k| local_keys.contains(k)) {
				continue;
			}
			let Some(key) = local_keys
				.iter()
				.find(|k| !keys.iter().any(|(a, bound)| bound == *k && a != authority && authorities.contains(a)))
			else {
				continue;
			};
			let claim = bind_claim_key(authority);
			if !Self::claim(&claim, block) {
				continue;
			}
			let payload = Self::binding_payload(authority, key);
			let (Some(authority_signature), Some(accounting_signature)) =
				(authority.sign(&payload), key.sign(&payload))
			else {
				Self::release(&claim);
				continue;
			};
			let call = Call::<T>::bind_accounting_key {
				authority: authority.clone(),
				accounting_key: key.clone(),
				authority_signature,
				accounting_signature,
			};
			let xt = <T as CreateAuthorizedTransaction<Call<T>>>::create_authorized_transaction(call.into());
			if SubmitTransaction::<T, Call<T>>::submit_transaction(xt).is_err() {
				Self::release(&claim);
			} else {
				log::info!(target: LOG_TARGET, "binding local accounting key {:?} to authority {:?}", key, authority);
			}
		}
	}
}
