//! A runtime with pallet-balances, the real escrow pallet and this pallet, so
//! tests check real funds and real deposits.

use crate as pallet_sla_verification;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::HoldConsideration, ConstU32, LinearStoragePrice},
};
use qos_primitives::{traits::MetricsArchive, AgreementId, PeriodIndex};
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Escrow: pallet_escrow_release,
		Sla: pallet_sla_verification,
	}
);

pub type AccountId = u64;
pub type Balance = u128;

pub const EXISTENTIAL_DEPOSIT: Balance = 1;
pub const OWNER: AccountId = 1;
pub const CLIENT: AccountId = 2;
pub const OWNER_2: AccountId = 3;
pub const CLIENT_2: AccountId = 4;
pub const OTHER: AccountId = 5;
/// An arbitration service an owner names in its offers.
pub const ARBITER: AccountId = 6;
pub const ACCOUNTS: [AccountId; 6] = [OWNER, CLIENT, OWNER_2, CLIENT_2, OTHER, ARBITER];
pub const INITIAL: Balance = 10_000_000;

/// Chain time at genesis, in ms.
pub const GENESIS_MS: u64 = 1_700_000_000_000;
pub const MIN_PERIOD_MS: u64 = 1_000;
pub const MIN_PRICE: Balance = 10;
pub const CONTEST_WINDOW: u64 = 10;
pub const ARBITRATION_WINDOW: u64 = 20;
pub const RECORD_DEADLINE_MS: u64 = 30_000;
pub const RETENTION: u64 = 50;
pub const PRUNE_BATCH: u32 = 4;
pub const MAX_OTP_ATTEMPTS: u32 = 3;
pub const MAX_PERIODS: u32 = 100;
pub const MAX_URL_LEN: u32 = 64;
pub const MAX_OFFERS: u32 = 3;
pub const MAX_ARBITERS: u32 = 2;
pub const MAX_REASON_LEN: u32 = 32;
/// Accounting fee per instance and period.
pub const ACCOUNTING_FEE: Balance = 2;
/// Deposits: a base and a price per stored byte.
pub const DEPOSIT_BASE: Balance = 100;
pub const DEPOSIT_PER_BYTE: Balance = 1;
/// Owner's share of a disputed period no arbiter resolved in time.
pub const UNRESOLVED_SHARE: Perbill = Perbill::from_percent(50);

parameter_types! {
	pub const ExistentialDeposit: Balance = EXISTENTIAL_DEPOSIT;
	/// The chain time `Time::now()` returns, set by tests.
	pub static NowMs: u64 = GENESIS_MS;
	pub const MinPeriodMs: u64 = MIN_PERIOD_MS;
	pub const MinPrice: Balance = MIN_PRICE;
	pub const ContestWindow: u64 = CONTEST_WINDOW;
	pub const ArbitrationWindow: u64 = ARBITRATION_WINDOW;
	pub const RecordDeadlineMs: u64 = RECORD_DEADLINE_MS;
	/// The weight a block's start may spend lapsing, set by tests.
	pub static MaxLapseWeight: frame_support::weights::Weight = frame_support::weights::Weight::MAX;
	pub const Retention: u64 = RETENTION;
	pub const AccountingFee: Balance = ACCOUNTING_FEE;
	pub const UnresolvedShare: Perbill = UNRESOLVED_SHARE;
	pub const DepositBase: Balance = DEPOSIT_BASE;
	pub const DepositPerByte: Balance = DEPOSIT_PER_BYTE;
	pub const ServiceDepositReason: RuntimeHoldReason = RuntimeHoldReason::Sla(crate::HoldReason::ServiceDeposit);
	pub const AgreementDepositReason: RuntimeHoldReason = RuntimeHoldReason::Sla(crate::HoldReason::AgreementDeposit);
	/// What the SLA pallet asked of the metrics-block store: discarded
	/// unfinished blocks and pruned agreements.
	pub static Discarded: Vec<(AgreementId, PeriodIndex)> = Vec::new();
	/// Metrics blocks left per agreement in the mock store, pruned by `prune`.
	pub static StoredBlocks: Vec<(AgreementId, u32)> = Vec::new();
}

/// pallet-timestamp's role: chain time in ms.
pub struct MockTime;
impl frame_support::traits::Time for MockTime {
	type Moment = u64;
	fn now() -> u64 {
		NowMs::get()
	}
}

/// pallet-metrics-blocks' role: records what it was asked to drop.
pub struct MockMetrics;
impl MetricsArchive for MockMetrics {
	fn discard_unfinished(agreement: AgreementId, period: PeriodIndex) {
		Discarded::mutate(|d| d.push((agreement, period)));
	}
	fn prune(agreement: AgreementId, limit: u32) -> (u32, bool) {
		StoredBlocks::mutate(|stored| {
			let Some(entry) = stored.iter_mut().find(|(a, _)| *a == agreement) else { return (0, true) };
			let removed = entry.1.min(limit);
			entry.1 -= removed;
			(removed, entry.1 == 0)
		})
	}
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
	// Reads and writes cost something, so a weight that leaves them out
	// shows in the tests.
	type DbWeight = frame_support::weights::constants::ParityDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_escrow_release::Config for Test {
	type Currency = Balances;
	type WeightInfo = ();
}

pub type Deposit<Reason> =
	HoldConsideration<AccountId, Balances, Reason, LinearStoragePrice<DepositBase, DepositPerByte, Balance>>;

impl pallet_sla_verification::Config for Test {
	type Escrow = Escrow;
	type Metrics = MockMetrics;
	type Time = MockTime;
	type ArbiterOrigin = frame_system::EnsureRoot<AccountId>;
	type ServiceDeposit = Deposit<ServiceDepositReason>;
	type AgreementDeposit = Deposit<AgreementDepositReason>;
	type AccountingFee = AccountingFee;
	type MinPricePerPeriod = MinPrice;
	type MaxUrlLen = ConstU32<MAX_URL_LEN>;
	type MaxOffers = ConstU32<MAX_OFFERS>;
	type MaxArbiters = ConstU32<MAX_ARBITERS>;
	type MaxReasonLen = ConstU32<MAX_REASON_LEN>;
	type MaxPeriods = ConstU32<MAX_PERIODS>;
	type MinPeriodMs = MinPeriodMs;
	type MaxOtpAttempts = ConstU32<MAX_OTP_ATTEMPTS>;
	type ContestWindow = ContestWindow;
	type ArbitrationWindow = ArbitrationWindow;
	type UnresolvedDisputeOwnerShare = UnresolvedShare;
	type RecordDeadlineMs = RecordDeadlineMs;
	type MaxLapseWeight = MaxLapseWeight;
	type AgreementRetention = Retention;
	type PruneBatch = ConstU32<PRUNE_BATCH>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockMetrics;
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	NowMs::set(GENESIS_MS);
	MaxLapseWeight::set(frame_support::weights::Weight::MAX);
	Discarded::set(Vec::new());
	StoredBlocks::set(Vec::new());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: ACCOUNTS.iter().map(|a| (*a, INITIAL)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` on a fresh chain and checks every invariant of the three
/// pallets afterwards, as pallet-balances' tests do.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Sla::do_try_state().expect("SLA invariants hold");
		Escrow::do_try_state().expect("escrow invariants hold");
	});
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockMetrics {
	fn set_time(ms: u64) {
		NowMs::set(ms);
	}
	fn store_metrics_blocks(agreement: AgreementId, count: u32) {
		StoredBlocks::mutate(|stored| stored.push((agreement, count)));
	}
}
