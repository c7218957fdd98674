//! The sampling loop: on every multiple of the sampling interval (wall clock),
//! probe the workload, read the machine, and commit the sample.
//!
//! Ticks are aligned to multiples of the interval so that a window aligned to
//! the interval holds exactly `length / interval` ticks; the probe's timeout is
//! below the interval, so every tick gets its own probe.
//!
//! The wall clock: a sample is never written before the newest stored one, so
//! a clock slewed back a little (up to [`STEP_BACK_TOLERANCE_INTERVALS`]
//! intervals) only drops the samples of that moment. A clock *stepped* back
//! further (a wrong clock corrected, a VM restored) would otherwise stop
//! sampling for the size of the step, so the samples stamped after now are
//! set aside (kept in the store, never served) and sampling goes on at once;
//! the same at start, for samples stamped in the future. A report of a
//! window that was served while the clock was ahead cannot be reproduced
//! after such a correction: its samples were stamped with a wrong time.

use std::{
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::Duration,
};

use tracing::warn;

use crate::{
	api::InFlight,
	config::ProbeConfig,
	metrics::Metrics,
	now_ms, probe,
	store::{Sample, Store},
	system::SystemSource,
};

/// Why a sample was lost.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
	/// The machine's counters could not be read.
	#[error("cannot read /proc/stat or /proc/meminfo")]
	Unreadable,
	/// The sample could not be stored.
	#[error(transparent)]
	Store(#[from] crate::store::StoreError),
}

/// A clock this many intervals behind the newest sample has been stepped back
/// (less is a slew: that moment's samples are dropped).
pub const STEP_BACK_TOLERANCE_INTERVALS: u64 = 2;

/// The wall clock in ms since the Unix epoch (tests substitute their own).
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// Least time between two log lines about lost samples.
const FAILURE_LOG_EVERY: Duration = Duration::from_secs(60);

/// Default time between two checkpoints (the journal copied into the
/// database, with the retention prune): one durable database commit in ten
/// minutes, a few hundred journal bytes in between.
pub const DEFAULT_CHECKPOINT_INTERVAL_MS: u64 = 600_000;

/// The sampler's state.
pub struct Sampler {
	pub store: Arc<Store>,
	pub metrics: Arc<Metrics>,
	pub in_flight: Arc<InFlight>,
	pub system: SystemSource,
	pub probe: ProbeConfig,
	pub sampling_interval_ms: u64,
	pub retention_ms: u64,
	/// Samples between two checkpoints.
	checkpoint_every: u64,
	last_ts_ms: u64,
	taken: u64,
	/// When a lost sample was last logged, and how many were lost since.
	failure_logged_at: Option<std::time::Instant>,
	lost_unlogged: u64,
	clock: Clock,
}

impl Sampler {
	/// A sampler that continues after the newest stored sample, reading the
	/// machine through `system`.
	pub fn new(
		store: Arc<Store>,
		metrics: Arc<Metrics>,
		in_flight: Arc<InFlight>,
		system: SystemSource,
		probe: ProbeConfig,
		sampling_interval_ms: u64,
		retention_ms: u64,
	) -> Result<Self, crate::store::StoreError> {
		let clock: Clock = Arc::new(now_ms);
		let last_ts_ms = set_aside_future_samples(&store, &metrics, clock(), sampling_interval_ms)?;
		metrics.set_last_sample_ms(last_ts_ms);
		let mut system = system;
		// Prime the CPU and network counters so the first sample has deltas.
		system.sample();
		Ok(Sampler {
			store,
			metrics,
			in_flight,
			system,
			probe,
			sampling_interval_ms,
			retention_ms,
			checkpoint_every: (DEFAULT_CHECKPOINT_INTERVAL_MS / sampling_interval_ms.max(1)).max(1),
			last_ts_ms,
			taken: 0,
			failure_logged_at: None,
			lost_unlogged: 0,
			clock,
		})
	}

