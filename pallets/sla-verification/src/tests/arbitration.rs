//! Arbitration: the arbiter the client chose among the offer's, or the
//! last-resort origin, splits a disputed period's price and nothing else
//! (threat 5).

use super::*;
use crate::{DisputeCause, Error, Party};
use frame_support::assert_noop;
use sp_runtime::DispatchError;

/// An agreement of 3 periods whose period 0 the client contested.
fn disputed() -> AgreementId {
	let agreement = agreement_for(3);
	settle_window(agreement, 0);
	record(agreement, 0);
	assert_ok!(Sla::contest_period(RuntimeOrigin::signed(CLIENT), agreement, 0, b"down".to_vec()));
	agreement
}

#[test]
fn the_named_arbiter_splits_only_the_disputed_periods_price() {
	build_and_execute(|| {
		let agreement = disputed();
		let (owner_before, client_before) = (free(OWNER), free(CLIENT));
		// A third to the owner: 332.999 of 999 rounds to 332; the client gets 667.
		assert_ok!(Sla::resolve_dispute(RuntimeOrigin::signed(ARBITER), agreement, 0, 333));
		assert_eq!(settlement(agreement, 0), Some((Closure::Arbitrated, 332, 667)));
		assert_eq!(state(agreement, 0), Some(PeriodState::Closed(Closure::Arbitrated)));
		assert_eq!(owed(agreement), (332, 667));
		assert_eq!(
			pallet_escrow_release::Escrows::<Test>::get(agreement).map(|e| e.unsettled()),
			Some(2 * PRICE),
			"the other periods' escrow is untouched"
		);
		assert_ok!(Escrow::pay_out(RuntimeOrigin::signed(CLIENT), agreement));
		assert_eq!((free(OWNER), free(CLIENT)), (owner_before + 332, client_before + 667));
		assert_eq!(Escrow::held(agreement), Some(2 * PRICE));
	});
}

#[test]
fn the_last_resort_arbiter_may_always_resolve() {
	build_and_execute(|| {
		let agreement = disputed();
		assert_ok!(Sla::resolve_dispute(RuntimeOrigin::root(), agreement, 0, 0));
		assert_eq!(settlement(agreement, 0), Some((Closure::Arbitrated, 0, PRICE)));
	});
}

#[test]
fn nobody_else_arbitrates_not_even_a_party() {
	build_and_execute(|| {
		let agreement = disputed();
		for who in [CLIENT, OWNER, OTHER] {
			assert_noop!(
				Sla::resolve_dispute(RuntimeOrigin::signed(who), agreement, 0, 1000),
				Error::<Test>::NotArbiter
			);
		}
		// An agreement that named no arbiter has only the last resort.
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT_2), 0, 0, cloud_terms(), 1, PRICE, None));
		let b = agreement + 1;
		settle_window(b, 0);
		record(b, 0);
		assert_ok!(Sla::contest_period(RuntimeOrigin::signed(CLIENT_2), b, 0, vec![]));
		assert_eq!(
			state(b, 0),
			Some(PeriodState::Disputed { cause: DisputeCause::Contested(Party::Client), since: 1 })
		);
		assert_noop!(Sla::resolve_dispute(RuntimeOrigin::signed(ARBITER), b, 0, 1000), Error::<Test>::NotArbiter);
		assert_noop!(Sla::resolve_dispute(RuntimeOrigin::none(), b, 0, 1000), DispatchError::BadOrigin);
	});
}

#[test]
fn resolve_dispute_errors() {
	build_and_execute(|| {
		let root = || RuntimeOrigin::root();
		assert_noop!(Sla::resolve_dispute(root(), 0, 0, 1000), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(2);
		assert_noop!(Sla::resolve_dispute(root(), agreement, 0, 1000), Error::<Test>::PeriodAwaitingMetrics);
		assert_noop!(Sla::resolve_dispute(root(), agreement, 2, 1000), Error::<Test>::PeriodNotInTerm);
		settle_window(agreement, 0);
		record(agreement, 0);
		assert_noop!(Sla::resolve_dispute(root(), agreement, 0, 1000), Error::<Test>::PeriodNotDisputed);
		assert_ok!(Sla::contest_period(RuntimeOrigin::signed(CLIENT), agreement, 0, vec![]));
		// Threat 8: a share above the whole gets a name.
		assert_noop!(Sla::resolve_dispute(root(), agreement, 0, 1001), Error::<Test>::ShareAboveWhole);
		assert_ok!(Sla::resolve_dispute(root(), agreement, 0, 1000));
		// Resolved once: never paid again.
		assert_noop!(Sla::resolve_dispute(root(), agreement, 0, 1000), Error::<Test>::PeriodNotDisputed);
		assert_noop!(
			Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, [0; 32]),
			Error::<Test>::PeriodClosed
		);
	});
}
