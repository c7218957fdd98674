//! Benchmarks of the SLA pallet, run against the runtime's escrow and
//! deposits. Each call is measured on its most expensive path: the most
//! instances, offers and arbiters, and settlements that also finish the
//! agreement and close its escrow.

use super::*;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	weights::Weight,
};
use frame_system::RawOrigin;
use qos_primitives::{
	otp::commit,
	sla::{CreditTier, QosIndicators, SlaTerms},
	traits::{AgreementRegistry, MetricsBlockHandler},
	Report, MAX_INSTANCES_PER_SERVICE, REPORT_SETTLE_MS,
};
use sp_runtime::traits::Saturating;

const PERIOD_MS: u64 = 60_000;
const OTP: [u8; 32] = [7; 32];

fn price<T: Config>() -> BalanceOf<T> {
	T::MinPricePerPeriod::get().max(1_000_000u32.into())
}

fn capacity() -> Capacity {
	Capacity { vcpus_milli: 2_000, memory_mib: 4_096 }
}

/// The largest SLA: every indicator and every credit tier.
fn full_terms() -> SlaTerms {
	SlaTerms {
		qos: QosIndicators {
			min_availability_permille: Some(999),
			max_latency_p95_ms: Some(100),
			min_vcpus_milli: Some(1_000),
			min_memory_mib: Some(1_024),
			max_cpu_steal_permille: Some(50),
			min_healthy_instances: Some(1),
		},
		availability_tiers: vec![
			CreditTier { below_permille: 999, credit_percent: 10 },
			CreditTier { below_permille: 990, credit_percent: 30 },
			CreditTier { below_permille: 950, credit_percent: 60 },
			CreditTier { below_permille: 900, credit_percent: 100 },
		],
		other_breach_credit_percent: 25,
	}
}

fn arbiter<T: Config>(i: u32) -> T::AccountId {
	account("arbiter", i, 0)
}

/// The largest offer: the full SLA and the most arbiters.
fn full_offer<T: Config>() -> OfferTerms<T::AccountId> {
	OfferTerms { sla: full_terms(), arbiters: (0..T::MaxArbiters::get()).map(arbiter::<T>).collect() }
}

fn monitor_url(len: u32) -> Vec<u8> {
	let mut url = b"http://".to_vec();
	url.resize(len.max(8) as usize, b'a');
	url
}

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	// The longest term's escrow and the accounting fee of the most instances
	// over it, ten times over for deposits and second agreements.
	let periods: BalanceOf<T> = (T::MaxPeriods::get() + 10).into();
	let escrow = price::<T>().saturating_mul(periods);
	let fees = T::AccountingFee::get().saturating_mul(periods).saturating_mul(MAX_INSTANCES_PER_SERVICE.into());
	let funds = escrow.saturating_add(fees).saturating_mul(10u32.into());
	T::Escrow::fund_for_benchmarks(&who, funds);
	who
}

/// A service of `owner` with the most offers and `instances` instances.
fn service<T: Config>(owner: &T::AccountId, instances: u32) -> ServiceId {
	let id = NextServiceId::<T>::get();
	let signed = || RawOrigin::Signed(owner.clone()).into();
	Pallet::<T>::register_service(signed(), price::<T>(), PERIOD_MS, capacity()).expect("registers");
	let offers = (0..T::MaxOffers::get()).map(|_| full_offer::<T>()).collect();
	Pallet::<T>::set_offers(signed(), id, offers).expect("offers");
	for _ in 0..instances {
		Pallet::<T>::add_instance(signed(), id, monitor_url(T::MaxUrlLen::get())).expect("adds");
	}
	id
}

fn parties<T: Config>() -> (T::AccountId, T::AccountId) {
	(funded::<T>("owner"), funded::<T>("client"))
}

/// An agreement of `client`, arbitrated, on a new service of `owner` with the
/// most instances.
fn agreement<T: Config>(owner: &T::AccountId, client: &T::AccountId, periods: u32) -> AgreementId {
	agreement_on::<T>(owner, client, periods, MAX_INSTANCES_PER_SERVICE)
}

