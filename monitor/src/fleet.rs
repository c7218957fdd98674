//! A fleet of virtual monitors for load tests (`qos-monitor-fleet`).
//!
//! One process answers for thousands of (service, instance) pairs, each at
//! its own base URL `http://host:port/m/<service>/<instance>`, exactly as a
//! real `qos-monitor` answers: the same request parsing and signature check
//! ([`crate::api`], [`crate::auth`]), the same report aggregation and tag
//! ([`crate::report`]). Only the samples are synthetic: every sampling
//! interval of the window holds one, and the instance is down (its probe
//! fails) during the (instance, [`OUTAGE_SLOT_MS`]) slots a seeded hash
//! picks at `outage_permille`, so verdicts vary. Everything derives from the
//! seed, so an answer is byte-for-byte the same however often it is asked,
//! and the load driver, knowing the seed, holds each agreement's client key
//! ([`client_key`]).

use std::{
	collections::BTreeSet,
	sync::atomic::{AtomicU64, Ordering},
};

use codec::Encode;
use qos_primitives::{otp::OtpKey, sha256, AgreementId, InstanceId, PeriodIndex, Report, ServiceId, Window};
use serde_json::json;

use crate::{
	api::{check_window, parse_query, Response},
	auth::{AuthorizedKeys, Credentials, PublicKey},
	key::MonitorKey,
	report::{ReportBuilder, SignedReport},
	store::Sample,
	system::Reading,
};

/// Domain of [`client_key`].
pub const CLIENT_KEY_DOMAIN: &[u8] = b"qos-ledger:fleet-key:v1";
/// Domain of the outage schedule's hash.
const OUTAGE_DOMAIN: &[u8] = b"qos-ledger:fleet-outage:v1";
/// Length of the slots an outage covers.
pub const OUTAGE_SLOT_MS: u64 = 10_000;

/// The client key of `agreement` in a fleet of `seed`: what the load
/// driver gives the agreement's client.
pub fn client_key(seed: &[u8; 32], agreement: AgreementId) -> OtpKey {
	let mut input = CLIENT_KEY_DOMAIN.to_vec();
	input.extend_from_slice(seed);
	input.extend_from_slice(&agreement.to_le_bytes());
	sha256(&input)
}

/// What the fleet serves, and to whom.
#[derive(Clone, Debug)]
pub struct FleetConfig {
	/// The source of every client key and outage.
	pub seed: [u8; 32],
	/// Accounting keys whose signed requests are answered.
	pub accounting_keys: BTreeSet<PublicKey>,
	/// Share of (instance, slot) pairs during which the instance is down.
	pub outage_permille: u16,
	/// Interval between two samples.
	pub sampling_interval_ms: u64,
	/// vCPUs every instance reports, in thousandths.
	pub vcpus_milli: u32,
	/// Memory every instance reports, in MiB.
	pub memory_mib: u32,
}

/// Requests the fleet answered, by outcome.
#[derive(Default, Debug)]
pub struct FleetStats {
	pub requests: AtomicU64,
	pub reports: AtomicU64,
	pub unauthorized: AtomicU64,
	pub refused: AtomicU64,
}

/// The fleet: its configuration and counters.
pub struct Fleet {
	config: FleetConfig,
	keys: AuthorizedKeys,
	stats: FleetStats,
}

/// A request target of the fleet.
#[derive(Debug, PartialEq, Eq)]
enum Route {
	Report { service: ServiceId, instance: InstanceId },
	Stats,
	NotFound,
}

fn route(path: &str) -> Route {
	if path == "/stats" {
		return Route::Stats;
	}
	let mut parts = path.strip_prefix("/m/").unwrap_or_default().split('/');
	let number =
		|part: Option<&str>| part.filter(|p| p.bytes().all(|b| b.is_ascii_digit())).and_then(|p| p.parse().ok());
	match (number(parts.next()), number(parts.next()), parts.next(), parts.next(), parts.next()) {
		(Some(service), Some(instance), Some("v1"), Some("report"), None) => match u32::try_from(instance) {
			Ok(instance) => Route::Report { service, instance },
			Err(_) => Route::NotFound,
		},
		_ => Route::NotFound,
	}
}

impl Fleet {
	/// A fleet serving `config`.
	pub fn new(config: FleetConfig) -> Self {
		let keys = AuthorizedKeys { accounting: config.accounting_keys.clone(), ..Default::default() };
		Fleet { config, keys, stats: FleetStats::default() }
	}

	/// The counters.
	pub fn stats(&self) -> &FleetStats {
		&self.stats
	}

	/// Whether `instance` of `service` is down during slot `slot`.
	pub fn is_down(&self, service: ServiceId, instance: InstanceId, slot: u64) -> bool {
		let mut input = OUTAGE_DOMAIN.to_vec();
		input.extend_from_slice(&self.config.seed);
		(service, instance, slot).encode_to(&mut input);
		let hash = sha256(&input);
		(u16::from_le_bytes([hash[0], hash[1]]) % 1000) < self.config.outage_permille
	}

