//! Tests of the metrics-blocks pallet and its off-chain worker, by topic.

use crate::{mock::*, ocw, AccountingKeys, Call, ChainTips, Error, Event, PartialBlocks};
use frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec};
use qos_primitives::{
	merkle::{merkle_root, verify_proof},
	otp::{commit, otp_matches, period_otp, Commitment},
	selection::designated_index,
	traits::{AgreementRegistry, MetricsArchive, PeriodToRecord},
	InstanceId, MissingReason, Report, REPORT_SETTLE_MS,
};
use sp_core::Pair;
use sp_runtime::{
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	DispatchError,
};

const A: u64 = 7;

fn reports_of(to_record: &PeriodToRecord, instances: &[u32]) -> Vec<Report> {
	instances.iter().map(|i| good_report(to_record, *i)).collect()
}

fn client_commitment(reports: &[Report]) -> Commitment {
	let tags: Vec<_> = reports.iter().map(|r| (r.instance, tag_of(&CLIENT_KEY, r))).collect();
	let (agreement, period) = reports.first().map(|r| (r.agreement, r.period)).unwrap_or((A, 0));
	commit(&period_otp(agreement, period, &tags))
}

/// `signer`'s metrics block of `reports`, every other covered instance missing.
fn submit_call(signer: &str, agreement: u64, period: u32, reports: Vec<Report>) -> RuntimeCall {
	let missing = missing_of(agreement, period, &reports);
	submit_call_with(signer, agreement, period, reports, missing)
}

fn submit_call_with(
	signer: &str,
	agreement: u64,
	period: u32,
	reports: Vec<Report>,
	missing: Vec<(InstanceId, MissingReason)>,
) -> RuntimeCall {
	let commitment = client_commitment(&reports);
	let signature = sign_submission(signer, agreement, period, &reports, &missing, &commitment);
	RuntimeCall::MetricsBlocks(Call::submit_metrics_block {
		agreement,
		period,
		reports,
		missing,
		otp_commitment: commitment,
		accounting_node: acct(signer),
		signature,
	})
}

/// `authority` binds the accounting key of `key_owner`, its Aura signature
/// made by `aura_signer`.
fn bind_call(authority: &str, key_owner: &str, aura_signer: &str) -> RuntimeCall {
	let payload = MetricsBlocks::binding_payload(&aura(authority), &acct(key_owner));
	RuntimeCall::MetricsBlocks(Call::bind_accounting_key {
		authority: aura(authority),
		accounting_key: acct(key_owner),
		authority_signature: aura_pair(aura_signer).sign(&payload).into(),
		accounting_signature: acct_pair(key_owner).sign(&payload).into(),
	})
}

/// The node after `node` in the authority order of [`NODES`].
fn next_after(node: &str) -> &'static str {
	let i = NODES.iter().position(|n| *n == node).unwrap();
	NODES[(i + 1) % NODES.len()]
}

/// Dispatch directly (as in a block) and return the error, if any.
fn dispatch(call: RuntimeCall) -> sp_runtime::DispatchResult {
	use sp_runtime::traits::Dispatchable;
	call.dispatch(frame_system::RawOrigin::Authorized.into()).map(|_| ()).map_err(|e| e.error)
}

/// The pool's verdict on `call`.
fn pool_verdict(call: &RuntimeCall) -> Result<(), TransactionValidityError> {
	use frame_support::traits::Authorize;
	call.authorize(TransactionSource::External).expect("authorized call").map(|_| ())
}

fn custom(error: Error<Test>) -> TransactionValidityError {
	let DispatchError::Module(module) = DispatchError::from(error) else { unreachable!() };
	InvalidTransaction::Custom(module.error[0]).into()
}

/// Assert `call` is refused with `error`, by the pool and in a block: both
/// run the same authorization (dispatch trusts it and rechecks only the
/// chain's state), so nothing changes.
fn assert_refused(call: RuntimeCall, error: Error<Test>, pool: TransactionValidityError) {
	assert_eq!(pool_verdict(&call), Err(pool));
	assert_eq!(MetricsBlocks::invalid_transaction(error), pool, "the pool's verdict names the error");
	frame_support::assert_storage_noop!(assert!(authorize_and_dispatch(call).is_err()));
}

fn set_time_after_settle(to_record: &PeriodToRecord) {
	set_now(to_record.window.to_ms + REPORT_SETTLE_MS);
}

mod answers;
mod binding;
mod off_chain_worker;
mod partial_blocks;
mod pruning;
mod recording;
mod refusals;
