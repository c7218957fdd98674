//! The client's OTP: the permission for every payment to the owner.

use super::*;
use crate::{owner_share_after_credit, DisputeCause, Error};
use frame_support::assert_noop;
use qos_primitives::Window;
use sp_runtime::DispatchError;

#[test]
fn matching_otp_settles_a_met_period_in_full_at_once() {
	build_and_execute(|| {
		let agreement = agreement_for(2);
		settle_window(agreement, 0);
		let otp = record(agreement, 0);
		let owner_before = free(OWNER);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert_eq!(state(agreement, 0), Some(PeriodState::Closed(Closure::Confirmed)));
		assert_eq!(
			last_event(),
			Event::PeriodSettled {
				agreement,
				period: 0,
				closure: Closure::Confirmed,
				credit_percent: 0,
				to_owner: PRICE,
				to_client: 0
			}
		);
		// Settled, not moved: the owner's share stays on hold, owed, until paid out.
		assert_eq!((free(OWNER), held(CLIENT)), (owner_before, 2 * PRICE));
		assert_eq!((owed(agreement), periods_due(agreement)), ((PRICE, 0), Some(1)));
		assert_ok!(Escrow::pay_out(RuntimeOrigin::signed(OWNER), agreement));
		assert_eq!(free(OWNER), owner_before + PRICE);
		assert_eq!(held(CLIENT), PRICE);
		assert!(!info(agreement).is_finished());
	});
}

#[test]
fn only_the_last_period_is_charged_the_agreements_finish() {
	use crate::weights::WeightInfo;
	build_and_execute(|| {
		let agreement = agreement_for(2);
		settle_window(agreement, 0);
		let otp = record(agreement, 0);
		let settled = Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp).unwrap();
		assert_eq!(settled.actual_weight, Some(<() as WeightInfo>::confirm_period()));
		settle_window(agreement, 1);
		let otp = record(agreement, 1);
		let finished = Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 1, otp).unwrap();
		assert_eq!(finished.actual_weight, Some(<() as WeightInfo>::confirm_last_period()));
		assert!(info(agreement).is_finished());
	});
}

#[test]
fn matching_otp_on_a_breach_waits_for_the_owners_contest_window() {
	build_and_execute(|| {
		let agreement = agreement_for(1);
		settle_window(agreement, 0);
		let otp = record_breach(agreement, 0);
		let owner_before = free(OWNER);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert_eq!(last_event(), Event::PeriodConfirmed { agreement, period: 0 });
		assert_eq!(state(agreement, 0), Some(PeriodState::Confirmed));
		assert_eq!(free(OWNER), owner_before, "nothing paid while the owner may contest");
		close_contest_window();
		assert_ok!(Sla::settle_overdue(RuntimeOrigin::signed(OTHER), agreement, 0));
		// 980 ‰ is below 990 ‰: 30 % of 999 = 299.7, the client gets 300.
		assert_eq!(settlement(agreement, 0), Some((Closure::Confirmed, 699, 300)));
		assert_eq!(free(OWNER), owner_before + 699);
		// The last period finishes the agreement and pays out and closes its
		// escrow: the client's credit goes back with it.
		assert!(info(agreement).is_finished());
		assert_eq!(last_event(), Event::AgreementFinished { agreement, released: 300 });
		assert_eq!(pallet_escrow_release::Pallet::<Test>::held(agreement), None);
		assert_eq!(held(CLIENT), 0);
	});
}

#[test]
fn late_confirmation_of_a_breach_pays_at_once() {
	build_and_execute(|| {
		let agreement = agreement_for(1);
		settle_window(agreement, 0);
		let otp = record_breach(agreement, 0);
		close_contest_window();
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp));
		assert_eq!(settlement(agreement, 0), Some((Closure::Confirmed, 699, 300)));
	});
}

#[test]
fn credit_shares_round_in_the_clients_favour() {
	for credit in 0u8..=100 {
		let share = owner_share_after_credit(credit);
		for price in [1u128, 3, 7, 99, 999, 1_000_001] {
			let (to_owner, to_client) = pallet_escrow_release::split_period_price(price, share);
			assert_eq!(to_client, (price * credit as u128).div_ceil(100));
			assert_eq!(to_owner + to_client, price);
		}
	}
}

