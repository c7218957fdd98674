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
fn the_ten_thousand_monitor_load_takes_a_tenth_of_each_block_at_most() {
	// The load harness's sustained run: 500 agreements of 20 instances with
	// 60-s periods, i.e. 500 periods a minute, 25 per 3-s block on average.
	// Each period pays the fixed cost of a metrics block (its authorization,
	// the transaction's extensions, the chain link, the pruning) for 20
	// reports only: about 1.5 ms before the extensions' refunds, so one block
	// would hold some 510 such periods, 10,200 reports, in its whole normal
	// class. A round's burst of 51 periods (1,020 monitor answers) must fit in
	// the next block with room to spare, or a backlog could only grow.
	let per_block = normal_class_shares(&periods_of(20, 25 * 20)).0;
	let burst = normal_class_shares(&periods_of(20, 1_020)).0;
	println!(
		"periods of 20 reports: 25 a block take {:.1} %, a round's 51 {:.1} % of the normal class's weight",
		per_block * 100.0,
		burst * 100.0
	);
	assert!(per_block <= 0.1, "weight share {per_block}");
	assert!(burst <= 0.15, "weight share {burst}");
}

#[test]
fn the_chain_lapses_at_least_a_full_run_a_block_beside_a_full_normal_class() {
	// What the start of a block spends lapsing overdue periods is mandatory
	// weight: it must leave the normal class whole, and be enough for one
	// agreement's longest run at least.
	use pallet_sla_verification::WeightInfo as _;
	type SlaWeights = pallet_sla_verification::weights::SubstrateWeight<Runtime>;
	let weights = RuntimeBlockWeights::get();
	let budget = qos_ledger_runtime::configs::MaxLapseWeight::get();
	let normal = weights.get(DispatchClass::Normal).max_total.expect("a normal limit");
	assert!(budget.ref_time() + normal.ref_time() <= weights.max_block.ref_time());
	let longest = SlaWeights::lapse_overdue_periods(pallet_sla_verification::MAX_PERIODS_PER_LAPSE);
	assert!(longest.ref_time() <= budget.ref_time(), "{longest:?} over {budget:?}");
	println!(
		"lapsing: {} agreements of one period, or one of {} periods, a block",
		budget.ref_time() / SlaWeights::lapse_overdue_periods(1).ref_time(),
		pallet_sla_verification::MAX_PERIODS_PER_LAPSE
	);
}

#[test]
fn a_report_costs_a_fifth_of_a_transfer_at_most_and_a_confirmation_two_transfers() {
	// The goals, against `transfer_keep_alive` measured in the same
	// `benchmark pallet` run (scripts/weights/generate.sh).
	use pallet_balances::WeightInfo as _;
	use pallet_metrics_blocks::WeightInfo as _;
	use pallet_sla_verification::WeightInfo as _;
	type Metrics = pallet_metrics_blocks::weights::SubstrateWeight<Runtime>;
	type Sla = pallet_sla_verification::weights::SubstrateWeight<Runtime>;
	let transfer = <Runtime as pallet_balances::Config>::WeightInfo::transfer_keep_alive().ref_time() as f64;
	let n = MAX_INSTANCES_PER_SERVICE;
	let per_report =
		|w: &dyn Fn(u32) -> frame_support::weights::Weight| (w(n).ref_time() - w(0).ref_time()) as f64 / n as f64;
	let report = per_report(&Metrics::submit_metrics_block) + per_report(&Metrics::authorize_submit_metrics_block);
	let confirm = Sla::confirm_period().ref_time() as f64;
	println!("per report {:.3}× a transfer, confirm_period {:.2}×", report / transfer, confirm / transfer);
	assert!(report <= 0.2 * transfer);
	assert!(confirm <= 2.0 * transfer);
}
