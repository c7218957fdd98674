//! Benchmarks of the SLA pallet, run against the runtime's escrow.

use super::*;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use qos_primitives::{
	otp::commit,
	sla::{CreditSchedule, CreditTier, QosIndicators},
	MAX_INSTANCES_PER_SERVICE,
};
use sp_runtime::traits::Saturating;

const PERIOD_MS: u64 = 60_000;
const OTP: [u8; 32] = [7; 32];

fn price<T: Config>() -> BalanceOf<T> {
	1_000_000u32.into()
}

fn capacity() -> Capacity {
	Capacity { vcpus_milli: 2_000, memory_mib: 4_096 }
}

/// The largest SLA: every indicator and every credit tier.
fn full_sla() -> Sla {
	Sla {
		qos: QosIndicators {
			min_availability_permille: Some(999),
			max_latency_p95_ms: Some(100),
			min_vcpus_milli: Some(1_000),
			min_memory_mib: Some(1_024),
			max_cpu_steal_permille: Some(50),
			min_healthy_instances: Some(1),
		},
		credits: CreditSchedule {
			availability_tiers: BoundedVec::truncate_from(vec![
				CreditTier { below_permille: 999, credit_percent: 10 },
				CreditTier { below_permille: 990, credit_percent: 30 },
				CreditTier { below_permille: 950, credit_percent: 60 },
				CreditTier { below_permille: 900, credit_percent: 100 },
			]),
			other_breach_credit_percent: 25,
		},
	}
}

fn monitor_url<T: Config>(len: u32) -> BoundedVec<u8, T::MaxUrlLen> {
	let mut url = b"http://".to_vec();
	url.resize(len.max(8) as usize, b'a');
	BoundedVec::truncate_from(url)
}

/// A service of `owner` with `instances` instances.
fn service<T: Config>(owner: &T::AccountId, instances: u32) -> ServiceId {
	let id = NextServiceId::<T>::get();
	Pallet::<T>::register_service(RawOrigin::Signed(owner.clone()).into(), price::<T>(), PERIOD_MS, capacity())
		.expect("registers");
	for _ in 0..instances {
		Pallet::<T>::add_instance(RawOrigin::Signed(owner.clone()).into(), id, monitor_url::<T>(T::MaxUrlLen::get()))
			.expect("adds");
	}
	id
}

fn parties<T: Config>() -> (T::AccountId, T::AccountId) {
	let owner: T::AccountId = account("owner", 0, 0);
	let client: T::AccountId = whitelisted_caller();
	let funds = price::<T>().saturating_mul((T::MaxPeriods::get() + 10).into());
	T::Escrow::fund_for_benchmarks(&owner, funds);
	T::Escrow::fund_for_benchmarks(&client, funds);
	(owner, client)
}

/// An agreement of `client` on a new service of `owner` with the most instances.
fn agreement<T: Config>(owner: &T::AccountId, client: &T::AccountId, periods: u32) -> AgreementId {
	let service = service::<T>(owner, MAX_INSTANCES_PER_SERVICE);
	let id = NextAgreementId::<T>::get();
	Pallet::<T>::create_agreement(RawOrigin::Signed(client.clone()).into(), service, full_sla(), periods)
		.expect("creates");
	id
}

/// Reports of every instance at `successes` ‰ availability: a breach that pays
/// both the owner and the client.
fn reports(agreement: AgreementId, period: PeriodIndex, window: Window, count: u32) -> Vec<Report> {
	(0..count)
		.map(|instance| Report {
			probe_successes: 980,
			probe_failures: 20,
			latency_p50_ms: 5,
			latency_p95_ms: 20,
			latency_p99_ms: 40,
			cpu_steal_permille: 10,
			..Report::all_up(agreement, period, instance, window, 1000)
		})
		.collect()
}

