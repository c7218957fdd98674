//! Tests of every call, trait function and error of the escrow pallet.

use crate::{
	mock::*, split_period_price, Error, EscrowSettlement, Escrows, Event, HoldReason, SettledPeriod, TotalEscrowed,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::{Perbill, TokenError};

const AGREEMENT: u64 = 7;
const PRICE: Balance = 1_000;

fn held_by(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::Escrow.into(), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

fn open(periods: u32) {
	assert_ok!(Escrow::open(AGREEMENT, &CLIENT, &OWNER, PRICE, periods, PRICE * periods as Balance));
}

fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Escrow(e) => Some(e),
			_ => None,
		})
		.expect("an escrow event")
}

fn escrow_low_emitted() -> bool {
	System::events().iter().any(|r| matches!(r.event, RuntimeEvent::Escrow(Event::EscrowLow { .. })))
}

fn check_invariants(issuance: Balance) {
	Escrow::do_try_state().unwrap();
	assert_eq!(Balances::total_issuance(), issuance);
	let sum: Balance = [CLIENT, OWNER, OTHER, NOBODY].iter().map(Balances::total_balance).sum();
	assert_eq!(sum, issuance);
}

#[test]
fn open_holds_the_clients_funds_on_their_own_account() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		open(3);
		assert_eq!(held_by(CLIENT), 3 * PRICE);
		assert_eq!(free(CLIENT), INITIAL - 3 * PRICE);
		assert_eq!(TotalEscrowed::<Test>::get(), 3 * PRICE);
		assert_eq!(Escrow::held(AGREEMENT), Some(3 * PRICE));
		assert_eq!(
			last_event(),
			Event::EscrowOpened {
				agreement: AGREEMENT,
				client: CLIENT,
				owner: OWNER,
				period_price: PRICE,
				periods: 3,
				amount: 3 * PRICE
			}
		);
		assert!(!escrow_low_emitted());
		check_invariants(issuance);
	});
}

#[test]
fn open_twice_is_refused() {
	build_and_execute(|| {
		open(1);
		assert_noop!(Escrow::open(AGREEMENT, &OTHER, &OWNER, PRICE, 1, PRICE), Error::<Test>::EscrowAlreadyOpen);
	});
}

#[test]
fn open_without_funds_is_refused() {
	build_and_execute(|| {
		assert_noop!(Escrow::open(AGREEMENT, &CLIENT, &OWNER, INITIAL, 1, INITIAL), Error::<Test>::InsufficientFunds);
		assert_noop!(Escrow::open(AGREEMENT, &NOBODY, &OWNER, PRICE, 1, PRICE), Error::<Test>::InsufficientFunds);
	});
}

#[test]
fn open_with_less_than_a_period_warns() {
	build_and_execute(|| {
		assert_ok!(Escrow::open(AGREEMENT, &CLIENT, &OWNER, PRICE, 2, PRICE - 1));
		assert_eq!(last_event(), Event::EscrowLow { agreement: AGREEMENT, unsettled: PRICE - 1, next_due: PRICE });
	});
}

fn settled(
	to_owner: Balance,
	to_client: Balance,
	periods_due: u32,
) -> Result<SettledPeriod<Balance>, sp_runtime::DispatchError> {
	Ok(SettledPeriod { to_owner, to_client, periods_due })
}

fn owed(agreement: u64) -> (Balance, Balance) {
	Escrows::<Test>::get(agreement).map_or((0, 0), |e| (e.owed_to_owner, e.owed_to_client))
}

