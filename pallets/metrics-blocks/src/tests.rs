use crate::{mock::*, ocw, AccountingKeys, Call, ChainTips, Error, Event, PartialBlocks};
use frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec};
use qos_primitives::{
	merkle::{merkle_root, verify_proof},
	otp::{commit, otp_matches, period_otp, Commitment},
	selection::designated_index,
	traits::{MetricsArchive, PeriodToRecord},
	InstanceId, MissingReason, Report, REPORT_SETTLE_MS,
};
use sp_core::{offchain::testing, Pair};
use sp_runtime::{
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	DispatchError,
};

const A: u64 = 7;

fn reports_of(to_record: &PeriodToRecord, instances: &[u32]) -> Vec<Report> {
	instances.iter().map(|i| good_report(to_record, *i)).collect()
}

fn client_commitment(reports: &[Report]) -> Commitment {
	let tags: Vec<_> = reports.iter().map(|r| (r.instance, tag_of(&CLIENT_KEY, r))).collect();
	let (agreement, period) = reports.first().map(|r| (r.agreement, r.period)).unwrap_or((A, 0));
	commit(&period_otp(agreement, period, &tags))
}

/// `signer`'s metrics block of `reports`, every other covered instance missing.
fn submit_call(signer: &str, agreement: u64, period: u32, reports: Vec<Report>) -> RuntimeCall {
	let missing = missing_of(agreement, period, &reports);
	submit_call_with(signer, agreement, period, reports, missing)
}

fn submit_call_with(
	signer: &str,
	agreement: u64,
	period: u32,
	reports: Vec<Report>,
	missing: Vec<(InstanceId, MissingReason)>,
) -> RuntimeCall {
	let commitment = client_commitment(&reports);
	let signature = sign_submission(signer, agreement, period, &reports, &missing, &commitment);
	RuntimeCall::MetricsBlocks(Call::submit_metrics_block {
		agreement,
		period,
		reports,
		missing,
		otp_commitment: commitment,
		accounting_node: acct(signer),
		signature,
	})
}

/// The node after `node` in the authority order of [`NODES`].
fn next_after(node: &str) -> &'static str {
	let i = NODES.iter().position(|n| *n == node).unwrap();
	NODES[(i + 1) % NODES.len()]
}

/// Dispatch directly (as in a block) and return the error, if any.
fn dispatch(call: RuntimeCall) -> sp_runtime::DispatchResult {
	use sp_runtime::traits::Dispatchable;
	call.dispatch(frame_system::RawOrigin::Authorized.into()).map(|_| ()).map_err(|e| e.error)
}

/// The pool's verdict on `call`.
fn pool_verdict(call: &RuntimeCall) -> Result<(), TransactionValidityError> {
	use frame_support::traits::Authorize;
	call.authorize(TransactionSource::External).expect("authorized call").map(|_| ())
}

fn custom(error: Error<Test>) -> TransactionValidityError {
	let DispatchError::Module(module) = DispatchError::from(error) else { unreachable!() };
	InvalidTransaction::Custom(module.error[0]).into()
}

/// Assert `call` is refused with `error` both by the pool and by dispatch.
fn assert_refused(call: RuntimeCall, error: Error<Test>, pool: TransactionValidityError) {
	assert_eq!(pool_verdict(&call), Err(pool));
	assert_noop!(dispatch(call), error);
}

fn set_time_after_settle(to_record: &PeriodToRecord) {
	set_now(to_record.window.to_ms + REPORT_SETTLE_MS);
}

// ---------------------------------------------------------------- recording

#[test]
fn designated_node_records_block_linked_to_previous_and_hands_it_over() {
	new_test_ext().execute_with(|| {
		let p0 = await_period(A, 0, 3);
		let p1 = await_period(A, 1, 3);
		set_time_after_settle(&p1);
		let r0 = reports_of(&p0, &[0, 1, 2]);
		let signer0 = designated(A, 0);
		assert_ok!(authorize_and_dispatch(submit_call(signer0, A, 0, r0.clone())));
		let b0 = MetricsBlocks::metrics_block(A, 0).unwrap();
		assert_eq!(b0.prev_hash, [0; 32]);
		assert_eq!(b0.sequence, 0);
		assert_eq!(b0.block_hash, b0.compute_hash());
		let hashes: Vec<_> = r0.iter().map(|r| qos_primitives::sha256(&codec::Encode::encode(r))).collect();
		assert_eq!(b0.reports_root, merkle_root(&hashes));
		assert!(b0.missing.is_empty());
		assert_eq!(b0.accounting_node, acct(signer0));
		System::assert_has_event(
			Event::MetricsBlockRecorded {
				agreement: A,
				period: 0,
				block_hash: b0.block_hash,
				reports_root: b0.reports_root,
				accounting_node: acct(signer0),
				missing: BoundedVec::new(),
			}
			.into(),
		);

		// Period 1 with instance 1 missing from two pulls links to period 0.
		let r1 = reports_of(&p1, &[0, 2]);
		assert_ok!(authorize_and_dispatch(submit_call(designated(A, 1), A, 1, r1.clone())));
		assert_eq!(MetricsBlocks::metrics_block(A, 1), None, "one node's word is not final");
		assert_ok!(authorize_and_dispatch(submit_call(next_after(designated(A, 1)), A, 1, r1.clone())));
		let b1 = MetricsBlocks::metrics_block(A, 1).unwrap();
		assert_eq!(b1.prev_hash, b0.block_hash);
		assert_eq!(b1.sequence, 1);
		assert_eq!(b1.missing.to_vec(), vec![(1, MissingReason::Timeout)]);
		assert_eq!(b1.first_pull, Some(acct(designated(A, 1))));

		let handed = handled();
		assert_eq!(handed.len(), 2);
		assert_eq!(handed[1].reports, r1);
		assert_eq!(handed[1].window, p1.window);
		assert_eq!(handed[1].otp_commitment, client_commitment(&r1));
		MetricsBlocks::do_try_state().unwrap();
	});
}

