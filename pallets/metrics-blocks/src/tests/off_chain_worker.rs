//! The off-chain worker against a programmable monitor network.

use super::*;

/// Run the off-chain worker at block `n` and return what it put in the pool.
fn run_ocw(n: u64) {
	System::set_block_number(n);
	MetricsBlocks::offchain_worker(n);
}

/// Have every monitor of `p` answer with its good report.
fn answer_every_monitor(net: &MonitorNet, p: &PeriodToRecord) {
	for instance in p.monitors.iter().map(|m| m.instance) {
		net.reply(report_uri(p, instance), Reply::Answer(200, answer_body(&good_report(p, instance), &CLIENT_KEY)));
	}
}

#[test]
fn ocw_signs_each_monitor_request_and_records_good_answers() {
	let agreement = 11;
	let node = {
		let _ = new_test_ext();
		set_authorities(&NODES);
		let n = designated_index(agreement, 0, 3).unwrap();
		NODES[n as usize]
	};
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		let p = await_period(agreement, 0, 3);
		let reports = reports_of(&p, &[0, 1, 2]);
		for report in &reports {
			net.reply(report_uri(&p, report.instance), Reply::Answer(200, answer_body(report, &CLIENT_KEY)));
		}
		let offchain_now = p.window.to_ms + REPORT_SETTLE_MS + 1_234;
		net.state.lock().unwrap().now_ms = offchain_now;
		set_time_after_settle(&p);
		run_ocw(2);

		// Each request names this node's accounting key, the offchain clock's
		// time, and a signature by that key over its own instance's window.
		let requests: Vec<(String, Vec<(String, String)>)> =
			net.state.lock().unwrap().requests.values().map(|r| (r.uri.clone(), r.headers.clone())).collect();
		assert_eq!(requests.len(), 3);
		for (uri, headers) in &requests {
			let header =
				|name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default();
			assert_eq!(header(ocw::ACCOUNTING_KEY_HEADER), format!("0x{}", hex::encode(acct(node))));
			assert_eq!(header(ocw::TIMESTAMP_HEADER), offchain_now.to_string());
			let instance = (0..3u32).find(|i| report_uri(&p, *i) == *uri).expect("a monitor of the period");
			let signature = hex::decode(header(ocw::SIGNATURE_HEADER).trim_start_matches("0x")).unwrap();
			let signature = sp_core::sr25519::Signature::try_from(&signature[..]).expect("64 bytes");
			let public = acct_pair(node).public();
			let signed = |instance: u32| {
				qos_primitives::request::report_request_payload(agreement, instance, 0, &p.window, offchain_now)
			};
			assert!(sp_core::sr25519::Pair::verify(&signature, signed(instance), &public));
			assert!(
				!sp_core::sr25519::Pair::verify(&signature, signed((instance + 1) % 3), &public),
				"the signature opens only its own instance's report"
			);
		}

		let calls = pool_calls(&pool);
		assert_eq!(calls.len(), 1);
		assert_ok!(authorize_and_dispatch(calls[0].clone()));
		let block = MetricsBlocks::metrics_block(agreement, 0).unwrap();
		assert_eq!(block.report_hashes.to_vec(), hashes(&reports));
		assert_eq!(handled()[0].reports, reports, "the reports go to SLA verification");
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
		assert_eq!((block.report_hashes.to_vec(), block.missing.len()), (hashes(&reports), 0));
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
		assert_eq!(block.report_hashes.len(), 2, "the node cannot tell a forged tag");
		let recorded = handled()[0].reports.clone();
		assert_eq!(block.report_hashes.to_vec(), hashes(&recorded));
		let client_tags: Vec<_> = recorded.iter().map(|r| (r.instance, tag_of(&CLIENT_KEY, r))).collect();
		assert!(!otp_matches(&period_otp(agreement, 0, &client_tags), &block.otp_commitment));
		// What the node committed to is the forger's tag.
		let seen_tags = vec![(0, tag_of(&CLIENT_KEY, &recorded[0])), (1, tag_of(&forger_key, &recorded[1]))];
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

/// `(agreement, period)` of each request made so far.
fn requested_periods(net: &MonitorNet) -> Vec<(u64, u32)> {
	net.requested()
		.iter()
		.map(|uri| {
			let param = |name: &str| {
				uri.split(['?', '&']).find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap().parse::<u64>().unwrap()
			};
			(param("agreement"), param("period") as u32)
		})
		.collect()
}

#[test]
fn a_backlog_beyond_one_runs_budget_drains_oldest_first() {
	let node = NODES[0];
	let net = MonitorNet::default();
	let (mut ext, _pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		// A busy machine (2 ms an answer): one round of a run fills the block
		// interval. 70 periods of 16 monitors due at five different times:
		// 1,120 requests, more than one round makes.
		net.state.lock().unwrap().ms_per_request = 2;
		let backlog: Vec<PeriodToRecord> = (0..70u64).map(|a| await_period(200 + a, (a % 5) as u32, 16)).collect();
		for p in &backlog {
			answer_every_monitor(&net, p);
		}
		let newest = backlog.iter().map(|p| p.window.to_ms).max().unwrap();
		// Late enough for every node to record every period.
		set_now(newest + REPORT_SETTLE_MS + 3 * MetricsBlocks::grace_ms());
		let mut oldest_first: Vec<(u64, u32)> = {
			let mut sorted = backlog.clone();
			sorted.sort_by_key(|p| (p.window.to_ms, p.agreement));
			sorted.iter().map(|p| (p.agreement, p.period)).collect()
		};

		run_ocw(2);
		let first: std::collections::BTreeSet<_> = requested_periods(&net).into_iter().collect();
		assert_eq!(net.requested().len(), ocw::MAX_MONITORS_PER_RUN, "the whole budget, whole periods");
		let rest = oldest_first.split_off(ocw::MAX_MONITORS_PER_RUN / 16);
		assert_eq!(first, oldest_first.iter().copied().collect(), "the oldest 64 periods first");

		// The next block's run takes what is left, not the periods claimed before.
		net.forget_requests();
		run_ocw(3);
		let second: std::collections::BTreeSet<_> = requested_periods(&net).into_iter().collect();
		assert_eq!(net.requested().len(), rest.len() * 16);
		assert_eq!(second, rest.into_iter().collect());
	});
}

