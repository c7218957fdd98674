// This file is part of qos-ledger.
// SPDX-License-Identifier: Apache-2.0

//! Weights for `pallet_metrics_blocks`, measured by the node's `benchmark pallet` command
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
// /work/main/scripts/weights/pallet-weight-template.hbs
// --header
// /work/main/scripts/weights/HEADER.txt
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
	/// Storage: `MetricsBlocks::MetricsBlocks` (r:2 w:2)
	/// Proof: `MetricsBlocks::MetricsBlocks` (`max_values`: None, `max_size`: Some(44293), added: 46768, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Agreements` (r:1 w:1)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::RetiredInstances` (r:1 w:0)
	/// Proof: `SlaVerification::RetiredInstances` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::PartialBlocks` (r:1 w:1)
	/// Proof: `MetricsBlocks::PartialBlocks` (`max_values`: None, `max_size`: Some(44136), added: 46611, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::ChainTips` (r:1 w:1)
	/// Proof: `MetricsBlocks::ChainTips` (`max_values`: None, `max_size`: Some(88), added: 2563, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::ChainPeriods` (r:1 w:2)
	/// Proof: `MetricsBlocks::ChainPeriods` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Periods` (r:0 w:1)
	/// Proof: `SlaVerification::Periods` (`max_values`: None, `max_size`: Some(4184), added: 6659, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::DueIndex` (r:0 w:1)
	/// Proof: `SlaVerification::DueIndex` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 1024]`.
	fn submit_metrics_block(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `38175 + n * (40 ±0)`
		//  Estimated: `94526`
		// Minimum execution time: 166_120_000 picoseconds.
		Weight::from_parts(53_264_453, 94526)
			// Standard Error: 110_166
			.saturating_add(Weight::from_parts(6_059_697, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `Aura::Authorities` (r:1 w:0)
	/// Proof: `Aura::Authorities` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::AccountingKeys` (r:1 w:0)
	/// Proof: `MetricsBlocks::AccountingKeys` (`max_values`: Some(1), `max_size`: Some(2049), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::MetricsBlocks` (r:1 w:0)
	/// Proof: `MetricsBlocks::MetricsBlocks` (`max_values`: None, `max_size`: Some(44293), added: 46768, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::Agreements` (r:1 w:0)
	/// Proof: `SlaVerification::Agreements` (`max_values`: None, `max_size`: Some(4324), added: 6799, mode: `MaxEncodedLen`)
	/// Storage: `SlaVerification::RetiredInstances` (r:1 w:0)
	/// Proof: `SlaVerification::RetiredInstances` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `MetricsBlocks::PartialBlocks` (r:1 w:0)
	/// Proof: `MetricsBlocks::PartialBlocks` (`max_values`: None, `max_size`: Some(44136), added: 46611, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 1024]`.
	fn authorize_submit_metrics_block(n: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1095 + n * (40 ±0)`
		//  Estimated: `47758`
		// Minimum execution time: 181_358_000 picoseconds.
		Weight::from_parts(146_573_387, 47758)
			// Standard Error: 24_565
			.saturating_add(Weight::from_parts(674_847, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(8_u64))
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
		// Minimum execution time: 143_879_000 picoseconds.
		Weight::from_parts(215_883_000, 3534)
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
		// Minimum execution time: 122_108_000 picoseconds.
		Weight::from_parts(144_910_000, 3534)
			.saturating_add(T::DbWeight::get().reads(4_u64))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn submit_metrics_block(n: u32, ) -> Weight {
		Weight::from_parts(53_264_453, 94526)
			.saturating_add(Weight::from_parts(6_059_697, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
	}
	fn authorize_submit_metrics_block(n: u32, ) -> Weight {
		Weight::from_parts(146_573_387, 47758)
			.saturating_add(Weight::from_parts(674_847, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(8_u64))
	}
	fn bind_accounting_key() -> Weight {
		Weight::from_parts(215_883_000, 3534)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn authorize_bind_accounting_key() -> Weight {
		Weight::from_parts(144_910_000, 3534)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
	}
}
