//! Tests of every call, trait function and error of the SLA pallet, run
//! against the real escrow pallet and pallet-balances.

use crate::{
	mock::*, owner_share_after_credit, Agreement, AgreementStatus, Agreements, AwaitingMetrics, Capacity, DisputeCause,
	Error, Event, NextAgreementId, PeriodState, Periods, Services,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	BoundedVec,
};
use pallet_escrow_release::{EscrowSettlement, HoldReason};
use qos_primitives::{
	otp::{commit, instance_tag, period_otp, Commitment, Otp},
	sla::{CreditSchedule, CreditTier, Indicator, QosIndicators, Sla as SlaTerms, Verdict},
	traits::{AgreementRegistry, MetricsBlockHandler, MonitorEndpoint},
	AgreementId, InstanceId, PeriodIndex, Report, Window,
};
use sp_runtime::{DispatchError, Perbill};

const PRICE: Balance = 999;
const PERIOD_MS: u64 = 60_000;
const KEY: [u8; 32] = [0x42; 32];
const CAPACITY: Capacity = Capacity { vcpus_milli: 2_000, memory_mib: 4_096 };

fn url(s: &str) -> BoundedVec<u8, frame_support::traits::ConstU32<MAX_URL_LEN>> {
	BoundedVec::try_from(s.as_bytes().to_vec()).unwrap()
}

fn cloud_sla() -> SlaTerms {
	SlaTerms {
		qos: QosIndicators { min_availability_permille: Some(999), ..Default::default() },
		credits: CreditSchedule {
			availability_tiers: BoundedVec::truncate_from(vec![
				CreditTier { below_permille: 999, credit_percent: 10 },
				CreditTier { below_permille: 990, credit_percent: 30 },
				CreditTier { below_permille: 950, credit_percent: 100 },
			]),
			other_breach_credit_percent: 25,
		},
	}
}

/// Registers a service of `OWNER` (id 0) with `instances` instances.
fn service_with(instances: u32) -> u64 {
	let service = crate::NextServiceId::<Test>::get();
	assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), PRICE, PERIOD_MS, CAPACITY));
	for i in 0..instances {
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), service, url(&format!("http://10.0.0.{i}:9615"))));
	}
	service
}

/// A service with one instance and an agreement of `CLIENT` on it for `periods`.
fn agreement_for(periods: u32) -> AgreementId {
	let service = service_with(1);
	let agreement = NextAgreementId::<Test>::get();
	assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT), service, cloud_sla(), periods));
	agreement
}

/// A report at `successes` of 1000 probes, p95 latency 20 ms and CPU steal
/// 10 ‰: the values the SLAs of these tests are drawn around.
fn report(agreement: AgreementId, period: PeriodIndex, instance: InstanceId, window: Window, successes: u32) -> Report {
	Report {
		probe_successes: successes,
		probe_failures: 1000 - successes,
		latency_p50_ms: 5,
		latency_p95_ms: 20,
		latency_p99_ms: 40,
		cpu_steal_permille: 10,
		..Report::all_up(agreement, period, instance, window, 1000)
	}
}

/// The OTP the client derives for `reports` with `KEY`, and its commitment.
fn otp_of(agreement: AgreementId, period: PeriodIndex, reports: &[Report]) -> (Otp, Commitment) {
	let tags: Vec<_> =
		reports.iter().map(|r| (r.instance, instance_tag(&KEY, agreement, period, r.instance, &r.hash()))).collect();
	let otp = period_otp(agreement, period, &tags);
	(otp, commit(&otp))
}

/// Records `period` as the metrics-blocks pallet does, with every instance
/// reporting `successes` of 1000 probes. Returns the client's OTP.
fn record_with(agreement: AgreementId, period: PeriodIndex, successes: u32) -> Otp {
	let due = Sla::period_to_record(agreement, period).expect("period awaits metrics");
	let reports: Vec<Report> =
		due.monitors.iter().map(|m| report(agreement, period, m.instance, due.window, successes)).collect();
	let (otp, commitment) = otp_of(agreement, period, &reports);
	Sla::on_metrics_block(agreement, period, due.window, &reports, commitment);
	otp
}

fn record(agreement: AgreementId, period: PeriodIndex) -> Otp {
	record_with(agreement, period, 1000)
}

fn state(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodState> {
	Periods::<Test>::get(agreement, period).map(|r| r.state)
}

fn info(agreement: AgreementId) -> Agreement<AccountId, Balance> {
	Agreements::<Test>::get(agreement).unwrap()
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::Escrow.into(), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

fn sla_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Sla(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn last_event() -> Event<Test> {
	sla_events().pop().expect("an SLA event")
}

fn check_invariants() {
	Sla::do_try_state().unwrap();
	Escrow::do_try_state().unwrap();
	assert_eq!(Balances::total_issuance(), INITIAL * ACCOUNTS.len() as Balance);
	let total: Balance = ACCOUNTS.iter().map(Balances::total_balance).sum();
	assert_eq!(total, Balances::total_issuance());
}

fn advance_blocks(n: u64) {
	System::set_block_number(System::block_number() + n);
}

fn pass_periods(agreement: AgreementId, periods: u32) {
	let a = info(agreement);
	NowMs::set(a.start_ms + a.period_ms * periods as u64);
}

// ---------------------------------------------------------------- services

#[test]
fn register_service_stores_its_terms() {
	new_test_ext().execute_with(|| {
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), PRICE, PERIOD_MS, CAPACITY));
		let service = Services::<Test>::get(0).unwrap();
		assert_eq!((service.owner, service.price_per_period, service.period_ms), (OWNER, PRICE, PERIOD_MS));
		assert_eq!(service.capacity, CAPACITY);
		assert_eq!(
			last_event(),
			Event::ServiceRegistered {
				service: 0,
				owner: OWNER,
				price_per_period: PRICE,
				period_ms: PERIOD_MS,
				capacity: CAPACITY
			}
		);
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER_2), 1, MIN_PERIOD_MS, CAPACITY));
		assert_eq!(Services::<Test>::get(1).unwrap().owner, OWNER_2);
		check_invariants();
	});
}