/// An agreement of `client`, arbitrated, on a new service of `owner` with
/// `instances` instances.
fn agreement_on<T: Config>(owner: &T::AccountId, client: &T::AccountId, periods: u32, instances: u32) -> AgreementId {
	let service = service::<T>(owner, instances);
	let id = NextAgreementId::<T>::get();
	Pallet::<T>::create_agreement(
		RawOrigin::Signed(client.clone()).into(),
		service,
		0,
		full_terms(),
		periods,
		price::<T>(),
		Some(arbiter::<T>(0)),
	)
	.expect("creates");
	id
}

/// Reports of `count` instances at 98 % availability: a breach that pays both
/// the owner and the client.
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

/// Records `period` with a breach, its window settled.
fn record<T: Config>(agreement: AgreementId, period: PeriodIndex) {
	let due = Pallet::<T>::period_to_record(agreement, period).expect("awaits metrics");
	T::BenchmarkHelper::set_time(due.window.to_ms.saturating_add(REPORT_SETTLE_MS));
	let reports = reports(agreement, period, due.window, due.monitors.len() as u32);
	Pallet::<T>::on_metrics_block(agreement, period, due.window, &reports, commit(&OTP));
}

/// An agreement of `client` for `1 + unrecorded` periods on a one-instance
/// service of `owner`: the first recorded with a breach, confirmed and
/// accepted (a share owed to each party), the others never recorded.
/// Lapsing them finishes the agreement, which pays both shares out and
/// closes the escrow: the most a lapse does.
fn with_last_periods_unrecorded<T: Config>(
	owner: &T::AccountId,
	client: &T::AccountId,
	unrecorded: u32,
) -> AgreementId {
	let id = agreement_on::<T>(owner, client, 1 + unrecorded, 1);
	record::<T>(id, 0);
	Pallet::<T>::confirm_period(RawOrigin::Signed(client.clone()).into(), id, 0, OTP).expect("confirms");
	Pallet::<T>::accept_verdict(RawOrigin::Signed(owner.clone()).into(), id, 0).expect("accepts");
	id
}

/// Moves the clock to the record deadline of `period` of `agreement`.
fn pass_record_deadline<T: Config>(agreement: AgreementId, period: PeriodIndex) {
	let window = Agreements::<T>::get(agreement).and_then(|a| a.window(period)).expect("in term");
	T::BenchmarkHelper::set_time(<Pallet<T> as AgreementRegistry>::record_deadline_ms(window.to_ms));
}

fn advance_blocks<T: Config>(blocks: BlockNumberOf<T>) {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(blocks));
}

