// This file is part of qos-ledger.
// SPDX-License-Identifier: Apache-2.0

//! Weights for `pallet_sla_verification`, measured by the node's `benchmark pallet` command
//! (`scripts/weights/generate.sh`). Do not edit by hand: regenerate.
//!
//! DATE: 2026-11-27, STEPS: `20`, REPEAT: `10`, LOW RANGE: `[]`, HIGH RANGE: `[]`
//! WORST CASE MAP SIZE: `1000000`
//! HOSTNAME: `vm`, CPU: `AMD EPYC`
//! WASM-EXECUTION: `Compiled`, CHAIN: `None`, DB CACHE: `1024`

// Executed Command:
// /root/.cache/qos-ledger/target/benchmark/qos-ledger-node
// benchmark
// pallet
// --runtime
// /root/.cache/qos-ledger/target/benchmark/wbuild/qos-ledger-runtime/qos_ledger_runtime.compact.compressed.wasm
// --genesis-builder
// runtime
// --genesis-builder-preset
// development
// --pallet
// pallet_sla_verification
// --extrinsic
// *
// --steps
// 20
// --repeat
// 10
// --wasm-execution
// compiled
// --heap-pages
// 4096
// --template
// /work/wt/scripts/weights/pallet-weight-template.hbs
// --header
// /work/wt/scripts/weights/HEADER.txt
// --output
// pallets/sla-verification/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_sla_verification`.
pub trait WeightInfo {
	fn register_service() -> Weight;
	fn update_service() -> Weight;
	fn set_offers(o: u32, ) -> Weight;
	fn add_instance(u: u32, ) -> Weight;
	fn replace_instance(u: u32, ) -> Weight;
	fn retire_instance(n: u32, ) -> Weight;
	fn deregister_service(n: u32, ) -> Weight;
	fn create_agreement(n: u32, ) -> Weight;
	fn confirm_period() -> Weight;
	fn contest_period(r: u32, ) -> Weight;
	fn accept_verdict() -> Weight;
	fn cancel_agreement() -> Weight;
	fn resolve_dispute() -> Weight;
	fn settle_overdue_paid() -> Weight;
	fn settle_overdue_lapsed() -> Weight;
	fn prune_agreement(n: u32, ) -> Weight;
	fn on_metrics_block(n: u32, ) -> Weight;
}

