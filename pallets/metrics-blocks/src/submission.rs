//! Validation of the two authorized calls, in the pool and in the block: who
//! may sign, what they signed, and whether a metrics block is acceptable.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	ensure,
	pallet_prelude::{TransactionSource, TransactionValidityError, TransactionValidityWithRefund, Weight},
	traits::{Get, UnixTime},
};
use frame_system::pallet_prelude::BlockNumberFor;
use qos_primitives::{
	otp::Commitment,
	selection::designated_index,
	traits::{AgreementRegistry, PeriodCoverage},
	AgreementId, InstanceId, MissingReason, PeriodIndex, Report, MAX_INSTANCES_PER_SERVICE, REPORT_SETTLE_MS,
};
use sp_runtime::{
	traits::Zero,
	transaction_validity::{InvalidTransaction, ValidTransaction},
	DispatchError, RuntimeAppPublic,
};

use crate::{
	AccountingKey, AccountingKeys, AccountingSignature, AuthorityId, AuthoritySignature, BindingNonces, Config, Error,
	MetricsBlocks, Pallet, PartialBlocks, BIND_DOMAIN, SUBMIT_DOMAIN,
};

/// A submission that passed every check.
pub(crate) struct Checked {
	/// The period it records.
	pub to_record: PeriodCoverage,
	/// The authority whose accounting key signed it.
	pub authority: AuthorityId,
	/// Whether it is a first pull with pulled instances missing (a partial block).
	pub partial: bool,
	/// For a second pull: the node of the partial block it follows.
	pub first_pull: Option<AccountingKey>,
}

impl<T: Config> Pallet<T> {
	/// The chain's current time in milliseconds.
	pub fn now_ms() -> u64 {
		T::UnixTime::now().as_millis() as u64
	}

	/// The genesis hash the signed payloads are bound to.
	pub(crate) fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// The instances a submission speaks of: its reports and missing entries.
	pub fn covered_in(reports: &[Report], missing: &[(InstanceId, MissingReason)]) -> u32 {
		reports.len().saturating_add(missing.len()).min(u32::MAX as usize) as u32
	}

	/// The bytes an accounting node signs for a metrics block.
	pub fn submission_payload(
		agreement: AgreementId,
		period: PeriodIndex,
		reports: &[Report],
		missing: &[(InstanceId, MissingReason)],
		otp_commitment: &Commitment,
		accounting_node: &AccountingKey,
	) -> Vec<u8> {
		(SUBMIT_DOMAIN, Self::genesis_hash(), agreement, period, reports, missing, otp_commitment, accounting_node)
			.encode()
	}

	/// The bytes both keys sign to bind an accounting key: they include the
	/// authority's binding nonce, so an old binding cannot be replayed.
	pub fn binding_payload(authority: &AuthorityId, accounting_key: &AccountingKey) -> Vec<u8> {
		(BIND_DOMAIN, Self::genesis_hash(), authority, accounting_key, BindingNonces::<T>::get(authority)).encode()
	}

	/// The accounting key of `authority`, if bound.
	pub fn accounting_key_of(authority: &AuthorityId) -> Option<AccountingKey> {
		AccountingKeys::<T>::get().into_iter().find(|(a, _)| a == authority).map(|(_, k)| k)
	}

	/// Time (ms) at which the monitors' reports of `window` are final.
	pub fn settled_ms(window: &qos_primitives::Window) -> u64 {
		window.to_ms.saturating_add(REPORT_SETTLE_MS)
	}

	/// Length of the designated node's grace, in ms.
	pub fn grace_ms() -> u64 {
		let grace_blocks: u64 = T::SubmitGrace::get().try_into().unwrap_or(u64::MAX);
		grace_blocks.saturating_mul(T::MillisecsPerBlock::get())
	}

	/// Time (ms) from which any accounting node may record a period of `window`.
	pub fn grace_ends_ms(window: &qos_primitives::Window) -> u64 {
		Self::settled_ms(window).saturating_add(Self::grace_ms())
	}

	/// Index of `key`'s authority in `authorities`, if `key` is an accounting key.
	pub(crate) fn authority_index_of(authorities: &[AuthorityId], key: &AccountingKey) -> Option<u32> {
		let keys = AccountingKeys::<T>::get();
		authorities.iter().position(|a| keys.iter().any(|(ka, k)| ka == a && k == key)).map(|i| i as u32)
	}