#[test]
fn a_run_that_outlasts_its_block_does_not_stop_the_next_blocks_run() {
	use sp_runtime::offchain::{
		storage_lock::{BlockAndTime, StorageLock},
		Duration,
	};
	let node = NODES[0];
	let net = MonitorNet::default();
	let (mut ext, _pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		net.state.lock().unwrap().ms_per_request = 2;
		let backlog: Vec<PeriodToRecord> = (0..70u64).map(|a| await_period(200 + a, 0, 16)).collect();
		for p in &backlog {
			answer_every_monitor(&net, p);
		}
		set_now(backlog[0].window.to_ms + REPORT_SETTLE_MS + 3 * MetricsBlocks::grace_ms());
		// An earlier run still holds a lock (its monitors are slow): this
		// block's run goes ahead under the other.
		let first = ocw::run_lock_key(0);
		let mut earlier =
			StorageLock::<BlockAndTime<System>>::with_block_and_time_deadline(&first, 5, Duration::from_millis(7_500));
		let _earlier_run = earlier.try_lock().expect("free");
		run_ocw(2);
		assert_eq!(net.requested().len(), ocw::MAX_MONITORS_PER_RUN, "a whole run beside the earlier one");
		// With every lock held, a run does nothing (and takes no claim).
		let second = ocw::run_lock_key(1);
		let mut other =
			StorageLock::<BlockAndTime<System>>::with_block_and_time_deadline(&second, 5, Duration::from_millis(7_500));
		let _other_run = other.try_lock().expect("free once the run ended");
		net.forget_requests();
		run_ocw(3);
		assert!(net.requested().is_empty(), "{} runs at most", ocw::CONCURRENT_RUNS);
	});
}

#[test]
fn periods_other_nodes_must_record_first_do_not_hide_this_nodes_own() {
	let node = NODES[0];
	let net = MonitorNet::default();
	let (mut ext, _pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		let n = NODES.len() as u32;
		let mine = |agreement: u64| designated_index(agreement, 0, n) == Some(0);
		// 300 periods in other nodes' grace, then (by agreement id, their
		// windows closing at the same time) 5 of this node's.
		let others: Vec<u64> = (1_000u64..).filter(|a| !mine(*a)).take(300).collect();
		let own: Vec<u64> = (5_000u64..).filter(|a| mine(*a)).take(5).collect();
		let mut window = None;
		for agreement in others.iter().chain(&own) {
			let p = await_period(*agreement, 0, 1);
			net.reply(report_uri(&p, 0), Reply::Answer(200, answer_body(&good_report(&p, 0), &CLIENT_KEY)));
			window = Some(p.window);
		}
		set_now(MetricsBlocks::settled_ms(&window.unwrap()));
		run_ocw(2);
		let mut asked: Vec<u64> = requested_periods(&net).into_iter().map(|(a, _)| a).collect();
		asked.sort();
		assert_eq!(asked, own, "only this node's periods, found behind the others'");
	});
}