/// Weights for `pallet_sla_verification` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `SlaVerification::NextServiceId` (r:1 w:1)
	/// Proof: `SlaVerification::NextServiceId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:0 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	fn register_service() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `212`
		//  Estimated: `3593`
		// Minimum execution time: 56_715_000 picoseconds.
		Weight::from_parts(59_739_000, 3593)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	fn update_service() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `275`
		//  Estimated: `3569`
		// Minimum execution time: 13_290_000 picoseconds.
		Weight::from_parts(14_923_000, 3569)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Offers` (r:0 w:1)
	/// Proof: `SlaVerification::Offers` (`max_values`: None, `max_size`: Some(693), added: 3168, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// The range of component `o` is `[0, 4]`.
	fn set_offers(_o: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `478`
		//  Estimated: `3593`
		// Minimum execution time: 19_799_000 picoseconds.
		Weight::from_parts(67_802_710, 3593)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:1 w:1)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Offers` (r:1 w:0)
	/// Proof: `SlaVerification::Offers` (`max_values`: None, `max_size`: Some(693), added: 3168, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Instances` (r:0 w:1)
	/// Proof: `SlaVerification::Instances` (`max_values`: None, `max_size`: Some(1102), added: 3577, mode: `MaxEncodedLen`)
	/// The range of component `u` is `[8, 256]`.
	fn add_instance(u: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1263`
		//  Estimated: `4158`
		// Minimum execution time: 79_748_000 picoseconds.
		Weight::from_parts(85_589_182, 4158)
			// Standard Error: 497
			.saturating_add(Weight::from_parts(4_908, 0).saturating_mul(u.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:0)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Instances` (r:1 w:1)
	/// Proof: `SlaVerification::Instances` (`max_values`: None, `max_size`: Some(1102), added: 3577, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// The range of component `u` is `[8, 256]`.
	fn replace_instance(u: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `698 + u * (3 ±0)`
		//  Estimated: `4567`
		// Minimum execution time: 23_435_000 picoseconds.
		Weight::from_parts(26_327_844, 4567)
			// Standard Error: 153
			.saturating_add(Weight::from_parts(7_067, 0).saturating_mul(u.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:0)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Instances` (r:1 w:1)
	/// Proof: `SlaVerification::Instances` (`max_values`: None, `max_size`: Some(1102), added: 3577, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:1 w:1)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 16]`.
	fn retire_instance(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `626 + n * (33 ±0)`
		//  Estimated: `4567`
		// Minimum execution time: 26_629_000 picoseconds.
		Weight::from_parts(30_467_162, 4567)
			// Standard Error: 6_204
			.saturating_add(Weight::from_parts(399_644, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Instances` (r:16 w:16)
	/// Proof: `SlaVerification::Instances` (`max_values`: None, `max_size`: Some(1102), added: 3577, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:0 w:1)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Offers` (r:0 w:1)
	/// Proof: `SlaVerification::Offers` (`max_values`: None, `max_size`: Some(693), added: 3168, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 16]`.
	fn deregister_service(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `504 + n * (47 ±0)`
		//  Estimated: `3593 + n * (3577 ±0)`
		// Minimum execution time: 59_138_000 picoseconds.
		Weight::from_parts(64_303_546, 3593)
			// Standard Error: 8_331
			.saturating_add(Weight::from_parts(1_578_869, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(5_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Offers` (r:1 w:0)
	/// Proof: `SlaVerification::Offers` (`max_values`: None, `max_size`: Some(693), added: 3168, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:1 w:0)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::NextAgreementId` (r:1 w:1)
	/// Proof: `SlaVerification::NextAgreementId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 16]`.
	fn create_agreement(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1276 + n * (4 ±0)`
		//  Estimated: `4158`
		// Minimum execution time: 156_263_000 picoseconds.
		Weight::from_parts(169_280_919, 4158)
			// Standard Error: 21_562
			.saturating_add(Weight::from_parts(67_477, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn confirm_period() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1414`
		//  Estimated: `6196`
		// Minimum execution time: 145_387_000 picoseconds.
		Weight::from_parts(153_128_000, 6196)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:0)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// The range of component `r` is `[0, 256]`.
	fn contest_period(r: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `734`
		//  Estimated: `3760`
		// Minimum execution time: 27_131_000 picoseconds.
		Weight::from_parts(31_309_128, 3760)
			// Standard Error: 299
			.saturating_add(Weight::from_parts(677, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn accept_verdict() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1414`
		//  Estimated: `6196`
		// Minimum execution time: 144_315_000 picoseconds.
		Weight::from_parts(151_616_000, 6196)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	fn cancel_agreement() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1089`
		//  Estimated: `3760`
		// Minimum execution time: 77_756_000 picoseconds.
		Weight::from_parts(85_288_000, 3760)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn resolve_dispute() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1420`
		//  Estimated: `6196`
		// Minimum execution time: 141_741_000 picoseconds.
		Weight::from_parts(149_764_000, 6196)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn settle_overdue_paid() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1420`
		//  Estimated: `6196`
		// Minimum execution time: 142_162_000 picoseconds.
		Weight::from_parts(150_454_000, 6196)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::PartialBlocks` (r:0 w:1)
	/// Proof: `MetricsBlocks::PartialBlocks` (`max_values`: None, `max_size`: Some(758), added: 3233, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn settle_overdue_lapsed() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1215`
		//  Estimated: `3760`
		// Minimum execution time: 103_044_000 picoseconds.
		Weight::from_parts(110_315_000, 3760)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:257 w:256)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::ChainTips` (r:1 w:1)
	/// Proof: `MetricsBlocks::ChainTips` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::ChainPeriods` (r:256 w:256)
	/// Proof: `MetricsBlocks::ChainPeriods` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::MetricsBlocks` (r:256 w:256)
	/// Proof: `MetricsBlocks::MetricsBlocks` (`max_values`: None, `max_size`: Some(1843), added: 4318, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 256]`.
	fn prune_agreement(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1147 + n * (285 ±0)`
		//  Estimated: `3760 + n * (4318 ±0)`
		// Minimum execution time: 103_194_000 picoseconds.
		Weight::from_parts(113_379_000, 3760)
			// Standard Error: 41_685
			.saturating_add(Weight::from_parts(16_722_089, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 4318).saturating_mul(n.into()))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Instances` (r:16 w:0)
	/// Proof: `SlaVerification::Instances` (`max_values`: None, `max_size`: Some(1102), added: 3577, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:0 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 16]`.
	fn on_metrics_block(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `805 + n * (51 ±0)`
		//  Estimated: `3760 + n * (3577 ±0)`
		// Minimum execution time: 24_847_000 picoseconds.
		Weight::from_parts(24_846_693, 3760)
			// Standard Error: 19_726
			.saturating_add(Weight::from_parts(4_806_462, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn register_service() -> Weight {
		Weight::from_parts(59_739_000, 3593)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn update_service() -> Weight {
		Weight::from_parts(14_923_000, 3569)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn set_offers(_o: u32, ) -> Weight {
		Weight::from_parts(67_802_710, 3593)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn add_instance(u: u32, ) -> Weight {
		Weight::from_parts(85_589_182, 4158)
			.saturating_add(Weight::from_parts(4_908, 0).saturating_mul(u.into()))
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn replace_instance(u: u32, ) -> Weight {
		Weight::from_parts(26_327_844, 4567)
			.saturating_add(Weight::from_parts(7_067, 0).saturating_mul(u.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn retire_instance(n: u32, ) -> Weight {
		Weight::from_parts(30_467_162, 4567)
			.saturating_add(Weight::from_parts(399_644, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn deregister_service(n: u32, ) -> Weight {
		Weight::from_parts(64_303_546, 3593)
			.saturating_add(Weight::from_parts(1_578_869, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
	fn create_agreement(n: u32, ) -> Weight {
		Weight::from_parts(169_280_919, 4158)
			.saturating_add(Weight::from_parts(67_477, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().writes(8_u64))
	}
	fn confirm_period() -> Weight {
		Weight::from_parts(153_128_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn contest_period(r: u32, ) -> Weight {
		Weight::from_parts(31_309_128, 3760)
			.saturating_add(Weight::from_parts(677, 0).saturating_mul(r.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn accept_verdict() -> Weight {
		Weight::from_parts(151_616_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn cancel_agreement() -> Weight {
		Weight::from_parts(85_288_000, 3760)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn resolve_dispute() -> Weight {
		Weight::from_parts(149_764_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn settle_overdue_paid() -> Weight {
		Weight::from_parts(150_454_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn settle_overdue_lapsed() -> Weight {
		Weight::from_parts(110_315_000, 3760)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn prune_agreement(n: u32, ) -> Weight {
		Weight::from_parts(113_379_000, 3760)
			.saturating_add(Weight::from_parts(16_722_089, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
			.saturating_add(ParityDbWeight::get().writes((3_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 4318).saturating_mul(n.into()))
	}
	fn on_metrics_block(n: u32, ) -> Weight {
		Weight::from_parts(24_846_693, 3760)
			.saturating_add(Weight::from_parts(4_806_462, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
}
