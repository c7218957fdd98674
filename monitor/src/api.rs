//! The HTTP API, as plain functions from a request to a response so that it
//! is tested without sockets ([`crate::server`] binds them to hyper). Two
//! listeners: the report listener, which the accounting nodes reach, and the
//! operations listener (`/healthz`, `/metrics`), on localhost by default.
//!
//! Report listener:
//! - `GET /v1/report?agreement=&period=&from_ms=&to_ms=`, signed
//!   ([`crate::auth`]) → 200 with [`SignedReport`] (without its tag for the
//!   owner); errors are 4xx with `{"error": "<reason>"}`:
//!   - 400: a parameter missing, repeated or not a number; `from_ms >= to_ms`;
//!     a window longer than `MAX_REPORT_WINDOW_MS`.
//!   - 404: an agreement this monitor does not serve.
//!   - 401: not signed by a current accounting key or a party of the
//!     agreement, or signed for another request or too long ago; the answer
//!     also has `"reason"`: `unsigned`, `malformed`, `stale_timestamp`,
//!     `unknown_key` or `bad_signature`.
//!   - 410: a window starting before the retention horizon (samples pruned).
//!   - 425: a window not yet settled (`to_ms + REPORT_SETTLE_MS > now`).
//!
//! Operations listener:
//! - `GET /healthz` → 200 `{"status":"ok",…}` while samples are fresh, else 503.
//! - `GET /metrics` → Prometheus text format ([`crate::metrics`]).
//!
//! On either, anything else is 404 (unknown path) or 405 (method other than GET).
//!
//! A served report is final: the window has settled, every sample whose probe
//! started in it has been committed (the handler waits for an in-flight
//! sample that started before `to_ms`), and retention never prunes inside a
//! window that is still servable. So the same request gets the same bytes.

use std::{
	collections::HashMap,
	sync::{Arc, Condvar, Mutex},
	time::{Duration, Instant},
};

use qos_primitives::{AgreementId, InstanceId, Window, MAX_REPORT_WINDOW_MS, REPORT_SETTLE_MS};
use serde_json::json;

use crate::{
	auth::{Authorizer, Credentials, Refusal, Requester},
	key::MonitorKey,
	metrics::Metrics,
	report::{ReportBuilder, SignedReport},
	store::Store,
};

/// A response: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
	pub status: u16,
	pub content_type: &'static str,
	pub body: String,
}

impl Response {
	/// A JSON body with `status`.
	pub fn json(status: u16, body: String) -> Self {
		Response { status, content_type: "application/json", body }
	}

	/// The 401 of a refused signature: `{"error": text, "reason": code}`.
	pub fn refused(refusal: &Refusal) -> Self {
		Response::json(401, json!({ "error": refusal.to_string(), "reason": refusal.code() }).to_string())
	}

	/// `{"error": reason}` with `status`.
	pub fn error(status: u16, reason: impl Into<String>) -> Self {
		Response::json(status, json!({ "error": reason.into() }).to_string())
	}
}

/// The start time of the sample being taken, if any: reports that could
/// include it wait until it is stored.
#[derive(Default, Debug)]
pub struct InFlight {
	started_ms: Mutex<Option<u64>>,
	done: Condvar,
}

impl InFlight {
	/// Reads the clock and marks a sample starting now as in flight, atomically
	/// with respect to [`InFlight::settled`]; returns the start time.
	pub fn begin(&self, clock: &dyn Fn() -> u64) -> u64 {
		let mut slot = self.started_ms.lock().unwrap_or_else(|p| p.into_inner());
		let now = clock();
		*slot = Some(now);
		now
	}

	/// Marks the in-flight sample as stored (or abandoned).
	pub fn end(&self) {
		*self.started_ms.lock().unwrap_or_else(|p| p.into_inner()) = None;
		self.done.notify_all();
	}

