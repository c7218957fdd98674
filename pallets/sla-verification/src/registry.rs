//! What the metrics-blocks pallet asks of agreements: which periods await a
//! metrics block and which monitors to pull for them ([`AgreementRegistry`]),
//! and where a final metrics block goes ([`MetricsBlockHandler`]).

use alloc::vec::Vec;
use qos_primitives::{
	otp::Commitment,
	sla::CoveredInstance,
	traits::{AgreementRegistry, MetricsBlockHandler, MonitorEndpoint, PeriodToRecord},
	AgreementId, PeriodIndex, Report, Window,
};

use crate::{
	AgreementOf, Agreements, AwaitingMetrics, Config, Event, Instances, Pallet, PeriodRecord, PeriodState, Periods,
	LOG_TARGET,
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

	/// The instances `info` covers, as the verdict of a window sees them.
	pub(crate) fn covered_instances(info: &AgreementOf<T>) -> Vec<CoveredInstance> {
		info.instances
			.iter()
			.map(|&instance| {
				Instances::<T>::get(info.service, instance)
					.map(|record| record.covered(instance))
					// A covered instance is never removed while its agreement is open.
					.unwrap_or(CoveredInstance { instance, retired_at_ms: Some(0) })
			})
			.collect()
	}

	/// What an accounting node needs to record `period` of `info`.
	fn to_record(agreement: AgreementId, period: PeriodIndex, info: &AgreementOf<T>, window: Window) -> PeriodToRecord {
		let mut monitors = Vec::new();
		let mut retired = Vec::new();
		for &instance in info.instances.iter() {
			let record = Instances::<T>::get(info.service, instance);
			match record {
				Some(record) if !record.covered(instance).retired_by(window.from_ms) => {
					if let Some(url) = record.url_for(window.from_ms) {
						monitors.push(MonitorEndpoint { instance, url: url.to_vec() });
					}
				},
				_ => retired.push(instance),
			}
		}
		PeriodToRecord { agreement, period, window, monitors, retired }
	}
}

impl<T: Config> AgreementRegistry for Pallet<T> {
	fn period_to_record(agreement: AgreementId, period: PeriodIndex) -> Option<PeriodToRecord> {
		let (info, window) = Self::awaiting(agreement, period)?;
		Some(Self::to_record(agreement, period, &info, window))
	}

	fn periods_awaiting_metrics(now_ms: u64, limit: u32) -> Vec<PeriodToRecord> {
		let mut due: Vec<(AgreementId, AgreementOf<T>, Window)> = AwaitingMetrics::<T>::iter_keys()
			.filter_map(|agreement| {
				let info = Agreements::<T>::get(agreement)?;
				let (_, window) = Self::awaiting(agreement, info.next_to_record)?;
				(window.to_ms <= now_ms).then_some((agreement, info, window))
			})
			.collect();
		due.sort_unstable_by_key(|(agreement, _, window)| (window.to_ms, *agreement));
		due.truncate(limit as usize);
		due.into_iter()
			.map(|(agreement, info, window)| Self::to_record(agreement, info.next_to_record, &info, window))
			.collect()
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
		info.next_to_record = period.saturating_add(1);
		if info.next_to_record >= info.periods {
			AwaitingMetrics::<T>::remove(agreement);
		}
		Agreements::<T>::insert(agreement, info);
		Self::deposit_event(Event::PeriodRecorded { agreement, period, verdict });
	}
}
