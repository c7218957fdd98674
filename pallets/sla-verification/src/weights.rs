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
// /root/.cache/qos-ledger/target/release/qos-ledger-node
// benchmark
// pallet
// --runtime
// /root/.cache/qos-ledger/target/release/wbuild/qos-ledger-runtime/qos_ledger_runtime.compact.compressed.wasm
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
// /work/main/scripts/weights/pallet-weight-template.hbs
// --header
// /work/main/scripts/weights/HEADER.txt
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
	fn add_instance(u: u32, ) -> Weight;
	fn retire_instance(n: u32, ) -> Weight;
	fn create_agreement() -> Weight;
	fn confirm_period() -> Weight;
	fn escalate() -> Weight;
	fn cancel_agreement() -> Weight;
	fn resolve_dispute() -> Weight;
	fn on_metrics_block(r: u32, ) -> Weight;
}

/// Weights for `pallet_sla_verification` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `SlaVerification::NextServiceId` (r:1 w:1)
	/// Proof: `SlaVerification::NextServiceId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:0 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(92), added: 2567, mode: `MaxEncodedLen`)
	fn register_service() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `109`
		//  Estimated: `1493`
		// Minimum execution time: 16_391_000 picoseconds.
		Weight::from_parts(26_580_000, 1493)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(92), added: 2567, mode: `MaxEncodedLen`)
	fn update_service() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `257`
		//  Estimated: `3557`
		// Minimum execution time: 21_230_000 picoseconds.
		Weight::from_parts(39_825_000, 3557)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(92), added: 2567, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:1 w:1)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(89), added: 2564, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::MonitorUrls` (r:0 w:1)
	/// Proof: `SlaVerification::MonitorUrls` (`max_values`: None, `max_size`: Some(294), added: 2769, mode: `MaxEncodedLen`)
	/// The range of component `u` is `[8, 256]`.
	fn add_instance(u: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `398`
		//  Estimated: `3557`
		// Minimum execution time: 35_556_000 picoseconds.
		Weight::from_parts(59_445_159, 3557)
			// Standard Error: 456
			.saturating_add(Weight::from_parts(1_632, 0).saturating_mul(u.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:0)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(92), added: 2567, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:1 w:1)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(89), added: 2564, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::MonitorUrls` (r:0 w:1)
	/// Proof: `SlaVerification::MonitorUrls` (`max_values`: None, `max_size`: Some(294), added: 2769, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 16]`.
	fn retire_instance(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `335 + n * (4 ±0)`
		//  Estimated: `3557`
		// Minimum execution time: 29_445_000 picoseconds.
		Weight::from_parts(47_215_338, 3557)
			// Standard Error: 19_394
			.saturating_add(Weight::from_parts(248_696, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:0)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(92), added: 2567, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:1 w:0)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(89), added: 2564, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::NextAgreementId` (r:1 w:1)
	/// Proof: `SlaVerification::NextAgreementId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(181), added: 2656, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(67), added: 2542, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn create_agreement() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `414`
		//  Estimated: `3646`
		// Minimum execution time: 106_079_000 picoseconds.
		Weight::from_parts(179_085_000, 3646)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(181), added: 2656, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(67), added: 2542, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn confirm_period() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1000`
		//  Estimated: `3646`
		// Minimum execution time: 166_823_000 picoseconds.
		Weight::from_parts(285_114_000, 3646)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:0)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(181), added: 2656, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	fn escalate() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `646`
		//  Estimated: `3646`
		// Minimum execution time: 34_875_000 picoseconds.
		Weight::from_parts(57_107_000, 3646)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(181), added: 2656, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(67), added: 2542, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	fn cancel_agreement() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `764`
		//  Estimated: `3646`
		// Minimum execution time: 96_361_000 picoseconds.
		Weight::from_parts(163_627_000, 3646)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(181), added: 2656, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(67), added: 2542, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn resolve_dispute() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1000`
		//  Estimated: `3646`
		// Minimum execution time: 165_771_000 picoseconds.
		Weight::from_parts(273_383_000, 3646)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(181), added: 2656, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:1 w:0)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(89), added: 2564, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:0 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// The range of component `r` is `[0, 16]`.
	fn on_metrics_block(_r: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `588`
		//  Estimated: `3646`
		// Minimum execution time: 35_857_000 picoseconds.
		Weight::from_parts(64_968_866, 3646)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn register_service() -> Weight {
		Weight::from_parts(26_580_000, 1493)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn update_service() -> Weight {
		Weight::from_parts(39_825_000, 3557)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn add_instance(u: u32, ) -> Weight {
		Weight::from_parts(59_445_159, 3557)
			.saturating_add(Weight::from_parts(1_632, 0).saturating_mul(u.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn retire_instance(n: u32, ) -> Weight {
		Weight::from_parts(47_215_338, 3557)
			.saturating_add(Weight::from_parts(248_696, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn create_agreement() -> Weight {
		Weight::from_parts(179_085_000, 3646)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn confirm_period() -> Weight {
		Weight::from_parts(285_114_000, 3646)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(7_u64))
	}
	fn escalate() -> Weight {
		Weight::from_parts(57_107_000, 3646)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn cancel_agreement() -> Weight {
		Weight::from_parts(163_627_000, 3646)
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn resolve_dispute() -> Weight {
		Weight::from_parts(273_383_000, 3646)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(7_u64))
	}
	fn on_metrics_block(_r: u32, ) -> Weight {
		Weight::from_parts(64_968_866, 3646)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
}
