//! Benchmarks of the escrow pallet.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn top_up() -> Result<(), BenchmarkError> {
		let client: T::AccountId = account("client", 0, 0);
		let owner: T::AccountId = account("owner", 0, 0);
		let price: BalanceOf<T> = 1_000_000u32.into();
		<Pallet<T> as EscrowSettlement<T::AccountId>>::fund_for_benchmarks(&client, price * 10u32.into());
		<Pallet<T> as EscrowSettlement<T::AccountId>>::fund_for_benchmarks(&owner, price);
		// Worst case: the escrow stays low after the top-up, so both events are emitted.
		<Pallet<T> as EscrowSettlement<T::AccountId>>::open(1, &client, &owner, price * 4u32.into(), 2, price)?;
		let amount = price;

		#[extrinsic_call]
		_(RawOrigin::Signed(client.clone()), 1, amount);

		assert_eq!(Escrows::<T>::get(1).map(|e| e.held), Some(price + amount));
		Ok(())
	}

	#[benchmark]
	fn pay_out() -> Result<(), BenchmarkError> {
		let client: T::AccountId = account("client", 0, 0);
		let owner: T::AccountId = account("owner", 0, 0);
		let price: BalanceOf<T> = 1_000_000u32.into();
		<Pallet<T> as EscrowSettlement<T::AccountId>>::fund_for_benchmarks(&client, price * 10u32.into());
		<Pallet<T> as EscrowSettlement<T::AccountId>>::fund_for_benchmarks(&owner, price);
		// Worst case: both parties are owed, and the last period is settled, so
		// the rest is released and the escrow closed.
		<Pallet<T> as EscrowSettlement<T::AccountId>>::open(1, &client, &owner, price, 1, price * 2u32.into())?;
		<Pallet<T> as EscrowSettlement<T::AccountId>>::settle_period(1, 0, Perbill::from_percent(50))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(client.clone()), 1);

		assert!(Escrows::<T>::get(1).is_none());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