#[test]
fn register_service_refuses_bad_terms() {
	new_test_ext().execute_with(|| {
		let o = || RuntimeOrigin::signed(OWNER);
		assert_noop!(Sla::register_service(o(), 0, PERIOD_MS, CAPACITY), Error::<Test>::ZeroPrice);
		assert_noop!(
			Sla::register_service(o(), PRICE, MIN_PERIOD_MS - 1, CAPACITY),
			Error::<Test>::PeriodLengthOutOfRange
		);
		assert_noop!(
			Sla::register_service(o(), PRICE, qos_primitives::MAX_REPORT_WINDOW_MS + 1, CAPACITY),
			Error::<Test>::PeriodLengthOutOfRange
		);
		assert_ok!(Sla::register_service(o(), PRICE, qos_primitives::MAX_REPORT_WINDOW_MS, CAPACITY));
		assert_noop!(
			Sla::register_service(RuntimeOrigin::none(), PRICE, PERIOD_MS, CAPACITY),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn update_service_applies_to_future_agreements_only() {
	new_test_ext().execute_with(|| {
		let first = agreement_for(2);
		let new_capacity = Capacity { vcpus_milli: 4_000, memory_mib: 8_192 };
		assert_ok!(Sla::update_service(RuntimeOrigin::signed(OWNER), 0, 2 * PRICE, 2 * PERIOD_MS, new_capacity));
		assert_eq!(
			last_event(),
			Event::ServiceUpdated {
				service: 0,
				price_per_period: 2 * PRICE,
				period_ms: 2 * PERIOD_MS,
				capacity: new_capacity
			}
		);
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT_2), 0, cloud_sla(), 2));
		assert_eq!((info(first).price_per_period, info(first).period_ms), (PRICE, PERIOD_MS));
		assert_eq!((info(1).price_per_period, info(1).period_ms), (2 * PRICE, 2 * PERIOD_MS));
		assert_eq!(Escrow::held(first), Some(2 * PRICE));
		assert_eq!(Escrow::held(1), Some(4 * PRICE));
		check_invariants();
	});
}

#[test]
fn update_service_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Sla::update_service(RuntimeOrigin::signed(OWNER), 0, PRICE, PERIOD_MS, CAPACITY),
			Error::<Test>::ServiceNotFound
		);
		service_with(0);
		assert_noop!(
			Sla::update_service(RuntimeOrigin::signed(OTHER), 0, PRICE, PERIOD_MS, CAPACITY),
			Error::<Test>::NotServiceOwner
		);
		assert_noop!(
			Sla::update_service(RuntimeOrigin::signed(OWNER), 0, 0, PERIOD_MS, CAPACITY),
			Error::<Test>::ZeroPrice
		);
		assert_noop!(
			Sla::update_service(RuntimeOrigin::signed(OWNER), 0, PRICE, 1, CAPACITY),
			Error::<Test>::PeriodLengthOutOfRange
		);
	});
}

#[test]
fn instances_are_added_and_retired_and_monitors_follow() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(3);
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 0, url("https://b.example:9615")));
		assert_eq!(
			last_event(),
			Event::InstanceAdded { service: 0, instance: 1, monitor_url: url("https://b.example:9615") }
		);
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 0, url("http://c:1")));
		let monitors = Sla::period_to_record(agreement, 0).unwrap().monitors;
		assert_eq!(
			monitors,
			vec![
				MonitorEndpoint { instance: 0, url: b"http://10.0.0.0:9615".to_vec() },
				MonitorEndpoint { instance: 1, url: b"https://b.example:9615".to_vec() },
				MonitorEndpoint { instance: 2, url: b"http://c:1".to_vec() },
			]
		);
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 1));
		assert_eq!(last_event(), Event::InstanceRetired { service: 0, instance: 1 });
		let ids: Vec<_> = Sla::period_to_record(agreement, 0).unwrap().monitors.iter().map(|m| m.instance).collect();
		assert_eq!(ids, vec![0, 2]);
		// Ids are not reused.
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 0, url("http://d:1")));
		let ids: Vec<_> = Sla::period_to_record(agreement, 0).unwrap().monitors.iter().map(|m| m.instance).collect();
		assert_eq!(ids, vec![0, 2, 3]);
		check_invariants();
	});
}

#[test]
fn retired_instance_is_not_expected_in_later_blocks() {
	new_test_ext().execute_with(|| {
		let service = service_with(2);
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT), service, cloud_sla(), 2));
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), service, 1));
		pass_periods(0, 1);
		record(0, 0);
		assert_eq!(Periods::<Test>::get(0, 0).unwrap().verdict, Verdict::Met);
	});
}

#[test]
fn add_instance_errors() {
	new_test_ext().execute_with(|| {
		let o = || RuntimeOrigin::signed(OWNER);
		assert_noop!(Sla::add_instance(o(), 0, url("http://a")), Error::<Test>::ServiceNotFound);
		service_with(0);
		assert_noop!(
			Sla::add_instance(RuntimeOrigin::signed(OTHER), 0, url("http://a")),
			Error::<Test>::NotServiceOwner
		);
		assert_noop!(Sla::add_instance(o(), 0, url("")), Error::<Test>::EmptyUrl);
		assert_noop!(Sla::add_instance(o(), 0, url("ftp://a")), Error::<Test>::UrlNotHttp);
		for i in 0..qos_primitives::MAX_INSTANCES_PER_SERVICE {
			assert_ok!(Sla::add_instance(o(), 0, url(&format!("http://{i}"))));
		}
		assert_noop!(Sla::add_instance(o(), 0, url("http://one-too-many")), Error::<Test>::TooManyInstances);
		assert_ok!(Sla::retire_instance(o(), 0, 3));
		Services::<Test>::mutate(0, |s| s.as_mut().unwrap().next_instance = InstanceId::MAX);
		assert_noop!(Sla::add_instance(o(), 0, url("http://last")), Error::<Test>::InstanceIdsExhausted);
	});
}

#[test]
fn retire_instance_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 0), Error::<Test>::ServiceNotFound);
		service_with(1);
		assert_noop!(Sla::retire_instance(RuntimeOrigin::signed(OTHER), 0, 0), Error::<Test>::NotServiceOwner);
		assert_noop!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 1), Error::<Test>::InstanceNotFound);
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 0));
		assert_noop!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), 0, 0), Error::<Test>::InstanceNotFound);
	});
}