#[test]
fn inclusion_proof_lets_a_client_check_one_report_against_the_root() {
	new_test_ext().execute_with(|| {
		let p = await_period(A, 0, 5);
		set_time_after_settle(&p);
		let reports = reports_of(&p, &[0, 1, 3, 4]);
		assert_ok!(authorize_and_dispatch(submit_call(designated(A, 0), A, 0, reports.clone())));
		assert_ok!(authorize_and_dispatch(submit_call(next_after(designated(A, 0)), A, 0, reports.clone())));
		for report in &reports {
			let inclusion = MetricsBlocks::report_inclusion_proof(A, 0, report.instance).unwrap();
			assert_eq!(&inclusion.report, report);
			assert_eq!(inclusion.report_hash, report.hash());
			assert!(verify_proof(&inclusion.block.reports_root, &report.hash(), &inclusion.proof));
			let mut altered = report.clone();
			altered.probe_failures += 1;
			assert!(!verify_proof(&inclusion.block.reports_root, &altered.hash(), &inclusion.proof));
		}
		// The missing instance has no report to prove; an unrecorded period has no block.
		assert_eq!(MetricsBlocks::report_inclusion_proof(A, 0, 2), None);
		assert_eq!(MetricsBlocks::report_inclusion_proof(A, 1, 0), None);
	});
}

#[test]
fn only_authorized_origin_may_submit() {
	new_test_ext().execute_with(|| {
		let p = await_period(A, 0, 1);
		set_time_after_settle(&p);
		let reports = reports_of(&p, &[0]);
		let commitment = client_commitment(&reports);
		let signer = designated(A, 0);
		let signature = sign_submission(signer, A, 0, &reports, &[], &commitment);
		for origin in [RuntimeOrigin::signed(1), RuntimeOrigin::none(), RuntimeOrigin::root()] {
			assert_noop!(
				MetricsBlocks::submit_metrics_block(
					origin,
					A,
					0,
					reports.clone(),
					vec![],
					commitment,
					acct(signer),
					signature.clone()
				),
				DispatchError::BadOrigin
			);
		}
	});
}

#[test]
fn valid_submission_provides_its_period_once_in_the_pool() {
	new_test_ext().execute_with(|| {
		use frame_support::traits::Authorize;
		let p = await_period(A, 0, 2);
		set_time_after_settle(&p);
		let call = submit_call(designated(A, 0), A, 0, reports_of(&p, &[0, 1]));
		let (validity, _) = call.authorize(TransactionSource::External).unwrap().unwrap();
		assert_eq!(validity.priority, Priority::get());
		assert_eq!(validity.provides.len(), 1);
		// Another submission for the same period competes for the same tag.
		let other = submit_call(designated(A, 0), A, 0, reports_of(&p, &[1]));
		let (other_validity, _) = other.authorize(TransactionSource::External).unwrap().unwrap();
		assert_eq!(validity.provides, other_validity.provides);
	});
}

// ---------------------------------------------------------------- refusals

#[test]
fn refuses_unknown_agreement_or_period() {
	new_test_ext().execute_with(|| {
		let p = await_period(A, 0, 1);
		set_time_after_settle(&p);
		let call = submit_call(designated(A + 1, 0), A + 1, 0, vec![]);
		assert_refused(call, Error::AgreementPeriodNotFound, custom(Error::AgreementPeriodNotFound));
	});
}

