//! The real `qos-monitor` binary against a real local HTTP workload: reports
//! decode as the runtime's type, carry a valid tag, and are byte-for-byte the
//! same after a `kill -9` and a restart; a thousand idle connections do not
//! keep a report from being served, a slow header is cut off, an overlong URL
//! refused, SIGTERM stops it cleanly; bad configurations are refused; only
//! signed requests of the keys in the authorized-keys file are answered, and
//! SIGHUP reloads that file.

use std::{
	fs,
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	os::unix::fs::PermissionsExt,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use codec::Decode;
use qos_primitives::{
	otp::instance_tag,
	request::{report_request_payload, ACCOUNTING_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER},
	Report, Window, REPORT_SETTLE_MS,
};

const KEY_HEX: &str = "4242424242424242424242424242424242424242424242424242424242424242";
const BIN: &str = env!("CARGO_BIN_EXE_qos-monitor");

fn now_ms() -> u64 {
	std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

/// A local HTTP workload answering `200 OK` to every request.
fn workload() -> u16 {
	let listener = TcpListener::bind("127.0.0.1:0").unwrap();
	let port = listener.local_addr().unwrap().port();
	std::thread::spawn(move || {
		for stream in listener.incoming() {
			let Ok(mut stream) = stream else { continue };
			std::thread::spawn(move || {
				let mut buf = [0u8; 2048];
				let _ = stream.read(&mut buf);
				let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
			});
		}
	});
	port
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
	http_get_with(port, path, &[])
}

fn http_get_with(port: u16, path: &str, headers: &[(&str, String)]) -> Option<(u16, String)> {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
	stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
	let extra: String = headers.iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
	write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n").ok()?;
	let mut raw = String::new();
	stream.read_to_string(&mut raw).ok()?;
	let status = raw.split(' ').nth(1)?.parse().ok()?;
	let body = raw.split_once("\r\n\r\n")?.1.to_string();
	Some((status, body))
}

/// The sr25519 key of seed `seed`, as the accounting node `seed` holds it.
fn keypair(seed: u8) -> schnorrkel::Keypair {
	schnorrkel::MiniSecretKey::from_bytes(&[seed; 32]).unwrap().expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

fn public_hex(seed: u8) -> String {
	format!("0x{}", hex::encode(keypair(seed).public.to_bytes()))
}

/// The accounting node in the file written by [`Setup::new`].
const NODE: u8 = 1;

/// `path` (a report request of agreement 7, instance 2) asked by accounting
/// node `seed`, signed now.
fn signed_get(port: u16, path: &str, seed: u8) -> Option<(u16, String)> {
	let query = path.split_once('?').map_or("", |(_, q)| q);
	let param = |name: &str| -> u64 {
		query.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).and_then(|v| v.parse().ok()).unwrap_or(0)
	};
	let timestamp = now_ms();
	let window = Window { from_ms: param("from_ms"), to_ms: param("to_ms") };
	let payload = report_request_payload(param("agreement"), 2, param("period") as u32, &window, timestamp);
	let signature = keypair(seed).sign_simple(b"substrate", &payload).to_bytes();
	let headers = [
		(ACCOUNTING_KEY_HEADER, public_hex(seed)),
		(TIMESTAMP_HEADER, timestamp.to_string()),
		(SIGNATURE_HEADER, format!("0x{}", hex::encode(signature))),
	];
	http_get_with(port, path, &headers)
}

/// An authorized-keys file for agreement 7 naming these accounting nodes.
fn authorized_keys(nodes: &[u8]) -> String {
	let keys: Vec<String> = nodes.iter().map(|n| public_hex(*n)).collect();
	serde_json::json!({ "agreement": 7, "accounting_keys": keys, "client": public_hex(10), "owner": public_hex(11) })
		.to_string()
}

struct Setup {
	dir: tempfile::TempDir,
	port: u16,
	/// `/healthz` and `/metrics`.
	ops_port: u16,
}

impl Setup {
	fn new(probe_port: u16) -> Setup {
		let dir = tempfile::tempdir().unwrap();
		let (port, ops_port) = (free_port(), free_port());
		let key = dir.path().join("key.hex");
		fs::write(&key, format!("{KEY_HEX}\n")).unwrap();
		fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
		let keys = dir.path().join("authorized-keys.json");
		fs::write(&keys, authorized_keys(&[NODE])).unwrap();
		fs::set_permissions(&keys, fs::Permissions::from_mode(0o644)).unwrap();
		let config = format!(
			"listen = \"127.0.0.1:{port}\"\noperations_listen = \"127.0.0.1:{ops_port}\"\nagreement = 7\ninstance = 2\nkey_file = \"{}\"\n\
			 authorized_keys = \"{}\"\ndata_dir = \"{}\"\n\
			 sampling_interval_ms = 200\nretention_hours = 25\n[probe]\ntarget = \"http://127.0.0.1:{probe_port}/health\"\ntimeout_ms = 150\n",
			key.display(),
			keys.display(),
			dir.path().join("data").display()
		);
		fs::write(dir.path().join("monitor.toml"), config).unwrap();
		Setup { dir, port, ops_port }
	}

	fn config(&self) -> PathBuf {
		self.dir.path().join("monitor.toml")
	}

	fn key(&self) -> PathBuf {
		self.dir.path().join("key.hex")
	}

	fn authorized_keys(&self) -> PathBuf {
		self.dir.path().join("authorized-keys.json")
	}

	/// Starts the agent and waits until it has stored a sample.
	fn start(&self) -> Agent {
		let log = fs::OpenOptions::new().create(true).append(true).open(self.dir.path().join("agent.log")).unwrap();
		let child =
			Command::new(BIN).arg("--config").arg(self.config()).stdout(Stdio::null()).stderr(log).spawn().unwrap();
		let agent = Agent(child);
		let deadline = Instant::now() + Duration::from_secs(20);
		while Instant::now() < deadline {
			if let Some((200, _)) = http_get(self.ops_port, "/healthz") {
				return agent;
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		panic!(
			"agent not healthy; log:\n{}",
			fs::read_to_string(self.dir.path().join("agent.log")).unwrap_or_default()
		);
	}
}

struct Agent(Child);

impl Agent {
	/// SIGKILL, like `kill -9`.
	fn kill_9(mut self) {
		self.0.kill().unwrap();
		self.0.wait().unwrap();
	}
}

impl Drop for Agent {
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

fn sleep_until(t_ms: u64) {
	let now = now_ms();
	if t_ms > now {
		std::thread::sleep(Duration::from_millis(t_ms - now));
	}
}

#[test]
fn serves_final_tagged_reports_that_survive_kill_9() {
	let setup = Setup::new(workload());
	let agent = setup.start();
	let from = now_ms().div_ceil(1000) * 1000 + 1000;
	let to = from + 2000;
	let path = format!("/v1/report?agreement=7&period=4&from_ms={from}&to_ms={to}");

	sleep_until(to + 100);
	let (status, body) = signed_get(setup.port, &path, NODE).unwrap();
	assert_eq!(status, 425, "{body}");
	assert!(body.contains("\"error\""));

	sleep_until(to + REPORT_SETTLE_MS + 100);
	let (status, first) = signed_get(setup.port, &path, NODE).unwrap();
	assert_eq!(status, 200, "{first}");
	let json: serde_json::Value = serde_json::from_str(&first).unwrap();
	let scale = hex::decode(json["scale"].as_str().unwrap().trim_start_matches("0x")).unwrap();
	let report = Report::decode(&mut &scale[..]).expect("decodes as the runtime's Report");
	assert_eq!((report.agreement, report.period, report.instance), (7, 4, 2));
	assert_eq!((report.window.from_ms, report.window.to_ms, report.expected_samples), (from, to, 10));
	assert!(report.samples >= 9 && report.samples <= 10, "{report:?}");
	assert_eq!(report.probe_successes, report.samples, "the workload is up: {report:?}");
	assert!(report.min_vcpus_milli >= 1000 && report.min_memory_mib > 0 && report.max_memory_used_mib > 0);
	assert_eq!(json["report_hash"], format!("0x{}", hex::encode(report.hash())));
	let key: [u8; 32] = hex::decode(KEY_HEX).unwrap().try_into().unwrap();
	assert_eq!(json["tag"], format!("0x{}", hex::encode(instance_tag(&key, 7, 4, 2, &report.hash()))));

	let (status, metrics) = http_get(setup.ops_port, "/metrics").unwrap();
	assert_eq!(status, 200);
	for line in [
		"qos_monitor_http_requests_total{code=\"200\",handler=\"report\"} 1",
		"qos_monitor_http_requests_total{code=\"425\",handler=\"report\"} 1",
	] {
		assert!(metrics.lines().any(|l| l == line), "no {line:?} in {metrics}");
	}
	assert!(metrics.contains("qos_monitor_samples_taken_total "));
	assert_eq!(http_get(setup.port, "/metrics").unwrap().0, 404, "metrics are not on the accounting nodes' listener");

	agent.kill_9();
	let _restarted = setup.start();
	let (status, again) = signed_get(setup.port, &path, NODE).unwrap();
	assert_eq!(status, 200);
	assert_eq!(again, first, "the report of a closed window changed across kill -9 and restart");

	let log = fs::read_to_string(setup.dir.path().join("agent.log")).unwrap();
	assert!(!log.to_lowercase().contains(&KEY_HEX[..16]), "the key leaked into the log");
	assert!(!log.contains(json["tag"].as_str().unwrap().trim_start_matches("0x")), "a tag leaked into the log");
}

fn refused(config: &Path, extra: &[&str]) -> String {
	let out = Command::new(BIN).arg("--config").arg(config).args(extra).output().unwrap();
	assert!(!out.status.success(), "started despite a bad setup");
	let stderr = String::from_utf8(out.stderr).unwrap();
	assert!(!stderr.contains(&KEY_HEX[..16]), "the key leaked: {stderr}");
	stderr
}

#[test]
fn refuses_to_start_with_a_bad_key_file_or_config() {
	let setup = Setup::new(free_port());
	let (config, key) = (setup.config(), setup.key());

	fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
	assert!(refused(&config, &[]).contains("accessible by group or others (mode 0644)"));

	fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
	fs::write(&key, &KEY_HEX[..40]).unwrap();
	assert!(refused(&config, &[]).contains("malformed"));

	fs::remove_file(&key).unwrap();
	assert!(refused(&config, &[]).contains("does not exist"));

	fs::write(&key, format!("{KEY_HEX}\n")).unwrap();
	fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
	let keys = setup.authorized_keys();
	fs::set_permissions(&keys, fs::Permissions::from_mode(0o666)).unwrap();
	assert!(refused(&config, &[]).contains("writable by others than its owner"));
	fs::write(&keys, authorized_keys(&[NODE]).replace("\"agreement\":7", "\"agreement\":8")).unwrap();
	fs::set_permissions(&keys, fs::Permissions::from_mode(0o644)).unwrap();
	assert!(refused(&config, &[]).contains("is for agreement 8, this monitor serves agreement 7"));
	fs::remove_file(&keys).unwrap();
	assert!(refused(&config, &[]).contains("cannot read the authorized-keys file"));

	assert!(refused(&config, &["--probe-timeout-ms", "5000"]).contains("probe.timeout_ms = 5000"));
	assert!(refused(&config, &["--probe-timeout-ms", "200"]).contains("must be below sampling_interval_ms = 200"));
	assert!(!setup.dir.path().join("data").exists(), "a refused start must not create the store");
}

impl Agent {
	fn pid(&self) -> i32 {
		self.0.id() as i32
	}
}

/// The path of a report request for a window of this agent that has settled.
fn settled_window(setup: &Setup) -> String {
	let from = now_ms().div_ceil(1000) * 1000;
	let to = from + 1000;
	sleep_until(to + REPORT_SETTLE_MS + 100);
	let path = format!("/v1/report?agreement=7&period=1&from_ms={from}&to_ms={to}");
	assert_eq!(signed_get(setup.port, &path, NODE).map(|r| r.0), Some(200));
	path
}

/// Lets this test process hold `n` more sockets.
fn allow_open_files(n: u64) {
	let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
	// SAFETY: valid pointers to a rlimit.
	unsafe {
		assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
		limit.rlim_cur = limit.rlim_cur.max(n).min(limit.rlim_max);
		assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
	}
}

#[test]
fn a_thousand_idle_connections_do_not_keep_a_report_from_being_served() {
	allow_open_files(4096);
	let setup = Setup::new(workload());
	let _agent = setup.start();
	let path = settled_window(&setup);
	// Slowloris: a thousand connections, each with the start of a request
	// head and nothing more, held open.
	let idle: Vec<TcpStream> = (0..1000)
		.map(|_| {
			let mut s = TcpStream::connect(("127.0.0.1", setup.port)).unwrap();
			s.write_all(b"GET /v1/report?agreement=7").unwrap();
			s
		})
		.collect();
	let asked = Instant::now();
	let (status, body) = signed_get(setup.port, &path, NODE).unwrap();
	let took = asked.elapsed();
	assert_eq!(status, 200, "{body}");
	assert!(took < Duration::from_secs(1), "answered after {took:?} with 1000 idle connections open");
	let (_, metrics) = http_get(setup.ops_port, "/metrics").unwrap();
	let evicted: u64 = metrics
		.lines()
		.find_map(|l| l.strip_prefix("qos_monitor_http_connections_evicted_total "))
		.unwrap()
		.parse()
		.unwrap();
	assert!(evicted >= 1000 + 1 - 512, "idle connections made room at the cap of 512: {evicted} evicted");
	drop(idle);
}

#[test]
fn a_header_that_never_ends_is_cut_off_and_an_overlong_url_refused() {
	let setup = Setup::new(workload());
	let _agent = setup.start();
	let mut slow = TcpStream::connect(("127.0.0.1", setup.port)).unwrap();
	slow.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
	slow.write_all(b"GET /v1/report?agreement=7&period=1 HTTP/1.1\r\nHost: x\r\n").unwrap();
	let started = Instant::now();
	let mut rest = Vec::new();
	// The server closes the connection once the header read timeout (5 s) passes.
	let _ = slow.read_to_end(&mut rest);
	let waited = started.elapsed();
	assert!(waited >= Duration::from_secs(4) && waited < Duration::from_secs(12), "closed after {waited:?}");

	let long = format!("/v1/report?agreement=7&period=1&from_ms=1&to_ms=2&pad={}", "x".repeat(3000));
	let (status, body) = http_get(setup.port, &long).unwrap();
	assert_eq!(status, 414, "{body}");
	assert!(body.contains("longer than 2048 bytes"), "{body}");
}

#[test]
fn sigterm_stops_it_cleanly_and_it_starts_again_on_its_data() {
	let setup = Setup::new(workload());
	let mut agent = setup.start();
	let path = settled_window(&setup);
	let (_, before) = signed_get(setup.port, &path, NODE).unwrap();
	// SAFETY: signalling our own child.
	assert_eq!(unsafe { libc::kill(agent.pid(), libc::SIGTERM) }, 0);
	let deadline = Instant::now() + Duration::from_secs(10);
	let status = loop {
		if let Some(status) = agent.0.try_wait().unwrap() {
			break status;
		}
		assert!(Instant::now() < deadline, "still running 10 s after SIGTERM");
		std::thread::sleep(Duration::from_millis(50));
	};
	assert!(status.success(), "SIGTERM is a clean stop, exit 0: {status:?}");
	let log = fs::read_to_string(setup.dir.path().join("agent.log")).unwrap();
	assert!(log.contains("SIGTERM: stopping"), "{log}");
	// Another sampling interval on the same samples would change served reports.
	let other_interval = refused(&setup.config(), &["--sampling-interval-ms", "500", "--probe-timeout-ms", "100"]);
	assert!(other_interval.contains("were taken every 200 ms"), "{other_interval}");
	let _again = setup.start();
	assert_eq!(signed_get(setup.port, &path, NODE).unwrap().1, before, "the same report after a clean restart");
}

/// Unmounts a test's filesystem, even when the test fails.
struct Mounted(PathBuf);

impl Drop for Mounted {
	fn drop(&mut self) {
		let _ = Command::new("umount").arg("-l").arg(&self.0).status();
	}
}

/// Polls `probe` every 100 ms until it is true; false after `within`.
fn eventually(within: Duration, mut probe: impl FnMut() -> bool) -> bool {
	let deadline = Instant::now() + within;
	while Instant::now() < deadline {
		if probe() {
			return true;
		}
		std::thread::sleep(Duration::from_millis(100));
	}
	false
}

fn samples_taken(setup: &Setup) -> u64 {
	let (_, metrics) = http_get(setup.ops_port, "/metrics").unwrap();
	metrics.lines().find_map(|l| l.strip_prefix("qos_monitor_samples_taken_total ")).unwrap().parse().unwrap()
}

#[test]
fn a_full_disk_is_recovered_from_without_a_restart() {
	let setup = Setup::new(workload());
	// The data directory on a 4-MiB filesystem of its own.
	// Checkpoints every second: each one needs space in the database, while
	// the journal's preallocated file takes samples with the disk full.
	let config = fs::read_to_string(setup.config()).unwrap();
	fs::write(
		setup.config(),
		config.replace("retention_hours = 25\n", "retention_hours = 25\ncheckpoint_interval_s = 1\n"),
	)
	.unwrap();
	let data = setup.dir.path().join("data");
	fs::create_dir_all(&data).unwrap();
	let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs"]).arg(&data).status();
	if !matches!(mounted, Ok(status) if status.success()) {
		eprintln!("skipped: mounting a tmpfs needs root");
		return;
	}
	let _mounted = Mounted(data.clone());
	let mut agent = setup.start();
	let path = settled_window(&setup);
	let (_, before) = signed_get(setup.port, &path, NODE).unwrap();

	// The disk fills up: health says so in words, and what is stored is still served.
	let filler = data.join("filler");
	{
		let mut file = fs::File::create(&filler).unwrap();
		let chunk = vec![0u8; 64 * 1024];
		while file.write_all(&chunk).is_ok() {}
	}
	let failing = eventually(
		Duration::from_secs(20),
		|| matches!(http_get(setup.ops_port, "/healthz"), Some((503, body)) if body.contains("store_failing") && body.contains("No space left")),
	);
	assert!(failing, "healthz never said the store is failing");
	// (A request that meets the store while it reopens gets a 5xx and retries, as an accounting node does.)
	let served = eventually(Duration::from_secs(3), || {
		signed_get(setup.port, &path, NODE).is_some_and(|(_, body)| body == before)
	});
	assert!(served, "a stored window is still served");

	// Space returns: the same process stores samples again.
	fs::remove_file(&filler).unwrap();
	assert!(eventually(Duration::from_secs(20), || http_get(setup.ops_port, "/healthz").map(|r| r.0) == Some(200)));
	let taken = samples_taken(&setup);
	assert!(eventually(Duration::from_secs(5), || samples_taken(&setup) > taken + 3), "sampling did not resume");
	assert!(agent.0.try_wait().unwrap().is_none(), "the monitor restarted or died instead of recovering");
}

fn metric(setup: &Setup, name: &str) -> u64 {
	let (_, metrics) = http_get(setup.ops_port, "/metrics").unwrap();
	metrics.lines().find_map(|l| l.strip_prefix(&format!("{name} "))).map_or(0, |v| v.parse().unwrap())
}

#[test]
fn only_listed_keys_get_reports_and_sighup_reloads_the_list() {
	let setup = Setup::new(workload());
	let agent = setup.start();
	let path = settled_window(&setup);
	let reason = |answer: Option<(u16, String)>| {
		let (status, body) = answer.unwrap();
		assert_eq!(status, 401, "{body}");
		serde_json::from_str::<serde_json::Value>(&body).unwrap()["reason"].as_str().unwrap().to_owned()
	};
	// Whoever reaches the port: no signature, or a key of its own.
	assert_eq!(reason(http_get(setup.port, &path)), "unsigned");
	assert_eq!(reason(signed_get(setup.port, &path, 2)), "unknown_key");
	assert_eq!(metric(&setup, "qos_monitor_authorized_accounting_keys"), 1);

	// The validator set changes: node 2 joins, node 1 leaves; the file is rewritten and the monitor told.
	let hangup = |agent: &Agent| {
		// SAFETY: signalling our own child.
		assert_eq!(unsafe { libc::kill(agent.pid(), libc::SIGHUP) }, 0);
	};
	fs::write(setup.authorized_keys(), authorized_keys(&[2])).unwrap();
	hangup(&agent);
	// Waiting on the reload itself: a request polled meanwhile would be refused, and counted.
	assert!(eventually(Duration::from_secs(5), || metric(&setup, "qos_monitor_authorized_keys_reloads_total") == 1));
	assert_eq!(signed_get(setup.port, &path, 2).map(|r| r.0), Some(200));
	assert_eq!(reason(signed_get(setup.port, &path, NODE)), "unknown_key");
	assert_eq!(metric(&setup, "qos_monitor_authorized_accounting_keys"), 1);

	// A half-written file on reload keeps the keys in force, and the monitor running.
	fs::write(setup.authorized_keys(), "{\"agreement\": 7, \"accounting_keys\": [").unwrap();
	hangup(&agent);
	assert!(
		eventually(Duration::from_secs(5), || metric(&setup, "qos_monitor_authorized_keys_reload_failures_total") == 1)
	);
	assert_eq!(signed_get(setup.port, &path, 2).map(|r| r.0), Some(200));
	assert_eq!(metric(&setup, "qos_monitor_authorized_keys_reloads_total"), 1);
	let log = fs::read_to_string(setup.dir.path().join("agent.log")).unwrap();
	assert!(log.contains("the keys loaded before stay in force"), "{log}");
	assert_eq!(metric(&setup, "qos_monitor_report_requests_unauthorized_total{reason=\"unknown_key\"}"), 2);
}