// -------------------------------------------------------------- agreements

#[test]
fn create_agreement_escrows_the_whole_term_and_starts_the_clock() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(3);
		let a = info(agreement);
		assert_eq!((a.client, a.owner, a.service, a.periods, a.start_ms), (CLIENT, OWNER, 0, 3, GENESIS_MS));
		assert_eq!(a.status, AgreementStatus::Active);
		assert_eq!(held(CLIENT), 3 * PRICE);
		assert_eq!(free(CLIENT), INITIAL - 3 * PRICE);
		assert_eq!(
			last_event(),
			Event::AgreementCreated {
				agreement,
				client: CLIENT,
				service: 0,
				periods: 3,
				start_ms: GENESIS_MS,
				price_per_period: PRICE
			}
		);
		assert_eq!(
			Sla::period_to_record(agreement, 2).map(|p| p.window),
			None,
			"only the lowest unrecorded period is awaiting"
		);
		assert_eq!(
			Sla::period_to_record(agreement, 0).unwrap().window,
			Window { from_ms: GENESIS_MS, to_ms: GENESIS_MS + PERIOD_MS }
		);
		check_invariants();
	});
}

#[test]
fn create_agreement_validates_the_sla() {
	new_test_ext().execute_with(|| {
		service_with(1);
		let create = |sla: SlaTerms| Sla::create_agreement(RuntimeOrigin::signed(CLIENT), 0, sla, 1);
		let mut sla = cloud_sla();
		sla.qos.min_availability_permille = Some(1001);
		assert_noop!(create(sla), Error::<Test>::SlaPermilleOutOfRange);
		let mut sla = cloud_sla();
		sla.credits.other_breach_credit_percent = 101;
		assert_noop!(create(sla), Error::<Test>::SlaPercentOutOfRange);
		let mut sla = cloud_sla();
		sla.credits.availability_tiers[1].credit_percent = 5;
		assert_noop!(create(sla), Error::<Test>::SlaTiersNotOrdered);
		let mut sla = cloud_sla();
		sla.qos.min_healthy_instances = Some(0);
		assert_noop!(create(sla), Error::<Test>::SlaHealthyInstancesOutOfRange);
		let mut sla = cloud_sla();
		sla.qos.min_healthy_instances = Some(2);
		assert_noop!(create(sla), Error::<Test>::NotEnoughInstances);
		let mut sla = cloud_sla();
		sla.qos.min_vcpus_milli = Some(CAPACITY.vcpus_milli + 1);
		assert_noop!(create(sla), Error::<Test>::QosExceedsCapacity);
		let mut sla = cloud_sla();
		sla.qos.min_memory_mib = Some(CAPACITY.memory_mib + 1);
		assert_noop!(create(sla), Error::<Test>::QosExceedsCapacity);
		let mut sla = cloud_sla();
		sla.qos.min_availability_permille = Some(1000);
		sla.qos.min_vcpus_milli = Some(CAPACITY.vcpus_milli);
		sla.qos.min_healthy_instances = Some(1);
		assert_ok!(create(sla));
	});
}

#[test]
fn create_agreement_errors() {
	new_test_ext().execute_with(|| {
		let create =
			|who, service, periods| Sla::create_agreement(RuntimeOrigin::signed(who), service, cloud_sla(), periods);
		assert_noop!(create(CLIENT, 0, 1), Error::<Test>::ServiceNotFound);
		service_with(0);
		assert_noop!(create(CLIENT, 0, 1), Error::<Test>::ServiceHasNoInstances);
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 0, url("http://a")));
		assert_noop!(create(CLIENT, 0, 0), Error::<Test>::ZeroPeriods);
		assert_noop!(create(CLIENT, 0, MAX_PERIODS + 1), Error::<Test>::TooManyPeriods);
		// The client cannot cover the whole term.
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), INITIAL / 2, PERIOD_MS, CAPACITY));
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 1, url("http://a")));
		assert_noop!(create(CLIENT, 1, 2), pallet_escrow_release::Error::<Test>::InsufficientFunds);
		assert_noop!(Sla::create_agreement(RuntimeOrigin::none(), 0, cloud_sla(), 1), DispatchError::BadOrigin);
		// price × periods overflows.
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), Balance::MAX, PERIOD_MS, CAPACITY));
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 2, url("http://a")));
		assert_noop!(create(CLIENT, 2, 2), sp_runtime::ArithmeticError::Overflow);
		// The last agreement id is usable once.
		NextAgreementId::<Test>::put(AgreementId::MAX);
		assert_ok!(create(CLIENT, 0, 1));
		assert_eq!(info(AgreementId::MAX).client, CLIENT);
		assert_noop!(create(CLIENT_2, 0, 1), Error::<Test>::AgreementIdsExhausted);
	});
}

// ------------------------------------------------------- metrics and verdicts

#[test]
fn metrics_block_stores_a_met_verdict() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(2);
		pass_periods(agreement, 1);
		record(agreement, 0);
		let r = Periods::<Test>::get(agreement, 0).unwrap();
		assert_eq!(
			(r.verdict, r.state, r.failed_otp_attempts, r.recorded_at),
			(Verdict::Met, PeriodState::Recorded, 0, 1)
		);
		assert_eq!(last_event(), Event::PeriodRecorded { agreement, period: 0, verdict: Verdict::Met });
		assert_eq!(info(agreement).next_to_record, 1);
		check_invariants();
	});
}

#[test]
fn metrics_block_stores_a_breach_with_indicators_instances_and_credit() {
	new_test_ext().execute_with(|| {
		let service = service_with(2);
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT), service, cloud_sla(), 1));
		pass_periods(0, 1);
		let window = Sla::period_to_record(0, 0).unwrap().window;
		// Instance 1 never answered: availability (1000 + 0) / 2 = 500 ‰.
		let reports = vec![report(0, 0, 0, window, 1000)];
		Sla::on_metrics_block(0, 0, window, &reports, [1; 32]);
		match Periods::<Test>::get(0, 0).unwrap().verdict {
			Verdict::Breached { violated, failing_instances, credit_percent } => {
				assert_eq!(violated.to_vec(), vec![Indicator::Availability]);
				assert_eq!(failing_instances.to_vec(), vec![1]);
				assert_eq!(credit_percent, 100);
			}
			Verdict::Met => panic!("a missing instance breaches availability"),
		}
	});
}

