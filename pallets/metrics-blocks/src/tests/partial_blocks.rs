//! Partial blocks and the second pull (threat 6 of docs/threat-model.md).

use super::*;

#[test]
fn a_partial_block_waits_for_a_second_pull_which_completes_it() {
	build_and_execute(|| {
		let p = await_period(A, 0, 3);
		set_time_after_settle(&p);
		let first = designated(A, 0);
		// The designated node claims instances 1 and 2 are down.
		assert_ok!(authorize_and_dispatch(submit_call(first, A, 0, reports_of(&p, &[0]))));
		System::assert_has_event(
			Event::PartialBlockRecorded {
				agreement: A,
				period: 0,
				accounting_node: acct(first),
				missing: BoundedVec::truncate_from(vec![(1, MissingReason::Timeout), (2, MissingReason::Timeout)]),
			}
			.into(),
		);
		assert!(handled().is_empty(), "no verdict on one node's word");
		// Another node pulls every monitor and gets them all: its block is final.
		let second = next_after(first);
		let all = reports_of(&p, &[0, 1, 2]);
		assert_ok!(authorize_and_dispatch(submit_call(second, A, 0, all.clone())));
		let block = MetricsBlocks::metrics_block(A, 0).unwrap();
		assert_eq!((block.report_hashes.to_vec(), block.missing.len()), (hashes(&all), 0));
		assert_eq!(block.first_pull, Some(acct(first)));
		assert_eq!(handled().len(), 1);
		assert_eq!(handled()[0].reports, all);
		assert!(PartialBlocks::<Test>::get(A, 0).is_none());
		MetricsBlocks::do_try_state().unwrap();
	});
}

#[test]
fn instances_missing_from_both_pulls_stay_missing() {
	build_and_execute(|| {
		let p = await_period(A, 0, 3);
		set_time_after_settle(&p);
		let first = designated(A, 0);
		assert_ok!(authorize_and_dispatch(submit_call(first, A, 0, reports_of(&p, &[0]))));
		// The second node gets instance 1 but not instance 2.
		let second = next_after(first);
		assert_ok!(authorize_and_dispatch(submit_call(second, A, 0, reports_of(&p, &[0, 1]))));
		let block = MetricsBlocks::metrics_block(A, 0).unwrap();
		assert_eq!(block.missing.to_vec(), vec![(2, MissingReason::Timeout)]);
		assert_eq!(handled()[0].reports, reports_of(&p, &[0, 1]));
	});
}

#[test]
fn a_second_pull_must_be_another_nodes_and_report_every_instance_the_first_did() {
	build_and_execute(|| {
		let p = await_period(A, 0, 3);
		set_time_after_settle(&p);
		let first = designated(A, 0);
		assert_ok!(authorize_and_dispatch(submit_call(first, A, 0, reports_of(&p, &[0, 1]))));
		// A node cannot confirm its own partial block.
		let again = submit_call(first, A, 0, reports_of(&p, &[0, 1]));
		assert_refused(again, Error::SameNodeCannotCorroborate, custom(Error::SameNodeCannotCorroborate));
		// Nor can a second node drop a report the first got...
		let second = next_after(first);
		let dropping = submit_call(second, A, 0, reports_of(&p, &[0, 2]));
		assert_refused(dropping, Error::DisagreesWithFirstPull, custom(Error::DisagreesWithFirstPull));
		assert!(handled().is_empty());
		// A report's bytes may differ: the monitor's tag, checked by the
		// client's OTP, is the witness of a report's content. Here the first
		// node made up instance 1's report; the second pull's real one wins.
		let mut real = reports_of(&p, &[0, 1, 2]);
		real[1].probe_failures += 1;
		assert_ok!(authorize_and_dispatch(submit_call(second, A, 0, real.clone())));
		assert_eq!(handled()[0].reports, real);
	});
}

#[test]
fn a_validator_that_binds_a_new_key_is_still_the_first_pulls_witness() {
	build_and_execute(|| {
		let p = await_period(A, 0, 3);
		set_time_after_settle(&p);
		let first = designated(A, 0);
		// The designated validator claims instances 1 and 2 are down...
		assert_ok!(authorize_and_dispatch(submit_call(first, A, 0, reports_of(&p, &[0]))));
		// ...binds a fresh accounting key ("Eve"'s, unused) and, under it,
		// tries to be the second witness of its own omissions.
		assert_ok!(authorize_and_dispatch(bind_call(first, "Eve", first)));
		let own = submit_call("Eve", A, 0, reports_of(&p, &[0]));
		assert_refused(own, Error::SameNodeCannotCorroborate, custom(Error::SameNodeCannotCorroborate));
		assert!(handled().is_empty() && MetricsBlocks::metrics_block(A, 0).is_none());
		// Another validator is a second witness.
		assert_ok!(authorize_and_dispatch(submit_call(next_after(first), A, 0, reports_of(&p, &[0, 1, 2]))));
		assert_eq!(handled().len(), 1);
	});
}