fn record<T: Config>(agreement: AgreementId, period: PeriodIndex) {
	let due = Pallet::<T>::period_to_record(agreement, period).expect("awaits metrics");
	let reports = reports(agreement, period, due.window, due.monitors.len() as u32);
	Pallet::<T>::on_metrics_block(agreement, period, due.window, &reports, commit(&OTP));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_service() {
		let owner: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), price::<T>(), PERIOD_MS, capacity());
		assert!(Services::<T>::contains_key(0));
	}

	#[benchmark]
	fn update_service() {
		let owner: T::AccountId = whitelisted_caller();
		let id = service::<T>(&owner, 0);
		let doubled = price::<T>().saturating_mul(2u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, doubled, 2 * PERIOD_MS, capacity());
		assert_eq!(Services::<T>::get(id).map(|s| s.price_per_period), Some(doubled));
	}

	#[benchmark]
	fn add_instance(u: Linear<8, { T::MaxUrlLen::get() }>) {
		let owner: T::AccountId = whitelisted_caller();
		let id = service::<T>(&owner, MAX_INSTANCES_PER_SERVICE - 1);
		let url = monitor_url::<T>(u);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, url);
		assert_eq!(ActiveInstances::<T>::get(id).len() as u32, MAX_INSTANCES_PER_SERVICE);
	}

	#[benchmark]
	fn retire_instance(n: Linear<1, MAX_INSTANCES_PER_SERVICE>) {
		let owner: T::AccountId = whitelisted_caller();
		let id = service::<T>(&owner, n);
		// The first instance: every other one shifts.
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, 0);
		assert_eq!(ActiveInstances::<T>::get(id).len() as u32, n - 1);
	}

	#[benchmark]
	fn create_agreement() {
		let (owner, client) = parties::<T>();
		let id = service::<T>(&owner, MAX_INSTANCES_PER_SERVICE);
		let periods = T::MaxPeriods::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(client), id, full_sla(), periods);
		assert!(Agreements::<T>::contains_key(0));
	}

	#[benchmark]
	fn confirm_period() {
		let (owner, client) = parties::<T>();
		// One period: confirming it also finishes the agreement and closes the escrow.
		let id = agreement::<T>(&owner, &client, 1);
		record::<T>(id, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(client), id, 0, OTP);
		assert_eq!(Periods::<T>::get(id, 0).map(|r| r.state), Some(PeriodState::Settled));
		assert_eq!(Agreements::<T>::get(id).map(|a| a.status), Some(AgreementStatus::Finished));
	}

	#[benchmark]
	fn escalate() {
		let (owner, client) = parties::<T>();
		let id = agreement::<T>(&owner, &client, 1);
		record::<T>(id, 0);
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::ConfirmWindow::get()));
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, 0);
		assert_eq!(Periods::<T>::get(id, 0).map(|r| r.state), Some(PeriodState::Disputed));
	}

	#[benchmark]
	fn cancel_agreement() {
		let (owner, client) = parties::<T>();
		let id = agreement::<T>(&owner, &client, T::MaxPeriods::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(client), id);
		assert_eq!(Agreements::<T>::get(id).map(|a| a.status), Some(AgreementStatus::Cancelled));
	}

	#[benchmark]
	fn resolve_dispute() -> Result<(), BenchmarkError> {
		let (owner, client) = parties::<T>();
		let id = agreement::<T>(&owner, &client, 1);
		record::<T>(id, 0);
		let now: BlockNumberFor<T> = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::ConfirmWindow::get()));
		Pallet::<T>::escalate(RawOrigin::Signed(client).into(), id, 0)?;
		let arbiter = T::ArbiterOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(arbiter as T::RuntimeOrigin, id, 0, Perbill::from_percent(50));
		assert_eq!(Periods::<T>::get(id, 0).map(|r| r.state), Some(PeriodState::Resolved));
		Ok(())
	}

	#[benchmark]
	fn on_metrics_block(r: Linear<0, MAX_INSTANCES_PER_SERVICE>) {
		let (owner, client) = parties::<T>();
		let id = agreement::<T>(&owner, &client, 2);
		let window = Pallet::<T>::period_to_record(id, 0).expect("awaits metrics").window;
		let reports = reports(id, 0, window, r);
		#[block]
		{
			Pallet::<T>::on_metrics_block(id, 0, window, &reports, commit(&OTP));
		}
		assert!(Periods::<T>::contains_key(id, 0));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