#[test]
fn metrics_blocks_not_awaited_are_ignored() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(2);
		let window0 = Sla::period_to_record(agreement, 0).unwrap().window;
		let window1 = info(agreement).window(1).unwrap();
		// Unknown agreement, period out of order, period beyond the term, wrong window.
		Sla::on_metrics_block(agreement + 1, 0, window0, &[], [1; 32]);
		Sla::on_metrics_block(agreement, 1, window1, &[], [1; 32]);
		Sla::on_metrics_block(agreement, 5, window0, &[], [1; 32]);
		Sla::on_metrics_block(agreement, 0, window1, &[], [1; 32]);
		assert_eq!(Periods::<Test>::iter().count(), 0);
		assert!(sla_events().iter().all(|e| !matches!(e, Event::PeriodRecorded { .. })));
		// A second block for a recorded period is ignored too.
		record(agreement, 0);
		let before = Periods::<Test>::get(agreement, 0).unwrap();
		Sla::on_metrics_block(agreement, 0, window0, &[], [9; 32]);
		assert_eq!(Periods::<Test>::get(agreement, 0).unwrap(), before);
		check_invariants();
	});
}

#[test]
fn periods_awaiting_metrics_lists_closed_windows_oldest_first() {
	new_test_ext().execute_with(|| {
		let a = agreement_for(3); // starts at GENESIS_MS
		NowMs::set(GENESIS_MS + 30_000);
		let b = NextAgreementId::<Test>::get();
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT_2), 0, cloud_sla(), 3));
		assert!(Sla::periods_awaiting_metrics(GENESIS_MS + PERIOD_MS - 1, 10).is_empty());
		let due = Sla::periods_awaiting_metrics(GENESIS_MS + PERIOD_MS, 10);
		assert_eq!(due.iter().map(|p| (p.agreement, p.period)).collect::<Vec<_>>(), vec![(a, 0)]);
		let due = Sla::periods_awaiting_metrics(GENESIS_MS + 10 * PERIOD_MS, 10);
		assert_eq!(due.iter().map(|p| (p.agreement, p.period)).collect::<Vec<_>>(), vec![(a, 0), (b, 0)]);
		assert_eq!(due[0].monitors.len(), 1);
		assert_eq!(Sla::periods_awaiting_metrics(GENESIS_MS + 10 * PERIOD_MS, 1).len(), 1);
		// Once `a` 0 is recorded, `a` 1 is the next one due.
		NowMs::set(GENESIS_MS + 10 * PERIOD_MS);
		record(a, 0);
		let due = Sla::periods_awaiting_metrics(GENESIS_MS + 10 * PERIOD_MS, 10);
		assert_eq!(due.iter().map(|p| (p.agreement, p.period)).collect::<Vec<_>>(), vec![(b, 0), (a, 1)]);
		record(a, 1);
		record(a, 2);
		assert!(!AwaitingMetrics::<Test>::contains_key(a));
		assert_eq!(Sla::period_to_record(a, 3), None);
		check_invariants();
	});
}

// ---------------------------------------------------------------- OTP check

#[test]
fn confirm_with_matching_otp_pays_a_met_period_in_full() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(2);
		pass_periods(agreement, 1);
		let otp = record(agreement, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert_eq!(state(agreement, 0), Some(PeriodState::Settled));
		assert_eq!(
			last_event(),
			Event::PeriodSettled { agreement, period: 0, credit_percent: 0, to_owner: PRICE, to_client: 0 }
		);
		assert_eq!(free(OWNER), INITIAL + PRICE);
		assert_eq!(held(CLIENT), PRICE);
		assert_eq!(info(agreement).closed_periods, 1);
		check_invariants();
	});
}

#[test]
fn confirm_breached_period_refunds_the_credit_rounded_up() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(1);
		pass_periods(agreement, 1);
		// 980 ‰ is below 990 ‰: 30 % of 999 = 299.7, the client gets 300.
		let otp = record_with(agreement, 0, 980);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert!(sla_events().contains(&Event::PeriodSettled {
			agreement,
			period: 0,
			credit_percent: 30,
			to_owner: 699,
			to_client: 300
		}));
		assert_eq!(free(OWNER), INITIAL + 699);
		assert_eq!(free(CLIENT), INITIAL - 699);
		// The last period finishes the agreement and closes its escrow.
		assert_eq!(info(agreement).status, AgreementStatus::Finished);
		assert_eq!(last_event(), Event::AgreementFinished { agreement, released: 0 });
		assert_eq!(Escrow::held(agreement), None);
		assert_eq!(held(CLIENT), 0);
		check_invariants();
	});
}

#[test]
fn credit_shares_round_in_the_clients_favour() {
	for credit in 0u8..=100 {
		let share = owner_share_after_credit(credit);
		for price in [1u128, 3, 7, 99, 999, 1_000_001] {
			let (to_owner, to_client) = pallet_escrow_release::split_period_price(price, share);
			assert_eq!(to_client, (price * credit as u128).div_ceil(100));
			assert_eq!(to_owner + to_client, price);
		}
	}
}

#[test]
fn wrong_otp_is_counted_and_disputes_the_period_after_max_attempts() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(2);
		pass_periods(agreement, 1);
		let otp = record(agreement, 0);
		let mut wrong = otp;
		wrong[0] ^= 1;
		for attempt in 1..MAX_OTP_ATTEMPTS {
			assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, wrong));
			assert_eq!(last_event(), Event::OtpMismatch { agreement, period: 0, attempts: attempt });
			assert_eq!(state(agreement, 0), Some(PeriodState::Recorded));
		}
		assert_eq!(free(OWNER), INITIAL);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, wrong));
		let events = sla_events();
		assert_eq!(
			events[events.len() - 2..],
			[
				Event::OtpMismatch { agreement, period: 0, attempts: MAX_OTP_ATTEMPTS },
				Event::PeriodDisputed { agreement, period: 0, cause: DisputeCause::OtpAttemptsExhausted },
			]
		);
		assert_eq!(state(agreement, 0), Some(PeriodState::Disputed));
		// Even the right OTP no longer settles it.
		assert_noop!(
			Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp),
			Error::<Test>::PeriodDisputed
		);
		assert_eq!(held(CLIENT), 2 * PRICE);
		check_invariants();
	});
}