#[test]
fn a_settled_period_is_owed_on_hold_until_paid_out() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		open(2);
		assert_eq!(Escrow::settle_period(AGREEMENT, 0, Perbill::one()), settled(PRICE, 0, 1));
		// Settling moves nothing: the owner's share stays on the client's hold.
		assert_eq!((free(OWNER), held_by(CLIENT)), (INITIAL, 2 * PRICE));
		assert_eq!(owed(AGREEMENT), (PRICE, 0));
		check_invariants(issuance);

		assert_ok!(Escrow::pay_out(RuntimeOrigin::signed(OWNER), AGREEMENT));
		assert_eq!(free(OWNER), INITIAL + PRICE);
		assert_eq!(held_by(CLIENT), PRICE);
		assert_eq!(owed(AGREEMENT), (0, 0));
		assert_eq!(last_event(), Event::PaidOut { agreement: AGREEMENT, to_owner: PRICE, to_client: 0 });
		assert_eq!(Escrows::<Test>::get(AGREEMENT).unwrap().periods_due, 1, "a period is still due: the escrow stays");
		check_invariants(issuance);
	});
}

#[test]
fn one_pay_out_pays_many_periods() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		open(4);
		for (period, share) in [(0, 100), (1, 90), (2, 100)] {
			assert_ok!(Escrow::settle_period(AGREEMENT, period, Perbill::from_percent(share)));
		}
		assert_eq!(owed(AGREEMENT), (2 * PRICE + 900, 100));
		assert_ok!(Escrow::pay_out(RuntimeOrigin::signed(CLIENT), AGREEMENT));
		assert_eq!(last_event(), Event::PaidOut { agreement: AGREEMENT, to_owner: 2 * PRICE + 900, to_client: 100 });
		assert_eq!((free(OWNER), free(CLIENT)), (INITIAL + 2 * PRICE + 900, INITIAL - 3 * PRICE - 900));
		assert_eq!(held_by(CLIENT), PRICE);
		check_invariants(issuance);
	});
}

#[test]
fn settle_breached_period_refunds_the_credit_rounded_for_the_client() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		let price = 999;
		assert_ok!(Escrow::open(AGREEMENT, &CLIENT, &OWNER, price, 1, price));
		// 10 % credit of 999 is 99.9: the client gets 100, the owner 899.
		assert_eq!(Escrow::settle_period(AGREEMENT, 0, Perbill::from_percent(90)), settled(899, 100, 0));
		// No period is due: paying out closes the escrow.
		assert_ok!(Escrow::pay_out(RuntimeOrigin::signed(CLIENT), AGREEMENT));
		assert_eq!(free(OWNER), INITIAL + 899);
		assert_eq!(free(CLIENT), INITIAL - 899);
		assert_eq!(held_by(CLIENT), 0);
		assert_eq!(Escrow::held(AGREEMENT), None);
		assert_eq!(last_event(), Event::EscrowClosed { agreement: AGREEMENT, released: 100 });
		check_invariants(issuance);
	});
}

#[test]
fn rounding_favours_the_client_by_at_most_one_unit() {
	for price in 0u128..400 {
		for credit in 0u32..=100 {
			let (to_owner, to_client) = split_period_price(price, Perbill::from_percent(100 - credit));
			assert_eq!(to_owner + to_client, price);
			// refund = ceil(price × credit / 100)
			assert_eq!(to_client, (price * credit as u128).div_ceil(100), "price {price} credit {credit}");
			let exact_times_100 = price * credit as u128;
			assert!(to_client * 100 >= exact_times_100 && to_client * 100 < exact_times_100 + 100);
		}
	}
	assert_eq!(split_period_price(u128::MAX, Perbill::from_percent(50)), (u128::MAX / 2, u128::MAX / 2 + 1));
	assert_eq!(split_period_price(u128::MAX, Perbill::one()), (u128::MAX, 0));
}