	/// The same sampler checkpointing every `interval_ms` (at least every sample).
	pub fn checkpointing_every(mut self, interval_ms: u64) -> Self {
		self.checkpoint_every = (interval_ms / self.sampling_interval_ms.max(1)).max(1);
		self
	}

	/// The same sampler reading `clock` instead of the wall clock (tests).
	pub fn with_clock(mut self, clock: Clock) -> Self {
		self.clock = clock;
		self
	}

	fn step_back_tolerance_ms(&self) -> u64 {
		STEP_BACK_TOLERANCE_INTERVALS * self.sampling_interval_ms
	}

	/// Samples until `stop` is set (and the thread unparked, to return at once).
	pub fn run(mut self, stop: &AtomicBool) {
		self.checkpoint();
		let mut last_tick = 0;
		while !stop.load(Ordering::SeqCst) {
			let now = (self.clock)();
			if now + self.step_back_tolerance_ms() < last_tick {
				// The clock stepped back: tick from now, not from the old future.
				last_tick = 0;
			}
			// Strictly after the previous tick, even if the wall clock was slewed back a little.
			let next_tick = ((now / self.sampling_interval_ms + 1) * self.sampling_interval_ms)
				.max(last_tick + self.sampling_interval_ms);
			let mut stepped_back = false;
			loop {
				let now = (self.clock)();
				if now >= next_tick || stop.load(Ordering::SeqCst) {
					break;
				}
				// Stepped back while waiting: do not wait out the step.
				if now + self.step_back_tolerance_ms() + self.sampling_interval_ms < next_tick {
					stepped_back = true;
					break;
				}
				// At most one interval at a time, so a step back is noticed soon.
				std::thread::park_timeout(Duration::from_millis((next_tick - now).min(self.sampling_interval_ms)));
			}
			if stop.load(Ordering::SeqCst) {
				break;
			}
			if stepped_back {
				last_tick = 0;
				continue;
			}
			last_tick = next_tick;
			self.sample_once();
		}
	}

	/// Takes, stores and counts one sample.
	pub fn sample_once(&mut self) {
		let clock = self.clock.clone();
		let ts_ms = self.in_flight.begin(&|| clock());
		let outcome = probe::probe(&self.probe.target, Duration::from_millis(self.probe.timeout_ms));
		let stored = self.store_sample(ts_ms, outcome);
		self.in_flight.end();
		match stored {
			Ok(true) => {
				self.metrics.samples_taken.inc();
				if !outcome.success {
					self.metrics.probe_failures.inc();
				}
				self.metrics.set_last_sample_ms(ts_ms);
			},
			Ok(false) => self.metrics.sample_errors.inc(),
			Err(e) => {
				self.metrics.sample_errors.inc();
				// A full disk fails sample after sample: one line a minute.
				self.lost_unlogged += 1;
				if self.failure_logged_at.is_none_or(|at| at.elapsed() >= FAILURE_LOG_EVERY) {
					warn!(
						"{} sample(s) lost, the last at {ts_ms} ms: {e}; retrying with every sample",
						self.lost_unlogged
					);
					self.failure_logged_at = Some(std::time::Instant::now());
					self.lost_unlogged = 0;
				}
			},
		}
		self.taken += 1;
		if self.taken.is_multiple_of(self.checkpoint_every) {
			self.checkpoint();
		}
	}

	fn store_sample(&mut self, ts_ms: u64, outcome: probe::ProbeOutcome) -> Result<bool, SampleError> {
		let reading = self.system.sample().ok_or(SampleError::Unreadable)?;
		if ts_ms <= self.last_ts_ms {
			if self.last_ts_ms - ts_ms <= self.step_back_tolerance_ms() {
				warn!(
					"wall clock went back ({ts_ms} ms is not after the last sample at {} ms): sample dropped",
					self.last_ts_ms
				);
				return Ok(false);
			}
			self.last_ts_ms = set_aside_future_samples(&self.store, &self.metrics, ts_ms, self.sampling_interval_ms)?;
		}
		let sample = Sample { ts_ms, probe_ok: outcome.success, latency_us: outcome.latency_us, machine: reading };
		self.store.append(&[sample])?;
		self.last_ts_ms = ts_ms;
		Ok(true)
	}

