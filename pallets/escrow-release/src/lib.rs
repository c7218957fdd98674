//! # Escrow Release Pallet
//!
//! Holds a client's payment for an agreement and moves it, period by period,
//! to the cloud owner or back to the client.
//!
//! ## Overview
//!
//! Funds never leave the client's account until they are paid: the escrow is a
//! [`frame_support::traits::fungible::hold`] on the client's
//! own balance under [`HoldReason::Escrow`]. There is no pallet account.
//!
//! - **Open.** The agreement pallet opens an escrow with the period price, the
//!   number of periods due and the amount to hold up front (the SLA pallet of
//!   qos-ledger holds `price × periods`).
//! - **Settle a period.** `owner_share` of the period price becomes owed to
//!   the owner and the rest owed back to the client. Settling moves no funds:
//!   it writes the escrow alone, so confirming a period costs about as much
//!   as a transfer. What is owed stays on hold, out of reach of the client
//!   and of later periods, until it is paid out.
//! - **Pay out.** [`Pallet::pay_out`] (either party, at any time) moves what
//!   is owed to the owner with `transfer_on_hold` and releases what is owed
//!   back to the client: one transfer for any number of settled periods.
//!   Closing the escrow pays out too.
//! - **Refund periods.** Cancelled periods are released to the client.
//! - **Accounting fee.** The fee for the accounting nodes' work on an
//!   agreement is burned from the client's free balance when it is made.
//! - **Close.** Once no period is due, what is owed is paid out, whatever is
//!   left (for instance after a [`Pallet::top_up`]) is released to the client
//!   and the escrow is removed. If the owner's account cannot receive its
//!   share (it was reaped and the share is below the existential deposit),
//!   the client is paid all the same and the escrow stays open with only the
//!   owner's share, until a [`Pallet::pay_out`] succeeds.
//!
//! The pallet that owns agreements drives it through [`EscrowSettlement`];
//! this pallet owns every fund movement, so nothing else touches the hold.
//!
//! ### Rounding
//!
//! A period of price `p` settled with owner share `s` (a [`Perbill`]) pays the
//! owner `floor(s × p)` and refunds the client `p − floor(s × p)`. The client
//! therefore receives at most one unit more than the exact share, never less.
//! An SLA credit of `c` percent is an owner share of `(100 − c)` percent, so the
//! refund is `ceil(p × c / 100)`; see [`split_period_price`].
//!
//! ### Low escrow
//!
//! An escrow may be opened with less than the whole term (this is up to the
//! caller). Whenever what is held and not yet settled cannot pay the next
//! period due, the pallet
//! emits [`Event::EscrowLow`]; the client can [`Pallet::top_up`]. Settling a
//! period the escrow cannot pay fails with [`Error::InsufficientEscrow`] and
//! changes nothing.
//!
//! ## Interface
//!
//! ### Dispatchable functions
//!
//! - [`Pallet::top_up`] — origin: the escrow's client (signed). Puts more of the
//!   client's free balance on hold for the escrow. O(1). Errors:
//!   `EscrowNotFound`, `NotEscrowClient`, `ZeroAmount`, `InsufficientFunds`.
//! - [`Pallet::pay_out`] — origin: the escrow's client or owner (signed). Pays
//!   the owner and the client what settled periods owe them; closes the
//!   escrow if no period is due. O(1). Errors: `EscrowNotFound`,
//!   `NotEscrowParty`, `NothingOwed`, `OwnerCannotReceive` (only the owner
//!   is owed, and its account cannot receive); a transfer that fails for any
//!   other reason (a broken invariant) returns the currency's error. The
//!   owner's share is paid with `Fortitude::Force`: a lock or freeze the
//!   client put on its own balance does not withhold it.
//!
//! ### Invariants (checked by `try_state`)
//!
//! - For every client, the balance on hold under [`HoldReason::Escrow`] equals
//!   the sum of that client's open escrows.
//! - [`TotalEscrowed`] equals the sum of all open escrows.
//! - Each escrow holds at least what it owes (`owed_to_owner + owed_to_client`).
//! - No operation mints; only the accounting fee is burned.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::traits::fungible;
use qos_primitives::{AgreementId, PeriodIndex};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, Perbill, Saturating};