#[test]
fn settle_errors_name_the_state() {
	build_and_execute(|| {
		assert_noop!(Escrow::settle_period(AGREEMENT, 0, Perbill::one()), Error::<Test>::EscrowNotFound);
		assert_ok!(Escrow::open(AGREEMENT, &CLIENT, &OWNER, PRICE, 2, PRICE + 1));
		assert_ok!(Escrow::settle_period(AGREEMENT, 0, Perbill::one()));
		assert_noop!(Escrow::settle_period(AGREEMENT, 1, Perbill::one()), Error::<Test>::InsufficientEscrow);
		assert!(escrow_low_emitted());
		assert_ok!(Escrow::top_up(RuntimeOrigin::signed(CLIENT), AGREEMENT, PRICE));
		assert_ok!(Escrow::settle_period(AGREEMENT, 1, Perbill::one()));
		assert_noop!(Escrow::settle_period(AGREEMENT, 2, Perbill::one()), Error::<Test>::NoPeriodDue);
	});
}

#[test]
fn an_owner_that_cannot_receive_blocks_neither_settling_nor_the_clients_refund() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		// The owner's account is gone, and half of a small price is below the
		// existential deposit.
		let small = 2 * (EXISTENTIAL_DEPOSIT - 1);
		assert_ok!(Escrow::open(AGREEMENT, &CLIENT, &NOBODY, small, 1, small));
		assert_eq!(Escrow::settle_period(AGREEMENT, 0, Perbill::from_percent(50)), settled(small / 2, small / 2, 0));
		// Closing pays the client its credit and keeps the owner's share.
		assert_eq!(Escrow::close(AGREEMENT), Ok(small / 2));
		assert!(System::events()
			.iter()
			.any(|r| r.event
				== RuntimeEvent::Escrow(Event::OwnerPaymentPending { agreement: AGREEMENT, owed: small / 2 })));
		assert_eq!(held_by(CLIENT), small / 2);
		assert_eq!(owed(AGREEMENT), (small / 2, 0));
		check_invariants(issuance);
		// Only the owner is owed and it still cannot receive.
		assert_noop!(Escrow::pay_out(RuntimeOrigin::signed(CLIENT), AGREEMENT), Error::<Test>::OwnerCannotReceive);
		// Once the owner's account exists, its share is paid and the escrow closes.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(OTHER), NOBODY, EXISTENTIAL_DEPOSIT));
		assert_ok!(Escrow::pay_out(RuntimeOrigin::signed(NOBODY), AGREEMENT));
		assert_eq!(free(NOBODY), EXISTENTIAL_DEPOSIT + small / 2);
		assert_eq!((held_by(CLIENT), Escrow::held(AGREEMENT)), (0, None));
		assert_eq!(last_event(), Event::EscrowClosed { agreement: AGREEMENT, released: 0 });
		check_invariants(issuance);
	});
}

#[test]
fn a_lock_the_client_takes_on_does_not_withhold_what_the_owner_is_owed() {
	build_and_execute(|| {
		use frame_support::traits::{LockableCurrency, WithdrawReasons};
		let issuance = Balances::total_issuance();
		open(2);
		assert_ok!(Escrow::settle_period(AGREEMENT, 0, Perbill::one()));
		// The client then locks its whole balance, the held part included
		// (a vote, say): what the settled period owes is the owner's still.
		<Balances as LockableCurrency<AccountId>>::set_lock(*b"votelock", &CLIENT, INITIAL, WithdrawReasons::all());
		let owner_before = free(OWNER);
		assert_ok!(Escrow::pay_out(RuntimeOrigin::signed(OWNER), AGREEMENT));
		assert_eq!(free(OWNER), owner_before + PRICE);
		assert_eq!(owed(AGREEMENT), (0, 0));
		check_invariants(issuance);
	});
}