	/// The sample `instance` of `service` took at `ts_ms`.
	fn sample_at(&self, service: ServiceId, instance: InstanceId, ts_ms: u64) -> Sample {
		let probe_ok = !self.is_down(service, instance, ts_ms / OUTAGE_SLOT_MS);
		let jitter = u32::from(sha256(&(service, instance, ts_ms).encode())[0]);
		Sample {
			ts_ms,
			probe_ok,
			latency_us: 4_000 + jitter * 40,
			machine: Reading {
				vcpus_milli: self.config.vcpus_milli,
				memory_mib: self.config.memory_mib,
				memory_used_mib: self.config.memory_mib / 2,
				cpu_utilisation_permille: 300 + (jitter as u16),
				cpu_steal_permille: (jitter % 8) as u16,
				net_rx_delta: 1_000 + u64::from(jitter),
				net_tx_delta: 500,
			},
		}
	}

	/// The report of `instance` of `service` for `period` of `agreement`
	/// over `window`: one sample per sampling interval that starts in it.
	pub fn report(
		&self,
		service: ServiceId,
		instance: InstanceId,
		agreement: AgreementId,
		period: PeriodIndex,
		window: Window,
	) -> Report {
		let interval = self.config.sampling_interval_ms.max(1);
		let mut builder = ReportBuilder::new(window);
		let mut ts = window.from_ms.div_ceil(interval) * interval;
		while ts < window.to_ms {
			builder.add(&self.sample_at(service, instance, ts));
			ts += interval;
		}
		builder.finish(agreement, period, instance, interval)
	}

	/// Answers `GET <target>` signed with `credentials`, at `now_ms`.
	pub fn answer(&self, method: &str, target: &str, credentials: &Credentials, now_ms: u64) -> Response {
		self.stats.requests.fetch_add(1, Ordering::Relaxed);
		let (path, query) = target.split_once('?').unwrap_or((target, ""));
		let route = route(path);
		if route == Route::NotFound {
			self.stats.refused.fetch_add(1, Ordering::Relaxed);
			return Response::error(
				404,
				format!("no such endpoint {path}; try /m/<service>/<instance>/v1/report or /stats"),
			);
		}
		if method != "GET" {
			self.stats.refused.fetch_add(1, Ordering::Relaxed);
			return Response::error(405, format!("method {method} not allowed; use GET"));
		}
		let Route::Report { service, instance } = route else {
			return Response::json(200, self.stats_json());
		};
		match self.signed_report(service, instance, query, credentials, now_ms) {
			Ok(signed) => {
				self.stats.reports.fetch_add(1, Ordering::Relaxed);
				Response::json(200, signed.to_json())
			},
			Err(response) => {
				let counter = if response.status == 401 { &self.stats.unauthorized } else { &self.stats.refused };
				counter.fetch_add(1, Ordering::Relaxed);
				response
			},
		}
	}

	fn signed_report(
		&self,
		service: ServiceId,
		instance: InstanceId,
		query: &str,
		credentials: &Credentials,
		now_ms: u64,
	) -> Result<SignedReport, Response> {
		let q = parse_query(query).map_err(|reason| Response::error(400, reason))?;
		let requester = self
			.keys
			.authorize(credentials, q.agreement, instance, q.period, &q.window, now_ms)
			.map_err(|refusal| Response::refused(&refusal))?;
		check_window(&q.window, now_ms)?;
		let report = self.report(service, instance, q.agreement, q.period, q.window);
		let mut signed = SignedReport::new(report, &MonitorKey::from_bytes(client_key(&self.config.seed, q.agreement)));
		if !requester.gets_tag() {
			signed.tag = None;
		}
		Ok(signed)
	}