const LOG_TARGET: &str = "runtime::escrow-release";

/// The balance type of the pallet's currency.
pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// An open escrow of one agreement.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Escrow<AccountId, Balance> {
	/// The client whose balance is on hold.
	pub client: AccountId,
	/// The cloud owner who is paid.
	pub owner: AccountId,
	/// Price of one period.
	pub period_price: Balance,
	/// Periods still to be settled or refunded.
	pub periods_due: u32,
	/// What is on hold for this escrow, owed amounts included.
	pub held: Balance,
	/// Of `held`, what settled periods owe the owner, not yet paid out.
	pub owed_to_owner: Balance,
	/// Of `held`, what settled periods owe back to the client, not yet released.
	pub owed_to_client: Balance,
}

impl<AccountId, Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy> Escrow<AccountId, Balance> {
	/// What is held and not owed to anyone yet: what pays the periods due.
	pub fn unsettled(&self) -> Balance {
		self.held.saturating_sub(self.owed_to_owner).saturating_sub(self.owed_to_client)
	}
}

/// The outcome of settling one period.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SettledPeriod<Balance> {
	/// Owed to the owner from now on.
	pub to_owner: Balance,
	/// Owed back to the client from now on.
	pub to_client: Balance,
	/// Periods still due after this one.
	pub periods_due: u32,
}

/// The split of one period's price: `(to_owner, to_client)`.
///
/// `to_owner = floor(owner_share × price)`, `to_client = price − to_owner`:
/// the client gets the rounding, at most one unit.
pub fn split_period_price<B: sp_runtime::traits::AtLeast32BitUnsigned + Copy>(
	price: B,
	owner_share: Perbill,
) -> (B, B) {
	let to_owner = owner_share.mul_floor(price);
	// `mul_floor` of a share <= 100 % never exceeds `price`.
	(to_owner, price.saturating_sub(to_owner))
}

/// All fund movements of an agreement, implemented by this pallet and called by
/// the pallet that owns agreements.
pub trait EscrowSettlement<AccountId> {
	/// The balance type.
	type Balance: frame_support::traits::tokens::Balance;

	/// Opens the escrow of `agreement`: holds `amount` of `client`'s free
	/// balance to pay `periods` periods of `period_price` each to `owner`.
	fn open(
		agreement: AgreementId,
		client: &AccountId,
		owner: &AccountId,
		period_price: Self::Balance,
		periods: u32,
		amount: Self::Balance,
	) -> sp_runtime::DispatchResult;

	/// Settles one period: `owner_share` of the period price becomes owed to
	/// the owner and the rest to the client (see [`split_period_price`]),
	/// paid out by [`Pallet::pay_out`] or when the escrow closes.
	fn settle_period(
		agreement: AgreementId,
		period: PeriodIndex,
		owner_share: Perbill,
	) -> Result<SettledPeriod<Self::Balance>, DispatchError>;

	/// Releases the price of `periods` periods that will not run to the client.
	/// Returns the amount released.
	fn refund_periods(agreement: AgreementId, periods: u32) -> Result<Self::Balance, DispatchError>;

	/// Closes an escrow with no period due: pays out what is owed and
	/// releases what is left to the client. Returns the amount released to
	/// the client.
	fn close(agreement: AgreementId) -> Result<Self::Balance, DispatchError>;

	/// What is on hold for `agreement`, if its escrow is open.
	fn held(agreement: AgreementId) -> Option<Self::Balance>;

	/// Periods of `agreement` still to be settled or refunded, if its escrow is open.
	fn periods_due(agreement: AgreementId) -> Option<u32>;

	/// Burns `amount` of `client`'s free balance: the fee for the accounting
	/// nodes' work on `agreement`. Fails, burning nothing, if the client
	/// cannot pay it and keep its account alive.
	fn burn_fee(agreement: AgreementId, client: &AccountId, amount: Self::Balance) -> sp_runtime::DispatchResult;