#[test]
fn refuses_a_period_already_recorded() {
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
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
fn refuses_anyone_but_accounting_nodes() {
	new_test_ext().execute_with(|| {
		let p = await_period(A, 0, 1);
		set_now(MetricsBlocks::grace_ends_ms(&p.window));
		let call = submit_call("Dave", A, 0, reports_of(&p, &[0]));
		assert_refused(call, Error::NotAccountingNode, custom(Error::NotAccountingNode));
	});
}

#[test]
fn mapping_follows_the_authority_set() {
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
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
		let named = MetricsBlocks::designated_node(A, dave_period.expect("Dave is designated for some period")).unwrap();
		assert_eq!(named.authority_index, 3);
		assert_eq!(named.accounting_key, None);

		set_authorities(&[]);
		assert_eq!(MetricsBlocks::designated_node(A, 0), None);
	});
}

#[test]
fn refuses_a_bad_signature() {
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
		let p = await_period(A, 0, 2);
		set_time_after_settle(&p);
		let call = submit_call(designated(A, 0), A, 0, reports_of(&p, &[0, 5]));
		assert_refused(call, Error::UnknownInstance, custom(Error::UnknownInstance));
	});
}

#[test]
fn refuses_reports_for_another_window_period_or_agreement() {
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
		let p = await_period(A, 0, qos_primitives::MAX_INSTANCES_PER_SERVICE + 1);
		set_time_after_settle(&p);
		let call = submit_call_with(designated(A, 0), A, 0, reports_of(&p, &[0]), vec![]);
		assert_refused(call, Error::TooManyInstances, custom(Error::TooManyInstances));
		// Threat 8: more entries than a block holds get a name, not a decoding trap.
		let call = submit_call(designated(A, 0), A, 0, reports_of(&p, &[0]));
		assert_refused(call, Error::TooManyReports, custom(Error::TooManyReports));
	});
}

// ---------------------------------------------------------------- partial blocks (threat 6)

#[test]
fn a_partial_block_waits_for_a_second_pull_which_completes_it() {
	new_test_ext().execute_with(|| {
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
		assert_eq!((block.reports.to_vec(), block.missing.len()), (all.clone(), 0));
		assert_eq!(block.first_pull, Some(acct(first)));
		assert_eq!(handled().len(), 1);
		assert_eq!(handled()[0].reports, all);
		assert!(PartialBlocks::<Test>::get(A, 0).is_none());
		MetricsBlocks::do_try_state().unwrap();
	});
}