	/// Copies the journal into the database and applies retention.
	fn checkpoint(&self) {
		let cutoff = (self.clock)().saturating_sub(self.retention_ms);
		match self.store.checkpoint(Some(cutoff)) {
			Ok(n) => self.metrics.samples_pruned.inc_by(n),
			Err(e) => warn!("checkpoint failed: {e}; the journal keeps the samples until the next one"),
		}
	}
}

/// Sets aside the samples stamped after `now_ms` when the newest one is more
/// than the tolerance ahead (a clock stepped back); returns the newest
/// remaining sample's time (0 for none).
fn set_aside_future_samples(
	store: &Store,
	metrics: &Metrics,
	now_ms: u64,
	sampling_interval_ms: u64,
) -> Result<u64, crate::store::StoreError> {
	let last = store.last()?.map_or(0, |s| s.ts_ms);
	if last <= now_ms + STEP_BACK_TOLERANCE_INTERVALS * sampling_interval_ms {
		return Ok(last);
	}
	let moved = store.set_aside_from(now_ms)?;
	metrics.samples_set_aside.inc_by(moved);
	warn!(
		"wall clock stepped back: the newest sample is stamped {} s after now; {moved} sample(s) from that future set aside",
		(last - now_ms) / 1000
	);
	Ok(store.last()?.map_or(0, |s| s.ts_ms))
}