#[test]
fn monitors_that_answer_only_the_first_node_cost_a_pull_every_few_blocks_until_the_deadline() {
	// An owner's monitors answer the designated node and refuse every other:
	// the partial block can never be completed. The other nodes try again
	// only when their claim expires, and not at all once the period lapses.
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
		net.reply(
			report_uri(&p, 0),
			Reply::Answer(401, br#"{"error":"unauthorized","reason":"unknown_key"}"#.to_vec()),
		);
		net.reply(report_uri(&p, 1), Reply::Answer(200, answer_body(&good_report(&p, 1), &CLIENT_KEY)));
		set_now(ocw::retry_until_ms::<Test>(&p.window));
		assert_ok!(authorize_and_dispatch(submit_call(first, agreement, 0, reports_of(&p, &[0]))));
		run_ocw(5);
		assert_eq!(net.requested().len(), 2);
		assert!(pool_calls(&pool).is_empty(), "without instance 0's report there is nothing to submit");
		net.forget_requests();
		let again = 5 + ocw::RESUBMIT_AFTER_BLOCKS as u64;
		for block in 6..again {
			run_ocw(block);
		}
		assert!(net.requested().is_empty(), "not again while the claim holds");
		run_ocw(again);
		assert_eq!(net.requested().len(), 2, "then once more");
		net.forget_requests();
		set_now(MockAgreements::record_deadline_ms(p.window.to_ms));
		run_ocw(again + ocw::RESUBMIT_AFTER_BLOCKS as u64);
		assert!(net.requested().is_empty(), "a period past its deadline lapses; nobody pulls it");
		assert!(pool_calls(&pool).is_empty());
	});
}

#[test]
fn second_pulls_take_at_most_half_of_a_runs_monitor_requests() {
	// Four old periods of 256 monitors wait for a second pull (their monitors
	// may answer only the first node: 1,024 requests, a whole run), and 32
	// newer periods of 16 monitors for a first pull.
	let node = NODES[0];
	let net = MonitorNet::default();
	let (mut ext, _pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		// One round a run, as on a busy machine.
		net.state.lock().unwrap().ms_per_request = 2;
		let second_pulls: Vec<PeriodToRecord> = (300..304u64).map(|a| await_period(a, 0, 256)).collect();
		set_now(MetricsBlocks::grace_ends_ms(&second_pulls[0].window));
		for p in &second_pulls {
			answer_every_monitor(&net, p);
			let other = NODES[1];
			assert_ok!(authorize_and_dispatch(submit_call(other, p.agreement, 0, reports_of(p, &[0]))));
			assert!(PartialBlocks::<Test>::contains_key(p.agreement, 0));
		}
		let first_pulls: Vec<PeriodToRecord> = (400..432u64).map(|a| await_period(a, 1, 16)).collect();
		for p in &first_pulls {
			answer_every_monitor(&net, p);
		}
		set_now(MetricsBlocks::grace_ends_ms(&first_pulls[0].window) + 3 * MetricsBlocks::grace_ms());
		run_ocw(2);
		let asked = requested_periods(&net);
		let seconds = asked.iter().filter(|(a, _)| *a < 400).count();
		assert_eq!(seconds, ocw::MAX_SECOND_PULL_MONITORS, "two of the four second pulls");
		assert_eq!(asked.len() - seconds, 32 * 16, "and every first pull");
		// The next run takes the other two.
		net.forget_requests();
		run_ocw(3);
		let mut next: Vec<u64> = requested_periods(&net).into_iter().map(|(a, _)| a).collect();
		next.sort();
		next.dedup();
		assert_eq!(next.len(), 2);
		assert!(next.iter().all(|a| (300..304).contains(a)));
	});
}

#[test]
fn a_run_with_time_left_pulls_the_next_oldest_periods_in_another_round() {
	let node = NODES[0];
	let net = MonitorNet::default();
	let (mut ext, _pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		// 1 ms an answer: a round of 1,024 requests leaves time for another
		// as long before the next block (3 s).
		net.state.lock().unwrap().ms_per_request = 1;
		let backlog: Vec<PeriodToRecord> = (0..70u64).map(|a| await_period(200 + a, (a % 5) as u32, 16)).collect();
		for p in &backlog {
			answer_every_monitor(&net, p);
		}
		let newest = backlog.iter().map(|p| p.window.to_ms).max().unwrap();
		set_now(newest + REPORT_SETTLE_MS + 3 * MetricsBlocks::grace_ms());
		run_ocw(2);
		let asked = requested_periods(&net);
		assert_eq!(asked.len(), 70 * 16, "two rounds: the whole backlog");
		let distinct: std::collections::BTreeSet<_> = asked.iter().copied().collect();
		assert_eq!(distinct.len(), 70, "each period pulled by one round only");
		// The requests of the first round are the 64 oldest periods'.
		let mut oldest_first = backlog.clone();
		oldest_first.sort_by_key(|p| (p.window.to_ms, p.agreement));
		let first_round: std::collections::BTreeSet<_> = asked[..ocw::MAX_MONITORS_PER_RUN].iter().copied().collect();
		let oldest: std::collections::BTreeSet<_> =
			oldest_first[..ocw::MAX_MONITORS_PER_RUN / 16].iter().map(|p| (p.agreement, p.period)).collect();
		assert_eq!(first_round, oldest);
	});
}

