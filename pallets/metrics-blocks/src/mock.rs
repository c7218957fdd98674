//! Test runtime: System, Timestamp and this pallet, with a registry and a
//! metrics handler kept in thread-local state, an sr25519 keystore, and a
//! programmable monitor network for the off-chain worker.

use crate::{self as pallet_metrics_blocks, crypto, AccountingKey, AccountingSignature, AuthorityId};
use alloc::collections::BTreeMap;
use codec::Encode;
use core::cell::RefCell;
use frame_support::{derive_impl, parameter_types, traits::Get};
use qos_primitives::{
	otp::{instance_tag, Commitment, OtpKey, Tag},
	traits::{AgreementRegistry, MetricsBlockHandler, MonitorEndpoint, PeriodCoverage, PeriodToRecord},
	AgreementId, InstanceId, MissingReason, PeriodIndex, Report, Window,
};
use sp_core::{
	offchain::{
		self as offchain, testing, HttpError, HttpRequestId, HttpRequestStatus, OpaqueNetworkState, StorageKind,
		Timestamp as OffchainTimestamp,
	},
	sr25519, Pair,
};
use sp_runtime::{testing::TestXt, BuildStorage};
use std::sync::{Arc, Mutex};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		MetricsBlocks: pallet_metrics_blocks,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = frame_support::traits::ConstU64<1>;
	type WeightInfo = ();
}

/// The transactions the off-chain worker builds.
pub type Extrinsic = TestXt<RuntimeCall, frame_system::AuthorizeCall<Test>>;

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extension = frame_system::AuthorizeCall<Test>;
	fn create_transaction(call: RuntimeCall, extension: Self::Extension) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
}

impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_extension() -> Self::Extension {
		frame_system::AuthorizeCall::new()
	}
}

pub const SUBMIT_GRACE: u64 = 5;
pub const MILLISECS_PER_BLOCK: u64 = 3_000;
pub const RETAIN_PERIODS: u32 = 3;
/// After its window settled, a period may be recorded for this long (the
/// SLA pallet's `RecordDeadlineMs` in the runtime); then it lapses.
pub const RECORD_DEADLINE_MS: u64 = 600_000;

parameter_types! {
	pub const SubmitGrace: u64 = SUBMIT_GRACE;
	pub const MillisecsPerBlock: u64 = MILLISECS_PER_BLOCK;
	pub const RetainPeriods: u32 = RETAIN_PERIODS;
	pub const MaxAuthorities: u32 = 4;
	pub const Priority: u64 = 1 << 20;
}

thread_local! {
	static AUTHORITIES: RefCell<Vec<AuthorityId>> = const { RefCell::new(Vec::new()) };
	static AWAITING: RefCell<BTreeMap<(AgreementId, PeriodIndex), PeriodToRecord>> =
		const { RefCell::new(BTreeMap::new()) };
	static HANDLED: RefCell<Vec<Handled>> = const { RefCell::new(Vec::new()) };
}

/// What the SLA side received for one metrics block.
#[derive(Clone, Debug, PartialEq)]
pub struct Handled {
	pub agreement: AgreementId,
	pub period: PeriodIndex,
	pub window: Window,
	pub reports: Vec<Report>,
	pub otp_commitment: Commitment,
}

pub struct MockAuthorities;
impl Get<Vec<AuthorityId>> for MockAuthorities {
	fn get() -> Vec<AuthorityId> {
		AUTHORITIES.with(|a| a.borrow().clone())
	}
}

pub fn set_authorities(names: &[&str]) {
	AUTHORITIES.with(|a| *a.borrow_mut() = names.iter().map(|n| aura(n)).collect());
}

