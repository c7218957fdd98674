//! Lapsing the periods that no final metrics block reached by their record
//! deadline: refunded to the client, so that the agreement's next period can
//! be recorded. Anyone may ask for one (`settle_overdue`); the chain also
//! lapses them itself at the start of every block, within
//! [`Config::MaxLapseWeight`](crate::Config::MaxLapseWeight).

use alloc::vec::Vec;
use frame_support::{ensure, pallet_prelude::*, storage::with_storage_layer, traits::Time};
use pallet_escrow_release::EscrowSettlement;
use qos_primitives::{
	traits::{AgreementRegistry, MetricsArchive},
	AgreementId, PeriodIndex,
};
use sp_runtime::{traits::Saturating, ArithmeticError};

use crate::{
	AgreementOf, Agreements, BalanceOf, Closure, Config, DueIndex, Error, Event, Pallet, PeriodRecord, PeriodState,
	Periods, WeightInfo, MAX_PERIODS_PER_LAPSE,
};

/// Most agreements one block's start looks at.
const MAX_AGREEMENTS_PER_BLOCK: usize = 64;

impl<T: Config> Pallet<T> {
	/// Lapses `periods` periods of `agreement` from `first`, the period it
	/// awaits, once the record deadline of the last has passed: their price
	/// goes back to the client, in one refund.
	pub(crate) fn lapse(
		agreement: AgreementId,
		first: PeriodIndex,
		periods: u32,
		mut info: AgreementOf<T>,
	) -> DispatchResult {
		ensure!(first == info.next_to_record && !info.is_finished(), Error::<T>::EarlierPeriodOpen);
		ensure!(periods >= 1, Error::<T>::PeriodNotInTerm);
		let last = first.checked_add(periods - 1).ok_or(ArithmeticError::Overflow)?;
		ensure!(last < info.periods, Error::<T>::PeriodNotInTerm);
		let window = info.window(last).ok_or(ArithmeticError::Overflow)?;
		ensure!(
			T::Time::now() >= <Self as AgreementRegistry>::record_deadline_ms(window.to_ms),
			Error::<T>::DeadlineNotReached
		);
		// An escrow funded for fewer periods than its term refunds what it
		// holds, the earlier periods first.
		let mut left = T::Escrow::refund_periods(agreement, periods)?;
		T::Metrics::discard_unfinished(agreement, first);
		let recorded_at = frame_system::Pallet::<T>::block_number();
		for period in first..=last {
			Periods::<T>::insert(
				agreement,
				period,
				PeriodRecord {
					verdict: None,
					otp_commitment: [0; 32],
					recorded_at,
					failed_otp_attempts: 0,
					owner_accepted: false,
					state: PeriodState::Closed(Closure::Lapsed),
				},
			);
			let refunded: BalanceOf<T> = left.min(info.price_per_period);
			left = left.saturating_sub(refunded);
			Self::deposit_event(Event::PeriodLapsed { agreement, period, refunded });
		}
		Self::unschedule(agreement, &info);
		info.next_to_record = last.saturating_add(1);
		Self::schedule(agreement, &info);
		if Self::all_periods_closed(agreement) {
			Self::finish(agreement, info)
		} else {
			Agreements::<T>::insert(agreement, info);
			Ok(())
		}
	}

	/// How many periods of `info`, from the one it awaits, have passed their
	/// record deadline at `now`.
	fn overdue_periods(info: &AgreementOf<T>, now: u64) -> u32 {
		if info.is_finished() {
			return 0;
		}
		let mut count = 0u32;
		while count < MAX_PERIODS_PER_LAPSE {
			let period = info.next_to_record.saturating_add(count);
			match info.window(period) {
				Some(window)
					if period < info.periods
						&& <Self as AgreementRegistry>::record_deadline_ms(window.to_ms) <= now =>
				{
					count += 1
				},
				_ => break,
			}
		}
		count
	}

	/// Lapses every period whose record deadline passed, the oldest windows
	/// first (they lead `DueIndex`), as far as `budget` allows: each
	/// agreement at the front has all its overdue periods lapsed at once (at
	/// most [`MAX_PERIODS_PER_LAPSE`]), so after an outage an agreement
	/// catches up in one step, not one period a block. Returns the weight
	/// used: two reads when nothing is overdue, one more for each overdue
	/// index entry read.
	///
	/// Each lapse runs in a storage layer of its own. One that fails (it
	/// cannot while the pallets' invariants hold) is logged and tried again
	/// at the next block; `settle_overdue` stays available for it.
	pub fn lapse_overdue(budget: Weight) -> Weight {
		let now = T::Time::now();
		let cost = |periods: u32| T::WeightInfo::lapse_overdue_periods(periods);
		// The clock, and the index's front entry.
		let mut used = T::DbWeight::get().reads(2);
		let fits = |used: Weight, periods: u32| used.saturating_add(cost(periods)).all_lte(budget);
		// Each index entry collected is one more read, charged whether or not
		// the budget then reaches its lapse; so collect no more entries than
		// one-period lapses and their reads would fit.
		let per_entry = cost(1).saturating_add(T::DbWeight::get().reads(1));
		let entries = (1..=MAX_AGREEMENTS_PER_BLOCK)
			.take_while(|k| used.saturating_add(per_entry.saturating_mul(*k as u64)).all_lte(budget))
			.count();
		if entries == 0 {
			return used;
		}
		let overdue: Vec<(AgreementId, PeriodIndex)> = DueIndex::<T>::iter()
			.take_while(|(due, _, _)| <Self as AgreementRegistry>::record_deadline_ms(u64::from_be_bytes(*due)) <= now)
			.take(entries)
			.map(|(_, agreement, period)| (agreement, period))
			.collect();
		used = used.saturating_add(T::DbWeight::get().reads(overdue.len() as u64));
		for (agreement, period) in overdue {
			if !fits(used, 1) {
				break;
			}
			let Some(info) = Agreements::<T>::get(agreement) else {
				log::error!(target: crate::LOG_TARGET, "agreement {agreement} is in DueIndex but unknown");
				used = used.saturating_add(T::DbWeight::get().reads(1));
				continue;
			};
			// The most of its overdue periods the budget still allows.
			let (mut low, mut high) = (1u32, Self::overdue_periods(&info, now).max(1));
			while low < high {
				let mid = low + (high - low).div_ceil(2);
				if fits(used, mid) {
					low = mid;
				} else {
					high = mid - 1;
				}
			}
			let periods = low;
			used = used.saturating_add(cost(periods));
			if let Err(error) = with_storage_layer(|| Self::lapse(agreement, period, periods, info)) {
				log::error!(
					target: crate::LOG_TARGET,
					"agreement {agreement} period {period}: overdue but could not lapse: {error:?}"
				);
			}
		}
		used
	}
}
