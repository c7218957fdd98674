//! Offers: the owner publishes the terms it accepts; a client signs them or
//! terms easier on the owner, never harsher (threat 1), and picks an arbiter
//! the offer names (threat 5).

use super::*;
use crate::{Error, Offers};
use frame_support::assert_noop;

fn set(offers: Vec<OfferTerms<AccountId>>) -> sp_runtime::DispatchResult {
	Sla::set_offers(RuntimeOrigin::signed(OWNER), 0, offers)
}

#[test]
fn set_offers_publishes_them_and_the_deposit_follows() {
	build_and_execute(|| {
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), PRICE, PERIOD_MS, CAPACITY));
		let bare = deposits(OWNER);
		let mut strict = cloud_offer();
		strict.sla.qos.max_latency_p95_ms = Some(50);
		assert_ok!(set(vec![cloud_offer(), strict.clone()]));
		assert_eq!(last_event(), Event::OffersSet { service: 0, offers: 2 });
		let stored = Offers::<Test>::get(0);
		assert_eq!(stored.len(), 2);
		assert_eq!(stored[1].sla, SlaBounded::try_from(strict.sla).unwrap());
		assert_eq!(stored[1].arbiters.to_vec(), vec![ARBITER]);
		let with_two = deposits(OWNER);
		assert!(with_two > bare, "two offers cost more deposit than none");
		assert_ok!(set(vec![cloud_offer()]));
		assert!(deposits(OWNER) < with_two && deposits(OWNER) > bare, "the deposit shrinks with the offers");
		assert_ok!(set(vec![]));
		assert_eq!(deposits(OWNER), bare);
	});
}

#[test]
fn set_offers_errors_name_the_bound() {
	build_and_execute(|| {
		assert_noop!(set(vec![cloud_offer()]), Error::<Test>::ServiceNotFound);
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), PRICE, PERIOD_MS, CAPACITY));
		assert_noop!(
			Sla::set_offers(RuntimeOrigin::signed(OTHER), 0, vec![cloud_offer()]),
			Error::<Test>::NotServiceOwner
		);
		assert_noop!(set(vec![cloud_offer(); MAX_OFFERS as usize + 1]), Error::<Test>::TooManyOffers);
		let mut offer = cloud_offer();
		offer.arbiters = vec![ARBITER, OTHER, OWNER_2];
		assert_noop!(set(vec![offer]), Error::<Test>::TooManyArbiters);
		// Five credit tiers: a named error, not a decoding failure.
		let mut offer = cloud_offer();
		offer.sla.availability_tiers =
			(0..5).map(|i| CreditTier { below_permille: 999 - i, credit_percent: 10 + i as u8 }).collect();
		assert_noop!(set(vec![offer]), Error::<Test>::TooManyCreditTiers);
		let mut offer = cloud_offer();
		offer.sla.qos.min_availability_permille = Some(1001);
		assert_noop!(set(vec![offer]), Error::<Test>::SlaPermilleOutOfRange);
		let mut offer = cloud_offer();
		offer.sla.other_breach_credit_percent = 101;
		assert_noop!(set(vec![offer]), Error::<Test>::SlaPercentOutOfRange);
		let mut offer = cloud_offer();
		offer.sla.availability_tiers[1].credit_percent = 5;
		assert_noop!(set(vec![offer]), Error::<Test>::SlaTiersNotOrdered);
		let mut offer = cloud_offer();
		offer.sla.qos.min_healthy_instances = Some(0);
		assert_noop!(set(vec![offer]), Error::<Test>::SlaHealthyInstancesOutOfRange);
	});
}

