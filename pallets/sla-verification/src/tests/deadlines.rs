//! Deadlines: every held unit of escrow has one, after which a documented
//! rule moves it (threat 4).

use super::*;
use crate::{DisputeCause, Error};
use frame_support::{assert_noop, traits::Get, weights::Weight};

fn settle_overdue(agreement: AgreementId, period: PeriodIndex) -> sp_runtime::DispatchResult {
	Sla::settle_overdue(RuntimeOrigin::signed(OTHER), agreement, period)
}

#[test]
fn a_client_who_never_confirms_pays_per_the_verdict_after_the_window() {
	build_and_execute(|| {
		let agreement = agreement_for(2);
		settle_window(agreement, 1);
		record(agreement, 0);
		record_breach(agreement, 1);
		advance_blocks(CONTEST_WINDOW - 1);
		assert_noop!(settle_overdue(agreement, 0), Error::<Test>::DeadlineNotReached);
		advance_blocks(1);
		assert_ok!(settle_overdue(agreement, 0));
		assert_ok!(settle_overdue(agreement, 1));
		assert_eq!(settlement(agreement, 0), Some((Closure::DeemedAccepted, PRICE, 0)));
		assert_eq!(settlement(agreement, 1), Some((Closure::DeemedAccepted, 699, 300)), "the credit still goes back");
		assert!(info(agreement).is_finished());
		assert_noop!(settle_overdue(agreement, 0), Error::<Test>::PeriodClosed);
	});
}

#[test]
fn an_arbiter_who_never_acts_leaves_the_default_split() {
	build_and_execute(|| {
		let agreement = agreement_for(1);
		settle_window(agreement, 0);
		let otp = record(agreement, 0);
		let mut wrong = otp;
		wrong[0] ^= 1;
		for _ in 0..MAX_OTP_ATTEMPTS {
			assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, wrong));
		}
		assert_eq!(
			state(agreement, 0),
			Some(PeriodState::Disputed { cause: DisputeCause::OtpAttemptsExhausted, since: 1 })
		);
		advance_blocks(ARBITRATION_WINDOW - 1);
		assert_noop!(settle_overdue(agreement, 0), Error::<Test>::DeadlineNotReached);
		advance_blocks(1);
		assert_ok!(settle_overdue(agreement, 0));
		let to_owner = UNRESOLVED_SHARE.mul_floor(PRICE);
		assert_eq!(settlement(agreement, 0), Some((Closure::ArbitrationLapsed, to_owner, PRICE - to_owner)));
	});
}

#[test]
fn a_period_without_a_metrics_block_lapses_and_unblocks_the_next() {
	build_and_execute(|| {
		let agreement = agreement_for(3);
		settle_window(agreement, 1);
		// No accounting node recorded period 0; period 1 cannot be recorded
		// before it (periods are recorded in order).
		assert!(Sla::period_to_record(agreement, 1).is_none());
		NowMs::set(info(agreement).window(0).unwrap().to_ms + REPORT_SETTLE_MS + RECORD_DEADLINE_MS - 1);
		assert_noop!(settle_overdue(agreement, 0), Error::<Test>::DeadlineNotReached);
		assert_noop!(settle_overdue(agreement, 1), Error::<Test>::EarlierPeriodOpen);
		NowMs::set(NowMs::get() + 1);
		let client_before = free(CLIENT);
		assert_ok!(settle_overdue(agreement, 0));
		assert!(emitted(Event::PeriodLapsed { agreement, period: 0, refunded: PRICE }));
		assert_eq!(free(CLIENT), client_before + PRICE);
		assert_eq!(state(agreement, 0), Some(PeriodState::Closed(Closure::Lapsed)));
		assert_eq!(Periods::<Test>::get(agreement, 0).unwrap().verdict, None);
		assert_eq!(Discarded::get(), vec![(agreement, 0)], "an unfinished block of it is dropped");
		// Period 1 can now be recorded; a late block for period 0 cannot.
		assert_eq!(Sla::period_to_record(agreement, 1).map(|p| p.period), Some(1));
		assert!(Sla::period_to_record(agreement, 0).is_none());
		let otp = record(agreement, 1);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 1, otp));
		assert_eq!(periods_due(agreement), Some(1), "two of three periods closed: one lapsed, one settled");
	});
}