#[test]
fn pay_out_errors_name_the_state() {
	build_and_execute(|| {
		assert_noop!(Escrow::pay_out(RuntimeOrigin::signed(CLIENT), AGREEMENT), Error::<Test>::EscrowNotFound);
		open(2);
		assert_noop!(Escrow::pay_out(RuntimeOrigin::signed(CLIENT), AGREEMENT), Error::<Test>::NothingOwed);
		assert_ok!(Escrow::settle_period(AGREEMENT, 0, Perbill::one()));
		// A third party cannot move the parties' funds, even to them.
		assert_noop!(Escrow::pay_out(RuntimeOrigin::signed(OTHER), AGREEMENT), Error::<Test>::NotEscrowParty);
		assert_noop!(Escrow::pay_out(RuntimeOrigin::none(), AGREEMENT), sp_runtime::DispatchError::BadOrigin);
		assert_ok!(Escrow::pay_out(RuntimeOrigin::signed(OWNER), AGREEMENT));
		// Paid once: nothing is owed twice.
		assert_noop!(Escrow::pay_out(RuntimeOrigin::signed(OWNER), AGREEMENT), Error::<Test>::NothingOwed);
	});
}

#[test]
fn what_is_owed_is_out_of_reach_of_refunds_and_later_periods() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		open(3);
		assert_ok!(Escrow::settle_period(AGREEMENT, 0, Perbill::one()));
		// A cancellation refunds the periods not settled, not the owner's share.
		assert_eq!(Escrow::refund_periods(AGREEMENT, 2), Ok(2 * PRICE));
		assert_eq!((held_by(CLIENT), owed(AGREEMENT)), (PRICE, (PRICE, 0)));
		// An escrow that holds only what it owes cannot pay another period.
		assert_ok!(Escrow::open(AGREEMENT + 1, &CLIENT, &OWNER, PRICE, 2, PRICE));
		assert_ok!(Escrow::settle_period(AGREEMENT + 1, 0, Perbill::one()));
		assert_noop!(Escrow::settle_period(AGREEMENT + 1, 1, Perbill::one()), Error::<Test>::InsufficientEscrow);
		check_invariants(issuance);
	});
}

#[test]
fn refund_periods_releases_their_price() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		open(4);
		assert_eq!(Escrow::refund_periods(AGREEMENT, 3), Ok(3 * PRICE));
		assert_eq!(held_by(CLIENT), PRICE);
		assert_eq!(last_event(), Event::PeriodsRefunded { agreement: AGREEMENT, periods: 3, amount: 3 * PRICE });
		assert_noop!(Escrow::refund_periods(AGREEMENT, 2), Error::<Test>::NoPeriodDue);
		assert_noop!(Escrow::refund_periods(AGREEMENT + 1, 1), Error::<Test>::EscrowNotFound);
		check_invariants(issuance);
	});
}

#[test]
fn refund_of_an_underfunded_escrow_releases_what_is_held() {
	build_and_execute(|| {
		assert_ok!(Escrow::open(AGREEMENT, &CLIENT, &OWNER, PRICE, 3, PRICE + 10));
		assert_eq!(Escrow::refund_periods(AGREEMENT, 3), Ok(PRICE + 10));
		assert_eq!(held_by(CLIENT), 0);
		assert_eq!(free(CLIENT), INITIAL);
	});
}

#[test]
fn close_releases_the_rest_and_refuses_while_periods_are_due() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		assert_noop!(Escrow::close(AGREEMENT), Error::<Test>::EscrowNotFound);
		open(1);
		assert_ok!(Escrow::top_up(RuntimeOrigin::signed(CLIENT), AGREEMENT, 50));
		assert_noop!(Escrow::close(AGREEMENT), Error::<Test>::PeriodsStillDue);
		assert_ok!(Escrow::settle_period(AGREEMENT, 0, Perbill::one()));
		assert_eq!(Escrow::close(AGREEMENT), Ok(50));
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::Escrow(Event::PaidOut { agreement: AGREEMENT, to_owner: PRICE, to_client: 50 })));
		assert_eq!(last_event(), Event::EscrowClosed { agreement: AGREEMENT, released: 50 });
		assert_eq!(free(OWNER), INITIAL + PRICE);
		assert_eq!(Escrow::held(AGREEMENT), None);
		assert_eq!(held_by(CLIENT), 0);
		assert_eq!(free(CLIENT), INITIAL - PRICE);
		assert_eq!(TotalEscrowed::<Test>::get(), 0);
		check_invariants(issuance);
	});
}

