//! What the pallets' benchmarks need from the rest of the runtime.

use alloc::vec::Vec;
use frame_support::{assert_ok, traits::fungible::Mutate};
use pallet_sla_verification::Capacity;
use qos_primitives::{
	sla::Sla,
	traits::{AgreementRegistry, PeriodToRecord},
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
		// An agreement needs an instance; for a block of zero reports the only
		// one is retired after the agreement starts.
		for i in 0..instances.max(1) {
			let mut url: Vec<u8> = b"http://10.0.0.1:9616/instance-".to_vec();
			url.extend_from_slice(alloc::format!("{i}").as_bytes());
			assert_ok!(SlaVerification::add_instance(
				RuntimeOrigin::signed(owner.clone()),
				service,
				url.try_into().expect("short URL"),
			));
		}
		let agreement = pallet_sla_verification::NextAgreementId::<Runtime>::get();
		assert_ok!(SlaVerification::create_agreement(
			RuntimeOrigin::signed(client),
			service,
			Sla::default(),
			1,
		));
		if instances == 0 {
			assert_ok!(SlaVerification::retire_instance(RuntimeOrigin::signed(owner), service, 0));
		}
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