/// Deterministic synthetic samples every `interval_ms` in `[from_ms, to_ms)`
/// (for benchmarks): 1 % of probes fail, latencies spread over 1–40 ms. Only
/// in the `bench` feature's build (`qos-monitor-seed`), never in the monitor's.
#[cfg(any(test, feature = "bench"))]
pub fn synthetic_samples(from_ms: u64, to_ms: u64, interval_ms: u64) -> Vec<Sample> {
	let first = from_ms.div_ceil(interval_ms) * interval_ms;
	(first..to_ms)
		.step_by(interval_ms as usize)
		.map(|ts_ms| {
			let r = ts_ms / interval_ms;
			let mix = r.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
			Sample {
				ts_ms,
				probe_ok: !r.is_multiple_of(100),
				latency_us: 1_000 + (mix % 39_000) as u32,
				machine: crate::system::Reading {
					vcpus_milli: 2_000,
					memory_mib: 4_096,
					memory_used_mib: 1_024 + (mix % 512) as u32,
					cpu_utilisation_permille: (mix % 1000) as u16,
					cpu_steal_permille: (mix % 7) as u16,
					net_rx_delta: mix % 100_000,
					net_tx_delta: mix % 50_000,
				},
			}
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::config::ProbeTarget;

	/// A sampler of this machine at `interval_ms`.
	fn sampler_on(
		store: &Arc<Store>,
		metrics: &Arc<Metrics>,
		probe: ProbeConfig,
		interval_ms: u64,
		retention_ms: u64,
	) -> Sampler {
		Sampler::new(
			store.clone(),
			metrics.clone(),
			Arc::new(InFlight::default()),
			SystemSource::new(),
			probe,
			interval_ms,
			retention_ms,
		)
		.unwrap()
	}

	#[test]
	fn samples_land_in_the_store_and_the_clock_never_goes_back() {
		let dir = tempfile::tempdir().unwrap();
		let store = Arc::new(Store::open(dir.path()).unwrap());
		let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
		let probe = ProbeConfig {
			target: ProbeTarget::Tcp { host: "127.0.0.1".into(), port: listener.local_addr().unwrap().port() },
			timeout_ms: 500,
		};
		let metrics = Arc::new(Metrics::default());
		let mut sampler = sampler_on(&store, &metrics, probe, 1000, 3_600_000);
		sampler.sample_once();
		std::thread::sleep(Duration::from_millis(5));
		sampler.sample_once();
		assert_eq!(store.len().unwrap(), 2);
		assert_eq!(metrics.samples_taken.get(), 2);
		let last = store.last().unwrap().unwrap();
		assert!(last.probe_ok && last.machine.vcpus_milli >= 1000 && last.machine.memory_mib > 0);
		assert_eq!(metrics.last_sample_ms(), last.ts_ms);

		// A clock slewed back by less than the tolerance: that moment's sample is
		// dropped rather than written before the last one.
		sampler.last_ts_ms = now_ms() + 1_000;
		sampler.sample_once();
		assert_eq!(store.len().unwrap(), 2);
		assert_eq!(metrics.sample_errors.get(), 1);

		// A restarted sampler continues after the stored samples.
		drop(listener);
		sampler.last_ts_ms = last.ts_ms;
		std::thread::sleep(Duration::from_millis(5));
		sampler.sample_once();
		assert!(!store.last().unwrap().unwrap().probe_ok);
		assert_eq!(metrics.probe_failures.get(), 1);
		let again = sampler_on(&store, &metrics, sampler.probe.clone(), 1000, 1);
		assert_eq!(again.last_ts_ms, store.last().unwrap().unwrap().ts_ms);
	}

	#[test]
	fn a_probe_slower_than_half_the_interval_is_a_success_and_no_tick_is_skipped() {
		use std::io::{Read, Write};
		// A workload that answers after 260 ms, with sampling every 400 ms.
		let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
		let port = listener.local_addr().unwrap().port();
		std::thread::spawn(move || {
			for stream in listener.incoming() {
				let Ok(mut stream) = stream else { continue };
				std::thread::spawn(move || {
					let mut buf = [0u8; 1024];
					let _ = stream.read(&mut buf);
					std::thread::sleep(Duration::from_millis(260));
					let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
				});
			}
		});
		let dir = tempfile::tempdir().unwrap();
		let store = Arc::new(Store::open(dir.path()).unwrap());
		let probe = ProbeConfig {
			target: ProbeTarget::Http { host: "127.0.0.1".into(), port, path: "/".into() },
			timeout_ms: 320,
		};
		let metrics = Arc::new(Metrics::default());
		let sampler = sampler_on(&store, &metrics, probe, 400, 3_600_000);
		let stop = Arc::new(AtomicBool::new(false));
		let running = {
			let stop = stop.clone();
			std::thread::spawn(move || sampler.run(&stop))
		};
		std::thread::sleep(Duration::from_millis(2_100));
		stop.store(true, Ordering::SeqCst);
		running.thread().unpark();
		running.join().unwrap();
		let samples = store.snapshot().unwrap().samples(0, u64::MAX).unwrap();
		assert!(samples.len() >= 4, "{} samples in 2.1 s at 400 ms", samples.len());
		for s in &samples {
			assert!(s.probe_ok, "a slow success is a success: {s:?}");
			assert!(s.latency_us >= 260_000, "with its latency: {s:?}");
		}
		for pair in samples.windows(2) {
			let gap = pair[1].ts_ms - pair[0].ts_ms;
			assert!((350..700).contains(&gap), "one probe per tick, none skipped: {gap} ms apart");
		}
		assert_eq!(metrics.probe_failures.get(), 0);
	}

	#[test]
	fn retention_prunes_old_samples() {
		let dir = tempfile::tempdir().unwrap();
		let store = Arc::new(Store::open(dir.path()).unwrap());
		let now = now_ms();
		store.append(&synthetic_samples(now - 7_200_000, now - 7_100_000, 1000)).unwrap();
		store.append(&synthetic_samples(now - 60_000, now - 50_000, 1000)).unwrap();
		let probe = ProbeConfig { target: ProbeTarget::Tcp { host: "127.0.0.1".into(), port: 9 }, timeout_ms: 10 };
		let metrics = Arc::new(Metrics::default());
		let sampler = sampler_on(&store, &metrics, probe, 1000, 3_600_000);
		sampler.checkpoint();
		assert_eq!(metrics.samples_pruned.get(), 100);
		assert_eq!(store.len().unwrap(), 10);
	}

	#[test]
	fn a_stopped_sampler_returns_without_waiting_for_its_next_tick() {
		let dir = tempfile::tempdir().unwrap();
		let store = Arc::new(Store::open(dir.path()).unwrap());
		let probe = ProbeConfig { target: ProbeTarget::Tcp { host: "127.0.0.1".into(), port: 9 }, timeout_ms: 10 };
		let sampler = sampler_on(&store, &Arc::new(Metrics::default()), probe, 60_000, 3_600_000);
		let stop = Arc::new(AtomicBool::new(false));
		let running = {
			let stop = stop.clone();
			std::thread::spawn(move || sampler.run(&stop))
		};
		std::thread::sleep(Duration::from_millis(50));
		let asked = std::time::Instant::now();
		stop.store(true, Ordering::SeqCst);
		running.thread().unpark();
		running.join().unwrap();
		assert!(asked.elapsed() < Duration::from_secs(5), "a 60-s interval must not delay the stop");
	}

	#[test]
	fn a_clock_stepped_back_an_hour_neither_stalls_sampling_nor_blocks_writes() {
		const HOUR: u64 = 3_600_000;
		let dir = tempfile::tempdir().unwrap();
		let store = Arc::new(Store::open(dir.path()).unwrap());
		let probe = ProbeConfig { target: ProbeTarget::Tcp { host: "127.0.0.1".into(), port: 9 }, timeout_ms: 10 };
		let metrics = Arc::new(Metrics::default());
		let t = now_ms();
		let time = Arc::new(std::sync::atomic::AtomicU64::new(t));
		let clock: Clock = {
			let time = time.clone();
			Arc::new(move || time.load(Ordering::SeqCst))
		};
		let new_sampler =
			|store: Arc<Store>| sampler_on(&store, &metrics, probe.clone(), 1000, 48 * HOUR).with_clock(clock.clone());

		let mut sampler = new_sampler(store.clone());
		sampler.sample_once();
		time.store(t + 1_000, Ordering::SeqCst);
		sampler.sample_once();
		// A slew of one interval back drops that moment's sample only.
		time.store(t, Ordering::SeqCst);
		sampler.sample_once();
		assert_eq!((store.len().unwrap(), metrics.samples_set_aside.get()), (2, 0));

		// Stepped back an hour: the samples of that future are set aside and
		// the sample of now is stored at once, and the next.
		time.store(t + 2_000 - HOUR, Ordering::SeqCst);
		sampler.sample_once();
		time.store(t + 3_000 - HOUR, Ordering::SeqCst);
		sampler.sample_once();
		let times: Vec<u64> = store.snapshot().unwrap().samples(0, u64::MAX).unwrap().iter().map(|s| s.ts_ms).collect();
		assert_eq!(times, vec![t + 2_000 - HOUR, t + 3_000 - HOUR]);
		assert_eq!(metrics.samples_set_aside.get(), 2);

		// Samples from the future found at start are set aside too.
		drop(sampler);
		// (`new` reads the wall clock: the stored samples are an hour in its past, nothing moves.)
		assert_eq!(sampler_on(&store, &metrics, probe.clone(), 1000, 48 * HOUR).last_ts_ms, t + 3_000 - HOUR);
		let future = t + 10 * HOUR;
		store.append(&[crate::store::tests::sample(future)]).unwrap();
		let restarted = new_sampler(store.clone());
		assert_eq!(restarted.last_ts_ms, t + 3_000 - HOUR, "the sample stamped ten hours ahead was set aside at start");
		assert_eq!(metrics.samples_set_aside.get(), 3);
	}

	#[test]
	fn synthetic_samples_are_aligned_and_deterministic() {
		let s = synthetic_samples(1_500, 10_000, 1000);
		assert_eq!(s.first().map(|s| s.ts_ms), Some(2_000));
		assert_eq!(s.len(), 8);
		assert_eq!(s, synthetic_samples(1_500, 10_000, 1000));
	}
}