#[test]
fn top_up_adds_to_the_hold() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		open(2);
		assert_ok!(Escrow::top_up(RuntimeOrigin::signed(CLIENT), AGREEMENT, 25));
		assert_eq!(held_by(CLIENT), 2 * PRICE + 25);
		assert_eq!(last_event(), Event::ToppedUp { agreement: AGREEMENT, amount: 25, held: 2 * PRICE + 25 });
		check_invariants(issuance);
	});
}

#[test]
fn top_up_that_stays_low_warns_again() {
	build_and_execute(|| {
		assert_ok!(Escrow::open(AGREEMENT, &CLIENT, &OWNER, PRICE, 1, 0));
		System::reset_events();
		assert_ok!(Escrow::top_up(RuntimeOrigin::signed(CLIENT), AGREEMENT, PRICE - 1));
		assert_eq!(last_event(), Event::EscrowLow { agreement: AGREEMENT, unsettled: PRICE - 1, next_due: PRICE });
		System::reset_events();
		assert_ok!(Escrow::top_up(RuntimeOrigin::signed(CLIENT), AGREEMENT, 1));
		assert!(!escrow_low_emitted());
	});
}

#[test]
fn top_up_errors_name_the_state() {
	build_and_execute(|| {
		assert_noop!(Escrow::top_up(RuntimeOrigin::signed(CLIENT), AGREEMENT, 1), Error::<Test>::EscrowNotFound);
		open(1);
		assert_noop!(Escrow::top_up(RuntimeOrigin::signed(OTHER), AGREEMENT, 1), Error::<Test>::NotEscrowClient);
		assert_noop!(Escrow::top_up(RuntimeOrigin::signed(CLIENT), AGREEMENT, 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Escrow::top_up(RuntimeOrigin::signed(CLIENT), AGREEMENT, INITIAL),
			Error::<Test>::InsufficientFunds
		);
		assert_noop!(Escrow::top_up(RuntimeOrigin::none(), AGREEMENT, 1), sp_runtime::DispatchError::BadOrigin);
	});
}

#[test]
fn try_state_detects_a_hold_that_differs_from_the_escrows() {
	new_test_ext().execute_with(|| {
		open(1);
		Escrow::do_try_state().unwrap();
		// A hold placed behind the pallet's back breaks the invariant.
		use frame_support::traits::fungible::MutateHold;
		assert_ok!(Balances::hold(&HoldReason::Escrow.into(), &CLIENT, 1));
		assert!(Escrow::do_try_state().is_err());
	});
}

#[test]
fn a_token_error_is_not_mistaken_for_success() {
	// Guards the assumption behind `OwnerCannotReceive`: pallet-balances refuses
	// to create an account with less than the existential deposit.
	build_and_execute(|| {
		use frame_support::traits::{fungible::Mutate, tokens::Preservation};
		assert_noop!(
			Balances::transfer(&CLIENT, &NOBODY, EXISTENTIAL_DEPOSIT - 1, Preservation::Preserve),
			TokenError::BelowMinimum
		);
	});
}

#[test]
fn burn_fee_burns_from_the_clients_free_balance_only() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		open(2);
		let (free_before, held_before) = (free(CLIENT), held_by(CLIENT));
		assert_ok!(Escrow::burn_fee(AGREEMENT, &CLIENT, 30));
		assert_eq!(free(CLIENT), free_before - 30);
		assert_eq!(held_by(CLIENT), held_before, "the escrow is untouched");
		assert_eq!(last_event(), Event::AccountingFeeBurned { agreement: AGREEMENT, client: CLIENT, amount: 30 });
		check_invariants(issuance - 30);
		// A zero fee burns nothing and emits nothing.
		let events = System::events().len();
		assert_ok!(Escrow::burn_fee(AGREEMENT, &CLIENT, 0));
		assert_eq!(System::events().len(), events);
	});
}

