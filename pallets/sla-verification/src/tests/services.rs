//! Registering, updating and deregistering services.

use super::*;
use crate::{Error, Instances, Offers};
use frame_support::assert_noop;
use sp_runtime::DispatchError;

#[test]
fn register_service_stores_its_terms_and_holds_a_deposit() {
	build_and_execute(|| {
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), PRICE, PERIOD_MS, CAPACITY));
		let service = Services::<Test>::get(0).unwrap();
		assert_eq!((service.owner, service.price_per_period, service.period_ms), (OWNER, PRICE, PERIOD_MS));
		assert_eq!((service.capacity, service.instance_count, service.open_agreements), (CAPACITY, 0, 0));
		assert!(deposits(OWNER) > DEPOSIT_BASE, "a deposit for the service's bytes");
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
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER_2), MIN_PRICE, MIN_PERIOD_MS, CAPACITY));
		assert_eq!(Services::<Test>::get(1).unwrap().owner, OWNER_2);
	});
}

#[test]
fn register_service_refuses_bad_terms() {
	build_and_execute(|| {
		let o = || RuntimeOrigin::signed(OWNER);
		assert_noop!(Sla::register_service(o(), 0, PERIOD_MS, CAPACITY), Error::<Test>::PriceBelowMinimum);
		assert_noop!(Sla::register_service(o(), MIN_PRICE - 1, PERIOD_MS, CAPACITY), Error::<Test>::PriceBelowMinimum);
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
fn register_service_without_the_deposit_is_refused() {
	build_and_execute(|| {
		// All but 50 units, less than the deposit, are on hold elsewhere.
		let all = free(OWNER) - 50;
		assert_ok!(pallet_escrow_release::Pallet::<Test>::open(99, &OWNER, &OTHER, all, 1, all));
		assert_noop!(
			Sla::register_service(RuntimeOrigin::signed(OWNER), PRICE, PERIOD_MS, CAPACITY),
			Error::<Test>::DepositUnavailable
		);
	});
}

#[test]
fn update_service_applies_to_future_agreements_only() {
	build_and_execute(|| {
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
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT_2), 0, 0, cloud_terms(), 2, 2 * PRICE, None));
		assert_eq!((info(first).price_per_period, info(first).period_ms), (PRICE, PERIOD_MS));
		assert_eq!((info(1).price_per_period, info(1).period_ms), (2 * PRICE, 2 * PERIOD_MS));
		assert_eq!(pallet_escrow_release::Pallet::<Test>::held(first), Some(2 * PRICE));
	});
}

#[test]
fn update_service_errors() {
	build_and_execute(|| {
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
			Error::<Test>::PriceBelowMinimum
		);
		assert_noop!(
			Sla::update_service(RuntimeOrigin::signed(OWNER), 0, PRICE, 1, CAPACITY),
			Error::<Test>::PeriodLengthOutOfRange
		);
	});
}

#[test]
fn deregister_service_removes_it_and_returns_the_deposit() {
	build_and_execute(|| {
		let free_before = free(OWNER);
		let service = service_with(3);
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), service, 1));
		assert!(deposits(OWNER) > 0);
		assert_ok!(Sla::deregister_service(RuntimeOrigin::signed(OWNER), service));
		assert_eq!(last_event(), Event::ServiceDeregistered { service });
		assert_eq!(deposits(OWNER), 0);
		assert_eq!(free(OWNER), free_before);
		assert!(Services::<Test>::get(service).is_none());
		assert!(Offers::<Test>::get(service).is_empty());
		assert_eq!(Instances::<Test>::iter_prefix(service).count(), 0);
	});
}

#[test]
fn deregister_service_errors() {
	build_and_execute(|| {
		assert_noop!(Sla::deregister_service(RuntimeOrigin::signed(OWNER), 0), Error::<Test>::ServiceNotFound);
		let agreement = agreement_for(1);
		assert_noop!(Sla::deregister_service(RuntimeOrigin::signed(OTHER), 0), Error::<Test>::NotServiceOwner);
		// An owner cannot walk away from an agreement it still owes.
		assert_noop!(Sla::deregister_service(RuntimeOrigin::signed(OWNER), 0), Error::<Test>::ServiceHasOpenAgreements);
		settle_window(agreement, 0);
		let otp = record(agreement, 0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert!(info(agreement).is_finished());
		assert_ok!(Sla::deregister_service(RuntimeOrigin::signed(OWNER), 0));
	});
}
