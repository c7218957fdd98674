//! The chain of metrics blocks: recording final and partial blocks, pruning,
//! the reads of the runtime API, and the chain's invariants.

use alloc::vec::Vec;
use frame_support::{traits::Get, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use qos_primitives::{
	merkle,
	otp::Commitment,
	selection::designated_index,
	traits::{MetricsArchive, MetricsBlockHandler, PeriodCoverage},
	AgreementId, Hash256, InstanceId, PeriodIndex, Report,
};
use sp_runtime::DispatchResult;

use crate::{
	AccountingKey, AuthorityId, ChainPeriods, ChainTips, Config, DesignatedNode, Event, MetricsBlock, MetricsBlocks,
	MissingInstances, Pallet, PartialBlock, PartialBlocks, ReportHashes, ReportInclusionProof,
};

impl<T: Config> Pallet<T> {
	/// Stores a partial block for a second accounting node to pull after.
	pub(crate) fn record_partial(
		to_record: PeriodCoverage,
		reports: &[Report],
		missing: MissingInstances,
		accounting_node: AccountingKey,
		authority: AuthorityId,
	) {
		let report_hashes = Self::hashes_of(reports);
		PartialBlocks::<T>::insert(
			to_record.agreement,
			to_record.period,
			PartialBlock {
				accounting_node: accounting_node.clone(),
				authority,
				report_hashes,
				missing: missing.clone(),
				recorded_at_ms: Self::now_ms(),
			},
		);
		Self::deposit_event(Event::PartialBlockRecorded {
			agreement: to_record.agreement,
			period: to_record.period,
			accounting_node,
			missing,
		});
	}

	/// `(instance, sha256(SCALE(report)))` of each report, in order; the
	/// caller checked `reports` against the bound.
	fn hashes_of(reports: &[Report]) -> ReportHashes {
		BoundedVec::truncate_from(reports.iter().map(|r| (r.instance, r.hash())).collect::<Vec<_>>())
	}

	/// Stores a final block, links and prunes the chain, emits, hands over.
	pub(crate) fn record(
		to_record: PeriodCoverage,
		reports: &[Report],
		missing: MissingInstances,
		otp_commitment: Commitment,
		accounting_node: AccountingKey,
		first_pull: Option<AccountingKey>,
	) -> DispatchResult {
		let PeriodCoverage { agreement, period, window, .. } = to_record;
		let report_hashes = Self::hashes_of(reports);
		let leaves: Vec<Hash256> = report_hashes.iter().map(|(_, hash)| *hash).collect();
		let reports_root = merkle::merkle_root(&leaves);
		PartialBlocks::<T>::remove(agreement, period);

		let mut tip = ChainTips::<T>::get(agreement).unwrap_or_default();
		let mut block = MetricsBlock {
			agreement,
			period,
			window,
			sequence: tip.length,
			prev_hash: tip.last_hash,
			reports_root,
			report_hashes,
			missing,
			otp_commitment,
			accounting_node: accounting_node.clone(),
			first_pull,
			recorded_at: frame_system::Pallet::<T>::block_number(),
			block_hash: [0; 32],
		};
		block.block_hash = block.compute_hash();
		let block_hash = block.block_hash;

		ChainPeriods::<T>::insert(agreement, tip.length, period);
		tip.length = tip.length.saturating_add(1);
		tip.last_hash = block_hash;
		if tip.length.saturating_sub(tip.first_retained) > T::RetainPeriods::get() {
			let oldest = tip.first_retained;
			if let Some(old_period) = ChainPeriods::<T>::take(agreement, oldest) {
				if let Some(old) = MetricsBlocks::<T>::take(agreement, old_period) {
					tip.anchor_hash = old.block_hash;
					Self::deposit_event(Event::MetricsBlockPruned {
						agreement,
						period: old_period,
						block_hash: old.block_hash,
					});
				}
			}
			tip.first_retained = oldest.saturating_add(1);
		}
		ChainTips::<T>::insert(agreement, tip);

		let missing = block.missing.clone();
		MetricsBlocks::<T>::insert(agreement, period, block);
		Self::deposit_event(Event::MetricsBlockRecorded {
			agreement,
			period,
			block_hash,
			reports_root,
			accounting_node,
			missing,
		});
		T::MetricsHandler::on_metrics_block(agreement, period, window, reports, otp_commitment);
		Ok(())
	}

	/// The retained metrics block of `period` of `agreement` (runtime API).
	pub fn metrics_block(agreement: AgreementId, period: PeriodIndex) -> Option<MetricsBlock<BlockNumberFor<T>>> {
		MetricsBlocks::<T>::get(agreement, period)
	}

	/// The metrics block and the inclusion proof of `instance`'s report (runtime API).
	pub fn report_inclusion_proof(
		agreement: AgreementId,
		period: PeriodIndex,
		instance: InstanceId,
	) -> Option<ReportInclusionProof<BlockNumberFor<T>>> {
		let block = MetricsBlocks::<T>::get(agreement, period)?;
		let leaf_index = block.report_hashes.binary_search_by_key(&instance, |(id, _)| *id).ok()?;
		let leaves = block.leaves();
		let proof = merkle::merkle_proof(&leaves, leaf_index)?;
		Some(ReportInclusionProof { report_hash: leaves[leaf_index], leaf_index: leaf_index as u32, proof, block })
	}

	/// The node designated to record `period` of `agreement` (runtime API).
	pub fn designated_node(agreement: AgreementId, period: PeriodIndex) -> Option<DesignatedNode> {
		let authorities = T::Authorities::get();
		let authority_index = designated_index(agreement, period, authorities.len() as u32)?;
		let authority = authorities.get(authority_index as usize)?.clone();
		Some(DesignatedNode { authority_index, accounting_key: Self::accounting_key_of(&authority), authority })
	}

	/// Invariants: every retained block carries its own hash and root, the
	/// retained chain of each agreement links from its anchor to its tip
	/// without gaps, nothing beyond `RetainPeriods` is retained, a partial
	/// block belongs to a period that awaits its metrics block and never
	/// stands beside its final block, and no current authority or accounting
	/// key is bound twice.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		use sp_runtime::TryRuntimeError;
		ensure!(
			crate::AccountingKeys::<T>::get().len() as u32 <= T::MaxAuthorities::get(),
			TryRuntimeError::Other("accounting-key map over its bound")
		);
		for (agreement, tip) in ChainTips::<T>::iter() {
			ensure!(
				tip.length.saturating_sub(tip.first_retained) <= T::RetainPeriods::get(),
				TryRuntimeError::Other("more blocks retained than RetainPeriods")
			);
			let mut expected_prev = tip.anchor_hash;
			for sequence in tip.first_retained..tip.length {
				let period = ChainPeriods::<T>::get(agreement, sequence)
					.ok_or(TryRuntimeError::Other("gap in a retained chain"))?;
				let block = MetricsBlocks::<T>::get(agreement, period)
					.ok_or(TryRuntimeError::Other("chain position without its block"))?;
				ensure!(block.sequence == sequence, TryRuntimeError::Other("block sequence mismatch"));
				ensure!(block.prev_hash == expected_prev, TryRuntimeError::Other("broken prev_hash link"));
				ensure!(block.block_hash == block.compute_hash(), TryRuntimeError::Other("wrong block_hash"));
				ensure!(
					block.reports_root == merkle::merkle_root(&block.leaves()),
					TryRuntimeError::Other("wrong reports_root")
				);
				ensure!(
					block.report_hashes.windows(2).all(|pair| pair[0].0 < pair[1].0),
					TryRuntimeError::Other("report hashes not by ascending instance")
				);
				expected_prev = block.block_hash;
			}
			ensure!(expected_prev == tip.last_hash, TryRuntimeError::Other("tip does not end the chain"));
			ensure!(
				ChainPeriods::<T>::iter_prefix(agreement).count() as u32
					== tip.length.saturating_sub(tip.first_retained),
				TryRuntimeError::Other("stale chain positions")
			);
		}
		for (agreement, _, _) in MetricsBlocks::<T>::iter() {
			ensure!(ChainTips::<T>::contains_key(agreement), TryRuntimeError::Other("block without chain"));
		}
		let retained: u32 = ChainTips::<T>::iter_values()
			.map(|tip| tip.length.saturating_sub(tip.first_retained))
			.fold(0u32, |a, b| a.saturating_add(b));
		ensure!(
			MetricsBlocks::<T>::iter().count() as u32 == retained,
			TryRuntimeError::Other("blocks outside any chain")
		);
		for (agreement, period, partial) in PartialBlocks::<T>::iter() {
			ensure!(
				!MetricsBlocks::<T>::contains_key(agreement, period),
				TryRuntimeError::Other("a partial block beside its final block")
			);
			ensure!(
				<T::Agreements as qos_primitives::traits::AgreementRegistry>::period_coverage(agreement, period)
					.is_some(),
				TryRuntimeError::Other("a partial block of a period that awaits none")
			);
			ensure!(
				partial.report_hashes.windows(2).all(|pair| pair[0].0 < pair[1].0),
				TryRuntimeError::Other("partial block's report hashes not by ascending instance")
			);
		}
		let authorities = T::Authorities::get();
		let current: Vec<_> =
			crate::AccountingKeys::<T>::get().into_iter().filter(|(a, _)| authorities.contains(a)).collect();
		ensure!(
			current.iter().enumerate().all(|(i, (a, k))| current[..i].iter().all(|(b, l)| a != b && k != l)),
			TryRuntimeError::Other("an authority or accounting key bound twice")
		);
		Ok(())
	}
}

