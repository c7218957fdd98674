//! Metrics blocks reaching the pallet: verdicts, which periods await a
//! block, and blocks that are not awaited.

use super::*;
use crate::DueIndex;
use qos_primitives::sla::{Indicator, Verdict};

#[test]
fn metrics_block_stores_a_met_verdict() {
	build_and_execute(|| {
		let agreement = agreement_for(2);
		settle_window(agreement, 0);
		record(agreement, 0);
		let r = Periods::<Test>::get(agreement, 0).unwrap();
		assert_eq!(
			(r.verdict, r.state, r.failed_otp_attempts, r.recorded_at, r.owner_accepted),
			(Some(Verdict::Met), PeriodState::Recorded, 0, 1, false)
		);
		assert_eq!(last_event(), Event::PeriodRecorded { agreement, period: 0, verdict: Verdict::Met });
		assert_eq!(info(agreement).next_to_record, 1);
	});
}

#[test]
fn metrics_block_stores_a_breach_with_indicators_instances_and_credit() {
	build_and_execute(|| {
		let agreement = agreement_on(2, 1);
		settle_window(agreement, 0);
		// Instance 1 never answered: availability (1000 + 0) / 2 = 500 ‰.
		record_reports(agreement, 0, &[report(agreement, 0, 0, 1000)]);
		match Periods::<Test>::get(agreement, 0).unwrap().verdict.unwrap() {
			Verdict::Breached { violated, failing_instances, credit_percent } => {
				assert_eq!(violated.to_vec(), vec![Indicator::Availability]);
				assert_eq!(failing_instances.to_vec(), vec![1]);
				assert_eq!(credit_percent, 100);
			},
			Verdict::Met => panic!("a missing instance breaches availability"),
		}
	});
}

#[test]
fn metrics_blocks_not_awaited_are_ignored() {
	build_and_execute(|| {
		let agreement = agreement_for(2);
		let window0 = Sla::period_to_record(agreement, 0).unwrap().window;
		let window1 = info(agreement).window(1).unwrap();
		// Unknown agreement, period out of order, period beyond the term, wrong window.
		Sla::on_metrics_block(agreement + 1, 0, window0, &[], [1; 32]);
		Sla::on_metrics_block(agreement, 1, window1, &[], [1; 32]);
		Sla::on_metrics_block(agreement, 5, window0, &[], [1; 32]);
		Sla::on_metrics_block(agreement, 0, window1, &[], [1; 32]);
		assert_eq!(Periods::<Test>::iter().count(), 0);
		assert!(sla_events().iter().all(|e| !matches!(e, Event::PeriodRecorded { .. })));
		// A second block for a recorded period is ignored too.
		record(agreement, 0);
		let before = Periods::<Test>::get(agreement, 0).unwrap();
		Sla::on_metrics_block(agreement, 0, window0, &[], [9; 32]);
		assert_eq!(Periods::<Test>::get(agreement, 0).unwrap(), before);
	});
}

#[test]
fn periods_awaiting_metrics_lists_closed_windows_oldest_first() {
	build_and_execute(|| {
		let a = agreement_for(3); // starts at GENESIS_MS
		NowMs::set(GENESIS_MS + 20_000);
		let b = NextAgreementId::<Test>::get();
		assert_ok!(create(CLIENT_2, 0, 3));
		let ids = |due: &[PeriodToRecord]| due.iter().map(|p| (p.agreement, p.period)).collect::<Vec<_>>();
		assert!(due_periods(GENESIS_MS + PERIOD_MS - 1, 10).is_empty());
		assert_eq!(ids(&due_periods(GENESIS_MS + PERIOD_MS, 10)), vec![(a, 0)]);
		let both_closed = GENESIS_MS + 20_000 + PERIOD_MS;
		let due = due_periods(both_closed, 10);
		assert_eq!(ids(&due), vec![(a, 0), (b, 0)]);
		assert_eq!((due[0].monitors.len(), due[0].retired.len()), (1, 0));
		assert_eq!(due_periods(both_closed, 1).len(), 1);
		// Once `a` 0 is recorded, `a` 1 is the next one due; `b` 0, past its
		// record deadline by the time `a` 1 closes, is not listed: it lapses.
		NowMs::set(both_closed);
		record(a, 0);
		assert_eq!(ids(&due_periods(both_closed, 10)), vec![(b, 0)]);
		let b_deadline = info(b).window(0).unwrap().to_ms + REPORT_SETTLE_MS + RECORD_DEADLINE_MS;
		assert_eq!(ids(&due_periods(b_deadline - REPORT_SETTLE_MS - 1, 10)), vec![(b, 0)]);
		assert!(due_periods(b_deadline - REPORT_SETTLE_MS, 10).is_empty(), "b 0 from its deadline on");
		assert_eq!(ids(&due_periods(GENESIS_MS + 2 * PERIOD_MS, 10)), vec![(a, 1)]);
		record(a, 1);
		record(a, 2);
		assert!(
			DueIndex::<Test>::iter().all(|(_, agreement, _)| agreement != a),
			"a fully recorded agreement is not due"
		);
		assert_eq!(Sla::period_to_record(a, 3), None);
	});
}