#[test]
fn client_may_sign_the_offer_or_terms_easier_on_the_owner() {
	build_and_execute(|| {
		let service = service_with(1);
		assert_ok!(create(CLIENT, service, 1));
		assert_eq!(info(0).sla, cloud_sla());
		assert_eq!((info(0).offer, info(0).arbiter), (0, Some(ARBITER)));
		let mut easier = cloud_terms();
		easier.qos.min_availability_permille = Some(990);
		easier.availability_tiers = vec![CreditTier { below_permille: 990, credit_percent: 10 }];
		easier.other_breach_credit_percent = 0;
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT_2), service, 0, easier.clone(), 1, PRICE, None));
		assert_eq!(info(1).sla, SlaBounded::try_from(easier).unwrap());
		assert_eq!(info(1).arbiter, None, "no arbiter named: only the last-resort one");
	});
}

#[test]
fn client_cannot_buy_a_refund_with_terms_the_owner_never_offered() {
	build_and_execute(|| {
		let service = service_with(1);
		// The attack of threat 1: a 0 ms p95 latency with 100 % credit.
		let mut bought = cloud_terms();
		bought.qos.max_latency_p95_ms = Some(0);
		bought.other_breach_credit_percent = 100;
		let create_with = |terms: SlaTerms| {
			Sla::create_agreement(RuntimeOrigin::signed(CLIENT), service, 0, terms, 1, PRICE, Some(ARBITER))
		};
		assert_noop!(create_with(bought), Error::<Test>::TermsHarsherThanOffer);
		let mut stricter = cloud_terms();
		stricter.qos.min_availability_permille = Some(1000);
		assert_noop!(create_with(stricter), Error::<Test>::TermsHarsherThanOffer);
		let mut richer = cloud_terms();
		richer.availability_tiers[0].credit_percent = 20;
		assert_noop!(create_with(richer), Error::<Test>::TermsHarsherThanOffer);
		assert_eq!(Agreements::<Test>::iter().count(), 0);
	});
}

#[test]
fn changing_offers_affects_only_later_agreements() {
	build_and_execute(|| {
		let service = service_with(1);
		assert_ok!(create(CLIENT, service, 2));
		let mut lenient = cloud_offer();
		lenient.sla.availability_tiers = vec![CreditTier { below_permille: 950, credit_percent: 5 }];
		lenient.sla.qos.min_availability_permille = Some(950);
		assert_ok!(Sla::set_offers(RuntimeOrigin::signed(OWNER), service, vec![lenient.clone()]));
		assert_eq!(info(0).sla, cloud_sla(), "the running agreement keeps its terms");
		// The old terms are now harsher than the only offer.
		assert_noop!(create(CLIENT_2, service, 1), Error::<Test>::TermsHarsherThanOffer);
		assert_ok!(Sla::create_agreement(RuntimeOrigin::signed(CLIENT_2), service, 0, lenient.sla, 1, PRICE, None));
		// And the running agreement's breach is still credited by its own terms.
		settle_window(0, 0);
		record_with(0, 0, 980);
		assert_eq!(Periods::<Test>::get(0, 0).unwrap().credit_percent(), 30);
	});
}

#[test]
fn owner_cannot_raise_the_price_under_a_clients_feet() {
	build_and_execute(|| {
		let service = service_with(1);
		// The owner sees the client's transaction and raises the price first.
		assert_ok!(Sla::update_service(RuntimeOrigin::signed(OWNER), service, 100 * PRICE, PERIOD_MS, CAPACITY));
		assert_noop!(create(CLIENT, service, 1), Error::<Test>::PriceAboveLimit);
		assert_eq!(held(CLIENT), 0);
	});
}

#[test]
fn arbiter_must_be_one_the_offer_names() {
	build_and_execute(|| {
		let service = service_with(1);
		// A client cannot appoint itself (or a friend) to split its disputes.
		assert_noop!(
			Sla::create_agreement(RuntimeOrigin::signed(CLIENT), service, 0, cloud_terms(), 1, PRICE, Some(CLIENT)),
			Error::<Test>::ArbiterNotOffered
		);
		assert_noop!(
			Sla::create_agreement(RuntimeOrigin::signed(CLIENT), service, 1, cloud_terms(), 1, PRICE, None),
			Error::<Test>::OfferNotFound
		);
	});
}
