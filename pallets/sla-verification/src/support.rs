//! What the calls share: validating terms and URLs, looking up services,
//! agreements and periods, and moving a period to its end (settlement, the
//! agreement's finish; lapses are in `lapses`).

use alloc::vec::Vec;
use frame_support::{ensure, pallet_prelude::*, traits::Footprint};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_escrow_release::EscrowSettlement;
use qos_primitives::{AgreementId, PeriodIndex, ServiceId};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

use crate::{
	due_key, owner_share_after_credit, AgreementOf, AgreementStatus, Agreements, BalanceOf, Closure, Config,
	DisputeCause, DueIndex, Error, Event, InstanceOf, OfferOf, Pallet, Party, PeriodRecordOf, PeriodState, Periods,
	ServiceOf, Services,
};

/// Whether settling a period finished its agreement.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Finished {
	/// Other periods are still open.
	No,
	/// It was the last; the agreement finished and its escrow paid out.
	Yes,
}

impl<T: Config> Pallet<T> {
	pub(crate) fn ensure_terms(price_per_period: BalanceOf<T>, period_ms: u64) -> DispatchResult {
		ensure!(
			price_per_period >= T::MinPricePerPeriod::get() && !price_per_period.is_zero(),
			Error::<T>::PriceBelowMinimum
		);
		ensure!(
			period_ms >= T::MinPeriodMs::get() && period_ms <= qos_primitives::MAX_REPORT_WINDOW_MS,
			Error::<T>::PeriodLengthOutOfRange
		);
		Ok(())
	}

	pub(crate) fn checked_url(url: Vec<u8>) -> Result<BoundedVec<u8, T::MaxUrlLen>, DispatchError> {
		let url: BoundedVec<u8, T::MaxUrlLen> = url.try_into().map_err(|_| Error::<T>::UrlTooLong)?;
		qos_primitives::url::check_base_url(&url).map_err(Error::<T>::from)?;
		Ok(url)
	}

	/// The storage a service with `offers` offers and `instances` instances
	/// takes, counted at its bound.
	pub fn service_footprint(offers: u32, instances: u32) -> Footprint {
		let bytes = ServiceOf::<T>::max_encoded_len()
			.saturating_add(OfferOf::<T>::max_encoded_len().saturating_mul(offers as usize))
			.saturating_add(InstanceOf::<T>::max_encoded_len().saturating_mul(instances as usize));
		Footprint::from_parts(1, bytes)
	}

	/// The storage an agreement of `periods` periods takes, its period
	/// records included, counted at its bound.
	pub fn agreement_footprint(periods: u32) -> Footprint {
		let bytes = AgreementOf::<T>::max_encoded_len()
			.saturating_add(PeriodRecordOf::<T>::max_encoded_len().saturating_mul(periods as usize));
		Footprint::from_parts(1, bytes)
	}

	pub(crate) fn owned_service(who: &T::AccountId, service: ServiceId) -> Result<ServiceOf<T>, DispatchError> {
		let info = Services::<T>::get(service).ok_or(Error::<T>::ServiceNotFound)?;
		ensure!(&info.owner == who, Error::<T>::NotServiceOwner);
		Ok(info)
	}

	pub(crate) fn party(info: &AgreementOf<T>, who: &T::AccountId) -> Result<Party, Error<T>> {
		if who == &info.client {
			Ok(Party::Client)
		} else if who == &info.owner {
			Ok(Party::Owner)
		} else {
			Err(Error::<T>::NotParty)
		}
	}

	/// The record of `period`, or the error naming why it has none.
	pub(crate) fn recorded_period(
		info: &AgreementOf<T>,
		agreement: AgreementId,
		period: PeriodIndex,
	) -> Result<PeriodRecordOf<T>, DispatchError> {
		ensure!(period < info.periods, Error::<T>::PeriodNotInTerm);
		Periods::<T>::get(agreement, period).ok_or_else(|| Error::<T>::PeriodAwaitingMetrics.into())
	}