#[test]
fn otp_of_another_period_or_agreement_never_matches() {
	new_test_ext().execute_with(|| {
		let a = agreement_for(2);
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT), 0, cloud_sla(), 2));
		let b = a + 1;
		pass_periods(a, 2);
		let a0 = record(a, 0);
		let a1 = record(a, 1);
		let b0 = record(b, 0);
		// The same reports, the same key: only agreement and period differ.
		assert_ne!(a0, a1);
		assert_ne!(a0, b0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), a, 0, a1));
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), a, 0, b0));
		assert_eq!(Periods::<Test>::get(a, 0).unwrap().failed_otp_attempts, 2);
		assert_eq!(state(a, 0), Some(PeriodState::Recorded));
		// An OTP from reports the owner altered does not match either.
		let due = Periods::<Test>::get(a, 1).unwrap();
		let window = info(a).window(1).unwrap();
		let mut altered = report(a, 1, 0, window, 1000);
		altered.probe_successes = 999;
		let (forged, _) = otp_of(a, 1, &[altered]);
		assert!(!qos_primitives::otp::otp_matches(&forged, &due.otp_commitment));
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), a, 1, forged));
		assert_eq!(state(a, 1), Some(PeriodState::Recorded));
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), a, 1, a1));
		assert_eq!(state(a, 1), Some(PeriodState::Settled));
		check_invariants();
	});
}

fn hex32(s: &str) -> [u8; 32] {
	hex::decode(s).unwrap().try_into().unwrap()
}

/// Every case of `../shared/otp-vectors.json`: its commitment is stored through
/// the metrics-block path for its agreement id and period, its OTP settles
/// the period and a wrong one does not.
#[test]
fn reproduces_every_otp_reference_vector() {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/otp-vectors.json");
	let text = std::fs::read_to_string(path).expect("../shared/otp-vectors.json beside the repository");
	let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
	let cases = vectors["cases"].as_array().unwrap();
	assert!(cases.len() >= 4);
	for case in cases {
		let name = case["name"].as_str().unwrap();
		let agreement = case["agreement_id"].as_u64().unwrap();
		let period = case["period"].as_u64().unwrap() as PeriodIndex;
		let key = hex32(case["key"].as_str().unwrap());
		let otp = hex32(case["otp"].as_str().unwrap());
		let commitment = hex32(case["commitment"].as_str().unwrap());
		// The client's side of the vector: tags from the key, OTP from the tags.
		let tags: Vec<_> = case["reports"]
			.as_array()
			.unwrap()
			.iter()
			.map(|r| {
				let instance = r["instance_id"].as_u64().unwrap() as InstanceId;
				(instance, instance_tag(&key, agreement, period, instance, &hex32(r["report_hash"].as_str().unwrap())))
			})
			.collect();
		assert_eq!(period_otp(agreement, period, &tags), otp, "otp of case {name}");
		assert_eq!(commit(&otp), commitment, "commitment of case {name}");

		new_test_ext().execute_with(|| {
			service_with(1);
			NextAgreementId::<Test>::put(agreement);
			// A term cannot reach period u32::MAX (PeriodIndex is u32, MaxPeriods
			// bounds the term): such a block is ignored, and the case's
			// commitment is checked on the agreement's last period instead.
			let in_term = period < MAX_PERIODS;
			let stored_period = if in_term { period } else { MAX_PERIODS - 1 };
			assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT), 0, cloud_sla(), stored_period + 1));
			if !in_term {
				let window =
					Window::of_period(GENESIS_MS, PERIOD_MS, period).unwrap_or(Window { from_ms: 0, to_ms: 1 });
				Sla::on_metrics_block(agreement, period, window, &[], commitment);
				assert_eq!(Periods::<Test>::iter_prefix(agreement).count(), 0, "case {name}");
			}
			NowMs::set(GENESIS_MS + PERIOD_MS * (stored_period as u64 + 1));
			for earlier in 0..stored_period {
				record(agreement, earlier);
			}
			let window = Sla::period_to_record(agreement, stored_period).unwrap().window;
			Sla::on_metrics_block(agreement, stored_period, window, &[], commitment);
			assert_eq!(Periods::<Test>::get(agreement, stored_period).unwrap().otp_commitment, commitment);

			let mut wrong = otp;
			wrong[31] ^= 0x80;
			assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, stored_period, wrong));
			assert_eq!(state(agreement, stored_period), Some(PeriodState::Recorded), "case {name}");
			assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, stored_period, otp));
			assert_eq!(state(agreement, stored_period), Some(PeriodState::Settled), "case {name}");
			check_invariants();
		});
	}
}

#[test]
fn confirm_period_errors() {
	new_test_ext().execute_with(|| {
		let c = || RuntimeOrigin::signed(CLIENT);
		assert_noop!(Sla::confirm_period(c(), 0, 0, [0; 32]), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(2);
		assert_noop!(Sla::confirm_period(c(), agreement, 0, [0; 32]), Error::<Test>::PeriodAwaitingMetrics);
		assert_noop!(Sla::confirm_period(c(), agreement, 2, [0; 32]), Error::<Test>::PeriodNotInTerm);
		pass_periods(agreement, 1);
		let otp = record(agreement, 0);
		assert_noop!(Sla::confirm_period(RuntimeOrigin::signed(OWNER), agreement, 0, otp), Error::<Test>::NotClient);
		assert_ok!(Sla::confirm_period(c(), agreement, 0, otp));
		assert_noop!(Sla::confirm_period(c(), agreement, 0, otp), Error::<Test>::PeriodAlreadySettled);
		assert_noop!(Sla::confirm_period(RuntimeOrigin::root(), agreement, 0, otp), DispatchError::BadOrigin);
	});
}

// ------------------------------------------------------- disputes

#[test]
fn either_party_may_escalate_after_the_confirm_window() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(2);
		pass_periods(agreement, 2);
		record(agreement, 0);
		record(agreement, 1);
		assert_noop!(Sla::escalate(RuntimeOrigin::signed(OWNER), agreement, 0), Error::<Test>::ConfirmWindowOpen);
		advance_blocks(CONFIRM_WINDOW - 1);
		assert_noop!(Sla::escalate(RuntimeOrigin::signed(CLIENT), agreement, 0), Error::<Test>::ConfirmWindowOpen);
		advance_blocks(1);
		assert_ok!(Sla::escalate(RuntimeOrigin::signed(OWNER), agreement, 0));
		assert_eq!(last_event(), Event::PeriodDisputed { agreement, period: 0, cause: DisputeCause::EscalatedByOwner });
		assert_ok!(Sla::escalate(RuntimeOrigin::signed(CLIENT), agreement, 1));
		assert_eq!(
			last_event(),
			Event::PeriodDisputed { agreement, period: 1, cause: DisputeCause::EscalatedByClient }
		);
		assert_eq!(state(agreement, 0), Some(PeriodState::Disputed));
		check_invariants();
	});
}