pub struct MockAgreements;
impl AgreementRegistry for MockAgreements {
	fn period_to_record(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodToRecord> {
		AWAITING.with(|m| m.borrow().get(&(agreement, period)).cloned())
	}
	fn period_coverage(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodCoverage> {
		Self::period_to_record(agreement, period).as_ref().map(PeriodCoverage::from)
	}
	/// Oldest due first, those past their record deadline left out, within
	/// the monitor budget, as the registry gives them.
	fn periods_awaiting_metrics(
		now_ms: u64,
		max_monitors: u32,
		wanted: &qos_primitives::traits::DueFilter<'_>,
	) -> Vec<PeriodToRecord> {
		let present = now_ms + qos_primitives::REPORT_SETTLE_MS;
		let mut due: Vec<PeriodToRecord> = AWAITING.with(|m| {
			m.borrow()
				.values()
				.filter(|p| p.window.to_ms <= now_ms && present < Self::record_deadline_ms(p.window.to_ms))
				.cloned()
				.collect()
		});
		due.sort_by_key(|p| (p.window.to_ms, p.agreement));
		let mut kept = Vec::new();
		let mut monitors = 0usize;
		for p in due {
			match wanted(p.agreement, p.period, p.window.to_ms) {
				core::ops::ControlFlow::Break(()) => break,
				core::ops::ControlFlow::Continue(false) => continue,
				core::ops::ControlFlow::Continue(true) => {},
			}
			monitors += p.monitors.len();
			if !kept.is_empty() && monitors > max_monitors as usize {
				break;
			}
			kept.push(p);
		}
		kept
	}
	fn record_deadline_ms(window_end_ms: u64) -> u64 {
		window_end_ms + qos_primitives::REPORT_SETTLE_MS + RECORD_DEADLINE_MS
	}
}

pub struct MockHandler;
impl MetricsBlockHandler for MockHandler {
	fn on_metrics_block(
		agreement: AgreementId,
		period: PeriodIndex,
		window: Window,
		reports: &[Report],
		otp_commitment: Commitment,
	) {
		AWAITING.with(|m| m.borrow_mut().remove(&(agreement, period)));
		HANDLED.with(|h| {
			h.borrow_mut().push(Handled { agreement, period, window, reports: reports.to_vec(), otp_commitment })
		});
	}
}

pub fn handled() -> Vec<Handled> {
	HANDLED.with(|h| h.borrow().clone())
}

/// Length of the mock agreements' periods.
pub const PERIOD_MS: u64 = 60_000;
/// Start of the mock agreements' clocks.
pub const START_MS: u64 = 1_000_000;

pub fn window_of(period: PeriodIndex) -> Window {
	Window::of_period(START_MS, PERIOD_MS, period).unwrap()
}

pub fn monitor_url(instance: InstanceId) -> String {
	format!("http://monitor-{instance}.test:9615")
}

/// Make `period` of `agreement` await its metrics block with monitors `0..instances`.
pub fn await_period(agreement: AgreementId, period: PeriodIndex, instances: u32) -> PeriodToRecord {
	await_period_with_retired(agreement, period, instances, &[])
}

/// Like [`await_period`], with instances `retired` (not among `0..instances`)
/// retired before the window.
pub fn await_period_with_retired(
	agreement: AgreementId,
	period: PeriodIndex,
	instances: u32,
	retired: &[InstanceId],
) -> PeriodToRecord {
	let to_record = PeriodToRecord {
		agreement,
		period,
		window: window_of(period),
		monitors: (0..instances)
			.map(|instance| MonitorEndpoint { instance, url: monitor_url(instance).into_bytes() })
			.collect(),
		retired: retired.to_vec(),
	};
	AWAITING.with(|m| m.borrow_mut().insert((agreement, period), to_record.clone()));
	to_record
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockBenchmarkHelper {
	fn awaiting_period(instances: u32) -> PeriodToRecord {
		let to_record = await_period(77, 0, instances);
		set_now(to_record.window.to_ms + qos_primitives::REPORT_SETTLE_MS);
		to_record
	}
	fn add_authority(authority: AuthorityId) {
		AUTHORITIES.with(|a| a.borrow_mut().push(authority));
	}
}

impl pallet_metrics_blocks::Config for Test {
	type Authorities = MockAuthorities;
	type Agreements = MockAgreements;
	type MetricsHandler = MockHandler;
	type UnixTime = Timestamp;
	type MaxAuthorities = MaxAuthorities;
	type SubmitGrace = SubmitGrace;
	type MillisecsPerBlock = MillisecsPerBlock;
	type RetainPeriods = RetainPeriods;
	type TransactionPriority = Priority;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

// ---- keys

pub const NODES: [&str; 3] = ["Alice", "Bob", "Charlie"];

pub fn aura_pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).unwrap()
}
pub fn aura(name: &str) -> AuthorityId {
	aura_pair(name).public().into()
}
pub fn acct_seed(name: &str) -> String {
	format!("//{name}//acct")
}
pub fn acct_pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&acct_seed(name), None).unwrap()
}
pub fn acct(name: &str) -> AccountingKey {
	acct_pair(name).public().into()
}

