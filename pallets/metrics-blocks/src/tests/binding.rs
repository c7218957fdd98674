//! Accounting keys: binding, rotation, replay.

use super::*;

#[test]
fn new_authority_binds_its_key_and_drops_those_that_left() {
	build_and_execute(|| {
		set_authorities(&["Alice", "Bob", "Dave"]);
		assert_ok!(authorize_and_dispatch(bind_call("Dave", "Dave", "Dave")));
		System::assert_has_event(
			Event::AccountingKeyBound { authority: aura("Dave"), accounting_key: acct("Dave") }.into(),
		);
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Dave")), Some(acct("Dave")));
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Charlie")), None);
		// Dave is now an accounting node.
		let p = await_period(A, 0, 1);
		set_now(MetricsBlocks::grace_ends_ms(&p.window));
		assert_ok!(authorize_and_dispatch(submit_call("Dave", A, 0, reports_of(&p, &[0]))));
		MetricsBlocks::do_try_state().unwrap();
	});
}

#[test]
fn binding_refusals() {
	build_and_execute(|| {
		// Not in the authority set.
		assert_refused(bind_call("Dave", "Dave", "Dave"), Error::NotAuthority, custom(Error::NotAuthority));
		// Already bound to exactly this key.
		assert_refused(
			bind_call("Alice", "Alice", "Alice"),
			Error::AccountingKeyAlreadyBound,
			InvalidTransaction::Stale.into(),
		);
		// Bob's key belongs to Bob.
		assert_refused(
			bind_call("Alice", "Bob", "Alice"),
			Error::AccountingKeyInUse,
			custom(Error::AccountingKeyInUse),
		);
		// Alice's Aura key did not sign.
		assert_refused(bind_call("Alice", "Dave", "Dave"), Error::BadSignature, InvalidTransaction::BadProof.into());
		// Re-binding Alice to a new key with both signatures works.
		assert_ok!(authorize_and_dispatch(bind_call("Alice", "Dave", "Alice")));
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Alice")), Some(acct("Dave")));
	});
}

#[test]
fn a_replayed_binding_cannot_rebind_a_rotated_out_key() {
	build_and_execute(|| {
		set_authorities(&["Alice", "Bob", "Charlie", "Dave"]);
		// Alice rotates to the key "Dave//acct"... and an attacker kept the
		// signatures of an earlier binding of Alice to "Eve//acct".
		let old = bind_call("Alice", "Eve", "Alice");
		assert_ok!(authorize_and_dispatch(old.clone()));
		assert_ok!(authorize_and_dispatch(bind_call("Alice", "Dave", "Alice")));
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Alice")), Some(acct("Dave")));
		// Replaying the old binding from chain history fails: its nonce is spent.
		assert_refused(old, Error::BadSignature, InvalidTransaction::BadProof.into());
		assert_eq!(MetricsBlocks::accounting_key_of(&aura("Alice")), Some(acct("Dave")));
		assert_eq!(crate::BindingNonces::<Test>::get(aura("Alice")), 2);
	});
}

#[test]
fn binding_refused_when_the_key_map_is_full() {
	build_and_execute(|| {
		set_authorities(&["Alice", "Bob", "Charlie", "Dave", "Eve"]);
		assert_ok!(authorize_and_dispatch(bind_call("Dave", "Dave", "Dave")));
		assert_eq!(AccountingKeys::<Test>::get().len() as u32, MaxAuthorities::get());
		assert_noop!(dispatch(bind_call("Eve", "Eve", "Eve")), Error::<Test>::TooManyAuthorities);
	});
}
