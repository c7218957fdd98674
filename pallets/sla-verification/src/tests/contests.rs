//! Contests: the side that loses money on a verdict may contest it within
//! the contest window (threat 3).

use super::*;
use crate::{DisputeCause, Error, Party};
use frame_support::assert_noop;

fn contest(who: AccountId, agreement: AgreementId, period: PeriodIndex) -> sp_runtime::DispatchResult {
	Sla::contest_period(RuntimeOrigin::signed(who), agreement, period, b"reports disagree with our logs".to_vec())
}

fn disputed_by(party: Party) -> Option<PeriodState<u64>> {
	Some(PeriodState::Disputed { cause: DisputeCause::Contested(party), since: System::block_number() })
}

#[test]
fn owner_contests_a_breach_the_client_confirmed() {
	build_and_execute(|| {
		let agreement = agreement_for(1);
		settle_window(agreement, 0);
		let otp = record_breach(agreement, 0);
		// The client confirms at once; today's owner would be paid minus the
		// credit without a say. Now it may still contest.
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		advance_blocks(CONTEST_WINDOW - 1);
		assert_ok!(contest(OWNER, agreement, 0));
		assert_eq!(state(agreement, 0), disputed_by(Party::Owner));
		assert!(emitted(Event::PeriodContested {
			agreement,
			period: 0,
			by: Party::Owner,
			reason: b"reports disagree with our logs".to_vec().try_into().unwrap()
		}));
		assert_eq!(
			last_event(),
			Event::PeriodDisputed { agreement, period: 0, cause: DisputeCause::Contested(Party::Owner) }
		);
		assert_eq!(held(CLIENT), PRICE, "the period's price waits for the arbiter");
		assert_ok!(Sla::resolve_dispute(RuntimeOrigin::signed(ARBITER), agreement, 0, 1000));
		assert_eq!(settlement(agreement, 0), Some((Closure::Arbitrated, PRICE, 0)));
	});
}

#[test]
fn client_contests_a_met_verdict_instead_of_confirming() {
	build_and_execute(|| {
		let agreement = agreement_for(1);
		settle_window(agreement, 0);
		record(agreement, 0);
		assert_ok!(contest(CLIENT, agreement, 0));
		assert_eq!(state(agreement, 0), disputed_by(Party::Client));
		assert_noop!(
			Sla::settle_overdue(RuntimeOrigin::signed(OWNER), agreement, 0),
			Error::<Test>::DeadlineNotReached
		);
	});
}

#[test]
fn owner_accepting_a_confirmed_breach_pays_it_at_once() {
	build_and_execute(|| {
		let agreement = agreement_for(2);
		settle_window(agreement, 1);
		let otp0 = record_breach(agreement, 0);
		let otp1 = record_breach(agreement, 1);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp0));
		assert_ok!(Sla::accept_verdict(RuntimeOrigin::signed(OWNER), agreement, 0));
		assert!(emitted(Event::VerdictAccepted { agreement, period: 0 }));
		assert_eq!(settlement(agreement, 0), Some((Closure::Confirmed, 699, 300)));
		// Accepted before the client confirms: paid when the client does.
		assert_ok!(Sla::accept_verdict(RuntimeOrigin::signed(OWNER), agreement, 1));
		assert_eq!(state(agreement, 1), Some(PeriodState::Recorded));
		assert_noop!(contest(OWNER, agreement, 1), Error::<Test>::VerdictAccepted);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 1, otp1));
		assert_eq!(settlement(agreement, 1), Some((Closure::Confirmed, 699, 300)));
	});
}

#[test]
fn contest_errors_name_the_state() {
	build_and_execute(|| {
		assert_noop!(contest(CLIENT, 0, 0), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(3);
		assert_noop!(contest(OTHER, agreement, 0), Error::<Test>::NotParty);
		assert_noop!(contest(CLIENT, agreement, 0), Error::<Test>::PeriodAwaitingMetrics);
		assert_noop!(contest(CLIENT, agreement, 9), Error::<Test>::PeriodNotInTerm);
		assert_noop!(
			Sla::contest_period(RuntimeOrigin::signed(CLIENT), agreement, 0, vec![b'x'; MAX_REASON_LEN as usize + 1]),
			Error::<Test>::ReasonTooLong
		);
		settle_window(agreement, 2);
		let met = record(agreement, 0);
		let breach = record_breach(agreement, 1);
		record(agreement, 2);
		// The owner loses nothing on a met verdict: nothing to contest.
		assert_noop!(contest(OWNER, agreement, 0), Error::<Test>::NoCreditToContest);
		// A client that confirmed a breach accepted it.
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 1, breach));
		assert_noop!(contest(CLIENT, agreement, 1), Error::<Test>::PeriodAlreadyConfirmed);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, met));
		assert_noop!(contest(CLIENT, agreement, 0), Error::<Test>::PeriodClosed);
		assert_ok!(contest(OWNER, agreement, 1));
		assert_noop!(contest(OWNER, agreement, 1), Error::<Test>::PeriodDisputed);
		close_contest_window();
		assert_noop!(contest(CLIENT, agreement, 2), Error::<Test>::ContestWindowClosed);
	});
}

#[test]
fn accept_verdict_errors_name_the_state() {
	build_and_execute(|| {
		let accept = |who, agreement, period| Sla::accept_verdict(RuntimeOrigin::signed(who), agreement, period);
		assert_noop!(accept(OWNER, 0, 0), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(2);
		assert_noop!(accept(CLIENT, agreement, 0), Error::<Test>::NotServiceOwner);
		assert_noop!(accept(OWNER, agreement, 0), Error::<Test>::PeriodAwaitingMetrics);
		settle_window(agreement, 1);
		record(agreement, 0);
		record_breach(agreement, 1);
		assert_noop!(accept(OWNER, agreement, 0), Error::<Test>::NoCreditToContest);
		assert_ok!(accept(OWNER, agreement, 1));
		assert_noop!(accept(OWNER, agreement, 1), Error::<Test>::VerdictAccepted);
		assert_ok!(contest(CLIENT, agreement, 0));
		assert_noop!(accept(OWNER, agreement, 0), Error::<Test>::PeriodDisputed);
	});
}