/// The node designated for `(agreement, period)` among [`NODES`].
pub fn designated(agreement: AgreementId, period: PeriodIndex) -> &'static str {
	let authorities = MockAuthorities::get();
	let index = qos_primitives::selection::designated_index(agreement, period, authorities.len() as u32).unwrap();
	NODES.iter().find(|n| aura(n) == authorities[index as usize]).expect("designated node is one of NODES")
}

/// Some node of [`NODES`] that is not designated for `(agreement, period)`.
pub fn not_designated(agreement: AgreementId, period: PeriodIndex) -> &'static str {
	let d = designated(agreement, period);
	NODES.iter().find(|n| **n != d).unwrap()
}

pub fn sign_submission(
	signer: &str,
	agreement: AgreementId,
	period: PeriodIndex,
	reports: &[Report],
	missing: &[(InstanceId, MissingReason)],
	commitment: &Commitment,
) -> AccountingSignature {
	let payload = MetricsBlocks::submission_payload(agreement, period, reports, missing, commitment, &acct(signer));
	acct_pair(signer).sign(&payload).into()
}

/// The instances of the awaited `(agreement, period)` without a report in
/// `reports`: retired ones as `Retired`, pulled ones as `Timeout`.
pub fn missing_of(agreement: AgreementId, period: PeriodIndex, reports: &[Report]) -> Vec<(InstanceId, MissingReason)> {
	let Some(to_record) = MockAgreements::period_to_record(agreement, period) else { return Vec::new() };
	let mut missing: Vec<(InstanceId, MissingReason)> = to_record
		.monitors
		.iter()
		.map(|m| m.instance)
		.filter(|instance| !reports.iter().any(|r| r.instance == *instance))
		.map(|instance| (instance, MissingReason::Timeout))
		.chain(to_record.retired.iter().map(|instance| (*instance, MissingReason::Retired)))
		.collect();
	missing.sort_by_key(|(instance, _)| *instance);
	missing
}

// ---- reports and monitors

/// `(instance, hash)` of each report: what a metrics block stores of them.
pub fn hashes(reports: &[Report]) -> Vec<(InstanceId, qos_primitives::Hash256)> {
	reports.iter().map(|r| (r.instance, r.hash())).collect()
}

/// The client's OTP key of the mock agreements.
pub const CLIENT_KEY: OtpKey = [42u8; 32];

pub fn good_report(to_record: &PeriodToRecord, instance: InstanceId) -> Report {
	Report {
		probe_successes: 59,
		probe_failures: 1,
		net_rx_bytes: 10_000 + instance as u64,
		..Report::all_up(to_record.agreement, to_record.period, instance, to_record.window, 60)
	}
}

pub fn tag_of(key: &OtpKey, report: &Report) -> Tag {
	instance_tag(key, report.agreement, report.period, report.instance, &report.hash())
}

/// A monitor's 200 answer for `report`, tagged with `key`.
pub fn answer_body(report: &Report, key: &OtpKey) -> Vec<u8> {
	serde_json::json!({
		"report": report,
		"scale": format!("0x{}", hex::encode(report.encode())),
		"report_hash": format!("0x{}", hex::encode(report.hash())),
		"tag": format!("0x{}", hex::encode(tag_of(key, report))),
	})
	.to_string()
	.into_bytes()
}

pub fn report_uri(to_record: &PeriodToRecord, instance: InstanceId) -> String {
	format!(
		"{}/v1/report?agreement={}&period={}&from_ms={}&to_ms={}",
		monitor_url(instance),
		to_record.agreement,
		to_record.period,
		to_record.window.from_ms,
		to_record.window.to_ms
	)
}

/// How a programmed monitor answers.
#[derive(Clone, Debug)]
pub enum Reply {
	/// A complete answer with this status and body.
	Answer(u16, Vec<u8>),
	/// No answer before any deadline.
	Hang,
}

#[derive(Default)]
pub struct NetState {
	/// Answer of each URI; a request to any other URI fails the test.
	pub replies: BTreeMap<String, Reply>,
	/// Every request started, by id.
	pub requests: BTreeMap<u16, testing::PendingRequest>,
	/// The offchain clock (unix ms).
	pub now_ms: u64,
	/// How far the offchain clock moves for each request started: a busy
	/// machine's time per answer.
	pub ms_per_request: u64,
}