#[test]
fn wrong_otp_is_counted_and_disputes_the_period_after_max_attempts() {
	build_and_execute(|| {
		let agreement = agreement_for(2);
		settle_window(agreement, 0);
		let otp = record(agreement, 0);
		let mut wrong = otp;
		wrong[0] ^= 1;
		let owner_before = free(OWNER);
		for attempt in 1..MAX_OTP_ATTEMPTS {
			assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, wrong));
			assert_eq!(last_event(), Event::OtpMismatch { agreement, period: 0, attempts: attempt });
			assert_eq!(state(agreement, 0), Some(PeriodState::Recorded));
		}
		assert_eq!(free(OWNER), owner_before);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, wrong));
		let events = sla_events();
		assert_eq!(
			events[events.len() - 2..],
			[
				Event::OtpMismatch { agreement, period: 0, attempts: MAX_OTP_ATTEMPTS },
				Event::PeriodDisputed { agreement, period: 0, cause: DisputeCause::OtpAttemptsExhausted },
			]
		);
		assert_eq!(
			state(agreement, 0),
			Some(PeriodState::Disputed { cause: DisputeCause::OtpAttemptsExhausted, since: 1 })
		);
		// Even the right OTP no longer settles it.
		assert_noop!(
			Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, 0, otp),
			Error::<Test>::PeriodDisputed
		);
		assert_eq!(held(CLIENT), 2 * PRICE);
	});
}

#[test]
fn otp_of_another_period_agreement_or_altered_report_never_matches() {
	build_and_execute(|| {
		let a = agreement_for(2);
		assert_ok!(create(CLIENT, 0, 2));
		let b = a + 1;
		pass_periods(a, 2);
		NowMs::set(NowMs::get() + REPORT_SETTLE_MS);
		let a0 = record(a, 0);
		let a1 = record(a, 1);
		let b0 = record(b, 0);
		// The same reports, the same key: only agreement and period differ.
		assert_ne!(a0, a1);
		assert_ne!(a0, b0);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), a, 0, a1));
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), a, 0, b0));
		assert_eq!(Periods::<Test>::get(a, 0).unwrap().failed_otp_attempts, 2);
		assert_eq!(state(a, 0), Some(PeriodState::Recorded));
		// An OTP from reports the owner altered does not match either.
		let mut altered = report(a, 1, 0, 1000);
		altered.probe_successes = 999;
		let (forged, _) = otp_of(a, 1, &[altered]);
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), a, 1, forged));
		assert_eq!(state(a, 1), Some(PeriodState::Recorded));
		assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), a, 1, a1));
		assert_eq!(state(a, 1), Some(PeriodState::Closed(Closure::Confirmed)));
	});
}

#[test]
fn owner_gets_nothing_without_the_otp_before_the_deadline() {
	build_and_execute(|| {
		let agreement = agreement_for(1);
		settle_window(agreement, 0);
		record(agreement, 0);
		// Nobody, the owner included, can move the money while the client
		// may still confirm or contest.
		assert_noop!(
			Sla::settle_overdue(RuntimeOrigin::signed(OWNER), agreement, 0),
			Error::<Test>::DeadlineNotReached
		);
		assert_noop!(
			Sla::confirm_period(RuntimeOrigin::signed(OWNER), agreement, 0, [0; 32]),
			Error::<Test>::NotClient
		);
	});
}

fn hex32(s: &str) -> [u8; 32] {
	hex::decode(s).unwrap().try_into().unwrap()
}