/// `count` agreements, from `from` on, whose period 0 `node` is designated
/// to record.
fn designated_to(node: &str, from: u64, count: usize) -> Vec<u64> {
	(from..).filter(|a| NODES[designated_index(*a, 0, 3).unwrap() as usize] == node).take(count).collect()
}

#[test]
fn periods_a_round_retries_later_leave_the_next_round_its_budget() {
	// The 64 oldest periods each have a monitor that does not answer yet:
	// inside the designated node's retry window their claims are released
	// for the next block. They must not fill the next round of the same run
	// and keep the 6 newer periods waiting.
	let node = NODES[0];
	let net = MonitorNet::default();
	let (mut ext, _pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		net.state.lock().unwrap().ms_per_request = 1;
		let agreements = designated_to(node, 1_000, 70);
		let periods: Vec<PeriodToRecord> = agreements.iter().map(|a| await_period(*a, 0, 16)).collect();
		for (k, p) in periods.iter().enumerate() {
			for i in 0..16 {
				let unreachable = k < 64 && i == 15;
				let reply = if unreachable {
					Reply::Answer(503, br#"{"error":"busy"}"#.to_vec())
				} else {
					Reply::Answer(200, answer_body(&good_report(p, i), &CLIENT_KEY))
				};
				net.reply(report_uri(p, i), reply);
			}
		}
		set_now(MetricsBlocks::settled_ms(&periods[0].window));
		run_ocw(2);
		let asked = requested_periods(&net);
		let distinct: std::collections::BTreeSet<_> = asked.iter().copied().collect();
		assert_eq!(distinct.len(), 70, "the second round pulls the 6 newer periods");
		assert_eq!(asked.len(), 70 * 16, "and no retried period again in the same run");
	});
}

#[test]
fn no_round_waits_for_monitors_past_the_block_interval() {
	// A fast first round leaves time for another; the owner of the next
	// period has monitors that never answer. The run must still end within
	// the block interval, not a whole monitor deadline after the round began.
	let node = NODES[0];
	let net = MonitorNet::default();
	let (mut ext, _pool) = node_ext(node, false, net.clone());
	ext.execute_with(|| {
		net.state.lock().unwrap().ms_per_request = 1;
		let fast: Vec<PeriodToRecord> = (600..664u64).map(|a| await_period(a, 0, 16)).collect();
		for p in &fast {
			answer_every_monitor(&net, p);
		}
		let slow = await_period(700, 0, 16);
		for i in 0..16 {
			net.reply(report_uri(&slow, i), Reply::Hang);
		}
		set_now(MetricsBlocks::settled_ms(&slow.window) + 3 * MetricsBlocks::grace_ms());
		let started = net.state.lock().unwrap().now_ms;
		run_ocw(2);
		let asked = requested_periods(&net);
		assert!(asked.contains(&(700, 0)), "the slow period was pulled in a second round");
		let ended = net.state.lock().unwrap().now_ms;
		assert!(
			ended - started <= MILLISECS_PER_BLOCK,
			"the run waited {} ms for monitors, past the {MILLISECS_PER_BLOCK}-ms block interval",
			ended - started
		);
	});
}

#[test]
fn a_period_whose_deadline_comes_before_the_next_block_is_not_pulled() {
	// Its metrics block could only land in a block whose timestamp is at
	// least one interval later, from its record deadline on: the chain would
	// refuse it, so asking the monitors would be wasted.
	let net = MonitorNet::default();
	let (mut ext, pool) = node_ext(NODES[0], false, net.clone());
	ext.execute_with(|| {
		let p = await_period(13, 0, 2);
		answer_every_monitor(&net, &p);
		let deadline = MockAgreements::record_deadline_ms(p.window.to_ms);
		set_now(deadline - MILLISECS_PER_BLOCK);
		run_ocw(2);
		assert!(net.requested().is_empty());
		set_now(deadline - MILLISECS_PER_BLOCK - 1);
		run_ocw(3);
		assert_eq!(net.requested().len(), 2, "a millisecond earlier there is still time");
		assert_eq!(pool_calls(&pool).len(), 1);
	});
}
