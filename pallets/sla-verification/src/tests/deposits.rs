//! Storage deposits and pruning: state that does not grow forever, and is
//! paid for by whoever makes it grow (threat 7).

use super::*;
use crate::Error;
use frame_support::assert_noop;

/// A finished one-period agreement whose metrics store holds `blocks` blocks.
fn finished(blocks: u32) -> AgreementId {
	let agreement = agreement_for(1);
	StoredBlocks::mutate(|s| s.push((agreement, blocks)));
	settle_window(agreement, 0);
	let otp = record(agreement, 0);
	assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
	assert!(info(agreement).is_finished());
	agreement
}

#[test]
fn a_pruned_agreement_returns_the_clients_deposit() {
	build_and_execute(|| {
		let agreement = finished(1);
		let deposit = deposits(CLIENT);
		assert!(deposit > 0);
		let free_before = free(CLIENT);
		advance_blocks(RETENTION);
		assert_ok!(Sla::prune_agreement(RuntimeOrigin::signed(OTHER), agreement));
		assert_eq!(last_event(), Event::AgreementPruned { agreement });
		assert_eq!((deposits(CLIENT), free(CLIENT)), (0, free_before + deposit));
		assert!(Agreements::<Test>::get(agreement).is_none());
		assert_eq!(Periods::<Test>::iter_prefix(agreement).count(), 0);
		assert_eq!(StoredBlocks::get(), vec![(agreement, 0)], "its metrics blocks went too");
	});
}

#[test]
fn pruning_goes_in_batches() {
	build_and_execute(|| {
		// One period record and nine metrics blocks, four blocks per call.
		let agreement = finished(9);
		advance_blocks(RETENTION);
		let prune = || Sla::prune_agreement(RuntimeOrigin::signed(OTHER), agreement);
		assert_ok!(prune());
		assert_eq!(last_event(), Event::AgreementPartlyPruned { agreement, removed: 1 + PRUNE_BATCH });
		assert_ok!(prune());
		assert_eq!(last_event(), Event::AgreementPartlyPruned { agreement, removed: PRUNE_BATCH });
		assert!(deposits(CLIENT) > 0, "the deposit stays until the last item is gone");
		assert_ok!(prune());
		assert_eq!(last_event(), Event::AgreementPruned { agreement });
		assert_eq!(deposits(CLIENT), 0);
	});
}

#[test]
fn prune_errors() {
	build_and_execute(|| {
		let prune = |agreement| Sla::prune_agreement(RuntimeOrigin::signed(OTHER), agreement);
		assert_noop!(prune(0), Error::<Test>::AgreementNotFound);
		let running = agreement_for(2);
		assert_noop!(prune(running), Error::<Test>::AgreementNotFinished);
		let done = finished(0);
		advance_blocks(RETENTION - 1);
		assert_noop!(prune(done), Error::<Test>::RetentionNotOver);
	});
}

#[test]
fn spamming_the_validators_costs_the_spammer() {
	build_and_execute(|| {
		// The spam of threat 7: an account rents its own one-instance service
		// over and over. Each agreement burns its accounting fee and holds a
		// deposit; the price it pays itself comes back, the rest does not.
		let service = service_with(1);
		assert_ok!(Sla::update_service(RuntimeOrigin::signed(OWNER), service, MIN_PRICE, MIN_PERIOD_MS, CAPACITY));
		let issuance = Balances::total_issuance();
		for _ in 0..10 {
			assert_ok!(Sla::create_agreement(
				RuntimeOrigin::signed(OWNER),
				service,
				0,
				cloud_terms(),
				MAX_PERIODS,
				MIN_PRICE,
				None
			));
		}
		assert_eq!(issuance - Balances::total_issuance(), 10 * accounting_fee(1, MAX_PERIODS));
		assert!(deposits(OWNER) > 10 * DEPOSIT_BASE);
		// And a price below the minimum is refused outright.
		assert_noop!(
			Sla::update_service(RuntimeOrigin::signed(OWNER), service, MIN_PRICE - 1, MIN_PERIOD_MS, CAPACITY),
			Error::<Test>::PriceBelowMinimum
		);
	});
}

#[test]
fn an_agreement_without_the_deposit_is_refused() {
	build_and_execute(|| {
		let service = service_with(1);
		// The client keeps 50 units free, less than any deposit.
		let lock = free(CLIENT) - 50;
		assert_ok!(pallet_escrow_release::Pallet::<Test>::open(99, &CLIENT, &OTHER, lock, 1, lock));
		assert_noop!(create(CLIENT, service, 1), Error::<Test>::DepositUnavailable);
	});
}
