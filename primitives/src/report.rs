//! What a monitor reports about one instance over one window.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{AgreementId, Hash256, InstanceId, PeriodIndex};

/// A half-open time window `[from_ms, to_ms)` in milliseconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Window {
	/// First millisecond inside the window.
	pub from_ms: u64,
	/// First millisecond after the window.
	pub to_ms: u64,
}

impl Window {
	/// Window of billing period `period` of an agreement that started at
	/// `start_ms` with periods of `period_ms`; `None` if it overflows.
	pub fn of_period(start_ms: u64, period_ms: u64, period: PeriodIndex) -> Option<Self> {
		let from_ms = start_ms.checked_add(period_ms.checked_mul(period as u64)?)?;
		Some(Window { from_ms, to_ms: from_ms.checked_add(period_ms)? })
	}

	/// Length of the window in milliseconds (0 for an inverted window).
	pub fn len_ms(&self) -> u64 {
		self.to_ms.saturating_sub(self.from_ms)
	}

	/// Whether `t_ms` lies inside the window.
	pub fn contains(&self, t_ms: u64) -> bool {
		self.from_ms <= t_ms && t_ms < self.to_ms
	}
}

/// A monitor's measurements of one instance over one window.
///
/// `report_hash = sha256(SCALE(report))` is what the ledger, the monitor's
/// HMAC tag and the client's OTP all refer to, so field order and widths are
/// part of the protocol: change them only with a new protocol version.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Report {
	/// The agreement this report was produced for.
	pub agreement: AgreementId,
	/// The billing period this report covers.
	pub period: PeriodIndex,
	/// The instance that was measured.
	pub instance: InstanceId,
	/// The window the samples were taken in.
	pub window: Window,
	/// Samples the monitor should have taken in the window at its sampling interval.
	pub expected_samples: u32,
	/// Samples actually taken (fewer than expected when the monitor was down).
	pub samples: u32,
	/// Workload probes that succeeded.
	pub probe_successes: u32,
	/// Workload probes that failed or timed out.
	pub probe_failures: u32,
	/// Median latency of successful probes, in milliseconds.
	pub latency_p50_ms: u32,
	/// 95th percentile latency of successful probes, in milliseconds.
	pub latency_p95_ms: u32,
	/// 99th percentile latency of successful probes, in milliseconds.
	pub latency_p99_ms: u32,
	/// Fewest vCPUs available at any sample, in thousandths of a vCPU.
	pub min_vcpus_milli: u32,
	/// Least memory available at any sample, in MiB.
	pub min_memory_mib: u32,
	/// Mean CPU utilisation over the window, permille of the available vCPUs.
	pub cpu_utilisation_permille: u16,
	/// Mean CPU steal over the window, permille.
	pub cpu_steal_permille: u16,
	/// Most memory in use at any sample, in MiB.
	pub max_memory_used_mib: u32,
	/// Bytes received over the window (all non-loopback interfaces).
	pub net_rx_bytes: u64,
	/// Bytes sent over the window (all non-loopback interfaces).
	pub net_tx_bytes: u64,
}

impl Report {
	/// A report of an instance that answered all `samples` probes of `window`,
	/// with plausible measurements (2 vCPUs, 4 GiB, light load). Benchmarks,
	/// mocks and tests start from it and override the fields they examine.
	pub fn all_up(
		agreement: AgreementId,
		period: PeriodIndex,
		instance: InstanceId,
		window: Window,
		samples: u32,
	) -> Self {
		Report {
			agreement,
			period,
			instance,
			window,
			expected_samples: samples,
			samples,
			probe_successes: samples,
			probe_failures: 0,
			latency_p50_ms: 3,
			latency_p95_ms: 9,
			latency_p99_ms: 12,
			min_vcpus_milli: 2_000,
			min_memory_mib: 4_096,
			cpu_utilisation_permille: 250,
			cpu_steal_permille: 4,
			max_memory_used_mib: 1_024,
			net_rx_bytes: 10_000,
			net_tx_bytes: 20_000,
		}
	}

	/// `sha256(SCALE(self))`: the hash the ledger stores and the OTP tags sign.
	pub fn hash(&self) -> Hash256 {
		crate::sha256(&self.encode())
	}

	/// Availability over the window in permille: successful probes out of the
	/// samples that should have been taken. Samples the monitor missed count
	/// as failures, so a monitor that was down cannot inflate availability.
	pub fn availability_permille(&self) -> u16 {
		let expected = self.expected_samples.max(self.samples).max(self.probe_successes);
		if expected == 0 {
			return 0;
		}
		((self.probe_successes as u64 * 1000) / expected as u64) as u16
	}
}

/// Why a metrics block holds no report of an instance it covers.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MissingReason {
	/// No complete answer before the deadline.
	Timeout,
	/// The request could not be made or the connection failed.
	Unreachable,
	/// The monitor answered with an HTTP status other than 200.
	HttpStatus(u16),
	/// The answer was not a valid report of the period (schema, hash,
	/// agreement, period, instance, window or bounds).
	InvalidAnswer,
	/// The owner retired the instance before the window began; it was not asked.
	Retired,
}

#[cfg(test)]
mod tests {
	use super::*;

	pub(crate) fn sample_report() -> Report {
		Report::all_up(1, 0, 0, Window { from_ms: 1_000, to_ms: 61_000 }, 60)
	}

	#[test]
	fn window_of_period_follows_agreement_clock() {
		assert_eq!(Window::of_period(100, 10, 0), Some(Window { from_ms: 100, to_ms: 110 }));
		assert_eq!(Window::of_period(100, 10, 3), Some(Window { from_ms: 130, to_ms: 140 }));
		assert_eq!(Window::of_period(u64::MAX - 5, 10, 0), None);
		assert_eq!(Window::of_period(0, u64::MAX, 2), None);
	}

	#[test]
	fn window_is_half_open() {
		let w = Window { from_ms: 10, to_ms: 20 };
		assert!(w.contains(10));
		assert!(w.contains(19));
		assert!(!w.contains(20));
		assert!(!w.contains(9));
		assert_eq!(w.len_ms(), 10);
	}

	#[test]
	fn report_encoding_is_bounded_and_hash_covers_every_field() {
		let r = sample_report();
		assert_eq!(r.encode().len(), Report::max_encoded_len());
		let mut other = r.clone();
		other.net_tx_bytes += 1;
		assert_ne!(r.hash(), other.hash());
		assert_eq!(Report::decode(&mut &r.encode()[..]).unwrap(), r);
	}

	#[test]
	fn availability_counts_missed_samples_as_down() {
		let mut r = sample_report();
		assert_eq!(r.availability_permille(), 1000);
		r.samples = 30;
		r.probe_successes = 30;
		assert_eq!(r.availability_permille(), 500);
		r.expected_samples = 0;
		r.samples = 0;
		r.probe_successes = 0;
		assert_eq!(r.availability_permille(), 0);
		// A monitor that over-samples cannot exceed 100 %.
		r.expected_samples = 10;
		r.samples = 12;
		r.probe_successes = 12;
		assert_eq!(r.availability_permille(), 1000);
	}
}