	/// Runs `f` once no sample that started before `to_ms` is in flight;
	/// `None` if that takes longer than `wait`.
	pub fn settled<T>(&self, to_ms: u64, wait: Duration, f: impl FnOnce() -> T) -> Option<T> {
		let slot = self.started_ms.lock().unwrap_or_else(|p| p.into_inner());
		let (slot, timeout) = self
			.done
			.wait_timeout_while(slot, wait, |s| s.is_some_and(|started| started < to_ms))
			.unwrap_or_else(|p| p.into_inner());
		if timeout.timed_out() && slot.is_some_and(|started| started < to_ms) {
			return None;
		}
		// Still holding the lock: no sample can start (and so none can start
		// before `to_ms`, which is in the past) while `f` takes its snapshot.
		Some(f())
	}
}

/// Everything a request needs.
pub struct ApiState {
	pub agreement: AgreementId,
	pub instance: InstanceId,
	pub sampling_interval_ms: u64,
	pub retention_ms: u64,
	pub key: MonitorKey,
	/// Who may ask for reports.
	pub authorizer: Authorizer,
	pub store: Arc<Store>,
	pub metrics: Arc<Metrics>,
	pub in_flight: Arc<InFlight>,
	/// Wall clock in ms (tests substitute their own).
	pub clock: Box<dyn Fn() -> u64 + Send + Sync>,
}

/// What a request asks for, once routed by its listener.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
	/// `GET /v1/report`: computed off the network thread, a few at a time.
	Report,
	/// `GET /healthz`.
	Healthz,
	/// `GET /metrics`.
	Metrics,
	/// A path this listener has, with another method than GET.
	MethodNotAllowed,
	/// A path this listener does not have; `hint` names the ones it has.
	NotFound { hint: &'static str },
}

impl Endpoint {
	/// The `handler` label of `http_requests_total`.
	pub fn label(self) -> &'static str {
		match self {
			Endpoint::Report => "report",
			Endpoint::Healthz => "healthz",
			Endpoint::Metrics => "metrics",
			Endpoint::MethodNotAllowed | Endpoint::NotFound { .. } => "other",
		}
	}
}

/// Routes a request of the report listener.
pub fn route_reports(method: &str, path: &str) -> Endpoint {
	match (method, path) {
		("GET", "/v1/report") => Endpoint::Report,
		(_, "/v1/report") => Endpoint::MethodNotAllowed,
		_ => Endpoint::NotFound { hint: "/v1/report (health and metrics are on the operations listener)" },
	}
}

/// Routes a request of the operations listener.
pub fn route_operations(method: &str, path: &str) -> Endpoint {
	match (method, path) {
		("GET", "/healthz") => Endpoint::Healthz,
		("GET", "/metrics") => Endpoint::Metrics,
		(_, "/healthz" | "/metrics") => Endpoint::MethodNotAllowed,
		_ => Endpoint::NotFound { hint: "/healthz or /metrics" },
	}
}

/// Answers a routed request and counts it in `http_requests_total`.
pub fn answer(state: &ApiState, endpoint: Endpoint, method: &str, url: &str, credentials: &Credentials) -> Response {
	let (path, query) = url.split_once('?').unwrap_or((url, ""));
	let response = match endpoint {
		Endpoint::Report => {
			let started = Instant::now();
			let response = report(state, query, credentials);
			state.metrics.report_duration.observe(started.elapsed().as_secs_f64());
			response
		},
		Endpoint::Healthz => healthz(state),
		Endpoint::Metrics => Response {
			status: 200,
			content_type: "text/plain; version=0.0.4; charset=utf-8",
			body: state.metrics.render(),
		},
		Endpoint::MethodNotAllowed => Response::error(405, format!("method {method} not allowed; use GET")),
		Endpoint::NotFound { hint } => Response::error(404, format!("no such endpoint {path}; try {hint}")),
	};
	state.metrics.count_request(endpoint.label(), response.status);
	response
}