#[test]
fn burn_fee_the_client_cannot_pay_burns_nothing() {
	build_and_execute(|| {
		let issuance = Balances::total_issuance();
		// The whole free balance would reap the account: refused.
		let all = free(CLIENT);
		assert_noop!(Escrow::burn_fee(AGREEMENT, &CLIENT, all), Error::<Test>::InsufficientFunds);
		assert_noop!(Escrow::burn_fee(AGREEMENT, &CLIENT, all + 1), Error::<Test>::InsufficientFunds);
		check_invariants(issuance);
	});
}

mod property {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Op {
		Open { agreement: u64, client: AccountId, owner: AccountId, periods: u32, prefund: u32 },
		Settle { agreement: u64, owner_share: u32 },
		Refund { agreement: u64, periods: u32 },
		Close { agreement: u64 },
		PayOut { agreement: u64, who: AccountId },
		TopUp { agreement: u64, who: AccountId, amount: Balance },
		BurnFee { agreement: u64, who: AccountId, amount: Balance },
	}

	fn op() -> impl Strategy<Value = Op> {
		let account = prop_oneof![Just(CLIENT), Just(OWNER), Just(OTHER)];
		prop_oneof![
			(0u64..4, account.clone(), account.clone(), 1u32..5, 0u32..6).prop_map(
				|(agreement, client, owner, periods, prefund)| Op::Open { agreement, client, owner, periods, prefund }
			),
			(0u64..4, 0u32..=1_000_000_000).prop_map(|(agreement, owner_share)| Op::Settle { agreement, owner_share }),
			(0u64..4, 0u32..4).prop_map(|(agreement, periods)| Op::Refund { agreement, periods }),
			(0u64..4).prop_map(|agreement| Op::Close { agreement }),
			(0u64..4, account.clone()).prop_map(|(agreement, who)| Op::PayOut { agreement, who }),
			(0u64..4, account.clone(), 0u128..3_000).prop_map(|(agreement, who, amount)| Op::TopUp {
				agreement,
				who,
				amount
			}),
			(0u64..4, account, 0u128..3_000).prop_map(|(agreement, who, amount)| Op::BurnFee {
				agreement,
				who,
				amount
			}),
		]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]
		#[test]
		fn funds_are_conserved_and_holds_match_escrows(ops in proptest::collection::vec(op(), 1..40)) {
			new_test_ext().execute_with(|| {
				let mut issuance = Balances::total_issuance();
				for op in ops {
					// Failures are fine; they must change nothing (checked by the invariants).
					let result = frame_support::storage::with_storage_layer(|| -> sp_runtime::DispatchResult {
						match op.clone() {
							Op::Open { agreement, client, owner, periods, prefund } => Escrow::open(
								agreement, &client, &owner, 333, periods, 333 * prefund as Balance,
							),
							Op::Settle { agreement, owner_share } =>
								Escrow::settle_period(agreement, 0, Perbill::from_parts(owner_share)).map(|_| ()),
							Op::Refund { agreement, periods } => Escrow::refund_periods(agreement, periods).map(|_| ()),
							Op::Close { agreement } => Escrow::close(agreement).map(|_| ()),
							Op::PayOut { agreement, who } => Escrow::pay_out(RuntimeOrigin::signed(who), agreement),
							Op::TopUp { agreement, who, amount } =>
								Escrow::top_up(RuntimeOrigin::signed(who), agreement, amount),
							Op::BurnFee { agreement, who, amount } => Escrow::burn_fee(agreement, &who, amount),
						}
					});
					// Only a fee that was paid leaves the supply.
					if let (Op::BurnFee { amount, .. }, Ok(())) = (&op, &result) {
						issuance -= amount;
					}
					check_invariants(issuance);
					let held: Balance = [CLIENT, OWNER, OTHER].iter().map(|w| held_by(*w)).sum();
					prop_assert_eq!(held, TotalEscrowed::<Test>::get());
				}
				Ok(())
			})?;
		}
	}
}
