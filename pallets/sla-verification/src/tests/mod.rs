//! Tests of every call, trait function and error of the SLA pallet, run
//! against the real escrow pallet and pallet-balances, by topic. Every test
//! runs in `build_and_execute`, which checks the invariants of both pallets
//! when it ends. The attacks of `docs/threat-model.md` are the tests named
//! after them.

use crate::{
	mock::*, AgreementOf, Agreements, Capacity, Closure, Event, NextAgreementId, OfferTerms, PeriodState, Periods,
	Services,
};
use frame_support::{
	assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use pallet_escrow_release::{EscrowSettlement, HoldReason as EscrowHold};
use qos_primitives::{
	otp::{commit, instance_tag, period_otp, Commitment, Otp},
	sla::{CreditTier, QosIndicators, Sla as SlaBounded, SlaTerms},
	traits::{AgreementRegistry, MetricsBlockHandler, PeriodToRecord},
	AgreementId, InstanceId, PeriodIndex, Report, REPORT_SETTLE_MS,
};

mod agreements;
mod arbitration;
mod cancellation;
mod confirmation;
mod contests;
mod deadlines;
mod deposits;
mod instances;
mod offers;
mod property;
mod recording;
mod services;

pub const PRICE: Balance = 999;
pub const PERIOD_MS: u64 = 60_000;
pub const KEY: [u8; 32] = [0x42; 32];
pub const CAPACITY: Capacity = Capacity { vcpus_milli: 2_000, memory_mib: 4_096 };

pub fn url(s: &str) -> Vec<u8> {
	s.as_bytes().to_vec()
}

/// A public cloud's SLA: 99.9 % availability, credits of 10 % below it,
/// 30 % below 99 %, 100 % below 95 %, and 25 % for any other breach.
pub fn cloud_terms() -> SlaTerms {
	SlaTerms {
		qos: QosIndicators { min_availability_permille: Some(999), ..Default::default() },
		availability_tiers: vec![
			CreditTier { below_permille: 999, credit_percent: 10 },
			CreditTier { below_permille: 990, credit_percent: 30 },
			CreditTier { below_permille: 950, credit_percent: 100 },
		],
		other_breach_credit_percent: 25,
	}
}

pub fn cloud_sla() -> SlaBounded {
	SlaBounded::try_from(cloud_terms()).unwrap()
}

/// The offer of [`service_with`]: the cloud SLA, arbitrated by `ARBITER`.
pub fn cloud_offer() -> OfferTerms<AccountId> {
	OfferTerms { sla: cloud_terms(), arbiters: vec![ARBITER] }
}

/// Registers a service of `OWNER` with the cloud offer and `instances` instances.
pub fn service_with(instances: u32) -> u64 {
	let service = crate::NextServiceId::<Test>::get();
	assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), PRICE, PERIOD_MS, CAPACITY));
	assert_ok!(Sla::set_offers(RuntimeOrigin::signed(OWNER), service, vec![cloud_offer()]));
	for i in 0..instances {
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), service, url(&format!("http://10.0.0.{i}:9615"))));
	}
	service
}

/// `who` makes an agreement on offer 0 of `service` with the cloud terms,
/// arbitrated by `ARBITER`.
pub fn create(who: AccountId, service: u64, periods: u32) -> sp_runtime::DispatchResult {
	Sla::create_agreement(RuntimeOrigin::signed(who), service, 0, cloud_terms(), periods, PRICE, Some(ARBITER))
}

/// An agreement of `CLIENT` for `periods` on a new service of `instances` instances.
pub fn agreement_on(instances: u32, periods: u32) -> AgreementId {
	let service = service_with(instances);
	let agreement = NextAgreementId::<Test>::get();
	assert_ok!(create(CLIENT, service, periods));
	agreement
}

/// An agreement of `CLIENT` for `periods` on a new one-instance service.
pub fn agreement_for(periods: u32) -> AgreementId {
	agreement_on(1, periods)
}