/// Answers one request of the report listener.
pub fn handle_reports(state: &ApiState, method: &str, url: &str, credentials: &Credentials) -> Response {
	let path = url.split_once('?').map_or(url, |(p, _)| p);
	answer(state, route_reports(method, path), method, url, credentials)
}

/// Answers one request of the operations listener.
pub fn handle_operations(state: &ApiState, method: &str, url: &str) -> Response {
	let path = url.split_once('?').map_or(url, |(p, _)| p);
	answer(state, route_operations(method, path), method, url, &Credentials::default())
}

/// The query parameters of a report request.
#[derive(Debug, PartialEq, Eq)]
pub struct ReportQuery {
	pub agreement: u64,
	pub period: u32,
	pub window: Window,
}

/// Parses `agreement`, `period`, `from_ms` and `to_ms` of a report request;
/// the reason is the body of a 400.
pub fn parse_query(query: &str) -> Result<ReportQuery, String> {
	let mut params: HashMap<&str, &str> = HashMap::new();
	for pair in query.split('&').filter(|p| !p.is_empty()) {
		let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
		if params.insert(name, value).is_some() {
			return Err(format!("parameter {name} given more than once"));
		}
	}
	fn number<T: std::str::FromStr>(params: &HashMap<&str, &str>, name: &str) -> Result<T, String> {
		let value = params.get(name).ok_or_else(|| format!("missing parameter {name}"))?;
		if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
			return Err(format!("parameter {name} must be a non-negative integer"));
		}
		value.parse().map_err(|_| format!("parameter {name} is out of range"))
	}
	Ok(ReportQuery {
		agreement: number(&params, "agreement")?,
		period: number(&params, "period")?,
		window: Window { from_ms: number(&params, "from_ms")?, to_ms: number(&params, "to_ms")? },
	})
}

/// The checks of a report request that need no stored sample, in order:
/// the parameters (400), the agreement (404), the signature (401), the
/// window (400), its settlement (425) and the retention horizon (410). The
/// server makes them before a request may wait for one of the few
/// computation slots. Returns who asked.
pub fn check_report_request(state: &ApiState, query: &str, credentials: &Credentials) -> Result<Requester, Response> {
	check_query(state, query, credentials).map(|(_, requester)| requester)
}

fn unauthorized(state: &ApiState, refusal: Refusal) -> Response {
	state.metrics.unauthorized_requests.with_label_values(&[refusal.code()]).inc();
	Response::refused(&refusal)
}

fn check_query(state: &ApiState, query: &str, credentials: &Credentials) -> Result<(ReportQuery, Requester), Response> {
	let q = parse_query(query).map_err(|reason| Response::error(400, reason))?;
	if q.agreement != state.agreement {
		return Err(Response::error(
			404,
			format!("this monitor serves agreement {}, not {}", state.agreement, q.agreement),
		));
	}
	let requester = state
		.authorizer
		.authorize(credentials, state.instance, q.period, &q.window, (state.clock)())
		.map_err(|refusal| unauthorized(state, refusal))?;
	let now = (state.clock)();
	check_window(&q.window, now)?;
	let from_ms = q.window.from_ms;
	let horizon = now.saturating_sub(state.retention_ms);
	if from_ms < horizon {
		return Err(beyond_retention(from_ms, horizon));
	}
	Ok((q, requester))
}

/// A window a report may be served for at `now` (ms): not empty (400), not
/// longer than [`MAX_REPORT_WINDOW_MS`] (400), and settled (425).
pub fn check_window(window: &Window, now: u64) -> Result<(), Response> {
	let Window { from_ms, to_ms } = *window;
	if from_ms >= to_ms {
		return Err(Response::error(400, format!("empty window: from_ms {from_ms} must be below to_ms {to_ms}")));
	}
	if to_ms - from_ms > MAX_REPORT_WINDOW_MS {
		return Err(Response::error(
			400,
			format!("window of {} ms is longer than the maximum of {MAX_REPORT_WINDOW_MS} ms", to_ms - from_ms),
		));
	}
	let settles_at = to_ms.saturating_add(REPORT_SETTLE_MS);
	if settles_at > now {
		return Err(Response::error(
			425,
			format!("window not final yet: it closes at {to_ms} and settles at {settles_at} ms, now is {now} ms"),
		));
	}
	Ok(())
}

