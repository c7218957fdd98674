//! What one block holds of the accounting nodes' work, by the runtime's
//! benchmarked weights and its block limits. Regenerated weights that no
//! longer meet the capacity the chain is sized for fail here, before a
//! load run would show it.
//!
//! A metrics block is weighed as the block builder weighs it: the call's
//! weight, its authorization (`AuthorizeCall`'s weight) and the other
//! transaction extensions, and the class's base weight per extrinsic; its
//! length is the whole encoded extrinsic.

use codec::Encode;
use frame_support::dispatch::{DispatchClass, GetDispatchInfo};
use frame_system::offchain::CreateAuthorizedTransaction;
use pallet_metrics_blocks::{AccountingKey, AccountingSignature};
use qos_ledger_runtime::{
	configs::{RuntimeBlockLength, RuntimeBlockWeights},
	Runtime, RuntimeCall, UncheckedExtrinsic,
};
use qos_primitives::{Report, Window, MAX_INSTANCES_PER_SERVICE};
use sp_core::sr25519;

/// The accounting nodes' transaction for one period of `instances` reports,
/// as the off-chain worker sends it.
fn metrics_block(agreement: u64, instances: u32) -> UncheckedExtrinsic {
	let window = Window { from_ms: 1_800_000_000_000, to_ms: 1_800_000_060_000 };
	let reports = (0..instances).map(|instance| Report::all_up(agreement, 7, instance, window, 60)).collect();
	let call = RuntimeCall::MetricsBlocks(pallet_metrics_blocks::Call::submit_metrics_block {
		agreement,
		period: 7,
		reports,
		missing: Vec::new(),
		otp_commitment: [9; 32],
		accounting_node: AccountingKey::from(sr25519::Public::from_raw([1; 32])),
		signature: AccountingSignature::from(sr25519::Signature::from_raw([2; 64])),
	});
	UncheckedExtrinsic::new_transaction(call, <Runtime as CreateAuthorizedTransaction<RuntimeCall>>::create_extension())
}

/// Shares of the normal class's weight and length that these metrics blocks
/// take together.
fn normal_class_shares(blocks: &[UncheckedExtrinsic]) -> (f64, f64) {
	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let ref_time: u64 = blocks
		.iter()
		.map(|xt| {
			let info = xt.get_dispatch_info();
			assert_eq!(info.class, DispatchClass::Normal);
			(normal.base_extrinsic + info.total_weight()).ref_time()
		})
		.sum();
	let length: usize = blocks.iter().map(|xt| xt.encoded_size()).sum();
	let max_weight = normal.max_total.expect("the normal class has a weight limit").ref_time();
	let max_length = *RuntimeBlockLength::get().max.get(DispatchClass::Normal);
	(ref_time as f64 / max_weight as f64, length as f64 / max_length as f64)
}

/// Metrics blocks of `instances` reports each (the last one smaller), for
/// `reports` reports in all.
fn periods_of(instances: u32, reports: u32) -> Vec<UncheckedExtrinsic> {
	let mut left = reports;
	let mut blocks = Vec::new();
	while left > 0 {
		let n = left.min(instances);
		blocks.push(metrics_block(blocks.len() as u64, n));
		left -= n;
	}
	blocks
}

#[test]
fn ten_thousand_reports_of_the_largest_agreements_take_at_most_three_quarters_of_the_normal_class() {
	let (weight, length) = normal_class_shares(&periods_of(MAX_INSTANCES_PER_SERVICE, 10_000));
	println!("10,000 reports in periods of {MAX_INSTANCES_PER_SERVICE}: {:.1} % of the normal class's weight, {:.1} % of its length", weight * 100.0, length * 100.0);
	assert!(weight <= 0.75, "weight share {weight}");
	assert!(length <= 0.75, "length share {length}");
}

#[test]
fn ten_thousand_reports_of_twenty_instance_agreements_fit_in_the_normal_class() {
	// The load harness's shape: each period pays the fixed cost of a metrics
	// block (its authorization's reads, the chain link, the pruning) for 20
	// reports only.
	let (weight, length) = normal_class_shares(&periods_of(20, 10_000));
	println!("10,000 reports in periods of 20: {:.1} % of the normal class's weight, {:.1} % of its length", weight * 100.0, length * 100.0);
	assert!(weight <= 1.0, "weight share {weight}");
	assert!(length <= 1.0, "length share {length}");
}

#[test]
fn one_off_chain_worker_run_of_a_thousand_answers_fits_in_a_tenth_of_a_block() {
	// A run takes up to 1,024 monitor answers; if what it submits did not fit
	// in the next block, a backlog could only grow.
	let (weight, length) = normal_class_shares(&periods_of(20, 1_020));
	assert!(weight <= 0.1, "weight share {weight}");
	assert!(length <= 0.1, "length share {length}");
}