	/// How many current authorities have an accounting key.
	pub(crate) fn accounting_node_count(authorities: &[AuthorityId]) -> usize {
		let keys = AccountingKeys::<T>::get();
		authorities.iter().filter(|a| keys.iter().any(|(ka, _)| ka == *a)).count()
	}

	/// Every check of a metrics-block submission, run when the transaction
	/// is authorized (in the pool and again in the block). The signer and its
	/// signature come first: they cost no storage beyond the key map, so
	/// nobody else makes validators do more. `O(n log n)`, `n` the covered
	/// instances, with a constant number of storage reads.
	pub(crate) fn check_submission(
		agreement: AgreementId,
		period: PeriodIndex,
		reports: &[Report],
		missing: &[(InstanceId, MissingReason)],
		otp_commitment: &Commitment,
		accounting_node: &AccountingKey,
		signature: &AccountingSignature,
	) -> Result<Checked, Error<T>> {
		ensure!(Self::covered_in(reports, missing) <= MAX_INSTANCES_PER_SERVICE, Error::<T>::TooManyReports);
		let authorities = T::Authorities::get();
		let signer_index =
			Self::authority_index_of(&authorities, accounting_node).ok_or(Error::<T>::NotAccountingNode)?;
		let payload = Self::submission_payload(agreement, period, reports, missing, otp_commitment, accounting_node);
		ensure!(accounting_node.verify(&payload, signature), Error::<T>::BadSignature);
		let checked =
			Self::check_state(agreement, period, reports, missing, accounting_node, &authorities, signer_index)?;
		Self::check_reports(&checked.to_record, reports, missing)?;
		Ok(checked)
	}

	/// What the dispatch of an authorized submission checks again: only what
	/// depends on the chain's state and costs a constant number of reads. The
	/// signature and the reports were checked when the transaction was
	/// authorized, in this block, against this same state; doing it twice
	/// would double the cost per report.
	pub(crate) fn checked_for_dispatch(
		agreement: AgreementId,
		period: PeriodIndex,
		reports: &[Report],
		missing: &[(InstanceId, MissingReason)],
		accounting_node: &AccountingKey,
	) -> Result<Checked, Error<T>> {
		let authorities = T::Authorities::get();
		let signer_index =
			Self::authority_index_of(&authorities, accounting_node).ok_or(Error::<T>::NotAccountingNode)?;
		let checked =
			Self::check_state(agreement, period, reports, missing, accounting_node, &authorities, signer_index)?;
		ensure!(
			reports.len().saturating_add(missing.len()) == checked.to_record.covered_count(),
			Error::<T>::InstancesNotAccountedFor
		);
		Ok(checked)
	}

	/// The checks against the chain's state: the period awaits this block,
	/// its window settled, the signer may record it now, and a second pull
	/// agrees with the first; and whether the block is partial.
	fn check_state(
		agreement: AgreementId,
		period: PeriodIndex,
		reports: &[Report],
		missing: &[(InstanceId, MissingReason)],
		accounting_node: &AccountingKey,
		authorities: &[AuthorityId],
		signer_index: u32,
	) -> Result<Checked, Error<T>> {
		ensure!(!MetricsBlocks::<T>::contains_key(agreement, period), Error::<T>::PeriodAlreadyRecorded);
		let to_record = T::Agreements::period_coverage(agreement, period).ok_or(Error::<T>::AgreementPeriodNotFound)?;
		let now_ms = Self::now_ms();
		ensure!(now_ms >= Self::settled_ms(&to_record.window), Error::<T>::WindowNotSettled);
		// From its deadline on the period lapses instead (refunded to the
		// client); both at once would decide it twice.
		ensure!(now_ms < T::Agreements::record_deadline_ms(to_record.window.to_ms), Error::<T>::RecordDeadlinePassed);
		ensure!(to_record.covered_count() <= MAX_INSTANCES_PER_SERVICE as usize, Error::<T>::TooManyInstances);

		let authority = authorities.get(signer_index as usize).cloned().ok_or(Error::<T>::NotAccountingNode)?;
		if let Some(first) = PartialBlocks::<T>::get(agreement, period) {
			// One validator is one witness: binding a new key between the two
			// pulls does not make it a second one.
			ensure!(
				&first.accounting_node != accounting_node && first.authority != authority,
				Error::<T>::SameNodeCannotCorroborate
			);
			// Only omissions need a second witness: a report's content is
			// the monitor's, checked by the client's OTP against its tag.
			// Both lists ascend by instance: one merge pass.
			ensure!(
				is_sorted_subset(first.report_hashes.iter().map(|(i, _)| *i), reports.iter().map(|r| r.instance)),
				Error::<T>::DisagreesWithFirstPull
			);
			return Ok(Checked { to_record, authority, partial: false, first_pull: Some(first.accounting_node) });
		}
		let designated = designated_index(agreement, period, authorities.len() as u32);
		if designated != Some(signer_index) {
			ensure!(now_ms >= Self::grace_ends_ms(&to_record.window), Error::<T>::NotDesignatedNode);
		}
		let unreached = missing.iter().any(|(_, reason)| *reason != MissingReason::Retired);
		let partial = unreached && Self::accounting_node_count(authorities) > 1;
		Ok(Checked { to_record, authority, partial, first_pull: None })
	}

