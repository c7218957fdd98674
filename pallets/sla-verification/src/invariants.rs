//! The pallet's invariants, checked by `try_state` and after every test.

use frame_support::{ensure, traits::Get};
use qos_primitives::MAX_INSTANCES_PER_SERVICE;

use crate::{
	due_key, ActiveInstances, AgreementStatus, Agreements, Config, DueIndex, Instances, Pallet, PeriodState, Periods,
	RetiredInstances, Services,
};
use pallet_escrow_release::EscrowSettlement;

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants:
	/// - an agreement's term is within bounds, it closed no more periods than
	///   it has and recorded them in order;
	/// - an agreement is finished exactly when every period is closed; an
	///   unfinished one has an escrow due exactly its periods not closed, a
	///   finished one none due (its escrow closed, or kept for an owner that
	///   cannot receive its share yet);
	/// - `DueIndex` lists exactly the unfinished agreements with a period left
	///   to record, each once, under that period, keyed by its window's end;
	/// - every instance an agreement covers exists, and its service counts it
	///   among its open agreements while it is unfinished;
	/// - a service's active instances ascend, exist and are not retired, and
	///   it holds no more instances than the bound;
	/// - `RetiredInstances` lists exactly the retired instances of each
	///   service, by ascending id, with their retirement time.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut open_per_service: BTreeMap<u64, u32> = BTreeMap::new();
		let mut due_entries = 0usize;
		for (agreement, info) in Agreements::<T>::iter() {
			ensure!(info.periods >= 1 && info.periods <= T::MaxPeriods::get(), "term out of bounds");
			ensure!(info.next_to_record <= info.periods, "recorded beyond the term");
			let mut closed = 0u32;
			for (period, record) in Periods::<T>::iter_prefix(agreement) {
				ensure!(period < info.next_to_record, "a period is recorded out of order");
				if matches!(record.state, PeriodState::Closed(_)) {
					closed += 1;
				}
			}
			ensure!(closed <= info.periods, "more periods closed than the term has");
			let finished = info.is_finished();
			ensure!(finished == (closed == info.periods), "finished iff every period is closed");
			let due = T::Escrow::periods_due(agreement);
			if finished {
				// A finished agreement's escrow is closed, or kept for an owner
				// that cannot receive its share yet.
				ensure!(due.is_none_or(|d| d == 0), "a finished agreement has periods due in escrow");
			} else {
				ensure!(
					due == Some(info.periods - closed),
					"an unfinished agreement's escrow is not due its periods not closed"
				);
			}
			if !finished && info.next_to_record < info.periods {
				let window = info.window(info.next_to_record).ok_or("a period without window")?;
				ensure!(
					DueIndex::<T>::get(due_key(window.to_ms), agreement) == Some(info.next_to_record),
					"an awaited period is not in DueIndex under its window's end"
				);
				due_entries += 1;
			}
			if !finished {
				*open_per_service.entry(info.service).or_default() += 1;
				for instance in info.instances.iter() {
					ensure!(Instances::<T>::contains_key(info.service, instance), "a covered instance is gone");
				}
			}
			ensure!(
				matches!(info.status, AgreementStatus::Finished { .. }) == finished,
				"status and closed periods disagree"
			);
		}
		ensure!(DueIndex::<T>::iter().count() == due_entries, "DueIndex holds an entry no agreement awaits");
		for (agreement, _, _) in Periods::<T>::iter() {
			ensure!(Agreements::<T>::contains_key(agreement), "a period record without its agreement");
		}
		for (service, info) in Services::<T>::iter() {
			ensure!(
				info.open_agreements == open_per_service.get(&service).copied().unwrap_or(0),
				"a service's open agreement count differs from its agreements"
			);
			ensure!(info.instance_count <= MAX_INSTANCES_PER_SERVICE, "more instances than the bound");
			ensure!(
				Instances::<T>::iter_prefix(service).count() as u32 == info.instance_count,
				"instance records differ from the service's count"
			);
			let active = ActiveInstances::<T>::get(service);
			ensure!(active.windows(2).all(|w| w[0] < w[1]), "instances not ascending");
			for instance in active.iter() {
				let record = Instances::<T>::get(service, instance).ok_or("an active instance without record")?;
				ensure!(record.retired_at_ms.is_none(), "a retired instance is listed as active");
				ensure!(!record.monitor_urls.is_empty(), "an instance without monitor URL");
			}
			let mut retired: alloc::vec::Vec<(u32, u64)> = Instances::<T>::iter_prefix(service)
				.filter_map(|(id, record)| record.retired_at_ms.map(|at| (id, at)))
				.collect();
			retired.sort_unstable();
			ensure!(
				RetiredInstances::<T>::get(service).into_inner() == retired,
				"RetiredInstances differs from the records"
			);
		}
		for (service, _) in ActiveInstances::<T>::iter() {
			ensure!(Services::<T>::contains_key(service), "instances of a removed service");
		}
		for (service, _) in RetiredInstances::<T>::iter() {
			ensure!(Services::<T>::contains_key(service), "retired instances of a removed service");
		}
		Ok(())
	}
}