fn beyond_retention(from_ms: u64, horizon: u64) -> Response {
	Response::error(
		410,
		format!("window starts at {from_ms} ms, before the retention horizon {horizon} ms; its samples are gone"),
	)
}

fn report(state: &ApiState, query: &str, credentials: &Credentials) -> Response {
	let (q, requester) = match check_query(state, query, credentials) {
		Ok(checked) => checked,
		Err(response) => return response,
	};
	let Window { from_ms, to_ms } = q.window;
	let wait = Duration::from_millis(REPORT_SETTLE_MS);
	let Some(snapshot) = state.in_flight.settled(to_ms, wait, || state.store.snapshot()) else {
		return Response::error(503, "a sample of this window is still being stored; retry");
	};
	let snapshot = match snapshot {
		Ok(s) => s,
		Err(e) => return Response::error(500, e.to_string()),
	};
	// The snapshot was taken before this reading of the clock, so every prune it
	// reflects cut below `now - retention`: a window starting at or after that is intact.
	let now = (state.clock)();
	let horizon = now.saturating_sub(state.retention_ms);
	if from_ms < horizon {
		return beyond_retention(from_ms, horizon);
	}
	let mut builder = ReportBuilder::new(q.window);
	if let Err(e) = snapshot.for_each(from_ms, to_ms, |sample| builder.add(&sample)) {
		return Response::error(500, e.to_string());
	}
	let report = builder.finish(state.agreement, q.period, state.instance, state.sampling_interval_ms);
	let mut signed = SignedReport::new(report, &state.key);
	if !requester.gets_tag() {
		signed.tag = None;
	}
	Response::json(200, signed.to_json())
}