	/// Reports and missing entries must each ascend by instance id, together
	/// name every covered instance once, match the period and be within
	/// bounds; an instance is missing as `Retired` exactly when it was retired
	/// before the window. `O(n log n)`.
	fn check_reports(
		to_record: &PeriodCoverage,
		reports: &[Report],
		missing: &[(InstanceId, MissingReason)],
	) -> Result<(), Error<T>> {
		ensure!(reports.windows(2).all(|pair| pair[0].instance < pair[1].instance), Error::<T>::ReportsNotSorted);
		ensure!(missing.windows(2).all(|pair| pair[0].0 < pair[1].0), Error::<T>::ReportsNotSorted);
		for report in reports {
			ensure!(to_record.is_pulled(report.instance), Error::<T>::UnknownInstance);
			ensure!(
				report.agreement == to_record.agreement
					&& report.period == to_record.period
					&& report.window == to_record.window,
				Error::<T>::ReportDoesNotMatchPeriod
			);
			crate::report_within_bounds(report).map_err(|_| Error::<T>::ReportOutOfBounds)?;
		}
		for (instance, reason) in missing {
			let retired = to_record.is_retired(*instance);
			ensure!(retired || to_record.is_pulled(*instance), Error::<T>::UnknownInstance);
			ensure!(retired == (*reason == MissingReason::Retired), Error::<T>::WrongMissingReason);
		}
		ensure!(
			!shares_an_element(reports.iter().map(|r| r.instance), missing.iter().map(|(i, _)| *i)),
			Error::<T>::InstancesNotAccountedFor
		);
		ensure!(reports.len() + missing.len() == to_record.covered_count(), Error::<T>::InstancesNotAccountedFor);
		Ok(())
	}

	/// Checks of a binding, in the pool and in the block; returns the
	/// current authorities.
	pub(crate) fn check_binding(
		authority: &AuthorityId,
		accounting_key: &AccountingKey,
		authority_signature: &AuthoritySignature,
		accounting_signature: &AccountingSignature,
	) -> Result<Vec<AuthorityId>, Error<T>> {
		let authorities = T::Authorities::get();
		ensure!(authorities.contains(authority), Error::<T>::NotAuthority);
		let payload = Self::binding_payload(authority, accounting_key);
		ensure!(
			authority.verify(&payload, authority_signature) && accounting_key.verify(&payload, accounting_signature),
			Error::<T>::BadSignature
		);
		let keys = AccountingKeys::<T>::get();
		ensure!(
			!keys.iter().any(|(a, k)| a == authority && k == accounting_key),
			Error::<T>::AccountingKeyAlreadyBound
		);
		ensure!(
			!keys.iter().any(|(a, k)| a != authority && k == accounting_key && authorities.contains(a)),
			Error::<T>::AccountingKeyInUse
		);
		Ok(authorities)
	}

	// `#[pallet::authorize]` hands over a reference to each call parameter.
	#[allow(clippy::ptr_arg)]
	pub(crate) fn authorize_submit_metrics_block(
		_source: TransactionSource,
		agreement: &AgreementId,
		period: &PeriodIndex,
		reports: &Vec<Report>,
		missing: &Vec<(InstanceId, MissingReason)>,
		otp_commitment: &Commitment,
		accounting_node: &AccountingKey,
		signature: &AccountingSignature,
	) -> TransactionValidityWithRefund {
		let checked =
			Self::check_submission(*agreement, *period, reports, missing, otp_commitment, accounting_node, signature)
				.map_err(Self::invalid_transaction)?;
		let second_pull = checked.first_pull.is_some();
		let validity = ValidTransaction::with_tag_prefix("QosMetricsBlock")
			.priority(T::TransactionPriority::get())
			.and_provides((*agreement, *period, second_pull))
			.longevity(crate::ocw::RESUBMIT_AFTER_BLOCKS as u64)
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}

