//! Random call sequences from three clients, two owners, an arbiter and
//! anyone, with time passing: funds are conserved (only accounting fees
//! leave the supply), holds equal open escrows plus deposits, no period is
//! paid twice, and once every deadline has passed no escrow is left on hold.

use super::*;
use crate::Closure;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const CLIENTS: [AccountId; 3] = [CLIENT, CLIENT_2, OTHER];
const OWNERS: [AccountId; 2] = [OWNER, OWNER_2];

#[derive(Clone, Debug)]
enum Op {
	Create {
		client: usize,
		service: u64,
		periods: u32,
		harsher: bool,
	},
	AddInstance {
		owner: usize,
		service: u64,
	},
	Retire {
		owner: usize,
		service: u64,
		instance: InstanceId,
	},
	Replace {
		owner: usize,
		service: u64,
		instance: InstanceId,
	},
	Advance {
		ms: u64,
		blocks: u64,
	},
	Record {
		availability: u32,
		limit: u32,
	},
	/// `pick` selects a period with a record (in any state, so repeats happen).
	Confirm {
		pick: usize,
		as_client: bool,
		right: bool,
	},
	Contest {
		pick: usize,
		by_owner: bool,
	},
	Accept {
		pick: usize,
	},
	Resolve {
		pick: usize,
		by: usize,
		share: u16,
	},
	/// `pick` selects an agreement and a period of its term.
	SettleOverdue {
		pick: usize,
		period: u32,
	},
	Cancel {
		pick: usize,
		as_client: bool,
	},
	TopUp {
		pick: usize,
		as_client: bool,
		amount: Balance,
	},
	Prune {
		pick: usize,
	},
	/// Anyone (the client, the owner or a third party) asks for a pay-out.
	PayOut {
		pick: usize,
		by: usize,
	},
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		3 => (0usize..3, 0u64..3, 1u32..5, prop::bool::weighted(0.2))
			.prop_map(|(client, service, periods, harsher)| Op::Create { client, service, periods, harsher }),
		1 => (0usize..2, 0u64..3).prop_map(|(owner, service)| Op::AddInstance { owner, service }),
		1 => (0usize..2, 0u64..3, 0u32..3).prop_map(|(owner, service, instance)| Op::Retire { owner, service, instance }),
		1 => (0usize..2, 0u64..3, 0u32..3).prop_map(|(owner, service, instance)| Op::Replace { owner, service, instance }),
		3 => (0u64..3 * PERIOD_MS, 0u64..2 * CONTEST_WINDOW).prop_map(|(ms, blocks)| Op::Advance { ms, blocks }),
		4 => (prop_oneof![Just(1000u32), Just(995), Just(980), Just(0)], 1u32..4)
			.prop_map(|(availability, limit)| Op::Record { availability, limit }),
		5 => (any::<usize>(), prop::bool::weighted(0.9), prop::bool::weighted(0.7))
			.prop_map(|(pick, as_client, right)| Op::Confirm { pick, as_client, right }),
		2 => (any::<usize>(), any::<bool>()).prop_map(|(pick, by_owner)| Op::Contest { pick, by_owner }),
		2 => any::<usize>().prop_map(|pick| Op::Accept { pick }),
		3 => (any::<usize>(), 0usize..3, 0u16..=1001).prop_map(|(pick, by, share)| Op::Resolve { pick, by, share }),
		3 => (any::<usize>(), 0u32..5).prop_map(|(pick, period)| Op::SettleOverdue { pick, period }),
		1 => (any::<usize>(), prop::bool::weighted(0.9)).prop_map(|(pick, as_client)| Op::Cancel { pick, as_client }),
		1 => (any::<usize>(), prop::bool::weighted(0.9), 0u128..2_000)
			.prop_map(|(pick, as_client, amount)| Op::TopUp { pick, as_client, amount }),
		1 => any::<usize>().prop_map(|pick| Op::Prune { pick }),
		2 => (any::<usize>(), 0usize..3).prop_map(|(pick, by)| Op::PayOut { pick, by }),
	]
}