/// Every OTP reference vector (`primitives/testdata/otp-vectors.json`): its
/// commitment is stored through the metrics-block path for its agreement id
/// and period, its OTP settles the period and a wrong one does not.
#[test]
fn reproduces_every_otp_reference_vector() {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../primitives/testdata/otp-vectors.json");
	let text = std::fs::read_to_string(path).expect("primitives/testdata/otp-vectors.json");
	let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
	let cases = vectors["cases"].as_array().unwrap();
	assert!(cases.len() >= 4);
	for case in cases {
		let name = case["name"].as_str().unwrap();
		let agreement = case["agreement_id"].as_u64().unwrap();
		let period = case["period"].as_u64().unwrap() as PeriodIndex;
		let key = hex32(case["key"].as_str().unwrap());
		let otp = hex32(case["otp"].as_str().unwrap());
		let commitment = hex32(case["commitment"].as_str().unwrap());
		// The client's side of the vector: tags from the key, OTP from the tags.
		let tags: Vec<_> = case["reports"]
			.as_array()
			.unwrap()
			.iter()
			.map(|r| {
				let instance = r["instance_id"].as_u64().unwrap() as InstanceId;
				(instance, instance_tag(&key, agreement, period, instance, &hex32(r["report_hash"].as_str().unwrap())))
			})
			.collect();
		assert_eq!(period_otp(agreement, period, &tags), otp, "otp of case {name}");
		assert_eq!(commit(&otp), commitment, "commitment of case {name}");

		build_and_execute(|| {
			service_with(1);
			NextAgreementId::<Test>::put(agreement);
			// A term cannot reach period u32::MAX (PeriodIndex is u32, MaxPeriods
			// bounds the term): such a block is ignored, and the case's
			// commitment is checked on the agreement's last period instead.
			let in_term = period < MAX_PERIODS;
			let stored_period = if in_term { period } else { MAX_PERIODS - 1 };
			assert_ok!(create(CLIENT, 0, stored_period + 1));
			if !in_term {
				let window =
					Window::of_period(GENESIS_MS, PERIOD_MS, period).unwrap_or(Window { from_ms: 0, to_ms: 1 });
				Sla::on_metrics_block(agreement, period, window, &[], commitment);
				assert_eq!(Periods::<Test>::iter_prefix(agreement).count(), 0, "case {name}");
			}
			NowMs::set(GENESIS_MS + PERIOD_MS * (stored_period as u64 + 1));
			for earlier in 0..stored_period {
				record(agreement, earlier);
			}
			let window = Sla::period_to_record(agreement, stored_period).unwrap().window;
			Sla::on_metrics_block(
				agreement,
				stored_period,
				window,
				&[report(agreement, stored_period, 0, 1000)],
				commitment,
			);
			assert_eq!(Periods::<Test>::get(agreement, stored_period).unwrap().otp_commitment, commitment);

			let mut wrong = otp;
			wrong[31] ^= 0x80;
			assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, stored_period, wrong));
			assert_eq!(state(agreement, stored_period), Some(PeriodState::Recorded), "case {name}");
			assert_ok!(Sla::confirm_period(RuntimeOrigin::signed(CLIENT), agreement, stored_period, otp));
			assert_eq!(state(agreement, stored_period), Some(PeriodState::Closed(Closure::Confirmed)), "case {name}");
		});
	}
}

#[test]
fn confirm_period_errors() {
	build_and_execute(|| {
		let c = || RuntimeOrigin::signed(CLIENT);
		assert_noop!(Sla::confirm_period(c(), 0, 0, [0; 32]), Error::<Test>::AgreementNotFound);
		let agreement = agreement_for(2);
		assert_noop!(Sla::confirm_period(c(), agreement, 0, [0; 32]), Error::<Test>::PeriodAwaitingMetrics);
		assert_noop!(Sla::confirm_period(c(), agreement, 2, [0; 32]), Error::<Test>::PeriodNotInTerm);
		settle_window(agreement, 1);
		let otp = record(agreement, 0);
		let breach = record_breach(agreement, 1);
		assert_noop!(Sla::confirm_period(RuntimeOrigin::signed(OWNER), agreement, 0, otp), Error::<Test>::NotClient);
		assert_ok!(Sla::confirm_period(c(), agreement, 0, otp));
		assert_noop!(Sla::confirm_period(c(), agreement, 0, otp), Error::<Test>::PeriodClosed);
		assert_ok!(Sla::confirm_period(c(), agreement, 1, breach));
		assert_noop!(Sla::confirm_period(c(), agreement, 1, breach), Error::<Test>::PeriodAlreadyConfirmed);
		assert_noop!(Sla::confirm_period(RuntimeOrigin::root(), agreement, 0, otp), DispatchError::BadOrigin);
	});
}
