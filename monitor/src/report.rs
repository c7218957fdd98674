//! From a window's samples to the tagged report the accounting nodes fetch.
//!
//! Definitions (the protocol's, so they are spelled out):
//! - `expected_samples` = window length / sampling interval, rounded down.
//! - `samples`: stored samples whose probe start time is in `[from_ms, to_ms)`.
//! - `probe_successes` / `probe_failures`: over those samples. Missing samples
//!   are neither; `Report::availability_permille` counts them as down.
//! - latency p50/p95/p99: nearest-rank percentiles (the value at rank
//!   `ceil(p/100 · n)` of the `n` successful probes sorted ascending), rounded
//!   up to whole milliseconds so a threshold is never met by truncation; 0
//!   when no probe succeeded.
//! - `min_vcpus_milli`, `min_memory_mib`: minimum over the samples;
//!   `max_memory_used_mib`: maximum; CPU utilisation and steal: arithmetic mean
//!   of the per-sample values, rounded down. All 0 for a window without samples.
//! - `net_rx_bytes` / `net_tx_bytes`: sum of the per-sample deltas (bytes
//!   moved since the previous sample; counter resets already handled when
//!   sampling).

use qos_primitives::{otp, AgreementId, Hash256, InstanceId, PeriodIndex, Report, Window};
use serde::Serialize;

use crate::{key::MonitorKey, store::Sample};

/// The value at nearest rank `ceil(pct/100 · n)` of `sorted` (ascending); 0 when empty.
pub fn nearest_rank(sorted: &[u32], pct: u32) -> u32 {
	if sorted.is_empty() {
		return 0;
	}
	let n = sorted.len() as u64;
	let rank = (pct as u64 * n).div_ceil(100).clamp(1, n);
	sorted[rank as usize - 1]
}

/// A report built one sample at a time, so that a 24-hour window (86,400
/// samples at 1 s) is aggregated without holding its samples: only the
/// successful probes' latencies are kept, for the percentiles.
pub struct ReportBuilder {
	window: Window,
	samples: u32,
	successes: u32,
	latencies_ms: Vec<u32>,
	min_vcpus_milli: Option<u32>,
	min_memory_mib: Option<u32>,
	max_memory_used_mib: u32,
	cpu_utilisation_sum: u64,
	cpu_steal_sum: u64,
	net_rx_bytes: u64,
	net_tx_bytes: u64,
}

impl ReportBuilder {
	/// An empty report of `window`.
	pub fn new(window: Window) -> Self {
		ReportBuilder {
			window,
			samples: 0,
			successes: 0,
			latencies_ms: Vec::new(),
			min_vcpus_milli: None,
			min_memory_mib: None,
			max_memory_used_mib: 0,
			cpu_utilisation_sum: 0,
			cpu_steal_sum: 0,
			net_rx_bytes: 0,
			net_tx_bytes: 0,
		}
	}

	/// Counts `sample` if it started inside the window.
	pub fn add(&mut self, sample: &Sample) {
		if !self.window.contains(sample.ts_ms) {
			return;
		}
		let m = &sample.machine;
		self.samples += 1;
		if sample.probe_ok {
			self.successes += 1;
			self.latencies_ms.push(sample.latency_us.div_ceil(1000));
		}
		self.min_vcpus_milli = Some(self.min_vcpus_milli.map_or(m.vcpus_milli, |v| v.min(m.vcpus_milli)));
		self.min_memory_mib = Some(self.min_memory_mib.map_or(m.memory_mib, |v| v.min(m.memory_mib)));
		self.max_memory_used_mib = self.max_memory_used_mib.max(m.memory_used_mib);
		self.cpu_utilisation_sum += m.cpu_utilisation_permille as u64;
		self.cpu_steal_sum += m.cpu_steal_permille as u64;
		self.net_rx_bytes = self.net_rx_bytes.saturating_add(m.net_rx_delta);
		self.net_tx_bytes = self.net_tx_bytes.saturating_add(m.net_tx_delta);
	}

	/// The report of the samples added.
	pub fn finish(
		mut self,
		agreement: AgreementId,
		period: PeriodIndex,
		instance: InstanceId,
		sampling_interval_ms: u64,
	) -> Report {
		self.latencies_ms.sort_unstable();
		let n = self.samples as u64;
		let mean = |sum: u64| sum.checked_div(n).unwrap_or(0) as u16;
		Report {
			agreement,
			period,
			instance,
			window: self.window,
			expected_samples: (self.window.len_ms() / sampling_interval_ms.max(1)).min(u32::MAX as u64) as u32,
			samples: self.samples,
			probe_successes: self.successes,
			probe_failures: self.samples - self.successes,
			latency_p50_ms: nearest_rank(&self.latencies_ms, 50),
			latency_p95_ms: nearest_rank(&self.latencies_ms, 95),
			latency_p99_ms: nearest_rank(&self.latencies_ms, 99),
			min_vcpus_milli: self.min_vcpus_milli.unwrap_or(0),
			min_memory_mib: self.min_memory_mib.unwrap_or(0),
			cpu_utilisation_permille: mean(self.cpu_utilisation_sum),
			cpu_steal_permille: mean(self.cpu_steal_sum),
			max_memory_used_mib: self.max_memory_used_mib,
			net_rx_bytes: self.net_rx_bytes,
			net_tx_bytes: self.net_tx_bytes,
		}
	}
}