	fn stats_json(&self) -> String {
		let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
		json!({
			"requests": get(&self.stats.requests),
			"reports": get(&self.stats.reports),
			"unauthorized": get(&self.stats.unauthorized),
			"refused": get(&self.stats.refused),
			"outage_permille": self.config.outage_permille,
			"sampling_interval_ms": self.config.sampling_interval_ms,
		})
		.to_string()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::auth::tests::{public, signed};
	use codec::Decode;
	use qos_primitives::REPORT_SETTLE_MS;

	const SEED: [u8; 32] = [7; 32];
	const NOW: u64 = 1_800_000_000_000;
	const WINDOW: Window = Window { from_ms: NOW - 120_000, to_ms: NOW - 60_000 };

	fn fleet(outage_permille: u16) -> Fleet {
		Fleet::new(FleetConfig {
			seed: SEED,
			accounting_keys: BTreeSet::from([public(1)]),
			outage_permille,
			sampling_interval_ms: 1_000,
			vcpus_milli: 2_000,
			memory_mib: 4_096,
		})
	}

	fn target(service: u64, instance: u32, agreement: u64, period: u32, window: Window) -> String {
		format!(
			"/m/{service}/{instance}/v1/report?agreement={agreement}&period={period}&from_ms={}&to_ms={}",
			window.from_ms, window.to_ms
		)
	}

	fn ask(fleet: &Fleet, signer: u8, service: u64, instance: u32, agreement: u64, window: Window) -> Response {
		let credentials = signed(signer, false, agreement, instance, 3, &window, NOW);
		fleet.answer("GET", &target(service, instance, agreement, 3, window), &credentials, NOW)
	}

	#[test]
	fn an_accounting_node_gets_a_report_tagged_with_the_agreements_client_key() {
		let fleet = fleet(0);
		let response = ask(&fleet, 1, 4, 9, 11, WINDOW);
		assert_eq!(response.status, 200, "{}", response.body);
		let body: serde_json::Value = serde_json::from_str(&response.body).unwrap();
		let scale = hex::decode(body["scale"].as_str().unwrap().trim_start_matches("0x")).unwrap();
		let report = Report::decode(&mut &scale[..]).unwrap();
		assert_eq!((report.agreement, report.period, report.instance, report.window), (11, 3, 9, WINDOW));
		assert_eq!((report.samples, report.expected_samples, report.probe_successes), (60, 60, 60));
		let key = MonitorKey::from_bytes(client_key(&SEED, 11));
		let tag = crate::report::tag(&key, 11, 3, 9, &sha256(&scale));
		assert_eq!(body["tag"].as_str().unwrap(), format!("0x{}", hex::encode(tag)));
		assert_ne!(client_key(&SEED, 11), client_key(&SEED, 12), "each agreement has its own key");
		assert_ne!(client_key(&SEED, 11), client_key(&[8; 32], 11), "each seed has its own keys");
	}

	#[test]
	fn answers_are_byte_stable_and_differ_between_instances() {
		let fleet = fleet(100);
		let first = ask(&fleet, 1, 4, 9, 11, WINDOW);
		assert_eq!(ask(&fleet, 1, 4, 9, 11, WINDOW).body, first.body);
		assert_ne!(ask(&fleet, 1, 4, 8, 11, WINDOW).body, first.body);
	}

	#[test]
	fn outages_follow_the_seeded_rate() {
		let fleet = fleet(50);
		let down = (0..20_000u64).filter(|slot| fleet.is_down(1, (slot % 97) as u32, *slot)).count();
		assert!((700..1_300).contains(&down), "about 5 % of 20,000 slots, got {down}");
		assert!((0..1_000u64).all(|slot| !self::fleet(0).is_down(1, 1, slot)), "no outage at 0 ‰");
		// A window with a down slot loses that slot's probes.
		let report = (0..200u32)
			.map(|instance| fleet.report(1, instance, 1, 0, WINDOW))
			.find(|r| r.probe_failures > 0)
			.expect("some instance down in a 6-slot window at 5 %");
		assert_eq!(report.probe_failures % 10, 0, "whole 10-second slots fail");
	}

	#[test]
	fn unsigned_unknown_and_misdirected_requests_are_refused() {
		let fleet = fleet(0);
		assert_eq!(ask(&fleet, 2, 4, 9, 11, WINDOW).status, 401, "a key that is not an accounting key");
		let unsigned = fleet.answer("GET", &target(4, 9, 11, 3, WINDOW), &Credentials::default(), NOW);
		assert_eq!(unsigned.status, 401);
		// A signature for instance 9 does not open instance 8.
		let credentials = signed(1, false, 11, 9, 3, &WINDOW, NOW);
		assert_eq!(fleet.answer("GET", &target(4, 8, 11, 3, WINDOW), &credentials, NOW).status, 401);
		let open = Window { from_ms: NOW - 60_000, to_ms: NOW - REPORT_SETTLE_MS + 1 };
		assert_eq!(ask(&fleet, 1, 4, 9, 11, open).status, 425, "a window not settled yet");
		assert_eq!(fleet.answer("GET", "/m/4/9/v1/report?agreement=x", &credentials, NOW).status, 400);
		for path in ["/m/4/v1/report", "/m/4/9/v1/other", "/m/a/9/v1/report", "/m/4/99999999999/v1/report", "/"] {
			assert_eq!(fleet.answer("GET", path, &credentials, NOW).status, 404, "{path}");
		}
		assert_eq!(fleet.answer("POST", "/stats", &credentials, NOW).status, 405);
		let stats: serde_json::Value =
			serde_json::from_str(&fleet.answer("GET", "/stats", &credentials, NOW).body).unwrap();
		assert_eq!((stats["reports"].as_u64(), stats["unauthorized"].as_u64()), (Some(0), Some(3)));
	}
}
