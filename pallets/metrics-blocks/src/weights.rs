// This file is part of qos-ledger.
// SPDX-License-Identifier: Apache-2.0

//! Weights for `pallet_metrics_blocks`, measured by the node's `benchmark pallet` command
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
// pallet_metrics_blocks
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
// pallets/metrics-blocks/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_metrics_blocks`.
pub trait WeightInfo {
	fn submit_metrics_block(n: u32, ) -> Weight;
	fn authorize_submit_metrics_block(n: u32, ) -> Weight;
	fn bind_accounting_key() -> Weight;
	fn authorize_bind_accounting_key() -> Weight;
}

/// Weights for `pallet_metrics_blocks` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Aura::Authorities` (r:1 w:0)
	/// Proof: `Aura::Authorities` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::AccountingKeys` (r:1 w:0)
	/// Proof: `MetricsBlocks::AccountingKeys` (`max_values`: Some(1), `max_size`: Some(2049), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::MetricsBlocks` (r:2 w:2)
	/// Proof: `MetricsBlocks::MetricsBlocks` (`max_values`: None, `max_size`: Some(1843), added: 4318, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Instances` (r:16 w:0)
	/// Proof: `SlaVerification::Instances` (`max_values`: None, `max_size`: Some(1102), added: 3577, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::PartialBlocks` (r:1 w:1)
	/// Proof: `MetricsBlocks::PartialBlocks` (`max_values`: None, `max_size`: Some(758), added: 3233, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::ChainTips` (r:1 w:1)
	/// Proof: `MetricsBlocks::ChainTips` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::ChainPeriods` (r:1 w:2)
	/// Proof: `MetricsBlocks::ChainPeriods` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:0 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(151), added: 2626, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::AwaitingMetrics` (r:0 w:1)
	/// Proof: `SlaVerification::AwaitingMetrics` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 16]`.
	fn submit_metrics_block(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1357 + n * (101 ±0)`
		//  Estimated: `9626 + n * (3577 ±0)`
		// Minimum execution time: 158_426_000 picoseconds.
		Weight::from_parts(168_138_491, 9626)
			// Standard Error: 131_582
			.saturating_add(Weight::from_parts(14_274_473, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
	/// Storage: `Aura::Authorities` (r:1 w:0)
	/// Proof: `Aura::Authorities` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::AccountingKeys` (r:1 w:0)
	/// Proof: `MetricsBlocks::AccountingKeys` (`max_values`: Some(1), `max_size`: Some(2049), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::MetricsBlocks` (r:1 w:0)
	/// Proof: `MetricsBlocks::MetricsBlocks` (`max_values`: None, `max_size`: Some(1843), added: 4318, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Agreements` (r:1 w:0)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(295), added: 2770, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Instances` (r:16 w:0)
	/// Proof: `SlaVerification::Instances` (`max_values`: None, `max_size`: Some(1102), added: 3577, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::PartialBlocks` (r:1 w:0)
	/// Proof: `MetricsBlocks::PartialBlocks` (`max_values`: None, `max_size`: Some(758), added: 3233, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 16]`.
	fn authorize_submit_metrics_block(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1090 + n * (100 ±0)`
		//  Estimated: `5308 + n * (3577 ±0)`
		// Minimum execution time: 96_334_000 picoseconds.
		Weight::from_parts(117_289_437, 5308)
			// Standard Error: 213_112
			.saturating_add(Weight::from_parts(8_961_056, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
	/// Storage: `Aura::Authorities` (r:1 w:0)
	/// Proof: `Aura::Authorities` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::BindingNonces` (r:1 w:1)
	/// Proof: `MetricsBlocks::BindingNonces` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::AccountingKeys` (r:1 w:1)
	/// Proof: `MetricsBlocks::AccountingKeys` (`max_values`: Some(1), `max_size`: Some(2049), added: 2544, mode: `MaxEncodedLen`)
	fn bind_accounting_key() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `352`
		//  Estimated: `3534`
		// Minimum execution time: 118_466_000 picoseconds.
		Weight::from_parts(147_940_000, 3534)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Aura::Authorities` (r:1 w:0)
	/// Proof: `Aura::Authorities` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::BindingNonces` (r:1 w:0)
	/// Proof: `MetricsBlocks::BindingNonces` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::AccountingKeys` (r:1 w:0)
	/// Proof: `MetricsBlocks::AccountingKeys` (`max_values`: Some(1), `max_size`: Some(2049), added: 2544, mode: `MaxEncodedLen`)
	fn authorize_bind_accounting_key() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `352`
		//  Estimated: `3534`
		// Minimum execution time: 104_296_000 picoseconds.
		Weight::from_parts(113_610_000, 3534)
			.saturating_add(T::DbWeight::get().reads(4_u64))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn submit_metrics_block(n: u32, ) -> Weight {
		Weight::from_parts(168_138_491, 9626)
			.saturating_add(Weight::from_parts(14_274_473, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
	fn authorize_submit_metrics_block(n: u32, ) -> Weight {
		Weight::from_parts(117_289_437, 5308)
			.saturating_add(Weight::from_parts(8_961_056, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(7_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 3577).saturating_mul(n.into()))
	}
	fn bind_accounting_key() -> Weight {
		Weight::from_parts(147_940_000, 3534)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn authorize_bind_accounting_key() -> Weight {
		Weight::from_parts(113_610_000, 3534)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
	}
}
