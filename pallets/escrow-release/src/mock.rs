//! A runtime with pallet-balances and this pallet, for tests and benchmarks.

use crate as pallet_escrow_release;
use frame_support::{derive_impl, parameter_types};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Escrow: pallet_escrow_release,
	}
);

pub type AccountId = u64;
pub type Balance = u128;

pub const EXISTENTIAL_DEPOSIT: Balance = 5;
pub const CLIENT: AccountId = 1;
pub const OWNER: AccountId = 2;
pub const OTHER: AccountId = 3;
/// An account that holds nothing and does not exist.
pub const NOBODY: AccountId = 99;
pub const INITIAL: Balance = 1_000_000;

parameter_types! {
	pub const ExistentialDeposit: Balance = EXISTENTIAL_DEPOSIT;
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

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(CLIENT, INITIAL), (OWNER, INITIAL), (OTHER, INITIAL)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` on a fresh chain and checks the pallet's invariants
/// afterwards, as pallet-balances' tests do.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Escrow::do_try_state().expect("escrow invariants hold");
	});
}