	/// Gives `who` a free balance of `amount` above the existential deposit.
	#[cfg(feature = "runtime-benchmarks")]
	fn fund_for_benchmarks(who: &AccountId, amount: Self::Balance);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		storage::with_storage_layer,
		traits::{
			fungible::{Mutate, MutateHold},
			tokens::{Fortitude, Precision, Preservation, Restriction},
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{CheckedAdd, CheckedMul, Zero},
		ArithmeticError, TokenError,
	};

	/// The in-code storage version.
	// Version 1 added the owed amounts to `Escrow`. No chain with version 0
	// holds value, so there is no migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency escrows are held in (pallet-balances in the runtime).
		type Currency: Mutate<Self::AccountId> + MutateHold<Self::AccountId, Reason: From<HoldReason>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A client's payment for an agreement, until it is paid or refunded.
		#[codec(index = 0)]
		Escrow,
	}

	/// The open escrow of each agreement. Agreement ids are assigned by the
	/// agreements' pallet, not chosen by users: `Twox64Concat`.
	#[pallet::storage]
	pub type Escrows<T: Config> =
		StorageMap<_, Twox64Concat, AgreementId, Escrow<T::AccountId, BalanceOf<T>>, OptionQuery>;

	/// Sum of all open escrows; equals the balance held under `Escrow`.
	#[pallet::storage]
	pub type TotalEscrowed<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An escrow was opened and `amount` of the client's balance put on hold.
		EscrowOpened {
			agreement: AgreementId,
			client: T::AccountId,
			owner: T::AccountId,
			period_price: BalanceOf<T>,
			periods: u32,
			amount: BalanceOf<T>,
		},
		/// The client put `amount` more on hold; `held` is the new total.
		ToppedUp { agreement: AgreementId, amount: BalanceOf<T>, held: BalanceOf<T> },
		/// What settled periods owed was paid: `to_owner` to the owner, `to_client`
		/// back to the client.
		PaidOut { agreement: AgreementId, to_owner: BalanceOf<T>, to_client: BalanceOf<T> },
		/// The owner's account cannot receive the `owed` share yet (it does not
		/// exist and the share is below the existential deposit); it stays on
		/// hold for the owner until a `pay_out` succeeds.
		OwnerPaymentPending { agreement: AgreementId, owed: BalanceOf<T> },
		/// `periods` periods that will not run were refunded to the client.
		PeriodsRefunded { agreement: AgreementId, periods: u32, amount: BalanceOf<T> },
		/// The escrow was closed; `released` went back to the client.
		EscrowClosed { agreement: AgreementId, released: BalanceOf<T> },
		/// What is held and not yet settled (`unsettled`) cannot pay the next
		/// period due (`next_due`).
		EscrowLow { agreement: AgreementId, unsettled: BalanceOf<T>, next_due: BalanceOf<T> },
		/// The client paid `amount` of accounting fee for the agreement; it was burned.
		AccountingFeeBurned { agreement: AgreementId, client: T::AccountId, amount: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No escrow is open for this agreement.
		EscrowNotFound,
		/// An escrow is already open for this agreement.
		EscrowAlreadyOpen,
		/// Only the escrow's client may do this.
		NotEscrowClient,
		/// Only the escrow's client or owner may do this.
		NotEscrowParty,
		/// The escrow owes nothing to pay out.
		NothingOwed,
		/// The amount must be more than zero.
		ZeroAmount,
		/// The client's free balance cannot cover the amount to hold.
		InsufficientFunds,
		/// What is held cannot pay the period; the client may top up.
		InsufficientEscrow,
		/// No period of this escrow is due (or fewer than asked).
		NoPeriodDue,
		/// The escrow still has periods due and cannot be closed.
		PeriodsStillDue,
		/// Only the owner is owed, and its account cannot receive the payment
		/// (it does not exist and the payment is below the existential deposit).
		OwnerCannotReceive,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Put `amount` more of your free balance on hold for the escrow of
		/// `agreement`.
		///
		/// Origin: the escrow's client. Whatever is not needed for a period is
		/// released to you when the agreement ends. Emits `ToppedUp`, and
		/// `EscrowLow` if the escrow still cannot pay the next period.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::top_up())]
		pub fn top_up(
			origin: OriginFor<T>,
			agreement: AgreementId,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut escrow = Escrows::<T>::get(agreement).ok_or(Error::<T>::EscrowNotFound)?;
			ensure!(escrow.client == who, Error::<T>::NotEscrowClient);
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			escrow.held = escrow.held.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
			let total = TotalEscrowed::<T>::get().checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
			T::Currency::hold(&HoldReason::Escrow.into(), &who, amount).map_err(|_| Error::<T>::InsufficientFunds)?;
			TotalEscrowed::<T>::put(total);
			Self::deposit_event(Event::ToppedUp { agreement, amount, held: escrow.held });
			Self::warn_if_low(agreement, &escrow);
			Escrows::<T>::insert(agreement, escrow);
			Ok(())
		}

		/// Pay out what the settled periods of `agreement` owe: the owner's
		/// share to the owner, the credits back to the client.
		///
		/// Origin: the escrow's client or owner. Settling a period only
		/// records who is owed what, so that confirming costs about a
		/// transfer; this moves the funds of any number of settled periods in
		/// one go. Once no period is due it also releases the rest to the
		/// client and closes the escrow. If the owner's account cannot receive
		/// its share, the client is still paid and the owner's share stays
		/// owed. Emits `PaidOut` (and `EscrowClosed`, `OwnerPaymentPending`).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::pay_out())]
		pub fn pay_out(origin: OriginFor<T>, agreement: AgreementId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut escrow = Escrows::<T>::get(agreement).ok_or(Error::<T>::EscrowNotFound)?;
			ensure!(who == escrow.client || who == escrow.owner, Error::<T>::NotEscrowParty);
			let closing = escrow.periods_due == 0;
			let to_client =
				escrow.owed_to_client.saturating_add(if closing { escrow.unsettled() } else { Zero::zero() });
			ensure!(!escrow.owed_to_owner.is_zero() || !to_client.is_zero(), Error::<T>::NothingOwed);
			let (to_owner, to_client) = Self::pay_owed(agreement, &mut escrow, closing)?;
			ensure!(!to_owner.is_zero() || !to_client.is_zero(), Error::<T>::OwnerCannotReceive);
			Self::keep_or_remove(agreement, escrow, to_client);
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		fn warn_if_low(agreement: AgreementId, escrow: &Escrow<T::AccountId, BalanceOf<T>>) {
			let unsettled = escrow.unsettled();
			if escrow.periods_due > 0 && unsettled < escrow.period_price {
				Self::deposit_event(Event::EscrowLow { agreement, unsettled, next_due: escrow.period_price });
			}
		}

		/// Pays the owner what it is owed, if its account can receive it, and
		/// releases to the client what it is owed (and, when `closing`, what
		/// is not settled). Returns `(to_owner, to_client)` paid.
		fn pay_owed(
			agreement: AgreementId,
			escrow: &mut Escrow<T::AccountId, BalanceOf<T>>,
			closing: bool,
		) -> Result<(BalanceOf<T>, BalanceOf<T>), DispatchError> {
			let mut to_owner = Zero::zero();
			if !escrow.owed_to_owner.is_zero() {
				// `Force`: the share was committed when the client put it on
				// hold; a freeze the client takes on since must not withhold
				// it. A failed transfer leaves nothing half done.
				let paid = with_storage_layer(|| {
					T::Currency::transfer_on_hold(
						&HoldReason::Escrow.into(),
						&escrow.client,
						&escrow.owner,
						escrow.owed_to_owner,
						Precision::Exact,
						Restriction::Free,
						Fortitude::Force,
					)
				});
				match paid {
					Ok(_) => {
						to_owner = escrow.owed_to_owner;
						TotalEscrowed::<T>::mutate(|t| *t = t.saturating_sub(to_owner));
						escrow.held = escrow.held.saturating_sub(to_owner);
						escrow.owed_to_owner = Zero::zero();
					},
					// The owner's account does not exist and the share is
					// below the existential deposit: it waits for the owner.
					Err(DispatchError::Token(TokenError::BelowMinimum | TokenError::CannotCreate)) => {
						Self::deposit_event(Event::OwnerPaymentPending { agreement, owed: escrow.owed_to_owner });
					},
					Err(e) => {
						log::error!(target: LOG_TARGET, "paying the owner of agreement {agreement}: {e:?}");
						return Err(e);
					},
				}
			}
			let to_client =
				escrow.owed_to_client.saturating_add(if closing { escrow.unsettled() } else { Zero::zero() });
			Self::release(&escrow.client, to_client)?;
			escrow.held = escrow.held.saturating_sub(to_client);
			escrow.owed_to_client = Zero::zero();
			if !to_owner.is_zero() || !to_client.is_zero() {
				Self::deposit_event(Event::PaidOut { agreement, to_owner, to_client });
			}
			Ok((to_owner, to_client))
		}

		/// Stores `escrow`, or removes it once no period is due and nothing is
		/// held (`released` went back to the client on the way).
		fn keep_or_remove(agreement: AgreementId, escrow: Escrow<T::AccountId, BalanceOf<T>>, released: BalanceOf<T>) {
			if escrow.periods_due == 0 && escrow.held.is_zero() {
				Escrows::<T>::remove(agreement);
				Self::deposit_event(Event::EscrowClosed { agreement, released });
			} else {
				Escrows::<T>::insert(agreement, escrow);
			}
		}

		/// Releases `amount` of `client`'s escrow hold to its free balance.
		fn release(client: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			if amount.is_zero() {
				return Ok(());
			}
			T::Currency::release(&HoldReason::Escrow.into(), client, amount, Precision::Exact)?;
			TotalEscrowed::<T>::mutate(|t| *t = t.saturating_sub(amount));
			Ok(())
		}

		/// The invariants of the module doc. Also built with `std`, so the
		/// tests of pallets that drive this one can check them.
		#[cfg(any(feature = "try-runtime", feature = "std", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;
			let mut per_client: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			let mut total = BalanceOf::<T>::zero();
			for (_, escrow) in Escrows::<T>::iter() {
				let owed = escrow.owed_to_owner.checked_add(&escrow.owed_to_client).ok_or("owed sum overflows")?;
				ensure!(escrow.held >= owed, "an escrow owes more than it holds");
				let entry = per_client.entry(escrow.client.clone()).or_default();
				*entry = entry.checked_add(&escrow.held).ok_or("escrow sum overflows")?;
				total = total.checked_add(&escrow.held).ok_or("escrow total overflows")?;
			}
			ensure!(total == TotalEscrowed::<T>::get(), "TotalEscrowed differs from the sum of escrows");
			for (client, sum) in per_client {
				use frame_support::traits::fungible::InspectHold;
				ensure!(
					T::Currency::balance_on_hold(&HoldReason::Escrow.into(), &client) == sum,
					"a client's Escrow hold differs from the sum of their open escrows"
				);
			}
			Ok(())
		}
	}

	impl<T: Config> EscrowSettlement<T::AccountId> for Pallet<T> {
		type Balance = BalanceOf<T>;

		fn open(
			agreement: AgreementId,
			client: &T::AccountId,
			owner: &T::AccountId,
			period_price: BalanceOf<T>,
			periods: u32,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			ensure!(!Escrows::<T>::contains_key(agreement), Error::<T>::EscrowAlreadyOpen);
			let total = TotalEscrowed::<T>::get().checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
			if !amount.is_zero() {
				T::Currency::hold(&HoldReason::Escrow.into(), client, amount)
					.map_err(|_| Error::<T>::InsufficientFunds)?;
			}
			TotalEscrowed::<T>::put(total);
			let escrow = Escrow {
				client: client.clone(),
				owner: owner.clone(),
				period_price,
				periods_due: periods,
				held: amount,
				owed_to_owner: Zero::zero(),
				owed_to_client: Zero::zero(),
			};
			Self::deposit_event(Event::EscrowOpened {
				agreement,
				client: client.clone(),
				owner: owner.clone(),
				period_price,
				periods,
				amount,
			});
			Self::warn_if_low(agreement, &escrow);
			Escrows::<T>::insert(agreement, escrow);
			Ok(())
		}

		fn settle_period(
			agreement: AgreementId,
			period: PeriodIndex,
			owner_share: Perbill,
		) -> Result<SettledPeriod<BalanceOf<T>>, DispatchError> {
			let mut escrow = Escrows::<T>::get(agreement).ok_or(Error::<T>::EscrowNotFound)?;
			ensure!(escrow.periods_due > 0, Error::<T>::NoPeriodDue);
			let price = escrow.period_price;
			ensure!(escrow.unsettled() >= price, Error::<T>::InsufficientEscrow);
			let (to_owner, to_client) = split_period_price(price, owner_share);
			// Both sums stay within `held`, checked just above.
			escrow.owed_to_owner = escrow.owed_to_owner.saturating_add(to_owner);
			escrow.owed_to_client = escrow.owed_to_client.saturating_add(to_client);
			escrow.periods_due = escrow.periods_due.saturating_sub(1);
			log::debug!(target: LOG_TARGET, "agreement {agreement} period {period} settled: {to_owner:?} owed to the owner, {to_client:?} to the client");
			Self::warn_if_low(agreement, &escrow);
			let periods_due = escrow.periods_due;
			Escrows::<T>::insert(agreement, escrow);
			Ok(SettledPeriod { to_owner, to_client, periods_due })
		}

		fn refund_periods(agreement: AgreementId, periods: u32) -> Result<BalanceOf<T>, DispatchError> {
			let mut escrow = Escrows::<T>::get(agreement).ok_or(Error::<T>::EscrowNotFound)?;
			ensure!(periods <= escrow.periods_due, Error::<T>::NoPeriodDue);
			let price_of_periods =
				escrow.period_price.checked_mul(&BalanceOf::<T>::from(periods)).ok_or(ArithmeticError::Overflow)?;
			// An escrow funded for fewer periods than its term holds less than
			// their price: refund what is there, never what is owed.
			let amount = price_of_periods.min(escrow.unsettled());
			Self::release(&escrow.client, amount)?;
			escrow.held = escrow.held.saturating_sub(amount);
			escrow.periods_due = escrow.periods_due.saturating_sub(periods);
			Self::deposit_event(Event::PeriodsRefunded { agreement, periods, amount });
			Escrows::<T>::insert(agreement, escrow);
			Ok(amount)
		}

		fn close(agreement: AgreementId) -> Result<BalanceOf<T>, DispatchError> {
			let mut escrow = Escrows::<T>::get(agreement).ok_or(Error::<T>::EscrowNotFound)?;
			ensure!(escrow.periods_due == 0, Error::<T>::PeriodsStillDue);
			let (_, released) = Self::pay_owed(agreement, &mut escrow, true)?;
			Self::keep_or_remove(agreement, escrow, released);
			Ok(released)
		}

		fn held(agreement: AgreementId) -> Option<BalanceOf<T>> {
			Escrows::<T>::get(agreement).map(|e| e.held)
		}

		fn periods_due(agreement: AgreementId) -> Option<u32> {
			Escrows::<T>::get(agreement).map(|e| e.periods_due)
		}

		fn burn_fee(agreement: AgreementId, client: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			if amount.is_zero() {
				return Ok(());
			}
			T::Currency::burn_from(client, amount, Preservation::Preserve, Precision::Exact, Fortitude::Polite)
				.map_err(|_| Error::<T>::InsufficientFunds)?;
			Self::deposit_event(Event::AccountingFeeBurned { agreement, client: client.clone(), amount });
			Ok(())
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn fund_for_benchmarks(who: &T::AccountId, amount: BalanceOf<T>) {
			use frame_support::traits::fungible::Inspect;
			let _ = T::Currency::set_balance(who, T::Currency::minimum_balance().saturating_add(amount));
		}
	}
}