/// Off-chain externalities whose HTTP side answers from [`NetState`] (status
/// codes and timeouts included, which `testing::TestOffchainExt` cannot
/// produce) and whose storage side is `testing::TestOffchainExt`'s.
#[derive(Clone, Default)]
pub struct MonitorNet {
	pub state: Arc<Mutex<NetState>>,
	pub db: testing::TestOffchainExt,
}

impl MonitorNet {
	pub fn reply(&self, uri: String, reply: Reply) {
		self.state.lock().unwrap().replies.insert(uri, reply);
	}
	pub fn requested(&self) -> Vec<String> {
		self.state.lock().unwrap().requests.values().map(|r| r.uri.clone()).collect()
	}
	pub fn forget_requests(&self) {
		self.state.lock().unwrap().requests.clear();
	}
}

impl offchain::Externalities for MonitorNet {
	fn is_validator(&self) -> bool {
		true
	}
	fn network_state(&self) -> Result<OpaqueNetworkState, ()> {
		Err(())
	}
	fn timestamp(&mut self) -> OffchainTimestamp {
		OffchainTimestamp::from_unix_millis(self.state.lock().unwrap().now_ms)
	}
	fn sleep_until(&mut self, deadline: OffchainTimestamp) {
		self.state.lock().unwrap().now_ms = deadline.unix_millis();
	}
	fn random_seed(&mut self) -> [u8; 32] {
		[0; 32]
	}
	fn http_request_start(&mut self, method: &str, uri: &str, meta: &[u8]) -> Result<HttpRequestId, ()> {
		let mut state = self.state.lock().unwrap();
		assert!(state.replies.contains_key(uri), "unexpected request to {uri}");
		let id = state.requests.len() as u16;
		state.now_ms += state.ms_per_request;
		state.requests.insert(
			id,
			testing::PendingRequest { method: method.into(), uri: uri.into(), meta: meta.into(), ..Default::default() },
		);
		Ok(HttpRequestId(id))
	}
	fn http_request_add_header(&mut self, id: HttpRequestId, name: &str, value: &str) -> Result<(), ()> {
		let mut state = self.state.lock().unwrap();
		state.requests.get_mut(&id.0).ok_or(())?.headers.push((name.into(), value.into()));
		Ok(())
	}
	fn http_request_write_body(
		&mut self,
		id: HttpRequestId,
		chunk: &[u8],
		_deadline: Option<OffchainTimestamp>,
	) -> Result<(), HttpError> {
		let mut state = self.state.lock().unwrap();
		let request = state.requests.get_mut(&id.0).ok_or(HttpError::Invalid)?;
		request.body.extend(chunk);
		request.sent |= chunk.is_empty();
		Ok(())
	}
	fn http_response_wait(
		&mut self,
		ids: &[HttpRequestId],
		deadline: Option<OffchainTimestamp>,
	) -> Vec<HttpRequestStatus> {
		let mut state = self.state.lock().unwrap();
		let statuses: Vec<HttpRequestStatus> = ids
			.iter()
			.map(|id| {
				let uri = &state.requests[&id.0].uri;
				match &state.replies[uri] {
					Reply::Answer(code, _) => HttpRequestStatus::Finished(*code),
					Reply::Hang => HttpRequestStatus::DeadlineReached,
				}
			})
			.collect();
		if statuses.contains(&HttpRequestStatus::DeadlineReached) {
			let deadline = deadline.expect("a hanging monitor needs a deadline").unix_millis();
			state.now_ms = state.now_ms.max(deadline);
		}
		statuses
	}
	fn http_response_headers(&mut self, _id: HttpRequestId) -> Vec<(Vec<u8>, Vec<u8>)> {
		Vec::new()
	}
	fn http_response_read_body(
		&mut self,
		id: HttpRequestId,
		buffer: &mut [u8],
		_deadline: Option<OffchainTimestamp>,
	) -> Result<usize, HttpError> {
		let mut state = self.state.lock().unwrap();
		let uri = state.requests.get(&id.0).ok_or(HttpError::Invalid)?.uri.clone();
		let Reply::Answer(_, body) = state.replies[&uri].clone() else { return Err(HttpError::DeadlineReached) };
		let request = state.requests.get_mut(&id.0).unwrap();
		let read = buffer.len().min(body.len() - request.read);
		buffer[..read].copy_from_slice(&body[request.read..request.read + read]);
		request.read += read;
		Ok(read)
	}
	fn set_authorized_nodes(&mut self, _nodes: Vec<sp_core::OpaquePeerId>, _authorized_only: bool) {}
}

