//! What the metrics-blocks pallet asks of agreements: which periods await a
//! metrics block and which monitors to pull for them ([`AgreementRegistry`]),
//! and where a final metrics block goes ([`MetricsBlockHandler`]).

use alloc::vec::Vec;
use core::ops::ControlFlow;
use frame_support::{storage::StoragePrefixedMap, traits::Get};
use qos_primitives::{
	otp::Commitment,
	sla::CoveredInstance,
	traits::{AgreementRegistry, DueFilter, MetricsBlockHandler, MonitorEndpoint, PeriodCoverage, PeriodToRecord},
	AgreementId, PeriodIndex, Report, Window,
};

use crate::{
	due_key, AgreementOf, Agreements, Config, DueIndex, Event, Instances, Pallet, PeriodRecord, PeriodState, Periods,
	RetiredInstances, LOG_TARGET,
};

impl<T: Config> Pallet<T> {
	/// The agreement and window of `period` if it is the period of
	/// `agreement` awaiting its metrics block.
	fn awaiting(agreement: AgreementId, period: PeriodIndex) -> Option<(AgreementOf<T>, Window)> {
		let info = Agreements::<T>::get(agreement)?;
		if info.is_finished() || period != info.next_to_record || period >= info.periods {
			return None;
		}
		let window = info.window(period)?;
		Some((info, window))
	}

	/// The instances `info` covers, as the verdict of a window sees them:
	/// one read of the service's retired instances, however many it covers.
	pub(crate) fn covered_instances(info: &AgreementOf<T>) -> Vec<CoveredInstance> {
		let retired = RetiredInstances::<T>::get(info.service);
		info.instances
			.iter()
			.map(|&instance| CoveredInstance {
				instance,
				retired_at_ms: retired.binary_search_by_key(&instance, |(id, _)| *id).ok().map(|i| retired[i].1),
			})
			.collect()
	}

	/// Which of `info`'s instances `period` pulls and which were retired
	/// before its window.
	fn coverage(agreement: AgreementId, period: PeriodIndex, info: &AgreementOf<T>, window: Window) -> PeriodCoverage {
		let (retired, pulled): (Vec<CoveredInstance>, Vec<CoveredInstance>) =
			Self::covered_instances(info).into_iter().partition(|c| c.retired_by(window.from_ms));
		PeriodCoverage {
			agreement,
			period,
			window,
			pulled: pulled.into_iter().map(|c| c.instance).collect(),
			retired: retired.into_iter().map(|c| c.instance).collect(),
		}
	}

	/// What an accounting node needs to record `period` of `info`: the
	/// coverage, and the monitor URL in force of each pulled instance.
	fn to_record(agreement: AgreementId, period: PeriodIndex, info: &AgreementOf<T>, window: Window) -> PeriodToRecord {
		Self::with_monitor_urls(Self::coverage(agreement, period, info, window), info)
	}

	/// `coverage` with the monitor URL in force of each pulled instance (a
	/// read per instance).
	fn with_monitor_urls(coverage: PeriodCoverage, info: &AgreementOf<T>) -> PeriodToRecord {
		let PeriodCoverage { agreement, period, window, .. } = coverage;
		let mut monitors = Vec::with_capacity(coverage.pulled.len());
		let mut retired = coverage.retired;
		for instance in coverage.pulled {
			match Instances::<T>::get(info.service, instance).as_ref().and_then(|r| r.url_for(window.from_ms)) {
				Some(url) => monitors.push(MonitorEndpoint { instance, url: url.to_vec() }),
				// A covered instance is never removed while its agreement is open.
				None => retired.push(instance),
			}
		}
		retired.sort_unstable();
		PeriodToRecord { agreement, period, window, monitors, retired }
	}
}

impl<T: Config> AgreementRegistry for Pallet<T> {
	fn period_to_record(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodToRecord> {
		let (info, window) = Self::awaiting(agreement, period)?;
		Some(Self::to_record(agreement, period, &info, window))
	}

	fn period_coverage(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodCoverage> {
		let (info, window) = Self::awaiting(agreement, period)?;
		Some(Self::coverage(agreement, period, &info, window))
	}

	fn periods_awaiting_metrics(now_ms: u64, max_monitors: u32, wanted: &DueFilter<'_>) -> Vec<PeriodToRecord> {
		let mut out: Vec<PeriodToRecord> = Vec::new();
		let mut monitors = 0usize;
		// Keys iterate in due order (the first key is stored as is): start
		// at the first window whose record deadline has not passed, so that
		// periods waiting to lapse cost nothing, and stop at the first
		// window still open.
		let first_recordable = now_ms.saturating_sub(T::RecordDeadlineMs::get()).saturating_add(1);
		let mut start = DueIndex::<T>::final_prefix().to_vec();
		start.extend_from_slice(&due_key(first_recordable));
		let due = DueIndex::<T>::iter_from(start)
			.map(|(due, agreement, period)| (u64::from_be_bytes(due), agreement, period))
			.take_while(|(to_ms, _, _)| *to_ms <= now_ms);
		for (to_ms, agreement, period) in due {
			match wanted(agreement, period, to_ms) {
				ControlFlow::Break(()) => break,
				ControlFlow::Continue(false) => continue,
				ControlFlow::Continue(true) => {},
			}
			let Some((info, window)) = Self::awaiting(agreement, period) else { continue };
			// The budget is checked before the monitor URLs are read.
			let coverage = Self::coverage(agreement, period, &info, window);
			monitors = monitors.saturating_add(coverage.pulled.len());
			if !out.is_empty() && monitors > max_monitors as usize {
				break;
			}
			out.push(Self::with_monitor_urls(coverage, &info));
		}
		out
	}

	fn record_deadline_ms(window_end_ms: u64) -> u64 {
		window_end_ms.saturating_add(qos_primitives::REPORT_SETTLE_MS).saturating_add(T::RecordDeadlineMs::get())
	}
}

impl<T: Config> MetricsBlockHandler for Pallet<T> {
	fn on_metrics_block(
		agreement: AgreementId,
		period: PeriodIndex,
		window: Window,
		reports: &[Report],
		otp_commitment: Commitment,
	) {
		let Some((mut info, expected_window)) = Self::awaiting(agreement, period) else {
			log::warn!(target: LOG_TARGET, "ignored metrics block: agreement {agreement} period {period} is not awaiting metrics");
			return;
		};
		if window != expected_window {
			log::warn!(target: LOG_TARGET, "ignored metrics block: agreement {agreement} period {period}: window {window:?}, expected {expected_window:?}");
			return;
		}
		let covered = Self::covered_instances(&info);
		let verdict = qos_primitives::sla::evaluate(&info.sla, &window, &covered, reports);
		Periods::<T>::insert(
			agreement,
			period,
			PeriodRecord {
				verdict: Some(verdict.clone()),
				otp_commitment,
				recorded_at: frame_system::Pallet::<T>::block_number(),
				failed_otp_attempts: 0,
				owner_accepted: false,
				state: PeriodState::Recorded,
			},
		);
		Self::unschedule(agreement, &info);
		info.next_to_record = period.saturating_add(1);
		Self::schedule(agreement, &info);
		Agreements::<T>::insert(agreement, info);
		Self::deposit_event(Event::PeriodRecorded { agreement, period, verdict });
	}
}