/// Builds the report of `window` from `samples` (those outside the window are ignored).
pub fn aggregate(
	agreement: AgreementId,
	period: PeriodIndex,
	instance: InstanceId,
	window: Window,
	sampling_interval_ms: u64,
	samples: &[Sample],
) -> Report {
	let mut builder = ReportBuilder::new(window);
	for sample in samples {
		builder.add(sample);
	}
	builder.finish(agreement, period, instance, sampling_interval_ms)
}

/// The monitor's tag over a report hash (`tag_i` of the permission check in `docs/protocol.md`), keyed with the client's key.
pub fn tag(
	key: &MonitorKey,
	agreement: AgreementId,
	period: PeriodIndex,
	instance: InstanceId,
	report_hash: &Hash256,
) -> otp::Tag {
	otp::instance_tag(key.bytes(), agreement, period, instance, report_hash)
}

/// The body of a `200` from `/v1/report`.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct SignedReport {
	/// The report, field by field.
	pub report: Report,
	/// `0x` + hex of `SCALE(report)`: the bytes the ledger hashes.
	pub scale: String,
	/// `0x` + hex of `sha256(SCALE(report))`.
	pub report_hash: String,
	/// `0x` + hex of the tag; `null` in answers to the owner.
	pub tag: Option<String>,
}

impl SignedReport {
	/// Encodes, hashes and tags `report`.
	pub fn new(report: Report, key: &MonitorKey) -> Self {
		let scale = codec::Encode::encode(&report);
		let hash = qos_primitives::sha256(&scale);
		let tag = tag(key, report.agreement, report.period, report.instance, &hash);
		SignedReport {
			report,
			scale: format!("0x{}", hex::encode(scale)),
			report_hash: format!("0x{}", hex::encode(hash)),
			tag: Some(format!("0x{}", hex::encode(tag))),
		}
	}

