//! Every submission the runtime refuses, by name, in the pool and in the block.

use super::*;

#[test]
fn refuses_unknown_agreement_or_period() {
	build_and_execute(|| {
		let p = await_period(A, 0, 1);
		set_time_after_settle(&p);
		let call = submit_call(designated(A + 1, 0), A + 1, 0, vec![]);
		assert_refused(call, Error::AgreementPeriodNotFound, custom(Error::AgreementPeriodNotFound));
	});
}

#[test]
fn refuses_a_period_already_recorded() {
	build_and_execute(|| {
		let p = await_period(A, 0, 2);
		set_time_after_settle(&p);
		assert_ok!(authorize_and_dispatch(submit_call(designated(A, 0), A, 0, reports_of(&p, &[0, 1]))));
		// Even if the registry still listed it, the stored block refuses a second one.
		await_period(A, 0, 2);
		let again = submit_call(designated(A, 0), A, 0, reports_of(&p, &[0]));
		assert_refused(again, Error::PeriodAlreadyRecorded, InvalidTransaction::Stale.into());
		assert_eq!(handled().len(), 1);
	});
}

#[test]
fn a_designated_node_cannot_record_an_early_empty_block() {
	build_and_execute(|| {
		// Threat 6a: the window has closed but the monitors' reports have not
		// settled; a block with every instance missing is refused.
		let p = await_period(A, 0, 1);
		set_now(p.window.to_ms + REPORT_SETTLE_MS - 1);
		let call = submit_call(designated(A, 0), A, 0, vec![]);
		assert_refused(call, Error::WindowNotSettled, custom(Error::WindowNotSettled));
		set_now(p.window.to_ms + REPORT_SETTLE_MS);
		assert_ok!(authorize_and_dispatch(submit_call(designated(A, 0), A, 0, reports_of(&p, &[0]))));
	});
}

#[test]
fn a_period_cannot_be_recorded_from_its_record_deadline_on() {
	build_and_execute(|| {
		// From its deadline the period lapses (the SLA pallet refunds it):
		// a late block, first or second pull, would decide it a second time.
		let p = await_period(A, 0, 2);
		let deadline = MockAgreements::record_deadline_ms(p.window.to_ms);
		set_now(deadline - 1);
		let first = designated(A, 0);
		assert_ok!(authorize_and_dispatch(submit_call(first, A, 0, reports_of(&p, &[0]))));
		set_now(deadline);
		let second = submit_call(next_after(first), A, 0, reports_of(&p, &[0, 1]));
		assert_refused(second, Error::RecordDeadlinePassed, custom(Error::RecordDeadlinePassed));
		let q = await_period(A + 1, 0, 1);
		let late = submit_call(designated(A + 1, 0), A + 1, 0, reports_of(&q, &[0]));
		assert_refused(late, Error::RecordDeadlinePassed, custom(Error::RecordDeadlinePassed));
		assert!(handled().is_empty());
	});
}

#[test]
fn refuses_anyone_but_accounting_nodes() {
	build_and_execute(|| {
		let p = await_period(A, 0, 1);
		set_now(MetricsBlocks::grace_ends_ms(&p.window));
		let call = submit_call("Dave", A, 0, reports_of(&p, &[0]));
		assert_refused(call, Error::NotAccountingNode, custom(Error::NotAccountingNode));
	});
}

#[test]
fn mapping_follows_the_authority_set() {
	build_and_execute(|| {
		let p = await_period(A, 0, 1);
		set_now(MetricsBlocks::grace_ends_ms(&p.window));
		// Charlie leaves the authority set: its accounting key no longer counts.
		set_authorities(&["Alice", "Bob"]);
		let call = submit_call("Charlie", A, 0, reports_of(&p, &[0]));
		assert_refused(call, Error::NotAccountingNode, custom(Error::NotAccountingNode));
		assert_ok!(authorize_and_dispatch(submit_call("Alice", A, 0, reports_of(&p, &[0]))));
	});
}

#[test]
fn only_the_designated_node_before_grace_then_any_accounting_node() {
	build_and_execute(|| {
		let p = await_period(A, 0, 1);
		let other = not_designated(A, 0);
		let grace_ends = MetricsBlocks::grace_ends_ms(&p.window);
		assert_eq!(grace_ends, p.window.to_ms + REPORT_SETTLE_MS + SUBMIT_GRACE * MILLISECS_PER_BLOCK);
		set_now(grace_ends - 1);
		let early = submit_call(other, A, 0, reports_of(&p, &[0]));
		assert_refused(early, Error::NotDesignatedNode, custom(Error::NotDesignatedNode));
		set_now(grace_ends);
		assert_ok!(authorize_and_dispatch(submit_call(other, A, 0, reports_of(&p, &[0]))));
		assert_eq!(MetricsBlocks::metrics_block(A, 0).unwrap().accounting_node, acct(other));
	});
}