#[test]
fn escalate_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(Sla::escalate(RuntimeOrigin::signed(CLIENT), 0, 0), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(2);
		assert_noop!(Sla::escalate(RuntimeOrigin::signed(OTHER), agreement, 0), Error::<Test>::NotParty);
		assert_noop!(Sla::escalate(RuntimeOrigin::signed(CLIENT), agreement, 0), Error::<Test>::PeriodAwaitingMetrics);
		assert_noop!(Sla::escalate(RuntimeOrigin::signed(CLIENT), agreement, 9), Error::<Test>::PeriodNotInTerm);
		pass_periods(agreement, 2);
		let otp = record(agreement, 0);
		record(agreement, 1);
		advance_blocks(CONFIRM_WINDOW);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert_noop!(Sla::escalate(RuntimeOrigin::signed(OWNER), agreement, 0), Error::<Test>::PeriodAlreadySettled);
		assert_ok!(Sla::escalate(RuntimeOrigin::signed(OWNER), agreement, 1));
		assert_noop!(Sla::escalate(RuntimeOrigin::signed(CLIENT), agreement, 1), Error::<Test>::PeriodDisputed);
	});
}

#[test]
fn arbiter_resolves_a_dispute_with_a_split() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(1);
		pass_periods(agreement, 1);
		record(agreement, 0);
		advance_blocks(CONFIRM_WINDOW);
		assert_ok!(Sla::escalate(RuntimeOrigin::signed(OWNER), agreement, 0));
		// A third of 999 is 332.999...: the owner gets 332, the client 667.
		let share = Perbill::from_rational(1u32, 3u32);
		assert_ok!(Sla::resolve_dispute(RuntimeOrigin::root(), agreement, 0, share));
		assert!(sla_events().contains(&Event::DisputeResolved {
			agreement,
			period: 0,
			owner_share: share,
			to_owner: 332,
			to_client: 667
		}));
		assert_eq!(state(agreement, 0), Some(PeriodState::Resolved));
		assert_eq!(free(OWNER), INITIAL + 332);
		assert_eq!(free(CLIENT), INITIAL - 332);
		assert_eq!(info(agreement).status, AgreementStatus::Finished);
		check_invariants();
	});
}

#[test]
fn resolve_dispute_errors() {
	new_test_ext().execute_with(|| {
		let root = || RuntimeOrigin::root();
		assert_noop!(Sla::resolve_dispute(root(), 0, 0, Perbill::one()), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(2);
		assert_noop!(Sla::resolve_dispute(root(), agreement, 0, Perbill::one()), Error::<Test>::PeriodAwaitingMetrics);
		assert_noop!(Sla::resolve_dispute(root(), agreement, 2, Perbill::one()), Error::<Test>::PeriodNotInTerm);
		pass_periods(agreement, 1);
		record(agreement, 0);
		assert_noop!(Sla::resolve_dispute(root(), agreement, 0, Perbill::one()), Error::<Test>::PeriodNotDisputed);
		assert_noop!(
			Sla::resolve_dispute(RuntimeOrigin::signed(CLIENT), agreement, 0, Perbill::one()),
			DispatchError::BadOrigin
		);
		advance_blocks(CONFIRM_WINDOW);
		assert_ok!(Sla::escalate(RuntimeOrigin::signed(CLIENT), agreement, 0));
		assert_ok!(Sla::resolve_dispute(root(), agreement, 0, Perbill::one()));
		// Resolved once: never paid again.
		assert_noop!(Sla::resolve_dispute(root(), agreement, 0, Perbill::one()), Error::<Test>::PeriodNotDisputed);
		assert_noop!(
			Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, [0; 32]),
			Error::<Test>::PeriodAlreadySettled
		);
	});
}

// -------------------------------------------------------------- cancellation

#[test]
fn cancel_refunds_later_periods_and_keeps_the_running_one_owed() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(5);
		// In the middle of period 1.
		NowMs::set(GENESIS_MS + PERIOD_MS + PERIOD_MS / 2);
		assert_ok!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), agreement));
		assert_eq!(
			last_event(),
			Event::AgreementCancelled { agreement, periods: 2, refunded_periods: 3, refunded: 3 * PRICE }
		);
		assert_eq!(held(CLIENT), 2 * PRICE);
		assert_eq!(free(CLIENT), INITIAL - 2 * PRICE);
		let a = info(agreement);
		assert_eq!((a.periods, a.status), (2, AgreementStatus::Cancelled));
		// Periods 0 and 1 are still recorded and settled normally.
		pass_periods(agreement, 2);
		let otp0 = record(agreement, 0);
		let otp1 = record_with(agreement, 1, 980);
		assert_eq!(Sla::period_to_record(agreement, 2), None);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp0));
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 1, otp1));
		assert_eq!(free(OWNER), INITIAL + PRICE + 699);
		assert_eq!(info(agreement).status, AgreementStatus::Finished);
		assert_noop!(
			Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 2, [0; 32]),
			Error::<Test>::PeriodNotInTerm
		);
		check_invariants();
	});
}

#[test]
fn cancel_after_the_term_refunds_nothing_and_releases_top_ups_at_the_end() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(1);
		assert_ok!(Escrow::top_up(RuntimeOrigin::signed(CLIENT), agreement, 50));
		pass_periods(agreement, 3);
		assert_ok!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), agreement));
		assert_eq!(last_event(), Event::AgreementCancelled { agreement, periods: 1, refunded_periods: 0, refunded: 0 });
		let otp = record(agreement, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert_eq!(last_event(), Event::AgreementFinished { agreement, released: 50 });
		assert_eq!(free(CLIENT), INITIAL - PRICE);
		check_invariants();
	});
}