fn state<T: Config>(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodState<BlockNumberOf<T>>> {
	Periods::<T>::get(agreement, period).map(|r| r.state)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_service() {
		let owner = funded::<T>("owner");
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), price::<T>(), PERIOD_MS, capacity());
		assert!(Services::<T>::contains_key(0));
	}

	#[benchmark]
	fn update_service() {
		let owner = funded::<T>("owner");
		let id = service::<T>(&owner, 0);
		let doubled = price::<T>().saturating_mul(2u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, doubled, 2 * PERIOD_MS, capacity());
		assert_eq!(Services::<T>::get(id).map(|s| s.price_per_period), Some(doubled));
	}

	#[benchmark]
	fn set_offers(o: Linear<0, { T::MaxOffers::get() }>) {
		let owner = funded::<T>("owner");
		let id = service::<T>(&owner, MAX_INSTANCES_PER_SERVICE);
		let offers = (0..o).map(|_| full_offer::<T>()).collect();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, offers);
		assert_eq!(Offers::<T>::get(id).len() as u32, o);
	}

	#[benchmark]
	fn add_instance(u: Linear<8, { T::MaxUrlLen::get() }>) {
		let owner = funded::<T>("owner");
		let id = service::<T>(&owner, MAX_INSTANCES_PER_SERVICE - 1);
		let url = monitor_url(u);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, url);
		assert_eq!(ActiveInstances::<T>::get(id).len() as u32, MAX_INSTANCES_PER_SERVICE);
	}

	#[benchmark]
	fn replace_instance(u: Linear<8, { T::MaxUrlLen::get() }>) {
		let owner = funded::<T>("owner");
		T::BenchmarkHelper::set_time(1);
		let id = service::<T>(&owner, 1);
		// A full history: the oldest URL is dropped.
		for _ in 1..types::URL_HISTORY {
			Pallet::<T>::replace_instance(RawOrigin::Signed(owner.clone()).into(), id, 0, monitor_url(u))
				.expect("replaces");
		}
		T::BenchmarkHelper::set_time(
			1 + qos_primitives::MAX_REPORT_WINDOW_MS + REPORT_SETTLE_MS + T::RecordDeadlineMs::get(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, 0, monitor_url(u));
		assert_eq!(Instances::<T>::get(id, 0).map(|i| i.monitor_urls.len() as u32), Some(types::URL_HISTORY));
	}

	#[benchmark]
	fn retire_instance(n: Linear<1, MAX_INSTANCES_PER_SERVICE>) {
		let owner = funded::<T>("owner");
		let id = service::<T>(&owner, n);
		// The first instance: every other one shifts.
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, 0);
		assert_eq!(ActiveInstances::<T>::get(id).len() as u32, n - 1);
	}

	#[benchmark]
	fn deregister_service(n: Linear<0, MAX_INSTANCES_PER_SERVICE>) {
		let owner = funded::<T>("owner");
		let id = service::<T>(&owner, n);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);
		assert!(!Services::<T>::contains_key(id));
	}

	#[benchmark]
	fn create_agreement(n: Linear<1, MAX_INSTANCES_PER_SERVICE>) {
		let (owner, client) = parties::<T>();
		let id = service::<T>(&owner, n);
		let periods = T::MaxPeriods::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(client), id, 0, full_terms(), periods, price::<T>(), Some(arbiter::<T>(0)));
		assert!(Agreements::<T>::contains_key(0));
	}

	#[benchmark]
	fn confirm_period() {
		let (owner, client) = parties::<T>();
		// The first of two periods, its contest window over: confirming
		// settles it in escrow and leaves the agreement open.
		let id = agreement::<T>(&owner, &client, 2);
		record::<T>(id, 0);
		advance_blocks::<T>(T::ContestWindow::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(client), id, 0, OTP);
		assert_eq!(state::<T>(id, 0), Some(PeriodState::Closed(Closure::Confirmed)));
		assert!(Agreements::<T>::get(id).is_some_and(|a| !a.is_finished()));
	}

	#[benchmark]
	fn confirm_last_period() {
		let (owner, client) = parties::<T>();
		// One period, its contest window over: confirming settles it, finishes
		// the agreement and pays out and closes the escrow.
		let id = agreement::<T>(&owner, &client, 1);
		record::<T>(id, 0);
		advance_blocks::<T>(T::ContestWindow::get());
		#[extrinsic_call]
		confirm_period(RawOrigin::Signed(client), id, 0, OTP);
		assert_eq!(state::<T>(id, 0), Some(PeriodState::Closed(Closure::Confirmed)));
		assert!(Agreements::<T>::get(id).is_some_and(|a| a.is_finished()));
	}

	#[benchmark]
	fn contest_period(r: Linear<0, { T::MaxReasonLen::get() }>) {
		let (owner, client) = parties::<T>();
		let id = agreement::<T>(&owner, &client, 1);
		record::<T>(id, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, 0, vec![b'r'; r as usize]);
		assert!(matches!(state::<T>(id, 0), Some(PeriodState::Disputed { .. })));
	}

	#[benchmark]
	fn accept_verdict() {
		let (owner, client) = parties::<T>();
		let id = agreement::<T>(&owner, &client, 1);
		record::<T>(id, 0);
		Pallet::<T>::confirm_period(RawOrigin::Signed(client).into(), id, 0, OTP).expect("confirms");
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, 0);
		assert_eq!(state::<T>(id, 0), Some(PeriodState::Closed(Closure::Confirmed)));
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
		Pallet::<T>::contest_period(RawOrigin::Signed(client).into(), id, 0, vec![])?;
		let arbiter = T::ArbiterOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(arbiter as T::RuntimeOrigin, id, 0, 500);
		assert_eq!(state::<T>(id, 0), Some(PeriodState::Closed(Closure::Arbitrated)));
		Ok(())
	}

	#[benchmark]
	fn settle_overdue_paid() -> Result<(), BenchmarkError> {
		let (owner, client) = parties::<T>();
		let id = agreement::<T>(&owner, &client, 1);
		record::<T>(id, 0);
		Pallet::<T>::contest_period(RawOrigin::Signed(client).into(), id, 0, vec![])?;
		advance_blocks::<T>(T::ArbitrationWindow::get());
		#[extrinsic_call]
		settle_overdue(RawOrigin::Signed(owner), id, 0);
		assert_eq!(state::<T>(id, 0), Some(PeriodState::Closed(Closure::ArbitrationLapsed)));
		Ok(())
	}

	#[benchmark]
	fn settle_overdue_lapsed() {
		let (owner, client) = parties::<T>();
		let id = with_last_periods_unrecorded::<T>(&owner, &client, 1);
		pass_record_deadline::<T>(id, 1);
		#[extrinsic_call]
		settle_overdue(RawOrigin::Signed(client), id, 1);
		assert_eq!(state::<T>(id, 1), Some(PeriodState::Closed(Closure::Lapsed)));
		assert!(Agreements::<T>::get(id).is_some_and(|a| a.is_finished()));
	}

	#[benchmark]
	fn lapse_overdue_periods(k: Linear<1, { MAX_PERIODS_PER_LAPSE.min(T::MaxPeriods::get() - 1) }>) {
		let (owner, client) = parties::<T>();
		// One agreement's last `k` periods overdue at a block's start, and
		// behind it in the index a period that is not: the scan reads it and
		// stops.
		let id = with_last_periods_unrecorded::<T>(&owner, &client, k);
		pass_record_deadline::<T>(id, k);
		let waiting = agreement_on::<T>(&owner, &client, 1, 1);
		#[block]
		{
			Pallet::<T>::lapse_overdue(Weight::MAX);
		}
		for period in 1..=k {
			assert_eq!(state::<T>(id, period), Some(PeriodState::Closed(Closure::Lapsed)));
		}
		assert!(Agreements::<T>::get(id).is_some_and(|a| a.is_finished()));
		assert_eq!(state::<T>(waiting, 0), None);
	}

	#[benchmark]
	fn prune_agreement(n: Linear<1, { T::PruneBatch::get() }>) {
		let (owner, client) = parties::<T>();
		let id = agreement::<T>(&owner, &client, 1);
		record::<T>(id, 0);
		Pallet::<T>::confirm_period(RawOrigin::Signed(client.clone()).into(), id, 0, OTP).expect("confirms");
		Pallet::<T>::accept_verdict(RawOrigin::Signed(owner).into(), id, 0).expect("accepts");
		// `n` period records and `n` metrics blocks left to remove.
		let record = Periods::<T>::get(id, 0).expect("recorded");
		for period in 1..n {
			Periods::<T>::insert(id, period, record.clone());
		}
		T::BenchmarkHelper::store_metrics_blocks(id, n);
		advance_blocks::<T>(T::AgreementRetention::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(client), id);
		assert!(!Agreements::<T>::contains_key(id));
	}

	#[benchmark]
	fn on_metrics_block(n: Linear<1, MAX_INSTANCES_PER_SERVICE>) {
		let (owner, client) = parties::<T>();
		let id = agreement_on::<T>(&owner, &client, 2, n);
		let window = Pallet::<T>::period_to_record(id, 0).expect("awaits metrics").window;
		let reports = reports(id, 0, window, n);
		#[block]
		{
			Pallet::<T>::on_metrics_block(id, 0, window, &reports, commit(&OTP));
		}
		assert!(Periods::<T>::contains_key(id, 0));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
