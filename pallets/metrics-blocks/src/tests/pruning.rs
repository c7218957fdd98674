//! Retention of metrics blocks and the checkable chain.

use super::*;

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