fn healthz(state: &ApiState) -> Response {
	let now = (state.clock)();
	let last = state.metrics.last_sample_ms();
	// Fresh: a sample within three intervals plus the longest probe.
	let fresh = last != 0 && now.saturating_sub(last) <= 3 * state.sampling_interval_ms + REPORT_SETTLE_MS;
	// Failing: a write failed within the same horizon (a full disk may fail every other sample).
	let horizon = Duration::from_millis(3 * state.sampling_interval_ms + REPORT_SETTLE_MS);
	let store_failure = state.store.write_failure_within(horizon);
	let status = match (&store_failure, fresh) {
		(Some(_), _) => "store_failing",
		(None, true) => "ok",
		(None, false) => "stale",
	};
	let body = json!({
		"status": status,
		"agreement": state.agreement,
		"instance": state.instance,
		"last_sample_ms": last,
		"now_ms": now,
		"store_error": store_failure,
	});
	Response::json(if status == "ok" { 200 } else { 503 }, body.to_string())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		auth::{tests::public, tests::signed, AuthorizedKeys},
		store::{tests::sample, Sample},
	};
	use codec::Decode;
	use qos_primitives::Report;
	use std::sync::atomic::{AtomicU64, Ordering};

	const HOUR: u64 = 3_600_000;
	const NOW: u64 = 1_800_000_000_000;

	struct Fixture {
		_dir: tempfile::TempDir,
		state: ApiState,
		clock: Arc<AtomicU64>,
	}

	fn fixture() -> Fixture {
		let dir = tempfile::tempdir().unwrap();
		let store = Arc::new(Store::open(dir.path()).unwrap());
		let clock = Arc::new(AtomicU64::new(NOW));
		let c = clock.clone();
		let state = ApiState {
			agreement: 7,
			instance: 2,
			sampling_interval_ms: 1000,
			retention_ms: 48 * HOUR,
			key: MonitorKey::from_bytes([5; 32]),
			authorizer: Authorizer::fixed(AuthorizedKeys {
				agreement: 7,
				accounting: [public(ACCOUNTING)].into(),
				client: Some(public(CLIENT)),
				owner: Some(public(OWNER)),
				block: None,
			}),
			store,
			metrics: Arc::new(Metrics::default()),
			in_flight: Arc::new(InFlight::default()),
			clock: Box::new(move || c.load(Ordering::SeqCst)),
		};
		Fixture { _dir: dir, state, clock }
	}

	const ACCOUNTING: u8 = 1;
	const CLIENT: u8 = 10;
	const OWNER: u8 = 11;

	/// Signature headers for `url` by `seed`'s key at `now`; a URL that does
	/// not parse gets a signature over nothing in particular.
	fn credentials(state: &ApiState, url: &str, seed: u8, party: bool) -> Credentials {
		let q = parse_query(url.split_once('?').map_or("", |(_, q)| q)).unwrap_or(ReportQuery {
			agreement: 7,
			period: 0,
			window: Window { from_ms: 0, to_ms: 1 },
		});
		signed(seed, party, q.agreement, state.instance, q.period, &q.window, (state.clock)())
	}

	/// A request as an accounting node sends it.
	fn handle(state: &ApiState, method: &str, url: &str) -> Response {
		handle_reports(state, method, url, &credentials(state, url, ACCOUNTING, false))
	}

	/// `http_requests_total{handler,code}`'s value in the rendered metrics.
	fn requests(state: &ApiState, handler: &str, code: u16) -> u64 {
		let line = format!("qos_monitor_http_requests_total{{code=\"{code}\",handler=\"{handler}\"}} ");
		state.metrics.render().lines().find_map(|l| l.strip_prefix(&line)).map_or(0, |v| v.parse().unwrap())
	}

	fn get(state: &ApiState, url: &str) -> (u16, serde_json::Value) {
		let r = if url.starts_with("/v1/") { handle(state, "GET", url) } else { handle_operations(state, "GET", url) };
		assert_eq!(r.content_type, "application/json");
		(r.status, serde_json::from_str(&r.body).unwrap())
	}

	fn url(agreement: u64, from: u64, to: u64) -> String {
		format!("/v1/report?agreement={agreement}&period=3&from_ms={from}&to_ms={to}")
	}

	fn assert_error(state: &ApiState, url: &str, status: u16, needle: &str) {
		let (got, body) = get(state, url);
		assert_eq!(got, status, "{url}: {body}");
		let reason = body["error"].as_str().unwrap_or_else(|| panic!("no error field in {body}"));
		assert!(reason.contains(needle), "{url}: {reason:?} lacks {needle:?}");
	}

	#[test]
	fn serves_a_tagged_report_that_decodes_as_the_runtime_type() {
		let f = fixture();
		let from = NOW - HOUR;
		let samples: Vec<Sample> = (0..60).map(|i| sample(from + i * 1000)).collect();
		f.state.store.append(&samples).unwrap();
		let (status, body) = get(&f.state, &url(7, from, from + 60_000));
		assert_eq!(status, 200, "{body}");
		let scale = hex::decode(body["scale"].as_str().unwrap().trim_start_matches("0x")).unwrap();
		let report = Report::decode(&mut &scale[..]).unwrap();
		assert_eq!((report.agreement, report.period, report.instance), (7, 3, 2));
		assert_eq!((report.expected_samples, report.samples, report.probe_successes), (60, 60, 60));
		assert_eq!(body["report"], serde_json::to_value(&report).unwrap());
		assert_eq!(body["report_hash"], format!("0x{}", hex::encode(report.hash())));
		let tag = qos_primitives::otp::instance_tag(&[5; 32], 7, 3, 2, &report.hash());
		assert_eq!(body["tag"], format!("0x{}", hex::encode(tag)));
		assert_eq!(requests(&f.state, "report", 200), 1);
		assert_eq!(f.state.metrics.report_duration.get_sample_count(), 1);
	}

	#[test]
	fn a_closed_window_gets_the_same_bytes_on_every_call() {
		let f = fixture();
		let from = NOW - HOUR;
		f.state.store.append(&(0..30).map(|i| sample(from + i * 1000)).collect::<Vec<_>>()).unwrap();
		let first = handle(&f.state, "GET", &url(7, from, from + 30_000));
		// Time passes, newer samples arrive, retention prunes older ones.
		f.clock.fetch_add(HOUR, Ordering::SeqCst);
		f.state.store.append(&[sample(from + 30_000), sample(NOW)]).unwrap();
		f.state.store.prune_before(from - 1).unwrap();
		let second = handle(&f.state, "GET", &url(7, from, from + 30_000));
		assert_eq!(first.status, 200);
		assert_eq!(first, second);
	}

	#[test]
	fn the_owner_gets_the_report_without_its_tag_the_client_with_it() {
		let f = fixture();
		let from = NOW - HOUR;
		f.state.store.append(&(0..30).map(|i| sample(from + i * 1000)).collect::<Vec<_>>()).unwrap();
		let u = url(7, from, from + 30_000);
		let body = |seed, party| {
			let r = handle_reports(&f.state, "GET", &u, &credentials(&f.state, &u, seed, party));
			assert_eq!(r.status, 200, "{}", r.body);
			serde_json::from_str::<serde_json::Value>(&r.body).unwrap()
		};
		let (node, client, owner) = (body(ACCOUNTING, false), body(CLIENT, true), body(OWNER, true));
		assert!(node["tag"].is_string());
		assert_eq!(client["tag"], node["tag"]);
		assert!(owner["tag"].is_null(), "the owner never sees a tag: {owner}");
		assert_eq!(owner["scale"], node["scale"], "but the same report bytes");
	}

	#[test]
	fn unsigned_stale_and_foreign_requests_are_401_with_a_reason() {
		let f = fixture();
		let from = NOW - HOUR;
		f.state.store.append(&(0..30).map(|i| sample(from + i * 1000)).collect::<Vec<_>>()).unwrap();
		let u = url(7, from, from + 30_000);
		let refused = |credentials: &Credentials, reason: &str| {
			let r = handle_reports(&f.state, "GET", &u, credentials);
			assert_eq!(r.status, 401, "{reason}: {}", r.body);
			let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
			assert_eq!(body["reason"], reason, "{body}");
			assert!(body.get("tag").is_none() && body.get("scale").is_none());
		};
		refused(&Credentials::default(), "unsigned");
		// Someone who reaches the port with a key of its own.
		refused(&credentials(&f.state, &u, 99, false), "unknown_key");
		// A signature of 40 s ago.
		let mut old = credentials(&f.state, &u, ACCOUNTING, false);
		f.clock.fetch_add(40_000, Ordering::SeqCst);
		refused(&old, "stale_timestamp");
		// A fresh timestamp on that signature.
		old.timestamp = Some((f.clock.load(Ordering::SeqCst)).to_string());
		refused(&old, "bad_signature");
		// A request signed for another window.
		let other = url(7, from + 30_000, from + 60_000);
		refused(&credentials(&f.state, &other, ACCOUNTING, false), "bad_signature");
		assert_eq!(requests(&f.state, "report", 401), 5);
		let unauthorized = |reason: &str| f.state.metrics.unauthorized_requests.with_label_values(&[reason]).get();
		assert_eq!(unauthorized("bad_signature"), 2);
		assert_eq!(f.state.metrics.report_duration.get_sample_count(), 5, "each was answered at once");
	}

	#[test]
	fn bad_parameters_are_400() {
		let f = fixture();
		let s = &f.state;
		assert_error(s, "/v1/report", 400, "missing parameter agreement");
		assert_error(s, "/v1/report?agreement=7&from_ms=1&to_ms=2", 400, "missing parameter period");
		assert_error(s, "/v1/report?agreement=7&period=1&to_ms=2", 400, "missing parameter from_ms");
		assert_error(s, "/v1/report?agreement=7&period=1&from_ms=1", 400, "missing parameter to_ms");
		assert_error(
			s,
			"/v1/report?agreement=x&period=1&from_ms=1&to_ms=2",
			400,
			"agreement must be a non-negative integer",
		);
		assert_error(s, "/v1/report?agreement=7&period=-1&from_ms=1&to_ms=2", 400, "period must be");
		assert_error(s, "/v1/report?agreement=7&period=1&from_ms=&to_ms=2", 400, "from_ms must be");
		assert_error(s, "/v1/report?agreement=7&period=4294967296&from_ms=1&to_ms=2", 400, "period is out of range");
		assert_error(s, "/v1/report?agreement=7&period=1&period=2&from_ms=1&to_ms=2", 400, "more than once");
	}

	#[test]
	fn empty_inverted_and_overlong_windows_are_400() {
		let f = fixture();
		let from = NOW - 2 * HOUR;
		assert_error(&f.state, &url(7, from, from), 400, "empty window");
		assert_error(&f.state, &url(7, from + 1, from), 400, "empty window");
		let long_from = NOW - 30 * HOUR;
		assert_error(
			&f.state,
			&url(7, long_from, long_from + MAX_REPORT_WINDOW_MS + 1),
			400,
			"longer than the maximum",
		);
		let (status, _) = get(&f.state, &url(7, long_from, long_from + MAX_REPORT_WINDOW_MS));
		assert_eq!(status, 200);
	}

	#[test]
	fn another_agreement_is_404() {
		let f = fixture();
		assert_error(&f.state, &url(8, NOW - HOUR, NOW - HOUR + 1000), 404, "serves agreement 7, not 8");
	}

	#[test]
	fn unsettled_and_future_windows_are_425() {
		let f = fixture();
		assert_error(&f.state, &url(7, NOW + 1000, NOW + 2000), 425, "not final yet");
		assert_error(&f.state, &url(7, NOW - 60_000, NOW - REPORT_SETTLE_MS + 1), 425, "not final yet");
		assert_error(&f.state, &url(7, u64::MAX - 10, u64::MAX), 425, "not final yet");
		let (status, _) = get(&f.state, &url(7, NOW - 60_000, NOW - REPORT_SETTLE_MS));
		assert_eq!(status, 200);
	}

	#[test]
	fn windows_beyond_retention_are_410() {
		let f = fixture();
		let horizon = NOW - 48 * HOUR;
		assert_error(&f.state, &url(7, horizon - 1, horizon + 1000), 410, "retention horizon");
		let (status, _) = get(&f.state, &url(7, horizon, horizon + 1000));
		assert_eq!(status, 200);
	}

	#[test]
	fn unknown_paths_are_404_and_other_methods_405() {
		let f = fixture();
		assert_error(&f.state, "/v2/report", 404, "no such endpoint /v2/report");
		let r = handle(&f.state, "POST", "/v1/report?agreement=7");
		assert_eq!(r.status, 405);
		assert!(r.body.contains("not allowed"));
		let r = handle_operations(&f.state, "DELETE", "/metrics");
		assert_eq!(r.status, 405);
		assert_eq!((requests(&f.state, "other", 404), requests(&f.state, "other", 405)), (1, 2));
	}

	#[test]
	fn each_listener_serves_only_its_own_endpoints() {
		let f = fixture();
		// The accounting nodes' listener does not show the operator's metrics or health.
		for path in ["/metrics", "/healthz"] {
			let r = handle(&f.state, "GET", path);
			assert_eq!(r.status, 404, "{path} on the report listener");
			assert!(r.body.contains("operations listener"), "{}", r.body);
		}
		// And the operations listener serves no report.
		let r = handle_operations(&f.state, "GET", &url(7, NOW - HOUR, NOW - HOUR + 1000));
		assert_eq!(r.status, 404);
		assert!(r.body.contains("try /healthz or /metrics"), "{}", r.body);
	}

	#[test]
	fn a_report_waits_for_a_sample_in_flight_inside_its_window() {
		let f = fixture();
		let from = NOW - HOUR;
		// A sample started inside the window (clock pinned there) is still being stored.
		let started = f.state.in_flight.begin(&|| from + 500);
		assert_eq!(started, from + 500);
		let state = Arc::new(f.state);
		let s = state.clone();
		let writer = std::thread::spawn(move || {
			std::thread::sleep(Duration::from_millis(200));
			s.store.append(&[sample(from + 500)]).unwrap();
			s.in_flight.end();
		});
		let (status, body) = get(&state, &url(7, from, from + 1000));
		writer.join().unwrap();
		assert_eq!(status, 200);
		assert_eq!(body["report"]["samples"], 1);
		// A sample in flight after the window does not hold the report up.
		state.in_flight.begin(&|| from + 5_000);
		let (status, body) = get(&state, &url(7, from, from + 1000));
		assert_eq!((status, body["report"]["samples"].as_u64()), (200, Some(1)));
		state.in_flight.end();
	}

	#[test]
	fn healthz_follows_the_sampler() {
		let f = fixture();
		let (status, body) = get(&f.state, "/healthz");
		assert_eq!((status, body["status"].as_str()), (503, Some("stale")));
		f.state.metrics.set_last_sample_ms(NOW - 1000);
		let (status, body) = get(&f.state, "/healthz");
		assert_eq!((status, body["status"].as_str(), body["agreement"].as_u64()), (200, Some("ok"), Some(7)));
	}

	#[test]
	fn metrics_are_prometheus_text_by_its_conventions() {
		let f = fixture();
		f.state.metrics.samples_taken.inc_by(12);
		f.state.metrics.probe_failures.inc_by(3);
		f.state.metrics.set_last_sample_ms(NOW - 1500);
		let _ = handle(&f.state, "GET", "/nope");
		let from = NOW - HOUR;
		let _ = handle(&f.state, "GET", &url(7, from, from + 1000));
		let r = handle_operations(&f.state, "GET", "/metrics");
		assert_eq!(r.status, 200);
		assert!(r.content_type.starts_with("text/plain; version=0.0.4"));
		let version = env!("CARGO_PKG_VERSION");
		let build_info = format!("qos_monitor_build_info{{version=\"{version}\"}} 1");
		let last_sample = format!("qos_monitor_last_sample_timestamp_seconds {}", (NOW - 1500) / 1000);
		for line in [
			"# TYPE qos_monitor_samples_taken_total counter",
			"qos_monitor_samples_taken_total 12",
			"qos_monitor_probe_failures_total 3",
			"qos_monitor_http_requests_total{code=\"404\",handler=\"other\"} 1",
			"qos_monitor_http_requests_total{code=\"200\",handler=\"report\"} 1",
			"# TYPE qos_monitor_report_duration_seconds histogram",
			"qos_monitor_report_duration_seconds_count 1",
			build_info.as_str(),
			last_sample.as_str(),
		] {
			assert!(r.body.lines().any(|l| l == line), "missing {line:?} in\n{}", r.body);
		}
		// Every name follows the conventions: a counter ends in _total, no name carries _ms.
		for line in r.body.lines().filter(|l| l.starts_with("# TYPE ")) {
			let mut words = line.split(' ').skip(2);
			let (name, kind) = (words.next().unwrap(), words.next().unwrap());
			assert!(kind != "counter" || name.ends_with("_total"), "{line}");
			assert!(!name.contains("_ms"), "{line}: seconds, not milliseconds");
		}
	}
}