#[test]
fn cancel_when_every_owed_period_is_paid_finishes_the_agreement() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(3);
		pass_periods(agreement, 1);
		let otp = record(agreement, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		// Exactly at the end of period 0 period 1 has started and is owed:
		// only period 2 is refunded.
		assert_ok!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), agreement));
		assert_eq!(info(agreement).periods, 2);
		// Now a cancel when period 0 is the only owed one and it is paid.
		let b = NextAgreementId::<Test>::get();
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT_2), 0, cloud_sla(), 3));
		NowMs::set(info(b).start_ms + PERIOD_MS);
		let otp = record(b, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT_2), b, 0, otp));
		NowMs::set(info(b).start_ms + PERIOD_MS - 1);
		assert_ok!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT_2), b));
		assert_eq!(info(b).status, AgreementStatus::Finished);
		assert_eq!(last_event(), Event::AgreementFinished { agreement: b, released: 0 });
		assert_eq!(held(CLIENT_2), 0);
		check_invariants();
	});
}

#[test]
fn cancel_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), 0), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(2);
		assert_noop!(Sla::cancel_agreement(RuntimeOrigin::signed(OWNER), agreement), Error::<Test>::NotClient);
		assert_ok!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), agreement));
		assert_noop!(
			Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), agreement),
			Error::<Test>::AgreementAlreadyCancelled
		);
		let b = NextAgreementId::<Test>::get();
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT), 0, cloud_sla(), 1));
		pass_periods(b, 1);
		let otp = record(b, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), b, 0, otp));
		assert_noop!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), b), Error::<Test>::AgreementFinished);
	});
}

#[test]
fn finished_agreement_awaits_nothing() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(1);
		pass_periods(agreement, 1);
		let otp = record(agreement, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert!(Sla::periods_awaiting_metrics(u64::MAX, 10).is_empty());
		assert_eq!(Sla::period_to_record(agreement, 0), None);
		check_invariants();
	});
}

#[test]
fn try_state_detects_a_period_paid_without_being_counted() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(2);
		pass_periods(agreement, 1);
		record(agreement, 0);
		Sla::do_try_state().unwrap();
		Periods::<Test>::mutate(agreement, 0, |r| r.as_mut().unwrap().state = PeriodState::Settled);
		assert!(Sla::do_try_state().is_err());
	});
}

// ------------------------------------------------------------ property test

mod property {
	use super::*;
	use proptest::prelude::*;

	const CLIENTS: [AccountId; 3] = [CLIENT, CLIENT_2, OTHER];
	const OWNERS: [AccountId; 2] = [OWNER, OWNER_2];

	#[derive(Clone, Debug)]
	enum Op {
		Create {
			client: usize,
			service: u64,
			periods: u32,
			strict: bool,
		},
		AddInstance {
			owner: usize,
			service: u64,
		},
		Retire {
			owner: usize,
			service: u64,
			instance: InstanceId,
		},
		Advance {
			ms: u64,
			blocks: u64,
		},
		Record {
			availability: u32,
			limit: u32,
		},
		/// `pick` selects a recorded period (in any state, so repeats happen).
		Confirm {
			pick: usize,
			as_client: bool,
			right: bool,
		},
		Escalate {
			pick: usize,
			by_owner: bool,
		},
		Resolve {
			pick: usize,
			share: u32,
		},
		/// `pick` selects an agreement.
		Cancel {
			pick: usize,
			as_client: bool,
		},
		TopUp {
			pick: usize,
			as_client: bool,
			amount: Balance,
		},
	}

	fn op() -> impl Strategy<Value = Op> {
		prop_oneof![
			3 => (0usize..3, 0u64..3, 1u32..5, any::<bool>())
				.prop_map(|(client, service, periods, strict)| Op::Create { client, service, periods, strict }),
			1 => (0usize..2, 0u64..3).prop_map(|(owner, service)| Op::AddInstance { owner, service }),
			1 => (0usize..2, 0u64..3, 0u32..4).prop_map(|(owner, service, instance)| Op::Retire { owner, service, instance }),
			3 => (0u64..3 * PERIOD_MS, 0u64..2 * CONFIRM_WINDOW).prop_map(|(ms, blocks)| Op::Advance { ms, blocks }),
			4 => (prop_oneof![Just(1000u32), Just(995), Just(980), Just(0)], 1u32..4)
				.prop_map(|(availability, limit)| Op::Record { availability, limit }),
			5 => (any::<usize>(), prop::bool::weighted(0.9), prop::bool::weighted(0.6))
				.prop_map(|(pick, as_client, right)| Op::Confirm { pick, as_client, right }),
			3 => (any::<usize>(), any::<bool>()).prop_map(|(pick, by_owner)| Op::Escalate { pick, by_owner }),
			4 => (any::<usize>(), 0u32..=1_000_000_000).prop_map(|(pick, share)| Op::Resolve { pick, share }),
			1 => (any::<usize>(), prop::bool::weighted(0.9)).prop_map(|(pick, as_client)| Op::Cancel { pick, as_client }),
			1 => (any::<usize>(), prop::bool::weighted(0.9), 0u128..2_000)
				.prop_map(|(pick, as_client, amount)| Op::TopUp { pick, as_client, amount }),
		]
	}

	fn setup() {
		// Service 0 and 2 of OWNER, service 1 of OWNER_2, each with one instance.
		for (i, owner) in [OWNER, OWNER_2, OWNER].into_iter().enumerate() {
			assert_ok!(Sla::register_service(RuntimeOrigin::signed(owner), PRICE + i as Balance, PERIOD_MS, CAPACITY));
			assert_ok!(Sla::add_instance(RuntimeOrigin::signed(owner), i as u64, url("http://m:1")));
		}
	}

	fn pick_period(pick: usize) -> Option<(AgreementId, PeriodIndex)> {
		let mut all: Vec<_> = Periods::<Test>::iter_keys().collect();
		all.sort();
		(!all.is_empty()).then(|| all[pick % all.len()])
	}

