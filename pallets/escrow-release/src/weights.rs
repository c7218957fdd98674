// This file is part of qos-ledger.
// SPDX-License-Identifier: Apache-2.0

//! Weights for `pallet_escrow_release`, measured by the node's `benchmark pallet` command
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
// pallet_escrow_release
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
// pallets/escrow-release/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_escrow_release`.
pub trait WeightInfo {
	fn top_up() -> Weight;
	fn pay_out() -> Weight;
}

/// Weights for `pallet_escrow_release` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	fn top_up() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `449`
		//  Estimated: `3613`
		// Minimum execution time: 86_492_000 picoseconds.
		Weight::from_parts(93_384_000, 3613)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `EscrowRelease::Escrows` (r:1 w:1)
	/// Proof: `EscrowRelease::Escrows` (`max_values`: None, `max_size`: Some(148), added: 2623, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `EscrowRelease::TotalEscrowed` (r:1 w:1)
	/// Proof: `EscrowRelease::TotalEscrowed` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	fn pay_out() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `552`
		//  Estimated: `6196`
		// Minimum execution time: 126_727_000 picoseconds.
		Weight::from_parts(141_153_000, 6196)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn top_up() -> Weight {
		Weight::from_parts(93_384_000, 3613)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn pay_out() -> Weight {
		Weight::from_parts(141_153_000, 6196)
			.saturating_add(ParityDbWeight::get().reads(5_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
}