fn setup() {
	// Services 0 and 2 of OWNER, service 1 of OWNER_2, each with the cloud
	// offer (arbiter ARBITER) and one instance.
	for (i, owner) in [OWNER, OWNER_2, OWNER].into_iter().enumerate() {
		assert_ok!(Sla::register_service(RuntimeOrigin::signed(owner), PRICE + i as Balance, PERIOD_MS, CAPACITY));
		assert_ok!(Sla::set_offers(RuntimeOrigin::signed(owner), i as u64, vec![cloud_offer()]));
		assert_ok!(Sla::add_instance(RuntimeOrigin::signed(owner), i as u64, url("http://m:1")));
	}
}

fn pick_period(pick: usize) -> Option<(AgreementId, PeriodIndex)> {
	let all: Vec<_> = Periods::<Test>::iter_keys().collect::<BTreeSet<_>>().into_iter().collect();
	(!all.is_empty()).then(|| all[pick % all.len()])
}

/// An agreement and, when `as_party`, its client, else someone else.
fn pick_agreement(pick: usize, as_party: bool) -> Option<(AgreementId, AccountId)> {
	let all: Vec<_> =
		Agreements::<Test>::iter().map(|(id, a)| (id, a.client)).collect::<BTreeSet<_>>().into_iter().collect();
	let (id, client) = *all.get(pick % all.len().max(1))?;
	Some((id, if as_party { client } else { CLIENTS[(CLIENTS.iter().position(|c| *c == client).unwrap() + 1) % 3] }))
}

