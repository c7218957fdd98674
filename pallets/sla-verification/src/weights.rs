// This file is part of qos-ledger.
// SPDX-License-Identifier: Apache-2.0

//! Weights for `pallet_sla_verification`, measured by the node's `benchmark pallet` command
//! (`scripts/weights/generate.sh`). Do not edit by hand: regenerate.
//!
//! DATE: 2026-12-07, STEPS: `20`, REPEAT: `10`, LOW RANGE: `[]`, HIGH RANGE: `[]`
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
	fn set_offers(o: u32, ) -> Weight;
	fn add_instance(u: u32, ) -> Weight;
	fn replace_instance(u: u32, ) -> Weight;
	fn retire_instance(n: u32, ) -> Weight;
	fn deregister_service(n: u32, ) -> Weight;
	fn create_agreement(n: u32, ) -> Weight;
	fn confirm_period() -> Weight;
	fn confirm_last_period() -> Weight;
	fn contest_period(r: u32, ) -> Weight;
	fn accept_verdict() -> Weight;
	fn cancel_agreement() -> Weight;
	fn resolve_dispute() -> Weight;
	fn settle_overdue_paid() -> Weight;
	fn settle_overdue_lapsed() -> Weight;
	fn lapse_overdue_periods(k: u32, ) -> Weight;
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
		// Minimum execution time: 73_838_000 picoseconds.
		Weight::from_parts(79_759_000, 3593)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	fn update_service() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `275`
		//  Estimated: `3569`
		// Minimum execution time: 21_150_000 picoseconds.
		Weight::from_parts(23_764_000, 3569)
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
	fn set_offers(o: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `478`
		//  Estimated: `3593`
		// Minimum execution time: 75_091_000 picoseconds.
		Weight::from_parts(146_947_374, 3593)
			// Standard Error: 2_712_776
			.saturating_add(Weight::from_parts(7_672_734, 0).saturating_mul(o.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:1 w:1)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
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
		//  Measured:  `5297`
		//  Estimated: `7579`
		// Minimum execution time: 140_743_000 picoseconds.
		Weight::from_parts(174_533_002, 7579)
			// Standard Error: 43_252
			.saturating_add(Weight::from_parts(125_936, 0).saturating_mul(u.into()))
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
		// Minimum execution time: 34_895_000 picoseconds.
		Weight::from_parts(38_856_570, 4567)
			// Standard Error: 378
			.saturating_add(Weight::from_parts(10_033, 0).saturating_mul(u.into()))
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
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::RetiredInstances` (r:1 w:1)
	/// Proof: `SlaVerification::RetiredInstances` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 1024]`.
	fn retire_instance(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1301 + n * (4 ±0)`
		//  Estimated: `15771`
		// Minimum execution time: 44_123_000 picoseconds.
		Weight::from_parts(77_375_226, 15771)
			// Standard Error: 5_601
			.saturating_add(Weight::from_parts(34_779, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Instances` (r:1024 w:1024)
	/// Proof: `SlaVerification::Instances` (`max_values`: None, `max_size`: Some(1102), added: 3577, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:0 w:1)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Offers` (r:0 w:1)
	/// Proof: `SlaVerification::Offers` (`max_values`: None, `max_size`: Some(693), added: 3168, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::RetiredInstances` (r:0 w:1)
	/// Proof: `SlaVerification::RetiredInstances` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[0, 1024]`.
	fn deregister_service(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `543 + n * (47 ±0)`
		//  Estimated: `3593 + n * (3577 ±0)`
		// Minimum execution time: 83_406_000 picoseconds.
		Weight::from_parts(64_934_472, 3593)
			// Standard Error: 58_137
			.saturating_add(Weight::from_parts(1_990_968, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(6_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Offers` (r:1 w:0)
	/// Proof: `SlaVerification::Offers` (`max_values`: None, `max_size`: Some(693), added: 3168, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::ActiveInstances` (r:1 w:0)
	/// Proof: `SlaVerification::ActiveInstances` (`max_values`: None, `max_size`: Some(4114), added: 6589, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::NextAgreementId` (r:1 w:1)
	/// Proof: `SlaVerification::NextAgreementId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:0 w:1)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 1024]`.
	fn create_agreement(_n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1282 + n * (4 ±0)`
		//  Estimated: `7789`
		// Minimum execution time: 201_185_000 picoseconds.
		Weight::from_parts(328_201_820, 7789)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:0)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	fn confirm_period() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8989`
		//  Estimated: `7789`
		// Minimum execution time: 74_419_000 picoseconds.
		Weight::from_parts(120_996_000, 7789)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:0 w:1)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	fn confirm_last_period() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `9500`
		//  Estimated: `7789`
		// Minimum execution time: 238_816_000 picoseconds.
		Weight::from_parts(289_059_000, 7789)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:0)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// The range of component `r` is `[0, 256]`.
	fn contest_period(r: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `8796`
		//  Estimated: `7789`
		// Minimum execution time: 71_023_000 picoseconds.
		Weight::from_parts(90_478_251, 7789)
			// Standard Error: 18_485
			.saturating_add(Weight::from_parts(35_531, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:0 w:1)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	fn accept_verdict() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `9500`
		//  Estimated: `7789`
		// Minimum execution time: 229_749_000 picoseconds.
		Weight::from_parts(264_994_000, 7789)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:0 w:1)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	fn cancel_agreement() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `5110`
		//  Estimated: `7789`
		// Minimum execution time: 141_575_000 picoseconds.
		Weight::from_parts(168_965_000, 7789)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:0 w:1)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	fn resolve_dispute() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `9506`
		//  Estimated: `7789`
		// Minimum execution time: 239_937_000 picoseconds.
		Weight::from_parts(319_576_000, 7789)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:0 w:1)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	fn settle_overdue_paid() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `9506`
		//  Estimated: `7789`
		// Minimum execution time: 231_091_000 picoseconds.
		Weight::from_parts(292_967_000, 7789)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:1 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::PartialBlocks` (r:0 w:1)
	/// Proof: `MetricsBlocks::PartialBlocks` (`max_values`: None, `max_size`: Some(44136), added: 46611, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:0 w:2)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	fn settle_overdue_lapsed() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1363`
		//  Estimated: `7789`
		// Minimum execution time: 239_216_000 picoseconds.
		Weight::from_parts(250_037_000, 7789)
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:3 w:2)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Services` (r:1 w:1)
	/// Proof: `SlaVerification::Services` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::PartialBlocks` (r:0 w:1)
	/// Proof: `MetricsBlocks::PartialBlocks` (`max_values`: None, `max_size`: Some(44136), added: 46611, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:0 w:256)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// The range of component `k` is `[1, 256]`.
	fn lapse_overdue_periods(k: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1473`
		//  Estimated: `8499`
		// Minimum execution time: 252_832_000 picoseconds.
		Weight::from_parts(304_518_115, 8499)
			// Standard Error: 80_023
			.saturating_add(Weight::from_parts(6_191_803, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(10_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:257 w:256)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::ChainTips` (r:1 w:1)
	/// Proof: `MetricsBlocks::ChainTips` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::ChainPeriods` (r:256 w:256)
	/// Proof: `MetricsBlocks::ChainPeriods` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::MetricsBlocks` (r:256 w:256)
	/// Proof: `MetricsBlocks::MetricsBlocks` (`max_values`: None, `max_size`: Some(44293), added: 46768, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 256]`.
	fn prune_agreement(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `5176 + n * (285 ±0)`
		//  Estimated: `7789 + n * (46768 ±0)`
		// Minimum execution time: 191_477_000 picoseconds.
		Weight::from_parts(232_945_000, 7789)
			// Standard Error: 479_455
			.saturating_add(Weight::from_parts(26_662_460, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(4_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 46768).saturating_mul(n.into()))
	}
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::RetiredInstances` (r:1 w:0)
	/// Proof: `SlaVerification::RetiredInstances` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:0 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:0 w:2)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 1024]`.
	fn on_metrics_block(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `533 + n * (4 ±0)`
		//  Estimated: `15771`
		// Minimum execution time: 55_614_000 picoseconds.
		Weight::from_parts(87_530_229, 15771)
			// Standard Error: 8_640
			.saturating_add(Weight::from_parts(138_070, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn register_service() -> Weight {
		Weight::from_parts(79_759_000, 3593)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn update_service() -> Weight {
		Weight::from_parts(23_764_000, 3569)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn set_offers(o: u32, ) -> Weight {
		Weight::from_parts(146_947_374, 3593)
			.saturating_add(Weight::from_parts(7_672_734, 0).saturating_mul(o.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn add_instance(u: u32, ) -> Weight {
		Weight::from_parts(174_533_002, 7579)
			.saturating_add(Weight::from_parts(125_936, 0).saturating_mul(u.into()))
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn replace_instance(u: u32, ) -> Weight {
		Weight::from_parts(38_856_570, 4567)
			.saturating_add(Weight::from_parts(10_033, 0).saturating_mul(u.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn retire_instance(n: u32, ) -> Weight {
		Weight::from_parts(77_375_226, 15771)
			.saturating_add(Weight::from_parts(34_779, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn deregister_service(n: u32, ) -> Weight {
		Weight::from_parts(64_934_472, 3593)
			.saturating_add(Weight::from_parts(1_990_968, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
	fn create_agreement(_n: u32, ) -> Weight {
		Weight::from_parts(328_201_820, 7789)
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().writes(8_u64))
	}
	fn confirm_period() -> Weight {
		Weight::from_parts(120_996_000, 7789)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn confirm_last_period() -> Weight {
		Weight::from_parts(289_059_000, 7789)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn contest_period(r: u32, ) -> Weight {
		Weight::from_parts(90_478_251, 7789)
			.saturating_add(Weight::from_parts(35_531, 0).saturating_mul(r.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn accept_verdict() -> Weight {
		Weight::from_parts(264_994_000, 7789)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn cancel_agreement() -> Weight {
		Weight::from_parts(168_965_000, 7789)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn resolve_dispute() -> Weight {
		Weight::from_parts(319_576_000, 7789)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn settle_overdue_paid() -> Weight {
		Weight::from_parts(292_967_000, 7789)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn settle_overdue_lapsed() -> Weight {
		Weight::from_parts(250_037_000, 7789)
			.saturating_add(ParityDbWeight::get().reads(9_u64))
			.saturating_add(ParityDbWeight::get().writes(11_u64))
	}
	fn lapse_overdue_periods(k: u32, ) -> Weight {
		Weight::from_parts(304_518_115, 8499)
			.saturating_add(Weight::from_parts(6_191_803, 0).saturating_mul(k.into()))
			.saturating_add(ParityDbWeight::get().reads(11_u64))
			.saturating_add(ParityDbWeight::get().writes(10_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(k.into())))
	}
	fn prune_agreement(n: u32, ) -> Weight {
		Weight::from_parts(232_945_000, 7789)
			.saturating_add(Weight::from_parts(26_662_460, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
			.saturating_add(ParityDbWeight::get().writes((3_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 46768).saturating_mul(n.into()))
	}
	fn on_metrics_block(n: u32, ) -> Weight {
		Weight::from_parts(87_530_229, 15771)
			.saturating_add(Weight::from_parts(138_070, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
}
