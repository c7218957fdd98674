//! Benchmarks of pallet-metrics-blocks. `submit_metrics_block` is measured in
//! its worst case: a second pull that completes another node's partial block
//! (every report compared with the first pull's), every covered instance
//! reporting, and the agreement's chain full so the oldest block is pruned.

use super::*;
use crate::Pallet as MetricsBlocksPallet;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Authorize, Get},
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use qos_primitives::{
	otp::{commit, period_otp},
	selection::designated_index,
	traits::PeriodToRecord,
	Hash256, InstanceId, MAX_INSTANCES_PER_SERVICE,
};
use sp_runtime::RuntimeAppPublic;

fn report(to_record: &PeriodToRecord, instance: InstanceId) -> Report {
	Report::all_up(to_record.agreement, to_record.period, instance, to_record.window, 60)
}

/// A valid second pull of `n` reports after another node's partial block of
/// the same reports, with the agreement's chain full so recording prunes.
fn valid_submission<T: Config>(n: u32) -> Result<Call<T>, BenchmarkError> {
	let to_record = T::BenchmarkHelper::awaiting_period(n);
	if T::Authorities::get().len() < 2 {
		T::BenchmarkHelper::add_authority(AuthorityId::generate_pair(None));
	}
	let authorities = T::Authorities::get();
	let designated = designated_index(to_record.agreement, to_record.period, authorities.len() as u32)
		.ok_or(BenchmarkError::Stop("no authorities"))? as usize;
	let other = (designated + 1) % authorities.len();
	let (first, second) = (AccountingKey::generate_pair(None), AccountingKey::generate_pair(None));
	AccountingKeys::<T>::put(
		BoundedVec::try_from(vec![
			(authorities[designated].clone(), first.clone()),
			(authorities[other].clone(), second.clone()),
		])
		.map_err(|_| BenchmarkError::Stop("MaxAuthorities below 2"))?,
	);

	// A full chain whose oldest block gets pruned: the largest block there
	// is, whatever `n`, since pruning reads it whole.
	let retain = T::RetainPeriods::get();
	let old_period = to_record.period.wrapping_add(1_000);
	let old_hashes: Vec<(InstanceId, Hash256)> =
		(0..MAX_INSTANCES_PER_SERVICE).map(|i| (i, report(&to_record, i).hash())).collect();
	let mut old = MetricsBlock::<BlockNumberFor<T>> {
		agreement: to_record.agreement,
		period: old_period,
		window: to_record.window,
		sequence: 0,
		prev_hash: [0; 32],
		reports_root: qos_primitives::merkle::merkle_root(
			&old_hashes.iter().map(|(_, hash)| *hash).collect::<Vec<_>>(),
		),
		report_hashes: BoundedVec::truncate_from(old_hashes),
		missing: BoundedVec::new(),
		otp_commitment: [0; 32],
		accounting_node: first.clone(),
		first_pull: None,
		recorded_at: Default::default(),
		block_hash: [0; 32],
	};
	old.block_hash = old.compute_hash();
	MetricsBlocks::<T>::insert(to_record.agreement, old_period, old);
	ChainPeriods::<T>::insert(to_record.agreement, 0, old_period);
	ChainTips::<T>::insert(
		to_record.agreement,
		ChainTip { length: retain, last_hash: [1; 32], first_retained: 0, anchor_hash: [0; 32] },
	);

	let reports: Vec<Report> = (0..n).map(|i| report(&to_record, i)).collect();
	PartialBlocks::<T>::insert(
		to_record.agreement,
		to_record.period,
		PartialBlock {
			accounting_node: first,
			authority: authorities[designated].clone(),
			report_hashes: BoundedVec::truncate_from(
				reports.iter().map(|r| (r.instance, r.hash())).collect::<Vec<_>>(),
			),
			missing: BoundedVec::new(),
			recorded_at_ms: 0,
		},
	);
	let tags: Vec<_> = reports.iter().map(|rep| (rep.instance, rep.hash())).collect();
	let otp_commitment = commit(&period_otp(to_record.agreement, to_record.period, &tags));
	let payload = MetricsBlocksPallet::<T>::submission_payload(
		to_record.agreement,
		to_record.period,
		&reports,
		&[],
		&otp_commitment,
		&second,
	);
	let signature = second.sign(&payload).ok_or(BenchmarkError::Stop("no keystore"))?;
	Ok(Call::<T>::submit_metrics_block {
		agreement: to_record.agreement,
		period: to_record.period,
		reports,
		missing: vec![],
		otp_commitment,
		accounting_node: second,
		signature,
	})
}

/// A valid binding of a fresh accounting key by a fresh authority.
fn valid_binding<T: Config>() -> Call<T> {
	let authority = AuthorityId::generate_pair(None);
	T::BenchmarkHelper::add_authority(authority.clone());
	let key = AccountingKey::generate_pair(None);
	let payload = MetricsBlocksPallet::<T>::binding_payload(&authority, &key);
	let authority_signature = authority.sign(&payload).expect("key just generated");
	let accounting_signature = key.sign(&payload).expect("key just generated");
	Call::<T>::bind_accounting_key { authority, accounting_key: key, authority_signature, accounting_signature }
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_metrics_block(n: Linear<1, MAX_INSTANCES_PER_SERVICE>) -> Result<(), BenchmarkError> {
		let Call::<T>::submit_metrics_block {
			agreement,
			period,
			reports,
			missing,
			otp_commitment,
			accounting_node,
			signature,
		} = valid_submission::<T>(n)?
		else {
			return Err(BenchmarkError::Stop("unexpected call"));
		};

		#[extrinsic_call]
		_(RawOrigin::Authorized, agreement, period, reports, missing, otp_commitment, accounting_node, signature);

		assert!(MetricsBlocks::<T>::contains_key(agreement, period));
		assert_eq!(ChainTips::<T>::get(agreement).map(|t| t.first_retained), Some(1));
		Ok(())
	}

	#[benchmark]
	fn authorize_submit_metrics_block(n: Linear<1, MAX_INSTANCES_PER_SERVICE>) -> Result<(), BenchmarkError> {
		let call = valid_submission::<T>(n)?;

		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("call is not authorized")?
				.map_err(|_| "submission refused")?;
		}

		Ok(())
	}

	#[benchmark]
	fn bind_accounting_key() -> Result<(), BenchmarkError> {
		let Call::<T>::bind_accounting_key { authority, accounting_key, authority_signature, accounting_signature } =
			valid_binding::<T>()
		else {
			return Err(BenchmarkError::Stop("unexpected call"));
		};

		#[extrinsic_call]
		_(RawOrigin::Authorized, authority.clone(), accounting_key.clone(), authority_signature, accounting_signature);

		assert_eq!(MetricsBlocksPallet::<T>::accounting_key_of(&authority), Some(accounting_key));
		Ok(())
	}

	#[benchmark]
	fn authorize_bind_accounting_key() -> Result<(), BenchmarkError> {
		let call = valid_binding::<T>();

		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("call is not authorized")?
				.map_err(|_| "binding refused")?;
		}

		Ok(())
	}

	impl_benchmark_test_suite!(MetricsBlocksPallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