#[test]
fn an_owner_who_disappears_freezes_nothing() {
	build_and_execute(|| {
		let agreement = agreement_on(2, 3);
		let service_deposit = deposits(OWNER);
		// The owner stops everything: its instances die and it never acts again.
		settle_window(agreement, 2);
		for period in 0..3 {
			let otp = record_reports(agreement, period, &[]);
			assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, period, otp));
		}
		close_contest_window();
		for period in 0..3 {
			assert_ok!(Sla::settle_overdue(RuntimeOrigin::signed(CLIENT), agreement, period));
			assert_eq!(settlement(agreement, period), Some((Closure::Confirmed, 0, PRICE)));
		}
		assert!(info(agreement).is_finished());
		assert_eq!((held(CLIENT), Escrow::held(agreement)), (0, None), "all of the escrow went back");
		assert_eq!(deposits(OWNER), service_deposit, "the owner's deposit stays until it deregisters");
	});
}

#[test]
fn settle_overdue_errors() {
	build_and_execute(|| {
		assert_noop!(settle_overdue(0, 0), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(2);
		assert_noop!(settle_overdue(agreement, 2), Error::<Test>::PeriodNotInTerm);
		assert_noop!(settle_overdue(agreement, 0), Error::<Test>::DeadlineNotReached);
		assert_noop!(Sla::settle_overdue(RuntimeOrigin::none(), agreement, 0), sp_runtime::DispatchError::BadOrigin);
	});
}

/// The record deadline of `period` of `agreement`.
fn record_deadline(agreement: AgreementId, period: PeriodIndex) -> u64 {
	info(agreement).window(period).unwrap().to_ms + REPORT_SETTLE_MS + RECORD_DEADLINE_MS
}

fn lapse_at_block_start() -> Weight {
	<Sla as frame_support::traits::Hooks<u64>>::on_initialize(System::block_number())
}

fn reads(n: u64) -> Weight {
	<<Test as frame_system::Config>::DbWeight as Get<frame_support::weights::RuntimeDbWeight>>::get().reads(n)
}

/// What the start of a block charges for lapsing runs of these lengths: the
/// clock and the index's front, then each run's index entry and lapse.
fn lapse_weight(runs: &[u32]) -> Weight {
	runs.iter().fold(reads(2), |w, k| w + reads(1) + <() as crate::WeightInfo>::lapse_overdue_periods(*k))
}

fn lapsed(agreement: AgreementId, period: PeriodIndex) -> bool {
	state(agreement, period) == Some(PeriodState::Closed(Closure::Lapsed))
}

#[test]
fn the_chain_lapses_a_period_nobody_recorded_at_its_deadline() {
	build_and_execute(|| {
		let agreement = agreement_for(2);
		// Nobody records period 0 and nobody asks for the rule: the client,
		// say, is the owner's accomplice and wants the period to stay open.
		NowMs::set(record_deadline(agreement, 0) - 1);
		assert_eq!(lapse_at_block_start(), lapse_weight(&[]));
		assert_eq!(state(agreement, 0), None, "not before the deadline");
		NowMs::set(record_deadline(agreement, 0));
		let client_before = free(CLIENT);
		assert_eq!(lapse_at_block_start(), lapse_weight(&[1]));
		assert!(emitted(Event::PeriodLapsed { agreement, period: 0, refunded: PRICE }));
		assert!(lapsed(agreement, 0));
		assert_eq!(free(CLIENT), client_before + PRICE);
		assert_eq!(Discarded::get(), vec![(agreement, 0)], "an unfinished block of it is dropped");
		// The next period awaits its metrics block; a late call for the
		// lapsed one finds it closed.
		assert_eq!(Sla::period_to_record(agreement, 1).map(|p| p.period), Some(1));
		assert_noop!(settle_overdue(agreement, 0), Error::<Test>::PeriodClosed);
	});
}

#[test]
fn the_chain_lapses_overdue_periods_oldest_window_first_within_its_budget() {
	build_and_execute(|| {
		// `first` is created first but awaits its second period; `second`
		// and `third`, created later, await their first, which closed before.
		let first = agreement_for(2);
		NowMs::set(NowMs::get() + 1_000);
		let second = agreement_for(1);
		NowMs::set(NowMs::get() + 1_000);
		let third = agreement_for(1);
		settle_window(first, 0);
		record(first, 0);
		NowMs::set(record_deadline(first, 1));
		// Room for two agreements' lapses a block.
		MaxLapseWeight::set(lapse_weight(&[1, 1]));
		assert_eq!(lapse_at_block_start(), lapse_weight(&[1, 1]));
		assert_eq!([lapsed(second, 0), lapsed(third, 0), lapsed(first, 1)], [true, true, false]);
		assert!(info(second).is_finished(), "its last period closed: the agreement finished");
		assert_eq!(lapse_at_block_start(), lapse_weight(&[1]));
		assert!(lapsed(first, 1));
		assert_eq!(lapse_at_block_start(), lapse_weight(&[]));
		// Room for one lapse and a read more, with two overdue: the second
		// entry is not read, so it is not charged either, and it lapses next.
		let (fifth, sixth) = (agreement_for(1), agreement_for(1));
		NowMs::set(record_deadline(sixth, 0));
		MaxLapseWeight::set(lapse_weight(&[1]) + reads(1));
		assert_eq!(lapse_at_block_start(), lapse_weight(&[1]));
		assert_eq!([lapsed(fifth, 0), lapsed(sixth, 0)], [true, false]);
		assert_eq!(lapse_at_block_start(), lapse_weight(&[1]));
		assert!(lapsed(sixth, 0));
		// No room for even one: nothing is lapsed, and only the scan is charged.
		let fourth = agreement_for(1);
		NowMs::set(record_deadline(fourth, 0));
		MaxLapseWeight::set(lapse_weight(&[1]) - Weight::from_parts(1, 0));
		assert_eq!(lapse_at_block_start(), lapse_weight(&[]));
		assert!(!lapsed(fourth, 0));
	});
}

#[test]
fn an_agreement_that_fell_behind_catches_up_in_one_lapse() {
	build_and_execute(|| {
		// The chain was down for four periods and their record deadlines.
		let agreement = agreement_for(6);
		NowMs::set(record_deadline(agreement, 3));
		let client_before = free(CLIENT);
		assert_eq!(lapse_at_block_start(), lapse_weight(&[4]));
		for period in 0..4 {
			assert!(emitted(Event::PeriodLapsed { agreement, period, refunded: PRICE }));
		}
		assert_eq!(free(CLIENT), client_before + 4 * PRICE, "one refund of four periods");
		assert!(!lapsed(agreement, 4), "its deadline has not passed");
		assert_eq!(Sla::period_to_record(agreement, 4).map(|p| p.period), Some(4));
		// A budget of two periods lapses a run in parts.
		NowMs::set(record_deadline(agreement, 5));
		MaxLapseWeight::set(lapse_weight(&[1]));
		assert_eq!(lapse_at_block_start(), lapse_weight(&[1]));
		assert!(lapsed(agreement, 4) && !lapsed(agreement, 5));
		assert_eq!(lapse_at_block_start(), lapse_weight(&[1]));
		assert!(info(agreement).is_finished());
	});
}

#[test]
fn the_automatic_lapse_pays_out_what_earlier_periods_owe_when_it_finishes_the_agreement() {
	build_and_execute(|| {
		let agreement = agreement_for(2);
		settle_window(agreement, 0);
		let otp = record_breach(agreement, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert_ok!(Sla::accept_verdict(RuntimeOrigin::signed(OWNER), agreement, 0));
		let (to_owner, to_client) = owed(agreement);
		assert!(to_owner > 0 && to_client > 0, "both are owed a share of period 0");
		let (owner_before, client_before) = (free(OWNER), free(CLIENT));
		NowMs::set(record_deadline(agreement, 1));
		lapse_at_block_start();
		assert!(info(agreement).is_finished());
		assert_eq!(free(OWNER), owner_before + to_owner);
		assert_eq!(free(CLIENT), client_before + to_client + PRICE, "its share, and period 1 refunded");
		assert_eq!((held(CLIENT), Escrow::held(agreement)), (0, None));
	});
}