impl<T: Config> MetricsArchive for Pallet<T> {
	fn discard_unfinished(agreement: AgreementId, period: PeriodIndex) {
		PartialBlocks::<T>::remove(agreement, period);
	}

	fn prune(agreement: AgreementId, limit: u32) -> (u32, bool) {
		let Some(mut tip) = ChainTips::<T>::get(agreement) else {
			let _ = PartialBlocks::<T>::clear_prefix(agreement, u32::MAX, None);
			return (0, true);
		};
		// Oldest first, moving the anchor along, so the retained chain stays
		// checkable between two calls.
		let mut removed = 0u32;
		while removed < limit && tip.first_retained < tip.length {
			if let Some(period) = ChainPeriods::<T>::take(agreement, tip.first_retained) {
				if let Some(block) = MetricsBlocks::<T>::take(agreement, period) {
					tip.anchor_hash = block.block_hash;
				}
			}
			tip.first_retained = tip.first_retained.saturating_add(1);
			removed = removed.saturating_add(1);
		}
		let done = tip.first_retained >= tip.length;
		if done {
			ChainTips::<T>::remove(agreement);
			let _ = PartialBlocks::<T>::clear_prefix(agreement, u32::MAX, None);
		} else {
			ChainTips::<T>::insert(agreement, tip);
		}
		(removed, done)
	}
}
