//! What the monitor exposes on `/metrics`, named by the Prometheus
//! conventions (`_total` counters, `_seconds` units, one
//! `http_requests_total{handler,code}`), through the `prometheus` crate.

use std::sync::atomic::{AtomicU64, Ordering};

use prometheus::{
	Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

/// Seconds-scale buckets for report computation: a 1-hour report takes a
/// few milliseconds, a 24-hour one tens.
const REPORT_BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// The monitor's counters, gauges and histograms, registered in `registry`.
pub struct Metrics {
	registry: Registry,
	pub samples_taken: IntCounter,
	pub probe_failures: IntCounter,
	pub sample_errors: IntCounter,
	pub samples_pruned: IntCounter,
	pub samples_set_aside: IntCounter,
	clock_synchronized: IntGauge,
	clock_max_error: prometheus::Gauge,
	pub http_requests: IntCounterVec,
	pub report_duration: Histogram,
	pub open_connections: IntGauge,
	pub connections_evicted: IntCounter,
	pub connections_refused: IntCounter,
	/// Report requests refused with 401, by `reason` ([`crate::auth::Refusal::code`]).
	pub unauthorized_requests: IntCounterVec,
	/// Accounting keys in force.
	pub accounting_keys: IntGauge,
	/// Reloads of the authorized-keys file (SIGHUP) that took effect.
	pub keys_reloads: IntCounter,
	pub keys_reload_failures: IntCounter,
	last_sample_timestamp: IntGauge,
	/// Start time of the newest stored sample in ms (0 before the first);
	/// `/healthz` reads it.
	last_sample_ms: AtomicU64,
}

impl Default for Metrics {
	fn default() -> Self {
		Self::new()
	}
}

impl Metrics {
	/// Every metric, registered once.
	pub fn new() -> Self {
		let registry = Registry::new_custom(Some("qos_monitor".into()), None).expect("a valid prefix");
		let counter = |name: &str, help: &str| {
			let c = IntCounter::new(name, help).expect("a valid metric");
			registry.register(Box::new(c.clone())).expect("registered once");
			c
		};
		let gauge = |name: &str, help: &str| {
			let g = IntGauge::new(name, help).expect("a valid metric");
			registry.register(Box::new(g.clone())).expect("registered once");
			g
		};
		let samples_taken = counter("samples_taken_total", "Samples taken and stored.");
		let probe_failures = counter("probe_failures_total", "Workload probes that failed or timed out.");
		let sample_errors = counter("sample_errors_total", "Samples lost to a read or storage error.");
		let samples_pruned = counter("samples_pruned_total", "Samples deleted by retention.");
		let samples_set_aside = counter(
			"samples_set_aside_total",
			"Samples set aside because the wall clock stepped back before their time.",
		);
		let clock_synchronized = gauge(
			"clock_synchronized",
			"1 when the kernel's clock is synchronised (adjtimex), 0 when not, -1 when it cannot be read.",
		);
		let clock_max_error = prometheus::Gauge::new(
			"clock_max_error_seconds",
			"The kernel's bound on the clock's error (adjtimex maxerror).",
		)
		.expect("a valid metric");
		registry.register(Box::new(clock_max_error.clone())).expect("registered once");
		let open_connections = gauge("http_open_connections", "HTTP connections open on the report listener.");
		let connections_evicted = counter(
			"http_connections_evicted_total",
			"Idle connections closed to admit a new one when the connection cap was reached.",
		);
		let connections_refused =
			counter("http_connections_refused_total", "Connections refused at the cap with none idle to evict.");
		let unauthorized_requests = IntCounterVec::new(
			Opts::new("report_requests_unauthorized_total", "Report requests refused with 401, by reason."),
			&["reason"],
		)
		.expect("a valid metric");
		registry.register(Box::new(unauthorized_requests.clone())).expect("registered once");
		let accounting_keys =
			gauge("authorized_accounting_keys", "Accounting keys in the authorized-keys file in force.");
		let keys_reloads =
			counter("authorized_keys_reloads_total", "Reloads of the authorized-keys file (SIGHUP) that took effect.");
		let keys_reload_failures = counter(
			"authorized_keys_reload_failures_total",
			"Reloads of the authorized-keys file (SIGHUP) that failed; the keys before stay in force.",
		);
		let last_sample_timestamp =
			gauge("last_sample_timestamp_seconds", "Unix time at which the newest stored sample's probe started.");
		let http_requests = IntCounterVec::new(
			Opts::new("http_requests_total", "HTTP requests answered, by handler and status code."),
			&["handler", "code"],
		)
		.expect("a valid metric");
		registry.register(Box::new(http_requests.clone())).expect("registered once");
		let report_duration = Histogram::with_opts(
			HistogramOpts::new("report_duration_seconds", "Time to compute a report, from its samples to its tag.")
				.buckets(REPORT_BUCKETS.to_vec()),
		)
		.expect("a valid metric");
		registry.register(Box::new(report_duration.clone())).expect("registered once");
		let build_info =
			IntGaugeVec::new(Opts::new("build_info", "The running qos-monitor's version; always 1."), &["version"])
				.expect("a valid metric");
		registry.register(Box::new(build_info.clone())).expect("registered once");
		build_info.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
		Metrics {
			registry,
			samples_taken,
			probe_failures,
			sample_errors,
			samples_pruned,
			samples_set_aside,
			clock_synchronized,
			clock_max_error,
			http_requests,
			report_duration,
			open_connections,
			connections_evicted,
			connections_refused,
			unauthorized_requests,
			accounting_keys,
			keys_reloads,
			keys_reload_failures,
			last_sample_timestamp,
			last_sample_ms: AtomicU64::new(0),
		}
	}

	/// Records the probe start time of the newest stored sample.
	pub fn set_last_sample_ms(&self, ms: u64) {
		self.last_sample_ms.store(ms, Ordering::Relaxed);
		self.last_sample_timestamp.set((ms / 1000) as i64);
	}

	/// The probe start time of the newest stored sample (0 before the first).
	pub fn last_sample_ms(&self) -> u64 {
		self.last_sample_ms.load(Ordering::Relaxed)
	}

	/// Counts one answered request.
	pub fn count_request(&self, handler: &str, code: u16) {
		self.http_requests.with_label_values(&[handler, &code.to_string()]).inc();
	}

	/// Every metric in the Prometheus text exposition format (the clock's
	/// state read at this moment).
	pub fn render(&self) -> String {
		match crate::clock::sync_state() {
			Some(state) => {
				self.clock_synchronized.set(state.synchronized as i64);
				self.clock_max_error.set(state.max_error_us as f64 / 1e6);
			},
			None => self.clock_synchronized.set(-1),
		}
		let mut out = Vec::new();
		TextEncoder::new().encode(&self.registry.gather(), &mut out).expect("text encoding into memory");
		String::from_utf8(out).expect("the text format is UTF-8")
	}
}