#[test]
fn a_node_is_given_only_the_due_periods_it_wants_within_its_monitor_budget() {
	use core::ops::ControlFlow;
	build_and_execute(|| {
		let a = agreement_for(3);
		let b = NextAgreementId::<Test>::get();
		assert_ok!(create(CLIENT_2, 0, 3));
		let now = GENESIS_MS + PERIOD_MS;
		let ids = |due: Vec<PeriodToRecord>| due.iter().map(|p| (p.agreement, p.period)).collect::<Vec<_>>();
		// The filter sees each due period with its window's end, before it is read.
		let seen = core::cell::RefCell::new(Vec::new());
		let not_a = |agreement, period, to_ms| {
			seen.borrow_mut().push((agreement, period, to_ms));
			ControlFlow::Continue(agreement != a)
		};
		assert_eq!(ids(Sla::periods_awaiting_metrics(now, 10, &not_a)), vec![(b, 0)]);
		let window_end = info(a).window(0).unwrap().to_ms;
		let mut seen = seen.take();
		seen.sort();
		assert_eq!(seen, vec![(a, 0, window_end), (b, 0, window_end)]);
		// `Break` ends the scan: nothing after it is read.
		assert!(Sla::periods_awaiting_metrics(now, 10, &|_, _, _| ControlFlow::Break(())).is_empty());
		// Each period has one monitor: a budget of one monitor is one period,
		// and a period is given even when it alone exceeds the budget.
		assert_eq!(due_periods(now, 1).len(), 1);
		assert_eq!(due_periods(now, 0).len(), 1);
		assert_eq!(due_periods(now, 2).len(), 2);
	});
}

#[test]
fn periods_come_due_in_the_order_their_windows_close_not_by_agreement_id() {
	build_and_execute(|| {
		// `a` was created first, on a service of 80-s periods; `b` after it,
		// on one of 60-s periods: `b`'s period 0 closes first.
		let slow = crate::NextServiceId::<Test>::get();
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(OWNER), PRICE, 80_000, CAPACITY));
		assert_ok!(Sla::set_offers(RuntimeOrigin::signed(OWNER), slow, vec![cloud_offer()]));
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(OWNER), slow, url("http://10.0.0.9:9615")));
		let a = NextAgreementId::<Test>::get();
		assert_ok!(create(CLIENT, slow, 3));
		let b = agreement_for(3);
		assert!(a < b);
		let due = due_periods(GENESIS_MS + 80_000, 10);
		assert_eq!(due.iter().map(|p| (p.agreement, p.period)).collect::<Vec<_>>(), vec![(b, 0), (a, 0)]);
	});
}

#[test]
fn a_retired_instance_is_covered_as_retired_and_not_pulled() {
	build_and_execute(|| {
		let agreement = agreement_on(2, 3);
		let service = info(agreement).service;
		let covered = info(agreement).instances.to_vec();
		assert!(covered.len() >= 2, "the fixture covers two instances");
		NowMs::set(GENESIS_MS + 1_000);
		assert_ok!(Sla::retire_instance(RuntimeOrigin::signed(OWNER), service, covered[0]));
		// Period 0 began before the retirement: still pulled.
		let coverage = Sla::period_coverage(agreement, 0).unwrap();
		assert_eq!((coverage.pulled.clone(), coverage.retired.clone()), (covered.clone(), vec![]));
		NowMs::set(GENESIS_MS + PERIOD_MS + 1);
		record(agreement, 0);
		let coverage = Sla::period_coverage(agreement, 1).unwrap();
		assert_eq!(coverage.retired, vec![covered[0]]);
		assert_eq!(coverage.pulled, covered[1..].to_vec());
		let to_record = Sla::period_to_record(agreement, 1).unwrap();
		assert_eq!(qos_primitives::traits::PeriodCoverage::from(&to_record), coverage, "both views agree");
	});
}