fn apply(op: &Op, otps: &mut BTreeMap<(AgreementId, PeriodIndex), Otp>) {
	let _ = frame_support::storage::with_storage_layer(|| -> sp_runtime::DispatchResult {
		match *op {
			Op::Create { client, service, periods, harsher } => {
				let mut terms = cloud_terms();
				if harsher {
					terms.qos.max_latency_p95_ms = Some(10);
				}
				Sla::create_agreement(
					RuntimeOrigin::signed(CLIENTS[client]),
					service,
					0,
					terms,
					periods,
					PRICE + 2,
					Some(ARBITER),
				)
			},
			Op::AddInstance { owner, service } => {
				Sla::add_instance(RuntimeOrigin::signed(OWNERS[owner]), service, url("http://n:2"))
			},
			Op::Retire { owner, service, instance } => {
				Sla::retire_instance(RuntimeOrigin::signed(OWNERS[owner]), service, instance)
			},
			Op::Replace { owner, service, instance } => {
				Sla::replace_instance(RuntimeOrigin::signed(OWNERS[owner]), service, instance, url("http://r:3"))
			},
			Op::Advance { ms, blocks } => {
				NowMs::set(NowMs::get() + ms);
				advance_blocks(blocks);
				Ok(())
			},
			Op::Record { availability, limit } => {
				// What the metrics-blocks pallet does with the periods due.
				for due in due_periods(NowMs::get().saturating_sub(REPORT_SETTLE_MS), limit) {
					let reports: Vec<Report> = due
						.monitors
						.iter()
						.map(|m| report(due.agreement, due.period, m.instance, availability))
						.collect();
					let (otp, commitment) = otp_of(due.agreement, due.period, &reports);
					otps.insert((due.agreement, due.period), otp);
					Sla::on_metrics_block(due.agreement, due.period, due.window, &reports, commitment);
				}
				Ok(())
			},
			Op::Confirm { pick, as_client, right } => {
				let Some((agreement, period)) = pick_period(pick) else { return Ok(()) };
				let who = if as_client { info(agreement).client } else { info(agreement).owner };
				let mut otp = otps.get(&(agreement, period)).copied().unwrap_or([7; 32]);
				if !right {
					otp[5] ^= 0xff;
				}
				Sla::confirm_period(RuntimeOrigin::signed(who), agreement, period, otp).map(|_| ()).map_err(|e| e.error)
			},
			Op::Contest { pick, by_owner } => {
				let Some((agreement, period)) = pick_period(pick) else { return Ok(()) };
				let a = info(agreement);
				let who = if by_owner { a.owner } else { a.client };
				Sla::contest_period(RuntimeOrigin::signed(who), agreement, period, b"why".to_vec())
			},
			Op::Accept { pick } => {
				let Some((agreement, period)) = pick_period(pick) else { return Ok(()) };
				Sla::accept_verdict(RuntimeOrigin::signed(info(agreement).owner), agreement, period)
			},
			Op::Resolve { pick, by, share } => {
				let Some((agreement, period)) = pick_period(pick) else { return Ok(()) };
				let origin = match by {
					0 => RuntimeOrigin::root(),
					1 => RuntimeOrigin::signed(ARBITER),
					_ => RuntimeOrigin::signed(info(agreement).client),
				};
				Sla::resolve_dispute(origin, agreement, period, share)
			},
			Op::SettleOverdue { pick, period } => {
				let Some((agreement, _)) = pick_agreement(pick, true) else { return Ok(()) };
				Sla::settle_overdue(RuntimeOrigin::signed(OTHER), agreement, period)
			},
			Op::Cancel { pick, as_client } => {
				let Some((agreement, who)) = pick_agreement(pick, as_client) else { return Ok(()) };
				Sla::cancel_agreement(RuntimeOrigin::signed(who), agreement)
			},
			Op::TopUp { pick, as_client, amount } => {
				let Some((agreement, who)) = pick_agreement(pick, as_client) else { return Ok(()) };
				Escrow::top_up(RuntimeOrigin::signed(who), agreement, amount)
			},
			Op::Prune { pick } => {
				let Some((agreement, _)) = pick_agreement(pick, true) else { return Ok(()) };
				Sla::prune_agreement(RuntimeOrigin::signed(OTHER), agreement)
			},
			Op::PayOut { pick, by } => {
				let Some((agreement, _)) = pick_agreement(pick, true) else { return Ok(()) };
				let a = info(agreement);
				let who = [a.client, a.owner, ARBITER][by];
				Escrow::pay_out(RuntimeOrigin::signed(who), agreement)
			},
		}
	});
}

/// Fees burned so far, from the events.
fn fees_burned() -> Balance {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Escrow(pallet_escrow_release::Event::AccountingFeeBurned { amount, .. }) => Some(amount),
			_ => None,
		})
		.sum()
}

fn check_funds() -> Result<(), TestCaseError> {
	Sla::do_try_state().map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
	Escrow::do_try_state().map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
	assert_supply_less_fees(fees_burned());
	let escrowed: Balance = ACCOUNTS.iter().map(|a| held(*a)).sum();
	prop_assert_eq!(escrowed, pallet_escrow_release::TotalEscrowed::<Test>::get());
	let all_holds: Balance = ACCOUNTS.iter().map(Balances::total_balance_on_hold).sum();
	let deposits_held: Balance = ACCOUNTS.iter().map(|a| deposits(*a)).sum();
	prop_assert_eq!(all_holds, escrowed + deposits_held, "holds are escrows plus deposits");
	Ok(())
}