/// A report at `successes` of 1000 probes, p95 latency 20 ms and CPU steal
/// 10 ‰: the values the SLAs of these tests are drawn around.
pub fn report(agreement: AgreementId, period: PeriodIndex, instance: InstanceId, successes: u32) -> Report {
	let window = info(agreement).window(period).unwrap();
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
pub fn otp_of(agreement: AgreementId, period: PeriodIndex, reports: &[Report]) -> (Otp, Commitment) {
	let tags: Vec<_> =
		reports.iter().map(|r| (r.instance, instance_tag(&KEY, agreement, period, r.instance, &r.hash()))).collect();
	let otp = period_otp(agreement, period, &tags);
	(otp, commit(&otp))
}

/// Records `period` as the metrics-blocks pallet does, with these reports.
/// Returns the client's OTP.
pub fn record_reports(agreement: AgreementId, period: PeriodIndex, reports: &[Report]) -> Otp {
	let due = Sla::period_to_record(agreement, period).expect("period awaits metrics");
	let (otp, commitment) = otp_of(agreement, period, reports);
	Sla::on_metrics_block(agreement, period, due.window, reports, commitment);
	otp
}

/// Records `period` with every pulled instance reporting `successes` of 1000 probes.
pub fn record_with(agreement: AgreementId, period: PeriodIndex, successes: u32) -> Otp {
	let due = Sla::period_to_record(agreement, period).expect("period awaits metrics");
	let reports: Vec<Report> = due.monitors.iter().map(|m| report(agreement, period, m.instance, successes)).collect();
	record_reports(agreement, period, &reports)
}

/// Records `period` with every instance up all the time (verdict `Met`).
pub fn record(agreement: AgreementId, period: PeriodIndex) -> Otp {
	record_with(agreement, period, 1000)
}

/// Records `period` at 98 % availability: breached, 30 % credit.
pub fn record_breach(agreement: AgreementId, period: PeriodIndex) -> Otp {
	record_with(agreement, period, 980)
}

pub fn state(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodState<u64>> {
	Periods::<Test>::get(agreement, period).map(|r| r.state)
}

pub fn info(agreement: AgreementId) -> AgreementOf<Test> {
	Agreements::<Test>::get(agreement).unwrap()
}

/// What `who` holds in escrow.
pub fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&EscrowHold::Escrow.into(), &who)
}

/// What `who` holds as storage deposits of this pallet.
pub fn deposits(who: AccountId) -> Balance {
	Balances::balance_on_hold(&crate::HoldReason::ServiceDeposit.into(), &who)
		+ Balances::balance_on_hold(&crate::HoldReason::AgreementDeposit.into(), &who)
}

pub fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

/// What the settled periods of `agreement` owe and have not paid out:
/// `(to the owner, to the client)`.
pub fn owed(agreement: AgreementId) -> (Balance, Balance) {
	pallet_escrow_release::Escrows::<Test>::get(agreement).map_or((0, 0), |e| (e.owed_to_owner, e.owed_to_client))
}

/// Every period due by `now_ms`, within a budget of `max_monitors` monitors,
/// as an accounting node that may take any of them asks for them.
pub fn due_periods(now_ms: u64, max_monitors: u32) -> Vec<PeriodToRecord> {
	Sla::periods_awaiting_metrics(now_ms, max_monitors, &|_, _, _| core::ops::ControlFlow::Continue(true))
}

/// Periods of `agreement` its escrow still has due.
pub fn periods_due(agreement: AgreementId) -> Option<u32> {
	pallet_escrow_release::Escrows::<Test>::get(agreement).map(|e| e.periods_due)
}

pub fn sla_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Sla(e) => Some(e),
			_ => None,
		})
		.collect()
}

pub fn last_event() -> Event<Test> {
	sla_events().pop().expect("an SLA event")
}

pub fn emitted(event: Event<Test>) -> bool {
	sla_events().contains(&event)
}

/// The `PeriodSettled` event of `period`, as `(closure, to_owner, to_client)`.
pub fn settlement(agreement: AgreementId, period: PeriodIndex) -> Option<(Closure, Balance, Balance)> {
	sla_events().into_iter().find_map(|e| match e {
		Event::PeriodSettled { agreement: a, period: p, closure, to_owner, to_client, .. }
			if a == agreement && p == period =>
		{
			Some((closure, to_owner, to_client))
		},
		_ => None,
	})
}

/// Total issuance is the initial one minus the accounting fees burned.
pub fn assert_supply_less_fees(fees: Balance) {
	assert_eq!(Balances::total_issuance(), INITIAL * ACCOUNTS.len() as Balance - fees);
	let total: Balance = ACCOUNTS.iter().map(Balances::total_balance).sum();
	assert_eq!(total, Balances::total_issuance());
}

pub fn advance_blocks(n: u64) {
	System::set_block_number(System::block_number() + n);
}

/// Chain time at the end of `periods` periods of `agreement`.
pub fn pass_periods(agreement: AgreementId, periods: u32) {
	let a = info(agreement);
	NowMs::set(a.start_ms + a.period_ms * periods as u64);
}

/// Chain time when `period`'s report is settled.
pub fn settle_window(agreement: AgreementId, period: PeriodIndex) {
	pass_periods(agreement, period + 1);
	NowMs::set(NowMs::get() + REPORT_SETTLE_MS);
}

/// Closes the contest window of periods recorded so far.
pub fn close_contest_window() {
	advance_blocks(CONTEST_WINDOW);
}

pub fn accounting_fee(instances: u32, periods: u32) -> Balance {
	ACCOUNTING_FEE * instances as Balance * periods as Balance
}