#[test]
fn a_lone_accounting_node_records_missing_instances_at_once() {
	build_and_execute(|| {
		set_authorities(&["Alice"]);
		let p = await_period(A, 0, 2);
		set_time_after_settle(&p);
		assert_ok!(authorize_and_dispatch(submit_call("Alice", A, 0, reports_of(&p, &[0]))));
		let block = MetricsBlocks::metrics_block(A, 0).unwrap();
		assert_eq!(block.missing.to_vec(), vec![(1, MissingReason::Timeout)]);
		assert_eq!(block.first_pull, None);
	});
}

#[test]
fn retired_instances_are_missing_as_retired_without_a_second_pull() {
	build_and_execute(|| {
		let p = await_period_with_retired(A, 0, 2, &[2]);
		set_time_after_settle(&p);
		let signer = designated(A, 0);
		let all = reports_of(&p, &[0, 1]);
		// A retired instance must be missing as retired, and only it.
		let wrong = submit_call_with(signer, A, 0, all.clone(), vec![(2, MissingReason::Timeout)]);
		assert_refused(wrong, Error::WrongMissingReason, custom(Error::WrongMissingReason));
		let wrong = submit_call_with(
			signer,
			A,
			0,
			reports_of(&p, &[0]),
			vec![(1, MissingReason::Retired), (2, MissingReason::Retired)],
		);
		assert_refused(wrong, Error::WrongMissingReason, custom(Error::WrongMissingReason));
		// Every covered instance must be accounted for, once.
		let silent = submit_call_with(signer, A, 0, all.clone(), vec![]);
		assert_refused(silent, Error::InstancesNotAccountedFor, custom(Error::InstancesNotAccountedFor));
		let twice =
			submit_call_with(signer, A, 0, all.clone(), vec![(1, MissingReason::Timeout), (2, MissingReason::Retired)]);
		assert_refused(twice, Error::InstancesNotAccountedFor, custom(Error::InstancesNotAccountedFor));
		let unsorted = submit_call_with(
			signer,
			A,
			0,
			reports_of(&p, &[0]),
			vec![(2, MissingReason::Retired), (1, MissingReason::Timeout)],
		);
		assert_refused(unsorted, Error::ReportsNotSorted, custom(Error::ReportsNotSorted));
		let unknown =
			submit_call_with(signer, A, 0, all.clone(), vec![(2, MissingReason::Retired), (7, MissingReason::Timeout)]);
		assert_refused(unknown, Error::UnknownInstance, custom(Error::UnknownInstance));
		assert_ok!(authorize_and_dispatch(submit_call(signer, A, 0, all)));
		let block = MetricsBlocks::metrics_block(A, 0).unwrap();
		assert_eq!(block.missing.to_vec(), vec![(2, MissingReason::Retired)]);
	});
}

#[test]
fn the_archive_discards_partial_blocks_and_prunes_chains() {
	build_and_execute(|| {
		let p0 = await_period(A, 0, 2);
		set_time_after_settle(&p0);
		assert_ok!(authorize_and_dispatch(submit_call(designated(A, 0), A, 0, reports_of(&p0, &[0]))));
		assert!(PartialBlocks::<Test>::get(A, 0).is_some());
		// The period lapsed in SLA verification: its partial block goes.
		MetricsBlocks::discard_unfinished(A, 0);
		assert!(PartialBlocks::<Test>::get(A, 0).is_none());
		for period in 1..3 {
			let p = await_period(A, period, 1);
			set_time_after_settle(&p);
			assert_ok!(authorize_and_dispatch(submit_call(designated(A, period), A, period, reports_of(&p, &[0]))));
		}
		assert_eq!(MetricsBlocks::prune(A, 1), (1, false));
		MetricsBlocks::do_try_state().unwrap();
		assert_eq!(MetricsBlocks::prune(A, 5), (1, true));
		assert!(ChainTips::<Test>::get(A).is_none());
		assert_eq!(crate::MetricsBlocks::<Test>::iter_prefix(A).count(), 0);
		MetricsBlocks::do_try_state().unwrap();
		assert_eq!(MetricsBlocks::prune(A + 1, 5), (0, true), "nothing to prune is done at once");
	});
}