impl offchain::DbExternalities for MonitorNet {
	fn local_storage_set(&mut self, kind: StorageKind, key: &[u8], value: &[u8]) {
		self.db.local_storage_set(kind, key, value)
	}
	fn local_storage_clear(&mut self, kind: StorageKind, key: &[u8]) {
		self.db.local_storage_clear(kind, key)
	}
	fn local_storage_compare_and_set(
		&mut self,
		kind: StorageKind,
		key: &[u8],
		old_value: Option<&[u8]>,
		new_value: &[u8],
	) -> bool {
		self.db.local_storage_compare_and_set(kind, key, old_value, new_value)
	}
	fn local_storage_get(&mut self, kind: StorageKind, key: &[u8]) -> Option<Vec<u8>> {
		self.db.local_storage_get(kind, key)
	}
}

/// A transaction pool that refuses everything.
pub struct RefusingPool;
impl offchain::TransactionPool for RefusingPool {
	fn submit_transaction(&mut self, _extrinsic: Vec<u8>) -> Result<(), ()> {
		Err(())
	}
}

// ---- externalities

pub fn set_now(ms: u64) {
	pallet_timestamp::Now::<Test>::put(ms);
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	set_authorities(&NODES);
	AWAITING.with(|m| m.borrow_mut().clear());
	HANDLED.with(|h| h.borrow_mut().clear());
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		metrics_blocks: pallet_metrics_blocks::GenesisConfig {
			accounting_keys: NODES.iter().map(|n| (aura(n), acct(n))).collect(),
			..Default::default()
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		set_now(START_MS);
	});
	ext
}

/// Runs `test` on a fresh chain and checks the pallet's invariants
/// afterwards, as pallet-balances' tests do.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		MetricsBlocks::do_try_state().expect("metrics-blocks invariants hold");
	});
}

/// Test externalities of the node `node`: its `acct` key (and, with
/// `with_aura`, its Aura key) in the keystore, `offchain` as its off-chain
/// externalities, a pool recording transactions.
pub fn node_ext<O>(
	node: &str,
	with_aura: bool,
	offchain: O,
) -> (sp_io::TestExternalities, Arc<parking_lot::RwLock<testing::PoolState>>)
where
	O: offchain::Externalities + offchain::DbExternalities + Clone + 'static,
{
	use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
	let keystore = MemoryKeystore::new();
	keystore.sr25519_generate_new(crypto::KEY_TYPE, Some(&acct_seed(node))).unwrap();
	if with_aura {
		keystore.sr25519_generate_new(sp_core::crypto::key_types::AURA, Some(&format!("//{node}"))).unwrap();
	}
	let (pool, pool_state) = testing::TestTransactionPoolExt::new();
	let mut ext = new_test_ext();
	ext.register_extension(KeystoreExt::new(keystore));
	ext.register_extension(offchain::OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(offchain::OffchainDbExt::new(offchain));
	ext.register_extension(offchain::TransactionPoolExt::new(pool));
	(ext, pool_state)
}

/// Decode the calls the off-chain worker put in the pool.
pub fn pool_calls(pool: &Arc<parking_lot::RwLock<testing::PoolState>>) -> Vec<RuntimeCall> {
	use codec::Decode;
	pool.read()
		.transactions
		.iter()
		.map(|tx| Extrinsic::decode(&mut &tx[..]).expect("pool holds our extrinsics").function)
		.collect()
}

/// Run `call` as the pool and the block would: authorize, then dispatch with
/// the `Authorized` origin.
pub fn authorize_and_dispatch(call: RuntimeCall) -> sp_runtime::DispatchResult {
	use frame_support::traits::Authorize;
	use sp_runtime::traits::Dispatchable;
	call.authorize(sp_runtime::transaction_validity::TransactionSource::External)
		.expect("our calls are authorized calls")
		.map_err(|e| sp_runtime::DispatchError::Other(Box::leak(format!("{e:?}").into_boxed_str())))?;
	call.dispatch(frame_system::RawOrigin::Authorized.into()).map(|_| ()).map_err(|e| e.error)
}

/// Externalities for the benchmark tests: the test chain plus an empty keystore.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
	let mut ext = new_test_ext();
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext
}
