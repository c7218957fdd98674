//! Recording metrics blocks: the chain, inclusion proofs, the pool.

use super::*;

#[test]
fn designated_node_records_block_linked_to_previous_and_hands_it_over() {
	build_and_execute(|| {
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
	build_and_execute(|| {
		let p = await_period(A, 0, 5);
		set_time_after_settle(&p);
		let reports = reports_of(&p, &[0, 1, 3, 4]);
		assert_ok!(authorize_and_dispatch(submit_call(designated(A, 0), A, 0, reports.clone())));
		assert_ok!(authorize_and_dispatch(submit_call(next_after(designated(A, 0)), A, 0, reports.clone())));
		for report in &reports {
			let inclusion = MetricsBlocks::report_inclusion_proof(A, 0, report.instance).unwrap();
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
	build_and_execute(|| {
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
	build_and_execute(|| {
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

#[test]
fn a_block_of_a_thousand_instances_stores_only_their_hashes() {
	build_and_execute(|| {
		let n = qos_primitives::MAX_INSTANCES_PER_SERVICE;
		let p = await_period(A, 0, n);
		set_time_after_settle(&p);
		let reports = reports_of(&p, &(0..n).collect::<Vec<_>>());
		assert_ok!(authorize_and_dispatch(submit_call(designated(A, 0), A, 0, reports.clone())));
		let block = MetricsBlocks::metrics_block(A, 0).unwrap();
		assert_eq!(block.report_hashes.to_vec(), hashes(&reports));
		assert_eq!(block.reports_root, merkle_root(&block.leaves()));
		assert_eq!(handled()[0].reports, reports, "the verdict sees every report");
		let last = MetricsBlocks::report_inclusion_proof(A, 0, n - 1).unwrap();
		assert!(verify_proof(&block.reports_root, &reports[n as usize - 1].hash(), &last.proof));
	});
}