	/// The JSON body.
	pub fn to_json(&self) -> String {
		serde_json::to_string(self).expect("a report always serialises")
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::tests::sample;
	use codec::Decode;

	const W: Window = Window { from_ms: 10_000, to_ms: 20_000 };

	fn at(ts_ms: u64, ok: bool, latency_ms: u32) -> Sample {
		Sample { probe_ok: ok, latency_us: latency_ms * 1000, ..sample(ts_ms) }
	}

	#[test]
	fn nearest_rank_percentiles() {
		let v: Vec<u32> = (1..=100).collect();
		assert_eq!((nearest_rank(&v, 50), nearest_rank(&v, 95), nearest_rank(&v, 99)), (50, 95, 99));
		let v = [10, 20, 30, 40];
		// ranks ceil(2)=2, ceil(3.8)=4, ceil(3.96)=4
		assert_eq!((nearest_rank(&v, 50), nearest_rank(&v, 95), nearest_rank(&v, 99)), (20, 40, 40));
		assert_eq!(nearest_rank(&[7], 50), 7);
		assert_eq!(nearest_rank(&[], 95), 0);
		assert_eq!(nearest_rank(&[1, 2, 3], 0), 1);
	}

	#[test]
	fn a_full_window_aggregates_every_field() {
		// 10 samples at 1 s; latencies 1..=10 ms, one failure (ignored by the percentiles).
		let mut samples: Vec<Sample> = (0..10).map(|i| at(10_000 + i * 1000, true, i as u32 + 1)).collect();
		samples[9].probe_ok = false;
		samples[9].latency_us = 2_000_000;
		samples[3].machine.vcpus_milli = 1_500;
		samples[4].machine.memory_mib = 2_048;
		samples[5].machine.memory_used_mib = 3_000;
		samples[6].machine.cpu_utilisation_permille = 1000; // mean (9·100 + 1000) / 10 = 190
		samples[7].machine.cpu_steal_permille = 11; // mean (9·1 + 11) / 10 = 2
		samples[8].machine.net_rx_delta = u64::MAX; // saturates instead of wrapping
											  // Outside the window: ignored.
		samples.push(at(9_999, false, 1));
		samples.push(at(20_000, false, 1));
		let r = aggregate(3, 4, 5, W, 1000, &samples);
		assert_eq!((r.agreement, r.period, r.instance, r.window), (3, 4, 5, W));
		assert_eq!((r.expected_samples, r.samples, r.probe_successes, r.probe_failures), (10, 10, 9, 1));
		assert_eq!((r.latency_p50_ms, r.latency_p95_ms, r.latency_p99_ms), (5, 9, 9));
		assert_eq!((r.min_vcpus_milli, r.min_memory_mib, r.max_memory_used_mib), (1_500, 2_048, 3_000));
		assert_eq!((r.cpu_utilisation_permille, r.cpu_steal_permille), (190, 2));
		assert_eq!((r.net_rx_bytes, r.net_tx_bytes), (u64::MAX, 200));
		assert_eq!(r.availability_permille(), 900);
	}

	#[test]
	fn gaps_in_the_samples_count_as_down() {
		// Monitor down for the second half of the window: 5 of 10 samples, all successful.
		let samples: Vec<Sample> = (0..5).map(|i| at(10_000 + i * 1000, true, 2)).collect();
		let r = aggregate(1, 0, 0, W, 1000, &samples);
		assert_eq!((r.expected_samples, r.samples, r.probe_successes, r.probe_failures), (10, 5, 5, 0));
		assert_eq!(r.availability_permille(), 500);
		// expected_samples rounds down: a 10.5 s window at 1 s expects 10.
		let r = aggregate(1, 0, 0, Window { from_ms: 10_000, to_ms: 20_500 }, 1000, &samples);
		assert_eq!(r.expected_samples, 10);
	}

	#[test]
	fn a_window_without_samples_reports_zeroes_and_no_availability() {
		let r = aggregate(1, 2, 3, W, 500, &[]);
		assert_eq!((r.expected_samples, r.samples, r.probe_successes, r.probe_failures), (20, 0, 0, 0));
		assert_eq!((r.latency_p50_ms, r.latency_p95_ms, r.latency_p99_ms), (0, 0, 0));
		assert_eq!((r.min_vcpus_milli, r.min_memory_mib, r.max_memory_used_mib), (0, 0, 0));
		assert_eq!((r.cpu_utilisation_permille, r.cpu_steal_permille, r.net_rx_bytes, r.net_tx_bytes), (0, 0, 0, 0));
		assert_eq!(r.availability_permille(), 0);
	}

	#[test]
	fn only_failed_probes_give_zero_latency() {
		let samples: Vec<Sample> = (0..4).map(|i| at(10_000 + i * 1000, false, 900)).collect();
		let r = aggregate(1, 0, 0, W, 1000, &samples);
		assert_eq!((r.probe_failures, r.latency_p50_ms, r.latency_p99_ms), (4, 0, 0));
	}

	#[test]
	fn sub_millisecond_latencies_round_up() {
		let samples =
			[Sample { latency_us: 1, ..at(10_000, true, 0) }, Sample { latency_us: 1_001, ..at(11_000, true, 0) }];
		let r = aggregate(1, 0, 0, W, 1000, &samples);
		assert_eq!((r.latency_p50_ms, r.latency_p99_ms), (1, 2));
	}

	#[test]
	fn signed_report_carries_scale_hash_and_tag() {
		let key = MonitorKey::from_bytes([9; 32]);
		let report = aggregate(1, 0, 0, W, 1000, &[at(10_000, true, 3)]);
		let signed = SignedReport::new(report.clone(), &key);
		let scale = hex::decode(signed.scale.trim_start_matches("0x")).unwrap();
		assert_eq!(Report::decode(&mut &scale[..]).unwrap(), report);
		assert_eq!(signed.report_hash, format!("0x{}", hex::encode(report.hash())));
		let expected = otp::instance_tag(&[9; 32], 1, 0, 0, &report.hash());
		assert_eq!(signed.tag, Some(format!("0x{}", hex::encode(expected))));
		let json: serde_json::Value = serde_json::from_str(&signed.to_json()).unwrap();
		assert_eq!(json["report"]["window"]["from_ms"], 10_000);
		assert_eq!(json["report"]["latency_p50_ms"], 3);
		assert_eq!(json["tag"].as_str(), signed.tag.as_deref());
	}

	#[test]
	fn reproduces_every_reference_tag_through_the_key_file() {
		use std::os::unix::fs::PermissionsExt;
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../primitives/testdata/otp-vectors.json");
		let vectors: serde_json::Value =
			serde_json::from_str(&std::fs::read_to_string(path).expect("otp-vectors.json")).unwrap();
		let dir = tempfile::tempdir().unwrap();
		let key_path = dir.path().join("key.hex");
		let mut checked = 0;
		for case in vectors["cases"].as_array().unwrap() {
			std::fs::write(&key_path, case["key"].as_str().unwrap()).unwrap();
			std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).unwrap();
			let key = crate::key::load_key(&key_path).unwrap();
			let agreement = case["agreement_id"].as_u64().unwrap();
			let period = case["period"].as_u64().unwrap() as u32;
			for r in case["reports"].as_array().unwrap() {
				let instance = r["instance_id"].as_u64().unwrap() as u32;
				let hash: Hash256 = hex::decode(r["report_hash"].as_str().unwrap()).unwrap().try_into().unwrap();
				let got = tag(&key, agreement, period, instance, &hash);
				assert_eq!(hex::encode(got), r["tag"].as_str().unwrap(), "case {}", case["name"]);
				checked += 1;
			}
		}
		assert!(checked >= 5, "only {checked} tags in the vectors");
	}
}