#[test]
fn designated_node_api_names_the_only_node_that_may_record_before_grace() {
	build_and_execute(|| {
		for period in 0..6 {
			let p = await_period(A, period, 1);
			set_time_after_settle(&p);
			let named = MetricsBlocks::designated_node(A, period).unwrap();
			assert_eq!(aura(NODES[named.authority_index as usize]), named.authority);
			let key = named.accounting_key.expect("genesis binds every node's key");
			for node in NODES {
				if acct(node) != key {
					let early = submit_call(node, A, period, reports_of(&p, &[0]));
					assert_refused(early, Error::NotDesignatedNode, custom(Error::NotDesignatedNode));
				}
			}
			let signer = NODES.iter().find(|n| acct(n) == key).unwrap();
			assert_ok!(authorize_and_dispatch(submit_call(signer, A, period, reports_of(&p, &[0]))));
		}

		// An authority without a bound key is still designated; the API says
		// it has no key, i.e. the period will wait for the grace.
		set_authorities(&["Alice", "Bob", "Charlie", "Dave"]);
		let dave_period = (0..64).find(|&p| MetricsBlocks::designated_node(A, p).unwrap().authority == aura("Dave"));
		let named =
			MetricsBlocks::designated_node(A, dave_period.expect("Dave is designated for some period")).unwrap();
		assert_eq!(named.authority_index, 3);
		assert_eq!(named.accounting_key, None);

		set_authorities(&[]);
		assert_eq!(MetricsBlocks::designated_node(A, 0), None);
	});
}

#[test]
fn refuses_a_bad_signature() {
	build_and_execute(|| {
		let p = await_period(A, 0, 2);
		set_time_after_settle(&p);
		let signer = designated(A, 0);
		// Signed for other reports than those submitted.
		let reports = reports_of(&p, &[0, 1]);
		let commitment = client_commitment(&reports);
		let signature = sign_submission(signer, A, 0, &reports[..1], &[(1, MissingReason::Timeout)], &commitment);
		let call = RuntimeCall::MetricsBlocks(Call::submit_metrics_block {
			agreement: A,
			period: 0,
			reports: reports.clone(),
			missing: vec![],
			otp_commitment: commitment,
			accounting_node: acct(signer),
			signature,
		});
		assert_refused(call, Error::BadSignature, InvalidTransaction::BadProof.into());
		// Signed by another key than the claimed one.
		let other = not_designated(A, 0);
		let forged = sign_submission(other, A, 0, &reports, &[], &commitment);
		let call = RuntimeCall::MetricsBlocks(Call::submit_metrics_block {
			agreement: A,
			period: 0,
			reports,
			missing: vec![],
			otp_commitment: commitment,
			accounting_node: acct(signer),
			signature: forged,
		});
		assert_refused(call, Error::BadSignature, InvalidTransaction::BadProof.into());
	});
}

#[test]
fn refuses_unsorted_or_duplicate_reports() {
	build_and_execute(|| {
		let p = await_period(A, 0, 3);
		set_time_after_settle(&p);
		let signer = designated(A, 0);
		for order in [[1u32, 0], [1, 1]] {
			let call = submit_call(signer, A, 0, reports_of(&p, &order));
			assert_refused(call, Error::ReportsNotSorted, custom(Error::ReportsNotSorted));
		}
	});
}

#[test]
fn refuses_reports_of_unlisted_instances() {
	build_and_execute(|| {
		let p = await_period(A, 0, 2);
		set_time_after_settle(&p);
		let call = submit_call(designated(A, 0), A, 0, reports_of(&p, &[0, 5]));
		assert_refused(call, Error::UnknownInstance, custom(Error::UnknownInstance));
	});
}

#[test]
fn refuses_reports_for_another_window_period_or_agreement() {
	build_and_execute(|| {
		let p = await_period(A, 1, 1);
		set_time_after_settle(&p);
		let signer = designated(A, 1);
		let mut wrong_window = good_report(&p, 0);
		wrong_window.window = window_of(0);
		let mut wrong_period = good_report(&p, 0);
		wrong_period.period = 0;
		let mut wrong_agreement = good_report(&p, 0);
		wrong_agreement.agreement = A + 1;
		for report in [wrong_window, wrong_period, wrong_agreement] {
			let call = submit_call(signer, A, 1, vec![report]);
			assert_refused(call, Error::ReportDoesNotMatchPeriod, custom(Error::ReportDoesNotMatchPeriod));
		}
	});
}

#[test]
fn refuses_reports_out_of_bounds() {
	build_and_execute(|| {
		let p = await_period(A, 0, 1);
		set_time_after_settle(&p);
		let signer = designated(A, 0);
		let mut steal = good_report(&p, 0);
		steal.cpu_steal_permille = 1001;
		let mut latency = good_report(&p, 0);
		latency.latency_p99_ms = latency.latency_p95_ms - 1;
		for report in [steal, latency] {
			let call = submit_call(signer, A, 0, vec![report]);
			assert_refused(call, Error::ReportOutOfBounds, custom(Error::ReportOutOfBounds));
		}
	});
}

#[test]
fn refuses_a_service_with_more_instances_than_a_block_holds() {
	build_and_execute(|| {
		let p = await_period(A, 0, qos_primitives::MAX_INSTANCES_PER_SERVICE + 1);
		set_time_after_settle(&p);
		let call = submit_call_with(designated(A, 0), A, 0, reports_of(&p, &[0]), vec![]);
		assert_refused(call, Error::TooManyInstances, custom(Error::TooManyInstances));
		// Threat 8: more entries than a block holds get a name, not a decoding trap.
		let call = submit_call(designated(A, 0), A, 0, reports_of(&p, &[0]));
		assert_refused(call, Error::TooManyReports, custom(Error::TooManyReports));
	});
}

#[test]
fn refuses_an_instance_both_reported_and_missing() {
	build_and_execute(|| {
		let p = await_period(A, 0, 3);
		set_time_after_settle(&p);
		// The counts add up (two reports, one missing), but instance 1 is
		// both and instance 2 is neither.
		let call = submit_call_with(designated(A, 0), A, 0, reports_of(&p, &[0, 1]), vec![(1, MissingReason::Timeout)]);
		assert_refused(call, Error::InstancesNotAccountedFor, custom(Error::InstancesNotAccountedFor));
	});
}