	pub(crate) fn authorize_bind_accounting_key(
		_source: TransactionSource,
		authority: &AuthorityId,
		accounting_key: &AccountingKey,
		authority_signature: &AuthoritySignature,
		accounting_signature: &AccountingSignature,
	) -> TransactionValidityWithRefund {
		Self::check_binding(authority, accounting_key, authority_signature, accounting_signature)
			.map_err(Self::invalid_transaction)?;
		let validity = ValidTransaction::with_tag_prefix("QosBindAccountingKey")
			.priority(T::TransactionPriority::get())
			.and_provides(authority)
			.longevity(crate::ocw::RESUBMIT_AFTER_BLOCKS as u64)
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}

	/// How a refused transaction is reported to the pool: `Stale` for a
	/// period already recorded or a key already bound, `BadProof` for a bad
	/// signature, otherwise `Custom(i)` with `i` the index of the
	/// [`Error`] variant (as in the metadata).
	pub fn invalid_transaction(error: Error<T>) -> TransactionValidityError {
		match error {
			Error::<T>::PeriodAlreadyRecorded | Error::<T>::AccountingKeyAlreadyBound => {
				InvalidTransaction::Stale.into()
			},
			Error::<T>::BadSignature => InvalidTransaction::BadProof.into(),
			other => {
				let index = match DispatchError::from(other) {
					DispatchError::Module(module) => module.error[0],
					_ => u8::MAX,
				};
				InvalidTransaction::Custom(index).into()
			},
		}
	}
}

/// Whether every element of `small` is in `large`, both strictly ascending.
pub(crate) fn is_sorted_subset(
	small: impl Iterator<Item = InstanceId>,
	large: impl Iterator<Item = InstanceId>,
) -> bool {
	let mut large = large.peekable();
	for wanted in small {
		while large.next_if(|x| *x < wanted).is_some() {}
		if large.next_if_eq(&wanted).is_none() {
			return false;
		}
	}
	true
}

/// Whether two strictly ascending sequences have an element in common.
pub(crate) fn shares_an_element(a: impl Iterator<Item = InstanceId>, b: impl Iterator<Item = InstanceId>) -> bool {
	let mut b = b.peekable();
	for x in a {
		while b.next_if(|y| *y < x).is_some() {}
		if b.peek() == Some(&x) {
			return true;
		}
	}
	false
}

#[cfg(test)]
mod merge_tests {
	use super::*;

	#[test]
	fn a_sorted_subset_is_found_in_one_pass() {
		fn set(v: &[u32]) -> impl Iterator<Item = u32> + '_ {
			v.iter().copied()
		}
		assert!(is_sorted_subset(set(&[]), set(&[])));
		assert!(is_sorted_subset(set(&[]), set(&[1, 2])));
		assert!(is_sorted_subset(set(&[1, 3]), set(&[0, 1, 2, 3])));
		assert!(is_sorted_subset(set(&[0, 1, 2, 3]), set(&[0, 1, 2, 3])));
		assert!(!is_sorted_subset(set(&[1, 4]), set(&[0, 1, 2, 3])));
		assert!(!is_sorted_subset(set(&[0]), set(&[])));
		assert!(!is_sorted_subset(set(&[2]), set(&[1, 3])));
	}

	#[test]
	fn a_shared_element_is_found_in_one_pass() {
		fn set(v: &[u32]) -> impl Iterator<Item = u32> + '_ {
			v.iter().copied()
		}
		assert!(!shares_an_element(set(&[]), set(&[1])));
		assert!(!shares_an_element(set(&[0, 2, 4]), set(&[1, 3, 5])));
		assert!(shares_an_element(set(&[0, 2, 4]), set(&[3, 4])));
		assert!(shares_an_element(set(&[7]), set(&[1, 7, 9])));
		assert!(!shares_an_element(set(&[9]), set(&[1, 7])));
	}
}