	/// An agreement and, when `as_party`, its client, else someone else.
	fn pick_agreement(pick: usize, as_party: bool) -> (AgreementId, AccountId) {
		let mut all: Vec<_> = Agreements::<Test>::iter().map(|(id, a)| (id, a.client)).collect();
		all.sort();
		if all.is_empty() {
			return (pick as AgreementId % 8, CLIENT);
		}
		let (id, client) = all[pick % all.len()];
		(id, if as_party { client } else { CLIENTS[(CLIENTS.iter().position(|c| *c == client).unwrap() + 1) % 3] })
	}

	fn apply(op: &Op, otps: &mut std::collections::BTreeMap<(AgreementId, PeriodIndex), Otp>) {
		let _ = frame_support::storage::with_storage_layer(|| -> sp_runtime::DispatchResult {
			match *op {
				Op::Create { client, service, periods, strict } => {
					let mut sla = cloud_sla();
					if strict {
						sla.qos.max_latency_p95_ms = Some(10);
					}
					Sla::create_agreement(RuntimeOrigin::signed(CLIENTS[client]), service, sla, periods)
				}
				Op::AddInstance { owner, service } => {
					Sla::add_instance(RuntimeOrigin::signed(OWNERS[owner]), service, url("http://n:2"))
				}
				Op::Retire { owner, service, instance } => {
					Sla::retire_instance(RuntimeOrigin::signed(OWNERS[owner]), service, instance)
				}
				Op::Advance { ms, blocks } => {
					NowMs::set(NowMs::get() + ms);
					advance_blocks(blocks);
					Ok(())
				}
				Op::Record { availability, limit } => {
					// What the metrics-blocks pallet does with the periods due.
					for due in Sla::periods_awaiting_metrics(NowMs::get(), limit) {
						let reports: Vec<Report> = due
							.monitors
							.iter()
							.map(|m| report(due.agreement, due.period, m.instance, due.window, availability))
							.collect();
						let (otp, commitment) = otp_of(due.agreement, due.period, &reports);
						otps.insert((due.agreement, due.period), otp);
						Sla::on_metrics_block(due.agreement, due.period, due.window, &reports, commitment);
					}
					Ok(())
				}
				Op::Confirm { pick, as_client, right } => {
					let Some((agreement, period)) = pick_period(pick) else { return Ok(()) };
					let (_, who) = pick_agreement(agreement as usize, as_client);
					let who = if as_client { info(agreement).client } else { who };
					let mut otp = otps.get(&(agreement, period)).copied().unwrap_or([7; 32]);
					if !right {
						otp[5] ^= 0xff;
					}
					Sla::confirm_period(RuntimeOrigin::signed(who), agreement, period, otp)
				}
				Op::Escalate { pick, by_owner } => {
					let Some((agreement, period)) = pick_period(pick) else { return Ok(()) };
					let a = info(agreement);
					Sla::escalate(RuntimeOrigin::signed(if by_owner { a.owner } else { a.client }), agreement, period)
				}
				Op::Resolve { pick, share } => {
					let Some((agreement, period)) = pick_period(pick) else { return Ok(()) };
					Sla::resolve_dispute(RuntimeOrigin::root(), agreement, period, Perbill::from_parts(share))
				}
				Op::Cancel { pick, as_client } => {
					let (agreement, who) = pick_agreement(pick, as_client);
					Sla::cancel_agreement(RuntimeOrigin::signed(who), agreement)
				}
				Op::TopUp { pick, as_client, amount } => {
					let (agreement, who) = pick_agreement(pick, as_client);
					Escrow::top_up(RuntimeOrigin::signed(who), agreement, amount)
				}
			}
		});
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(128))]
		#[test]
		fn funds_conserved_holds_match_escrows_and_no_period_paid_twice(
			ops in proptest::collection::vec(op(), 1..80)
		) {
			new_test_ext().execute_with(|| {
				setup();
				let mut otps = std::collections::BTreeMap::new();
				for op in &ops {
					apply(op, &mut otps);
					check_invariants();
					let held_total: Balance = ACCOUNTS.iter().map(|a| held(*a)).sum();
					prop_assert_eq!(held_total, pallet_escrow_release::TotalEscrowed::<Test>::get());
				}
				// No period is paid twice, and only a period that left `Recorded`
				// or `Disputed` for good was paid.
				let mut paid = std::collections::BTreeSet::new();
				for record in System::events() {
					if let RuntimeEvent::Escrow(pallet_escrow_release::Event::PeriodPaid { agreement, period, .. }) = record.event {
						prop_assert!(paid.insert((agreement, period)), "period {:?} paid twice", (agreement, period));
						let state = Periods::<Test>::get(agreement, period).map(|r| r.state);
						prop_assert!(matches!(state, Some(PeriodState::Settled | PeriodState::Resolved)));
					}
				}
				// Every agreement's money is accounted for: paid + refunded + held = price × periods + top-ups.
				for (agreement, a) in Agreements::<Test>::iter() {
					let mut out: Balance = 0;
					let mut topped: Balance = 0;
					let mut opened: Balance = 0;
					for record in System::events() {
						match record.event {
							RuntimeEvent::Escrow(pallet_escrow_release::Event::PeriodPaid { agreement: x, to_owner, to_client, .. }) if x == agreement => out += to_owner + to_client,
							RuntimeEvent::Escrow(pallet_escrow_release::Event::PeriodsRefunded { agreement: x, amount, .. }) if x == agreement => out += amount,
							RuntimeEvent::Escrow(pallet_escrow_release::Event::EscrowClosed { agreement: x, released }) if x == agreement => out += released,
							RuntimeEvent::Escrow(pallet_escrow_release::Event::ToppedUp { agreement: x, amount, .. }) if x == agreement => topped += amount,
							RuntimeEvent::Escrow(pallet_escrow_release::Event::EscrowOpened { agreement: x, amount, .. }) if x == agreement => opened += amount,
							_ => {},
						}
					}
					let paid_periods = paid.iter().filter(|(x, _)| *x == agreement).count() as u32;
					prop_assert_eq!(paid_periods, a.closed_periods);
					prop_assert_eq!(opened + topped, out + Escrow::held(agreement).unwrap_or(0));
				}
				Ok(())
			})?;
		}
	}
}
