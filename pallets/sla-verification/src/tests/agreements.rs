//! Creating agreements: escrow, accounting fee, deposit, the clock, and
//! every refusal by name.

use super::*;
use crate::{due_key, AgreementStatus, DueIndex, Error};
use frame_support::assert_noop;
use qos_primitives::Window;
use sp_runtime::DispatchError;

#[test]
fn create_agreement_escrows_the_term_burns_the_fee_and_starts_the_clock() {
	build_and_execute(|| {
		let service = service_with(2);
		let (free_before, issuance) = (free(CLIENT), Balances::total_issuance());
		assert_ok!(create(CLIENT, service, 3));
		let a = info(0);
		assert_eq!((a.client, a.owner, a.service, a.periods, a.start_ms), (CLIENT, OWNER, 0, 3, GENESIS_MS));
		assert_eq!((a.status, a.instances.to_vec()), (AgreementStatus::Active, vec![0, 1]));
		let fee = accounting_fee(2, 3);
		assert_eq!(held(CLIENT), 3 * PRICE);
		assert!(deposits(CLIENT) > DEPOSIT_BASE);
		assert_eq!(free(CLIENT), free_before - 3 * PRICE - fee - deposits(CLIENT));
		assert_eq!(Balances::total_issuance(), issuance - fee, "the accounting fee is burned");
		assert_eq!(
			last_event(),
			Event::AgreementCreated {
				agreement: 0,
				client: CLIENT,
				service: 0,
				offer: 0,
				arbiter: Some(ARBITER),
				periods: 3,
				instances: 2,
				start_ms: GENESIS_MS,
				price_per_period: PRICE,
				accounting_fee: fee,
			}
		);
		assert_eq!(Services::<Test>::get(0).unwrap().open_agreements, 1);
		assert_eq!(
			DueIndex::<Test>::get(due_key(GENESIS_MS + PERIOD_MS), 0),
			Some(0),
			"period 0 is due when its window closes"
		);
		assert_eq!(Sla::period_to_record(0, 2), None, "only the lowest unrecorded period is awaiting");
		assert_eq!(
			Sla::period_to_record(0, 0).unwrap().window,
			Window { from_ms: GENESIS_MS, to_ms: GENESIS_MS + PERIOD_MS }
		);
	});
}

#[test]
fn the_cost_of_an_agreement_scales_with_the_accounting_work() {
	build_and_execute(|| {
		let small = service_with(1);
		let large = service_with(4);
		let issuance = Balances::total_issuance();
		assert_ok!(create(CLIENT, small, 1));
		let small_fee = issuance - Balances::total_issuance();
		let small_deposit = deposits(CLIENT);
		assert_ok!(create(CLIENT_2, large, 50));
		let large_fee = issuance - small_fee - Balances::total_issuance();
		assert_eq!((small_fee, large_fee), (accounting_fee(1, 1), accounting_fee(4, 50)));
		assert!(deposits(CLIENT_2) > small_deposit, "more periods, more storage deposit");
	});
}

#[test]
fn create_agreement_validates_the_terms() {
	build_and_execute(|| {
		service_with(1);
		let create_with =
			|terms: SlaTerms| Sla::create_agreement(RuntimeOrigin::signed(CLIENT), 0, 0, terms, 1, PRICE, None);
		let mut terms = cloud_terms();
		terms.qos.min_availability_permille = Some(1001);
		assert_noop!(create_with(terms), Error::<Test>::SlaPermilleOutOfRange);
		let mut terms = cloud_terms();
		terms.other_breach_credit_percent = 101;
		assert_noop!(create_with(terms), Error::<Test>::SlaPercentOutOfRange);
		let mut terms = cloud_terms();
		terms.availability_tiers[1].credit_percent = 5;
		assert_noop!(create_with(terms), Error::<Test>::SlaTiersNotOrdered);
		let mut terms = cloud_terms();
		terms.availability_tiers.push(CreditTier { below_permille: 900, credit_percent: 100 });
		terms.availability_tiers.push(CreditTier { below_permille: 800, credit_percent: 100 });
		assert_noop!(create_with(terms), Error::<Test>::TooManyCreditTiers);
		let mut terms = cloud_terms();
		terms.qos.min_healthy_instances = Some(0);
		assert_noop!(create_with(terms), Error::<Test>::SlaHealthyInstancesOutOfRange);
	});
}

#[test]
fn create_agreement_checks_capacity_and_instances_against_the_service() {
	build_and_execute(|| {
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), PRICE, PERIOD_MS, CAPACITY));
		let mut generous = cloud_offer();
		generous.sla.qos.min_vcpus_milli = Some(CAPACITY.vcpus_milli + 1);
		generous.sla.qos.min_healthy_instances = Some(2);
		assert_ok!(Sla::set_offers(RuntimeOrigin::signed(OWNER), 0, vec![generous.clone()]));
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 0, url("http://a")));
		let create_with =
			|terms: SlaTerms| Sla::create_agreement(RuntimeOrigin::signed(CLIENT), 0, 0, terms, 1, PRICE, None);
		let mut terms = generous.sla.clone();
		terms.qos.min_healthy_instances = None;
		assert_noop!(create_with(terms.clone()), Error::<Test>::QosExceedsCapacity);
		terms.qos.min_vcpus_milli = Some(CAPACITY.vcpus_milli);
		assert_ok!(create_with(terms));
		let mut terms = generous.sla.clone();
		terms.qos.min_vcpus_milli = None;
		assert_noop!(create_with(terms), Error::<Test>::NotEnoughInstances);
	});
}

#[test]
fn create_agreement_errors() {
	build_and_execute(|| {
		assert_noop!(create(CLIENT, 0, 1), Error::<Test>::ServiceNotFound);
		service_with(0);
		assert_noop!(create(CLIENT, 0, 1), Error::<Test>::ServiceHasNoInstances);
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 0, url("http://a")));
		assert_noop!(create(CLIENT, 0, 0), Error::<Test>::ZeroPeriods);
		assert_noop!(create(CLIENT, 0, MAX_PERIODS + 1), Error::<Test>::TooManyPeriods);
		assert_noop!(
			Sla::create_agreement(RuntimeOrigin::none(), 0, 0, cloud_terms(), 1, PRICE, None),
			DispatchError::BadOrigin
		);
		// The client cannot cover the whole term.
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), INITIAL / 2, PERIOD_MS, CAPACITY));
		assert_ok!(Sla::set_offers(RuntimeOrigin::signed(OWNER), 1, vec![cloud_offer()]));
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 1, url("http://a")));
		assert_noop!(
			Sla::create_agreement(RuntimeOrigin::signed(CLIENT), 1, 0, cloud_terms(), 2, INITIAL, None),
			pallet_escrow_release::Error::<Test>::InsufficientFunds
		);
		// price × periods overflows.
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), Balance::MAX, PERIOD_MS, CAPACITY));
		assert_ok!(Sla::set_offers(RuntimeOrigin::signed(OWNER), 2, vec![cloud_offer()]));
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), 2, url("http://a")));
		assert_noop!(
			Sla::create_agreement(RuntimeOrigin::signed(CLIENT), 2, 0, cloud_terms(), 2, Balance::MAX, None),
			sp_runtime::ArithmeticError::Overflow
		);
		// The last agreement id is usable once.
		NextAgreementId::<Test>::put(AgreementId::MAX);
		assert_ok!(create(CLIENT, 0, 1));
		assert_eq!(info(AgreementId::MAX).client, CLIENT);
		assert_noop!(create(CLIENT_2, 0, 1), Error::<Test>::AgreementIdsExhausted);
	});
}
