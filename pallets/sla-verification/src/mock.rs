//! A runtime with pallet-balances, the real escrow pallet and this pallet, so
//! tests check real funds.

use crate as pallet_sla_verification;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::BuildStorage;

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
pub const ACCOUNTS: [AccountId; 5] = [OWNER, CLIENT, OWNER_2, CLIENT_2, OTHER];
pub const INITIAL: Balance = 10_000_000;

/// Chain time at genesis, in ms.
pub const GENESIS_MS: u64 = 1_700_000_000_000;
pub const MIN_PERIOD_MS: u64 = 1_000;
pub const CONFIRM_WINDOW: u64 = 10;
pub const MAX_OTP_ATTEMPTS: u32 = 3;
pub const MAX_PERIODS: u32 = 100;
pub const MAX_URL_LEN: u32 = 64;

parameter_types! {
	pub const ExistentialDeposit: Balance = EXISTENTIAL_DEPOSIT;
	/// The chain time `Time::now()` returns, set by tests.
	pub static NowMs: u64 = GENESIS_MS;
	pub const MinPeriodMs: u64 = MIN_PERIOD_MS;
	pub const ConfirmWindow: u64 = CONFIRM_WINDOW;
}

/// pallet-timestamp's role: chain time in ms.
pub struct MockTime;
impl frame_support::traits::Time for MockTime {
	type Moment = u64;
	fn now() -> u64 {
		NowMs::get()
	}
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
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

impl pallet_sla_verification::Config for Test {
	type Escrow = Escrow;
	type Time = MockTime;
	type ArbiterOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxUrlLen = ConstU32<MAX_URL_LEN>;
	type MaxPeriods = ConstU32<MAX_PERIODS>;
	type MinPeriodMs = MinPeriodMs;
	type MaxOtpAttempts = ConstU32<MAX_OTP_ATTEMPTS>;
	type ConfirmWindow = ConfirmWindow;
	type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	NowMs::set(GENESIS_MS);
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
