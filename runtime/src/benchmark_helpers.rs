//! What the pallets' benchmarks need from the rest of the runtime.

use alloc::vec::Vec;
use frame_support::{assert_ok, traits::fungible::Mutate, BoundedVec};
use pallet_sla_verification::{Capacity, OfferTerms};
use qos_primitives::{
	sla::SlaTerms,
	traits::{AgreementRegistry, PeriodToRecord},
	AgreementId,
};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;

use crate::{configs::MinPeriodMs, AccountId, Balances, Runtime, RuntimeOrigin, SlaVerification, UNIT};

/// Sets up a real agreement in the SLA pallet for the metrics-blocks
/// benchmarks, so their weights include the SLA handler's cost.
pub struct MetricsBenchHelper;

impl pallet_metrics_blocks::BenchmarkHelper for MetricsBenchHelper {
	fn awaiting_period(instances: u32) -> PeriodToRecord {
		let owner: AccountId = frame_benchmarking::account("bench-owner", 0, 0);
		let client: AccountId = frame_benchmarking::account("bench-client", 0, 0);
		for who in [&owner, &client] {
			Balances::set_balance(who, 1_000_000 * UNIT);
		}
		let service = pallet_sla_verification::NextServiceId::<Runtime>::get();
		let period_ms = MinPeriodMs::get();
		assert_ok!(SlaVerification::register_service(
			RuntimeOrigin::signed(owner.clone()),
			UNIT,
			period_ms,
			Capacity { vcpus_milli: 1_000, memory_mib: 1_024 },
		));
		assert_ok!(SlaVerification::set_offers(
			RuntimeOrigin::signed(owner.clone()),
			service,
			alloc::vec![OfferTerms { sla: SlaTerms::default(), arbiters: Vec::new() }],
		));
		for i in 0..instances.max(1) {
			let mut url: Vec<u8> = b"http://10.0.0.1:9616/instance-".to_vec();
			url.extend_from_slice(alloc::format!("{i}").as_bytes());
			assert_ok!(SlaVerification::add_instance(RuntimeOrigin::signed(owner.clone()), service, url));
		}
		let agreement = pallet_sla_verification::NextAgreementId::<Runtime>::get();
		assert_ok!(SlaVerification::create_agreement(
			RuntimeOrigin::signed(client),
			service,
			0,
			SlaTerms::default(),
			1,
			UNIT,
			None,
		));
		let info = pallet_sla_verification::Agreements::<Runtime>::get(agreement).expect("just created");
		let window_end = info.start_ms + period_ms;
		pallet_timestamp::Now::<Runtime>::put(window_end + qos_primitives::REPORT_SETTLE_MS + 1);
		SlaVerification::period_to_record(agreement, 0).expect("period 0 awaits its metrics block")
	}

	fn add_authority(authority: AuraId) {
		pallet_aura::Authorities::<Runtime>::mutate(|authorities| {
			authorities.try_push(authority).expect("fewer than MaxAuthorities");
		});
	}
}

/// Sets the chain's time and fills the metrics-block store for the SLA
/// pallet's benchmarks.
pub struct SlaBenchHelper;

impl pallet_sla_verification::BenchmarkHelper for SlaBenchHelper {
	fn set_time(ms: u64) {
		pallet_timestamp::Now::<Runtime>::put(ms);
	}

	fn store_metrics_blocks(agreement: AgreementId, count: u32) {
		use pallet_metrics_blocks::{ChainPeriods, ChainTip, ChainTips, MetricsBlock, MetricsBlocks};
		let node = pallet_metrics_blocks::AccountingKey::from(sp_core::sr25519::Public::from_raw([7; 32]));
		let mut tip = ChainTip::default();
		for sequence in 0..count {
			let period = 1_000 + sequence;
			let mut block = MetricsBlock {
				agreement,
				period,
				window: qos_primitives::Window { from_ms: 0, to_ms: 1 },
				sequence,
				prev_hash: tip.last_hash,
				reports_root: qos_primitives::merkle::empty_root(),
				report_hashes: BoundedVec::new(),
				missing: BoundedVec::new(),
				otp_commitment: [0; 32],
				accounting_node: node.clone(),
				first_pull: None,
				recorded_at: 0,
				block_hash: [0; 32],
			};
			block.block_hash = block.compute_hash();
			tip.last_hash = block.block_hash;
			ChainPeriods::<Runtime>::insert(agreement, sequence, period);
			MetricsBlocks::<Runtime>::insert(agreement, period, block);
		}
		tip.length = count;
		ChainTips::<Runtime>::insert(agreement, tip);
	}
}