/// Applies every deadline rule that is due, until nothing moves.
fn apply_every_deadline() {
	loop {
		let mut moved = false;
		let agreements: Vec<_> = Agreements::<Test>::iter().map(|(id, a)| (id, a.periods)).collect();
		for (agreement, periods) in agreements {
			for period in 0..periods {
				if Sla::settle_overdue(RuntimeOrigin::signed(OTHER), agreement, period).is_ok() {
					moved = true;
				}
			}
		}
		if !moved {
			break;
		}
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(128))]
	#[test]
	fn funds_conserved_holds_match_escrows_no_period_paid_twice_no_hold_outlives_its_deadline(
		ops in proptest::collection::vec(op(), 1..80)
	) {
		new_test_ext().execute_with(|| {
			setup();
			let mut otps = BTreeMap::new();
			for op in &ops {
				apply(op, &mut otps);
				check_funds()?;
			}
			// No period is settled twice, and only a closed period was settled.
			let mut paid = BTreeSet::new();
			for record in System::events() {
				if let RuntimeEvent::Sla(crate::Event::PeriodSettled { agreement, period, .. }) = record.event {
					prop_assert!(paid.insert((agreement, period)), "period {:?} settled twice", (agreement, period));
					if let Some(r) = Periods::<Test>::get(agreement, period) {
						prop_assert!(matches!(r.state, PeriodState::Closed(c) if c != Closure::Lapsed));
					}
				}
			}
			// Every agreement's money is accounted for: paid out + refunded + held
			// = what was put on hold; and what was paid out is what was settled.
			// (`EscrowClosed::released` repeats the last `PaidOut::to_client`.)
			for (agreement, _) in Agreements::<Test>::iter() {
				let (mut out, mut into) = (0, 0);
				for record in System::events() {
					use pallet_escrow_release::Event as E;
					match record.event {
						RuntimeEvent::Escrow(E::PaidOut { agreement: x, to_owner, to_client }) if x == agreement => out += to_owner + to_client,
						RuntimeEvent::Escrow(E::PeriodsRefunded { agreement: x, amount, .. }) if x == agreement => out += amount,
						RuntimeEvent::Escrow(E::ToppedUp { agreement: x, amount, .. }) if x == agreement => into += amount,
						RuntimeEvent::Escrow(E::EscrowOpened { agreement: x, amount, .. }) if x == agreement => into += amount,
						_ => {},
					}
				}
				prop_assert_eq!(into, out + Escrow::held(agreement).unwrap_or(0));
			}

			// Nobody acts any more. Once every deadline has passed, the rules
			// alone release every unit of escrow.
			NowMs::set(NowMs::get() + 10 * PERIOD_MS + REPORT_SETTLE_MS + RECORD_DEADLINE_MS);
			advance_blocks(CONTEST_WINDOW + ARBITRATION_WINDOW);
			apply_every_deadline();
			check_funds()?;
			prop_assert_eq!(pallet_escrow_release::TotalEscrowed::<Test>::get(), 0, "escrow left on hold after every deadline");
			prop_assert!(Agreements::<Test>::iter().all(|(_, a)| a.is_finished()));
			// Each owner was paid out exactly the shares its settled periods owed it.
			for (agreement, _) in Agreements::<Test>::iter() {
				let (mut settled, mut paid) = (0, 0);
				for record in System::events() {
					match record.event {
						RuntimeEvent::Sla(crate::Event::PeriodSettled { agreement: x, to_owner, .. }) if x == agreement => settled += to_owner,
						RuntimeEvent::Escrow(pallet_escrow_release::Event::PaidOut { agreement: x, to_owner, .. }) if x == agreement => paid += to_owner,
						_ => {},
					}
				}
				prop_assert_eq!(settled, paid, "agreement {}: the owner was paid what was settled", agreement);
			}
			// And once retained long enough, every agreement and its deposit go.
			advance_blocks(RETENTION);
			let ids: Vec<_> = Agreements::<Test>::iter_keys().collect();
			for agreement in ids {
				while Agreements::<Test>::contains_key(agreement) {
					assert_ok!(Sla::prune_agreement(RuntimeOrigin::signed(OTHER), agreement));
				}
			}
			for client in CLIENTS {
				prop_assert_eq!(Balances::balance_on_hold(&crate::HoldReason::AgreementDeposit.into(), &client), 0);
			}
			Ok(())
		})?;
	}
}