#[test]
fn instances_missing_from_both_pulls_stay_missing() {
	new_test_ext().execute_with(|| {
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
fn a_second_pull_must_be_another_nodes_and_agree_with_the_first() {
	new_test_ext().execute_with(|| {
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
		// ...or carry different bytes for it.
		let mut altered = reports_of(&p, &[0, 1]);
		altered[1].probe_failures += 1;
		let differing = submit_call(second, A, 0, altered);
		assert_refused(differing, Error::DisagreesWithFirstPull, custom(Error::DisagreesWithFirstPull));
		assert!(handled().is_empty());
	});
}

#[test]
fn a_lone_accounting_node_records_missing_instances_at_once() {
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
		let p = await_period_with_retired(A, 0, 2, &[2]);
		set_time_after_settle(&p);
		let signer = designated(A, 0);
		let all = reports_of(&p, &[0, 1]);
		// A retired instance must be missing as retired, and only it.
		let wrong = submit_call_with(signer, A, 0, all.clone(), vec![(2, MissingReason::Timeout)]);
		assert_refused(wrong, Error::WrongMissingReason, custom(Error::WrongMissingReason));
		let wrong = submit_call_with(signer, A, 0, reports_of(&p, &[0]), vec![(1, MissingReason::Retired), (2, MissingReason::Retired)]);
		assert_refused(wrong, Error::WrongMissingReason, custom(Error::WrongMissingReason));
		// Every covered instance must be accounted for, once.
		let silent = submit_call_with(signer, A, 0, all.clone(), vec![]);
		assert_refused(silent, Error::InstancesNotAccountedFor, custom(Error::InstancesNotAccountedFor));
		let twice = submit_call_with(signer, A, 0, all.clone(), vec![(1, MissingReason::Timeout), (2, MissingReason::Retired)]);
		assert_refused(twice, Error::InstancesNotAccountedFor, custom(Error::InstancesNotAccountedFor));
		let unsorted = submit_call_with(signer, A, 0, reports_of(&p, &[0]), vec![(2, MissingReason::Retired), (1, MissingReason::Timeout)]);
		assert_refused(unsorted, Error::ReportsNotSorted, custom(Error::ReportsNotSorted));
		let unknown = submit_call_with(signer, A, 0, all.clone(), vec![(2, MissingReason::Retired), (7, MissingReason::Timeout)]);
		assert_refused(unknown, Error::UnknownInstance, custom(Error::UnknownInstance));
		assert_ok!(authorize_and_dispatch(submit_call(signer, A, 0, all)));
		let block = MetricsBlocks::metrics_block(A, 0).unwrap();
		assert_eq!(block.missing.to_vec(), vec![(2, MissingReason::Retired)]);
	});
}

#[test]
fn the_archive_discards_partial_blocks_and_prunes_chains() {
	new_test_ext().execute_with(|| {
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

// ---------------------------------------------------------------- pruning

#[test]
fn prunes_blocks_beyond_retain_periods_and_keeps_the_chain_checkable() {
	new_test_ext().execute_with(|| {
		let total = RETAIN_PERIODS + 2;
		let mut hashes = Vec::new();
		for period in 0..total {
			let p = await_period(A, period, 1);
			set_time_after_settle(&p);
			assert_ok!(authorize_and_dispatch(submit_call(designated(A, period), A, period, reports_of(&p, &[0]))));
			hashes.push(MetricsBlocks::metrics_block(A, period).unwrap().block_hash);
			MetricsBlocks::do_try_state().unwrap();
		}
		for period in 0..total - RETAIN_PERIODS {
			assert_eq!(MetricsBlocks::metrics_block(A, period), None);
			System::assert_has_event(
				Event::MetricsBlockPruned { agreement: A, period, block_hash: hashes[period as usize] }.into(),
			);
		}
		let tip = ChainTips::<Test>::get(A).unwrap();
		assert_eq!(tip.length, total);
		assert_eq!(tip.first_retained, total - RETAIN_PERIODS);
		assert_eq!(tip.last_hash, hashes[total as usize - 1]);
		// The oldest retained block links to the anchor, the last pruned block's hash.
		let oldest = MetricsBlocks::metrics_block(A, total - RETAIN_PERIODS).unwrap();
		assert_eq!(oldest.prev_hash, tip.anchor_hash);
		assert_eq!(tip.anchor_hash, hashes[(total - RETAIN_PERIODS - 1) as usize]);
		assert_eq!(crate::MetricsBlocks::<Test>::iter_prefix(A).count() as u32, RETAIN_PERIODS);

		// A tampered retained block is caught by the invariant check.
		crate::MetricsBlocks::<Test>::mutate(A, total - 1, |b| b.as_mut().unwrap().otp_commitment = [9; 32]);
		assert!(MetricsBlocks::do_try_state().is_err());
	});
}

// ---------------------------------------------------------------- accounting keys

fn bind_call(authority: &str, key_owner: &str, aura_signer: &str) -> RuntimeCall {
	let payload = MetricsBlocks::binding_payload(&aura(authority), &acct(key_owner));
	RuntimeCall::MetricsBlocks(Call::bind_accounting_key {
		authority: aura(authority),
		accounting_key: acct(key_owner),
		authority_signature: aura_pair(aura_signer).sign(&payload).into(),
		accounting_signature: acct_pair(key_owner).sign(&payload).into(),
	})
}

#[test]
fn new_authority_binds_its_key_and_drops_those_that_left() {
	new_test_ext().execute_with(|| {
		set_authorities(&["Alice", "Bob", "Dave"]);
		assert_ok!(authorize_and_dispatch(bind_call("Dave", "Dave", "Dave")));
		System::assert_has_event(
			Event::AccountingKeyBound { authority: aura("Dave"), accounting_key: acct("Dave") }.into(),
		);
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Dave")), Some(acct("Dave")));
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Charlie")), None);
		// Dave is now an accounting node.
		let p = await_period(A, 0, 1);
		set_now(MetricsBlocks::grace_ends_ms(&p.window));
		assert_ok!(authorize_and_dispatch(submit_call("Dave", A, 0, reports_of(&p, &[0]))));
		MetricsBlocks::do_try_state().unwrap();
	});
}

#[test]
fn binding_refusals() {
	new_test_ext().execute_with(|| {
		// Not in the authority set.
		assert_refused(bind_call("Dave", "Dave", "Dave"), Error::NotAuthority, custom(Error::NotAuthority));
		// Already bound to exactly this key.
		assert_refused(
			bind_call("Alice", "Alice", "Alice"),
			Error::AccountingKeyAlreadyBound,
			InvalidTransaction::Stale.into(),
		);
		// Bob's key belongs to Bob.
		assert_refused(
			bind_call("Alice", "Bob", "Alice"),
			Error::AccountingKeyInUse,
			custom(Error::AccountingKeyInUse),
		);
		// Alice's Aura key did not sign.
		assert_refused(bind_call("Alice", "Dave", "Dave"), Error::BadSignature, InvalidTransaction::BadProof.into());
		// Re-binding Alice to a new key with both signatures works.
		assert_ok!(authorize_and_dispatch(bind_call("Alice", "Dave", "Alice")));
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Alice")), Some(acct("Dave")));
	});
}

#[test]
fn a_replayed_binding_cannot_rebind_a_rotated_out_key() {
	new_test_ext().execute_with(|| {
		set_authorities(&["Alice", "Bob", "Charlie", "Dave"]);
		// Alice rotates to the key "Dave//acct"... and an attacker kept the
		// signatures of an earlier binding of Alice to "Eve//acct".
		let old = bind_call("Alice", "Eve", "Alice");
		assert_ok!(authorize_and_dispatch(old.clone()));
		assert_ok!(authorize_and_dispatch(bind_call("Alice", "Dave", "Alice")));
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Alice")), Some(acct("Dave")));
		// Replaying the old binding from chain history fails: its nonce is spent.
		assert_refused(old, Error::BadSignature, InvalidTransaction::BadProof.into());
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Alice")), Some(acct("Dave")));
		assert_eq!(crate::BindingNonces::<Test>::get(aura("Alice")), 2);
	});
}

#[test]
fn binding_refused_when_the_key_map_is_full() {
	new_test_ext().execute_with(|| {
		set_authorities(&["Alice", "Bob", "Charlie", "Dave", "Eve"]);
		assert_ok!(authorize_and_dispatch(bind_call("Dave", "Dave", "Dave")));
		assert_eq!(AccountingKeys::<Test>::get().len() as u32, MaxAuthorities::get());
		assert_noop!(dispatch(bind_call("Eve", "Eve", "Eve")), Error::<Test>::TooManyAuthorities);
	});
}

// ---------------------------------------------------------------- off-chain worker

/// Run the off-chain worker at block `n` and return what it put in the pool.
fn run_ocw(n: u64) {
	System::set_block_number(n);
	MetricsBlocks::offchain_worker(n);
}

#[test]
fn ocw_good_monitors_with_testing_pending_requests() {
	let agreement = 11;
	let node = {
		let _ = new_test_ext();
		set_authorities(&NODES);
		let n = designated_index(agreement, 0, 3).unwrap();
		NODES[n as usize]
	};
	let (offchain, state) = testing::TestOffchainExt::new();
	let (mut ext, pool) = node_ext(node, false, offchain);
	ext.execute_with(|| {
		let p = await_period(agreement, 0, 3);
		let reports = reports_of(&p, &[0, 1, 2]);
		for report in &reports {
			state.write().expect_request(testing::PendingRequest {
				method: "GET".into(),
				uri: report_uri(&p, report.instance),
				headers: vec![
					("Accept".into(), "application/json".into()),
					(ocw::ACCOUNTING_KEY_HEADER.into(), format!("0x{}", hex::encode(acct(node)))),
				],
				response: Some(answer_body(report, &CLIENT_KEY)),
				sent: true,
				..Default::default()
			});
		}
		set_time_after_settle(&p);
		run_ocw(2);
		let calls = pool_calls(&pool);
		assert_eq!(calls.len(), 1);
		assert_ok!(authorize_and_dispatch(calls[0].clone()));
		let block = MetricsBlocks::metrics_block(agreement, 0).unwrap();
		assert_eq!(block.reports.to_vec(), reports);
		assert!(block.missing.is_empty());
		assert_eq!(block.accounting_node, acct(node));
		// The client derives the OTP from the tags with its key: it opens the commitment.
		let tags: Vec<_> = reports.iter().map(|r| (r.instance, tag_of(&CLIENT_KEY, r))).collect();
		assert!(otp_matches(&period_otp(agreement, 0, &tags), &block.otp_commitment));
	});
}

/// Run the designated node's off-chain worker for a period with two
/// instances: instance 0 answers well, instance 1 answers `faulty`. The node
/// retries during the first half of its grace, then records a partial block
/// naming why instance 1 is missing. Returns that block.
fn record_with_faulty_instance(faulty: impl Fn(&PeriodToRecord) -> Reply) -> crate::PartialBlock {
	let agreement = 12;
	let node = {
		let _ = new_test_ext();
		NODES[designated_index(agreement, 0, 3).unwrap() as usize]
	};
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		let p = await_period(agreement, 0, 2);
		net.reply(report_uri(&p, 0), Reply::Answer(200, answer_body(&good_report(&p, 0), &CLIENT_KEY)));
		net.reply(report_uri(&p, 1), faulty(&p));
		set_time_after_settle(&p);
		run_ocw(2);
		assert_eq!(net.requested().len(), 2, "both monitors fetched in one run");
		assert!(pool_calls(&pool).is_empty(), "an unreachable monitor is retried first");
		run_ocw(3);
		assert_eq!(net.requested().len(), 4, "and fetched again on the next block");
		set_now(ocw::retry_until_ms::<Test>(&p.window));
		run_ocw(4);
		let calls = pool_calls(&pool);
		assert_eq!(calls.len(), 1);
		assert_ok!(authorize_and_dispatch(calls[0].clone()));
		assert_eq!(MetricsBlocks::metrics_block(agreement, 0), None);
		assert!(handled().is_empty(), "a partial block is not handed to SLA verification");
		let partial = PartialBlocks::<Test>::get(agreement, 0).unwrap();
		assert_eq!(partial.accounting_node, acct(node));
		assert_eq!(partial.report_hashes.to_vec(), vec![(0, good_report(&p, 0).hash())]);
		partial
	})
}

#[test]
fn ocw_counts_a_monitor_timeout_as_missing() {
	let partial = record_with_faulty_instance(|_| Reply::Hang);
	assert_eq!(partial.missing.to_vec(), vec![(1, MissingReason::Timeout)]);
}

#[test]
fn ocw_counts_a_500_as_missing() {
	let partial = record_with_faulty_instance(|_| Reply::Answer(500, br#"{"error":"sampler crashed"}"#.to_vec()));
	assert_eq!(partial.missing.to_vec(), vec![(1, MissingReason::HttpStatus(500))]);
}

#[test]
fn ocw_counts_a_malformed_body_as_missing() {
	let partial = record_with_faulty_instance(|_| Reply::Answer(200, br#"{"report": {}, "scale": "0x00""#.to_vec()));
	assert_eq!(partial.missing.to_vec(), vec![(1, MissingReason::InvalidAnswer)]);
}

#[test]
fn ocw_counts_a_report_for_the_wrong_window_as_missing() {
	let partial = record_with_faulty_instance(|p| {
		let mut report = good_report(p, 1);
		report.window = window_of(p.period + 1);
		Reply::Answer(200, answer_body(&report, &CLIENT_KEY))
	});
	assert_eq!(partial.missing.to_vec(), vec![(1, MissingReason::InvalidAnswer)]);
}

#[test]
fn ocw_of_the_next_node_pulls_a_partial_block_again_and_completes_it() {
	// Threat 6c end to end in the pallet: the designated node's requests to
	// monitor 1 failed; the next node's succeed, and its block is final.
	let agreement = 12;
	let (first, second) = {
		let _ = new_test_ext();
		let first = NODES[designated_index(agreement, 0, 3).unwrap() as usize];
		(first, next_after(first))
	};
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext(second, false, net.clone());
	ext.execute_with(|| {
		let p = await_period(agreement, 0, 2);
		let reports = reports_of(&p, &[0, 1]);
		for report in &reports {
			net.reply(report_uri(&p, report.instance), Reply::Answer(200, answer_body(report, &CLIENT_KEY)));
		}
		set_now(ocw::retry_until_ms::<Test>(&p.window));
		assert_ok!(authorize_and_dispatch(submit_call(first, agreement, 0, reports[..1].to_vec())));
		run_ocw(5);
		let calls = pool_calls(&pool);
		assert_eq!(calls.len(), 1, "the next node pulls at once");
		assert_ok!(authorize_and_dispatch(calls[0].clone()));
		let block = MetricsBlocks::metrics_block(agreement, 0).unwrap();
		assert_eq!((block.reports.to_vec(), block.missing.len()), (reports.clone(), 0));
		assert_eq!((block.accounting_node.clone(), block.first_pull.clone()), (acct(second), Some(acct(first))));
		assert_eq!(handled().len(), 1);
		assert_eq!(handled()[0].reports, reports);
		assert!(PartialBlocks::<Test>::get(agreement, 0).is_none());
		// The third node waits a grace and then finds nothing to do.
	});
}

#[test]
fn ocw_records_a_forged_tag_but_the_clients_otp_does_not_match() {
	let agreement = 13;
	let node = {
		let _ = new_test_ext();
		NODES[designated_index(agreement, 0, 3).unwrap() as usize]
	};
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		let p = await_period(agreement, 0, 2);
		let forger_key = [13u8; 32];
		net.reply(report_uri(&p, 0), Reply::Answer(200, answer_body(&good_report(&p, 0), &CLIENT_KEY)));
		net.reply(report_uri(&p, 1), Reply::Answer(200, answer_body(&good_report(&p, 1), &forger_key)));
		set_time_after_settle(&p);
		run_ocw(2);
		assert_ok!(authorize_and_dispatch(pool_calls(&pool)[0].clone()));
		let block = MetricsBlocks::metrics_block(agreement, 0).unwrap();
		assert_eq!(block.reports.len(), 2, "the node cannot tell a forged tag");
		let client_tags: Vec<_> = block.reports.iter().map(|r| (r.instance, tag_of(&CLIENT_KEY, r))).collect();
		assert!(!otp_matches(&period_otp(agreement, 0, &client_tags), &block.otp_commitment));
		// What the node committed to is the forger's tag.
		let seen_tags = vec![(0, tag_of(&CLIENT_KEY, &block.reports[0])), (1, tag_of(&forger_key, &block.reports[1]))];
		assert!(otp_matches(&period_otp(agreement, 0, &seen_tags), &block.otp_commitment));
	});
}

#[test]
fn ocw_waits_for_settle_and_others_wait_for_grace() {
	let agreement = 14;
	let (designated_node, other) = {
		let _ = new_test_ext();
		(designated(agreement, 0), not_designated(agreement, 0))
	};
	// The designated node does nothing before the window settled.
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext(designated_node, false, net.clone());
	ext.execute_with(|| {
		let p = await_period(agreement, 0, 1);
		set_now(p.window.to_ms + REPORT_SETTLE_MS - 1);
		run_ocw(2);
		assert!(net.requested().is_empty());
		assert!(pool_calls(&pool).is_empty());
	});
	// Another node waits at least one grace, then records.
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext(other, false, net.clone());
	ext.execute_with(|| {
		let p = await_period(agreement, 0, 1);
		net.reply(report_uri(&p, 0), Reply::Answer(200, answer_body(&good_report(&p, 0), &CLIENT_KEY)));
		set_now(MetricsBlocks::grace_ends_ms(&p.window) - 1);
		run_ocw(2);
		assert!(net.requested().is_empty());
		// Two graces cover every place after the designated node among three.
		let grace = SUBMIT_GRACE * MILLISECS_PER_BLOCK;
		set_now(MetricsBlocks::grace_ends_ms(&p.window) + grace);
		run_ocw(3);
		let calls = pool_calls(&pool);
		assert_eq!(calls.len(), 1);
		assert_ok!(authorize_and_dispatch(calls[0].clone()));
		assert_eq!(MetricsBlocks::metrics_block(agreement, 0).unwrap().accounting_node, acct(other));
	});
}

#[test]
fn ocw_never_submits_a_period_twice_but_retries_when_still_unrecorded() {
	let agreement = 15;
	let node = {
		let _ = new_test_ext();
		designated(agreement, 0)
	};
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		let p = await_period(agreement, 0, 1);
		net.reply(report_uri(&p, 0), Reply::Answer(200, answer_body(&good_report(&p, 0), &CLIENT_KEY)));
		set_time_after_settle(&p);
		run_ocw(2);
		assert_eq!(pool_calls(&pool).len(), 1);
		// Next blocks: the claim holds, no fetch, no second transaction.
		net.forget_requests();
		run_ocw(3);
		run_ocw(2 + ocw::RESUBMIT_AFTER_BLOCKS as u64 - 1);
		assert!(net.requested().is_empty());
		assert_eq!(pool_calls(&pool).len(), 1);
		// The transaction never made it into a block: after the claim expires, retry.
		run_ocw(2 + ocw::RESUBMIT_AFTER_BLOCKS as u64);
		assert_eq!(net.requested().len(), 1);
		assert_eq!(pool_calls(&pool).len(), 2);
		// Once recorded, nothing more.
		assert_ok!(authorize_and_dispatch(pool_calls(&pool)[1].clone()));
		net.forget_requests();
		run_ocw(100);
		assert!(net.requested().is_empty());
		assert_eq!(pool_calls(&pool).len(), 2);
	});
}

#[test]
fn ocw_retries_on_the_next_block_after_a_failed_submission() {
	use sp_core::offchain::TransactionPoolExt;
	let agreement = 16;
	let node = {
		let _ = new_test_ext();
		designated(agreement, 0)
	};
	let net = MonitorNet::default();
	let (mut ext, _pool) = node_ext(node, false, net.clone());
	ext.register_extension(TransactionPoolExt::new(RefusingPool));
	ext.execute_with(|| {
		let p = await_period(agreement, 0, 1);
		net.reply(report_uri(&p, 0), Reply::Answer(200, answer_body(&good_report(&p, 0), &CLIENT_KEY)));
		set_time_after_settle(&p);
		run_ocw(2);
		assert_eq!(net.requested().len(), 1);
		let claim_key = ocw::claim_key(agreement, 0);
		let claim = sp_runtime::offchain::storage::StorageValueRef::persistent(&claim_key);
		assert_eq!(claim.get::<u64>(), Ok(None), "a failed submission releases its claim");
		run_ocw(3);
		assert_eq!(net.requested().len(), 2);
	});
}

#[test]
fn ocw_is_idle_without_a_key_or_without_due_periods() {
	// An accounting node with nothing due makes no request and no transaction.
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext("Alice", false, net.clone());
	ext.execute_with(|| {
		let p = await_period(17, 0, 1);
		set_now(p.window.to_ms);
		run_ocw(2);
		assert!(net.requested().is_empty());
		assert!(pool_calls(&pool).is_empty());
	});
	// A node whose key is no accounting key does nothing even when periods are due.
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext("Dave", false, net.clone());
	ext.execute_with(|| {
		let p = await_period(17, 0, 1);
		set_now(MetricsBlocks::grace_ends_ms(&p.window) * 2);
		run_ocw(2);
		assert!(net.requested().is_empty());
		assert!(pool_calls(&pool).is_empty());
	});
}

#[test]
fn ocw_of_a_new_authority_binds_its_local_key() {
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext("Dave", true, net);
	ext.execute_with(|| {
		set_authorities(&["Alice", "Bob", "Dave"]);
		run_ocw(2);
		let calls = pool_calls(&pool);
		assert_eq!(calls.len(), 1);
		assert_ok!(authorize_and_dispatch(calls[0].clone()));
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Dave")), Some(acct("Dave")));
		// Bound: nothing more to send.
		run_ocw(3 + ocw::RESUBMIT_AFTER_BLOCKS as u64);
		assert_eq!(pool_calls(&pool).len(), 1);
	});
}

// ---------------------------------------------------------------- answer validation

fn expected() -> PeriodToRecord {
	PeriodToRecord { agreement: A, period: 2, window: window_of(2), monitors: vec![], retired: vec![] }
}

#[test]
fn answer_validation_names_each_fault() {
	use ocw::{validate_answer, MonitorFault};
	let p = expected();
	let report = good_report(&p, 3);
	let good = answer_body(&report, &CLIENT_KEY);
	assert_eq!(validate_answer(&good, &p, 3), Ok((report.clone(), tag_of(&CLIENT_KEY, &report))));
	assert_eq!(validate_answer(&good, &p, 4), Err(MonitorFault::Mismatch("instance")));

	let with = |field: &str, value: serde_json::Value| {
		let mut json: serde_json::Value = serde_json::from_slice(&good).unwrap();
		json[field] = value;
		json.to_string().into_bytes()
	};
	let mut extra = codec::Encode::encode(&report);
	extra.push(0);
	assert_eq!(
		validate_answer(&with("scale", format!("0x{}", hex::encode(&extra)).into()), &p, 3),
		Err(MonitorFault::Undecodable)
	);
	assert_eq!(validate_answer(&with("scale", "00".into()), &p, 3), Err(MonitorFault::Hex("scale")));
	assert_eq!(validate_answer(&with("tag", "0x1234".into()), &p, 3), Err(MonitorFault::Hex("tag")));
	assert_eq!(
		validate_answer(&with("report_hash", format!("0x{}", hex::encode([1u8; 32])).into()), &p, 3),
		Err(MonitorFault::HashMismatch)
	);
	let mut missing_report: serde_json::Value = serde_json::from_slice(&good).unwrap();
	missing_report.as_object_mut().unwrap().remove("report");
	assert!(matches!(validate_answer(missing_report.to_string().as_bytes(), &p, 3), Err(MonitorFault::Schema(_))));

	let mut other_period = report.clone();
	other_period.period = 1;
	assert_eq!(validate_answer(&answer_body(&other_period, &CLIENT_KEY), &p, 3), Err(MonitorFault::Mismatch("period")));
	let mut other_agreement = report.clone();
	other_agreement.agreement = A + 1;
	assert_eq!(
		validate_answer(&answer_body(&other_agreement, &CLIENT_KEY), &p, 3),
		Err(MonitorFault::Mismatch("agreement"))
	);
	let mut out_of_bounds = report;
	out_of_bounds.cpu_utilisation_permille = 2000;
	assert!(matches!(
		validate_answer(&answer_body(&out_of_bounds, &CLIENT_KEY), &p, 3),
		Err(MonitorFault::OutOfBounds(_))
	));
}

#[test]
fn report_urls_follow_the_monitor_api() {
	let p = expected();
	let monitor = qos_primitives::traits::MonitorEndpoint { instance: 3, url: b"http://10.0.0.5:9615/".to_vec() };
	assert_eq!(
		ocw::report_url(&monitor, &p).unwrap(),
		format!(
			"http://10.0.0.5:9615/v1/report?agreement={A}&period=2&from_ms={}&to_ms={}",
			p.window.from_ms, p.window.to_ms
		)
	);
	let bad = qos_primitives::traits::MonitorEndpoint { instance: 3, url: vec![0xff] };
	assert_eq!(ocw::report_url(&bad, &p), Err(ocw::MonitorFault::BadUrl));
}

#[test]
#[should_panic(expected = "accounting key mapped twice in genesis")]
fn genesis_refuses_a_key_mapped_twice() {
	use sp_runtime::BuildStorage;
	let _ = RuntimeGenesisConfig {
		system: Default::default(),
		metrics_blocks: crate::GenesisConfig {
			accounting_keys: vec![(aura("Alice"), acct("Alice")), (aura("Bob"), acct("Alice"))],
			..Default::default()
		},
	}
	.build_storage();
}