	pub(crate) fn state_error(state: &PeriodState<BlockNumberFor<T>>) -> Error<T> {
		match state {
			PeriodState::Confirmed => Error::<T>::PeriodAlreadyConfirmed,
			PeriodState::Disputed { .. } => Error::<T>::PeriodDisputed,
			// `Recorded` is never passed here.
			_ => Error::<T>::PeriodClosed,
		}
	}

	/// Whether the contest window of a recorded period has closed.
	pub(crate) fn contest_window_closed(record: &PeriodRecordOf<T>) -> bool {
		frame_system::Pallet::<T>::block_number() >= record.recorded_at.saturating_add(T::ContestWindow::get())
	}

	pub(crate) fn dispute(
		agreement: AgreementId,
		period: PeriodIndex,
		record: &mut PeriodRecordOf<T>,
		cause: DisputeCause,
	) {
		record.state = PeriodState::Disputed { cause, since: frame_system::Pallet::<T>::block_number() };
		Self::deposit_event(Event::PeriodDisputed { agreement, period, cause });
	}

	/// Settles a period: per its verdict, or by `share` when given. Returns
	/// whether it was the last, which finished the agreement.
	pub(crate) fn settle(
		agreement: AgreementId,
		period: PeriodIndex,
		info: AgreementOf<T>,
		mut record: PeriodRecordOf<T>,
		share: Option<Perbill>,
		closure: Closure,
	) -> Result<Finished, DispatchError> {
		let credit_percent = record.credit_percent();
		let share = share.unwrap_or_else(|| owner_share_after_credit(credit_percent));
		let settled = T::Escrow::settle_period(agreement, period, share)?;
		record.state = PeriodState::Closed(closure);
		Periods::<T>::insert(agreement, period, record);
		Self::deposit_event(Event::PeriodSettled {
			agreement,
			period,
			closure,
			credit_percent,
			to_owner: settled.to_owner,
			to_client: settled.to_client,
		});
		// The escrow counts the periods still due: the agreement is written
		// only when its last period closes, so settling one costs two writes.
		if settled.periods_due == 0 {
			Self::finish(agreement, info).map(|()| Finished::Yes)
		} else {
			Ok(Finished::No)
		}
	}

	/// Whether every period of `agreement` is closed: its escrow has none due.
	pub(crate) fn all_periods_closed(agreement: AgreementId) -> bool {
		T::Escrow::periods_due(agreement).is_none_or(|due| due == 0)
	}

	/// Lists the period `info` awaits a metrics block for in `DueIndex`, if
	/// it has one left to record.
	pub(crate) fn schedule(agreement: AgreementId, info: &AgreementOf<T>) {
		if info.is_finished() || info.next_to_record >= info.periods {
			return;
		}
		if let Some(window) = info.window(info.next_to_record) {
			DueIndex::<T>::insert(due_key(window.to_ms), agreement, info.next_to_record);
		}
	}

	/// Removes the `DueIndex` entry of the period `info` awaits, if any.
	pub(crate) fn unschedule(agreement: AgreementId, info: &AgreementOf<T>) {
		if let Some(window) = info.window(info.next_to_record) {
			DueIndex::<T>::remove(due_key(window.to_ms), agreement);
		}
	}

	/// Finishes an agreement whose last period closed: pays out its escrow.
	pub(crate) fn finish(agreement: AgreementId, mut info: AgreementOf<T>) -> DispatchResult {
		let released = T::Escrow::close(agreement)?;
		info.status = AgreementStatus::Finished { at: frame_system::Pallet::<T>::block_number() };
		Services::<T>::mutate(info.service, |service| {
			if let Some(service) = service {
				service.open_agreements = service.open_agreements.saturating_sub(1);
			}
		});
		Self::unschedule(agreement, &info);
		Agreements::<T>::insert(agreement, info);
		Self::deposit_event(Event::AgreementFinished { agreement, released });
		Ok(())
	}
}
