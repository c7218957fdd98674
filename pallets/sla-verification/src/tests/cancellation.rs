//! Cancellation by the client: the notice rule.

use super::*;
use crate::{AgreementStatus, Error};
use frame_support::assert_noop;

#[test]
fn cancel_refunds_later_periods_and_keeps_the_running_one_owed() {
	build_and_execute(|| {
		let agreement = agreement_for(5);
		let client_before = free(CLIENT);
		// In the middle of period 1.
		NowMs::set(GENESIS_MS + PERIOD_MS + PERIOD_MS / 2);
		assert_ok!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), agreement));
		assert_eq!(
			last_event(),
			Event::AgreementCancelled { agreement, periods: 2, refunded_periods: 3, refunded: 3 * PRICE }
		);
		assert_eq!(held(CLIENT), 2 * PRICE);
		assert_eq!(free(CLIENT), client_before + 3 * PRICE);
		let a = info(agreement);
		assert_eq!((a.periods, a.status), (2, AgreementStatus::Cancelled));
		// Periods 0 and 1 are still recorded and closed normally.
		settle_window(agreement, 1);
		let otp0 = record(agreement, 0);
		let otp1 = record_breach(agreement, 1);
		assert_eq!(Sla::period_to_record(agreement, 2), None);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp0));
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 1, otp1));
		assert_ok!(Sla::accept_verdict(RuntimeOrigin::signed(OWNER), agreement, 1));
		assert_eq!(settlement(agreement, 1), Some((Closure::Confirmed, 699, 300)));
		assert!(info(agreement).is_finished());
		assert_noop!(
			Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 2, [0; 32]),
			Error::<Test>::PeriodNotInTerm
		);
	});
}

#[test]
fn cancel_after_the_term_refunds_nothing_and_releases_top_ups_at_the_end() {
	build_and_execute(|| {
		let agreement = agreement_for(1);
		assert_ok!(Escrow::top_up(RuntimeOrigin::signed(CLIENT), agreement, 50));
		pass_periods(agreement, 3);
		assert_ok!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), agreement));
		assert_eq!(last_event(), Event::AgreementCancelled { agreement, periods: 1, refunded_periods: 0, refunded: 0 });
		let otp = record(agreement, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert_eq!(last_event(), Event::AgreementFinished { agreement, released: 50 });
	});
}

#[test]
fn cancel_when_every_owed_period_is_closed_finishes_the_agreement() {
	build_and_execute(|| {
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
		assert_ok!(create(CLIENT_2, 0, 3));
		NowMs::set(info(b).start_ms + PERIOD_MS);
		let otp = record(b, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT_2), b, 0, otp));
		NowMs::set(info(b).start_ms + PERIOD_MS - 1);
		assert_ok!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT_2), b));
		assert!(info(b).is_finished());
		assert_eq!(last_event(), Event::AgreementFinished { agreement: b, released: 0 });
		assert_eq!(held(CLIENT_2), 0);
	});
}

#[test]
fn cancel_errors() {
	build_and_execute(|| {
		assert_noop!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), 0), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(2);
		assert_noop!(Sla::cancel_agreement(RuntimeOrigin::signed(OWNER), agreement), Error::<Test>::NotClient);
		assert_ok!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), agreement));
		assert_noop!(
			Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), agreement),
			Error::<Test>::AgreementAlreadyCancelled
		);
		let b = NextAgreementId::<Test>::get();
		assert_ok!(create(CLIENT, 0, 1));
		pass_periods(b, 1);
		let otp = record(b, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), b, 0, otp));
		assert_noop!(Sla::cancel_agreement(RuntimeOrigin::signed(CLIENT), b), Error::<Test>::AgreementFinished);
	});
}

#[test]
fn a_finished_agreement_awaits_nothing() {
	build_and_execute(|| {
		let agreement = agreement_for(1);
		pass_periods(agreement, 1);
		let otp = record(agreement, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert!(due_periods(u64::MAX, 10).is_empty());
		assert_eq!(Sla::period_to_record(agreement, 0), None);
	});
}

#[test]
fn try_state_detects_a_period_closed_without_being_counted() {
	new_test_ext().execute_with(|| {
		let agreement = agreement_for(2);
		pass_periods(agreement, 1);
		record(agreement, 0);
		Sla::do_try_state().unwrap();
		Periods::<Test>::mutate(agreement, 0, |r| r.as_mut().unwrap().state = PeriodState::Closed(Closure::Confirmed));
		assert!(Sla::do_try_state().is_err());
	});
}
