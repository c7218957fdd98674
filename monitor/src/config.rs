//! Configuration: a TOML file, every field of which a command-line flag can
//! override. [`Config::resolve`] validates the result and names the first
//! problem it finds; the monitor refuses to start on any of them.
//!
//! ```toml
//! listen = "0.0.0.0:9616"              # reports, for the accounting nodes
//! operations_listen = "127.0.0.1:9617"  # /healthz and /metrics, for the operator
//! max_connections = 512
//! agreement = 1
//! instance = 0
//! key_file = "/etc/qos-monitor/key.hex"
//! authorized_keys = "/etc/qos-monitor/authorized-keys.json"  # who may ask (`qos monitor-keys`); reread on SIGHUP
//! data_dir = "/var/lib/qos-monitor"
//! sampling_interval_ms = 1000
//! retention_hours = 168
//! measure_cgroup = "/"                   # the whole instance; "self"; or "/system.slice/app.service"
//! checkpoint_interval_s = 600            # journal copied into the database this often
//!
//! [probe]
//! target = "http://127.0.0.1:8080/healthz"   # or "tcp://127.0.0.1:5432"
//! timeout_ms = 800                       # below the sampling interval and REPORT_SETTLE_MS
//!
//! [network]
//! include = []                           # only these interfaces (default: the physical ones)
//! exclude = []                           # never these
//! ```

use std::{fmt, net::SocketAddr, path::PathBuf};

use clap::{Args, Parser};
use qos_primitives::{AgreementId, InstanceId, MAX_REPORT_WINDOW_MS, REPORT_SETTLE_MS};
use serde::Deserialize;

use crate::system::{InterfaceSelection, MeasuredCgroup};

/// Default address the report API listens on.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:9616";
/// Default address of `/healthz` and `/metrics`: this host only.
pub const DEFAULT_OPERATIONS_LISTEN: &str = "127.0.0.1:9617";
/// Default cap on open connections to the report API.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Fewest and most connections the cap may be set to (the most stays well
/// under the process's descriptor limit, which the monitor raises to 4096).
pub const MAX_CONNECTIONS_RANGE: std::ops::RangeInclusive<usize> = 16..=3072;
/// Default sampling interval.
pub const DEFAULT_SAMPLING_INTERVAL_MS: u64 = 1_000;
/// Shortest sampling interval accepted.
pub const MIN_SAMPLING_INTERVAL_MS: u64 = 100;
/// Longest sampling interval accepted.
pub const MAX_SAMPLING_INTERVAL_MS: u64 = 60_000;
/// Default probe timeout: at most this, and always below the sampling interval.
pub const DEFAULT_PROBE_TIMEOUT_MS: u64 = 2_000;
/// Default retention: one week.
pub const DEFAULT_RETENTION_HOURS: u64 = 168;
/// Shortest retention accepted: a whole longest window must still be servable
/// once it has settled.
pub const MIN_RETENTION_HOURS: u64 = (MAX_REPORT_WINDOW_MS + REPORT_SETTLE_MS).div_ceil(3_600_000);
/// Default time between checkpoints of the sample journal, in seconds.
pub const DEFAULT_CHECKPOINT_INTERVAL_S: u64 = crate::sampler::DEFAULT_CHECKPOINT_INTERVAL_MS / 1000;
/// Accepted checkpoint intervals, in seconds (the journal holds an hour at most).
pub const CHECKPOINT_INTERVAL_RANGE_S: std::ops::RangeInclusive<u64> = 1..=3600;
/// Longest retention accepted (about a year of samples at 1 s is ~2 GiB).
pub const MAX_RETENTION_HOURS: u64 = 24 * 366;

/// Command line of `qos-monitor`.
#[derive(Parser, Debug, Default)]
#[command(
	name = "qos-monitor",
	version,
	about = "qos-ledger monitor agent: samples this instance and serves HMAC-tagged QoS reports"
)]
pub struct Cli {
	/// TOML configuration file; the flags below override its fields.
	#[arg(long, short = 'c', value_name = "FILE")]
	pub config: Option<PathBuf>,
	#[command(flatten)]
	pub overrides: Overrides,
}

/// Flags that override fields of the configuration file.
#[derive(Args, Debug, Default, Clone)]
pub struct Overrides {
	/// Address the report API listens on [default: 0.0.0.0:9616].
	#[arg(long, value_name = "ADDR")]
	pub listen: Option<String>,
	/// Address of /healthz and /metrics [default: 127.0.0.1:9617].
	#[arg(long, value_name = "ADDR")]
	pub operations_listen: Option<String>,
	/// Most open connections to the report API; idle ones are closed first [default: 512].
	#[arg(long, value_name = "N")]
	pub max_connections: Option<usize>,
	/// Agreement this monitor reports for.
	#[arg(long)]
	pub agreement: Option<AgreementId>,
	/// Instance id of this VM or container within the service.
	#[arg(long)]
	pub instance: Option<InstanceId>,
	/// File holding the client's 32-byte key in hex (mode 0600 or stricter).
	#[arg(long, value_name = "FILE")]
	pub key_file: Option<PathBuf>,
	/// The accounting nodes' and the parties' keys (`qos monitor-keys` writes
	/// it); read again on SIGHUP.
	#[arg(long, value_name = "FILE")]
	pub authorized_keys: Option<PathBuf>,
	/// Directory for the sample store.
	#[arg(long, value_name = "DIR")]
	pub data_dir: Option<PathBuf>,
	/// Sampling interval in milliseconds [default: 1000].
	#[arg(long, value_name = "MS")]
	pub sampling_interval_ms: Option<u64>,
	/// Hours of samples kept [default: 168].
	#[arg(long, value_name = "HOURS")]
	pub retention_hours: Option<u64>,
	/// Workload probe: `http://host[:port][/path]`, `tcp://host:port` or `host:port`.
	#[arg(long, value_name = "TARGET")]
	pub probe_target: Option<String>,
	/// Probe timeout in milliseconds [default: 2000, or less to stay below the
	/// sampling interval]; below the interval and REPORT_SETTLE_MS.
	#[arg(long, value_name = "MS")]
	pub probe_timeout_ms: Option<u64>,
	/// The cgroup that is the instance: `/` (the whole VM or container, the
	/// default), `self` (the monitor's own) or a path such as `/system.slice/app.service`.
	#[arg(long, value_name = "CGROUP")]
	pub measure_cgroup: Option<String>,
	/// Seconds between two copies of the sample journal into the database
	/// [default: 300]: shorter writes more to disk, longer keeps more in the journal.
	#[arg(long, value_name = "SECONDS")]
	pub checkpoint_interval_s: Option<u64>,
}

/// The configuration file.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
	pub listen: Option<String>,
	pub operations_listen: Option<String>,
	pub max_connections: Option<usize>,
	pub agreement: Option<AgreementId>,
	pub instance: Option<InstanceId>,
	pub key_file: Option<PathBuf>,
	pub authorized_keys: Option<PathBuf>,
	pub data_dir: Option<PathBuf>,
	pub sampling_interval_ms: Option<u64>,
	pub retention_hours: Option<u64>,
	pub measure_cgroup: Option<String>,
	pub checkpoint_interval_s: Option<u64>,
	#[serde(default)]
	pub probe: FileProbe,
	#[serde(default)]
	pub network: FileNetwork,
}

/// The `[network]` table of the configuration file.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct FileNetwork {
	#[serde(default)]
	pub include: Vec<String>,
	#[serde(default)]
	pub exclude: Vec<String>,
}

/// The `[probe]` table of the configuration file.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct FileProbe {
	pub target: Option<String>,
	pub timeout_ms: Option<u64>,
}

/// What the probe connects to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeTarget {
	/// `GET path` over plain HTTP/1.1; success is a 2xx status.
	Http { host: String, port: u16, path: String },
	/// A TCP connect; success is an established connection.
	Tcp { host: String, port: u16 },
}

impl fmt::Display for ProbeTarget {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			ProbeTarget::Http { host, port, path } => write!(f, "http://{host}:{port}{path}"),
			ProbeTarget::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
		}
	}
}

impl ProbeTarget {
	/// Parses `http://host[:port][/path]`, `tcp://host:port` or `host:port`.
	pub fn parse(target: &str) -> Result<Self, ConfigError> {
		let bad = |reason: &'static str| ConfigError::ProbeTarget { target: target.to_string(), reason };
		if let Some(rest) = target.strip_prefix("http://") {
			let (authority, path) = match rest.find('/') {
				Some(i) => (&rest[..i], &rest[i..]),
				None => (rest, "/"),
			};
			if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
				return Err(bad("the path must not contain spaces or control characters"));
			}
			let (host, port) = split_host_port(authority, Some(80)).map_err(bad)?;
			Ok(ProbeTarget::Http { host, port, path: path.to_string() })
		} else if target.starts_with("https://") {
			Err(bad("https is not supported; probe the workload's plain-HTTP port or use tcp://host:port"))
		} else if target.contains("://") && !target.starts_with("tcp://") {
			Err(bad("unsupported scheme; use http://host[:port][/path] or tcp://host:port"))
		} else {
			let authority = target.strip_prefix("tcp://").unwrap_or(target);
			let (host, port) = split_host_port(authority, None).map_err(bad)?;
			Ok(ProbeTarget::Tcp { host, port })
		}
	}
}

fn split_host_port(authority: &str, default_port: Option<u16>) -> Result<(String, u16), &'static str> {
	if authority.contains('@') {
		return Err("credentials in the URL are not supported");
	}
	// `[v6addr]:port` or `host:port` or (HTTP only) `host`.
	let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
		let end = rest.find(']').ok_or("unterminated [IPv6] address")?;
		let port = rest[end + 1..].strip_prefix(':');
		(&rest[..end], port)
	} else {
		match authority.rsplit_once(':') {
			Some((h, p)) => (h, Some(p)),
			None => (authority, None),
		}
	};
	if host.is_empty() {
		return Err("missing host");
	}
	let port = match (port, default_port) {
		(Some(p), _) => p.parse::<u16>().ok().filter(|p| *p != 0).ok_or("the port must be 1-65535")?,
		(None, Some(d)) => d,
		(None, None) => return Err("expected host:port"),
	};
	Ok((host.to_string(), port))
}

/// The probe's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeConfig {
	pub target: ProbeTarget,
	pub timeout_ms: u64,
}

/// A validated configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
	pub listen: SocketAddr,
	pub operations_listen: SocketAddr,
	pub max_connections: usize,
	pub agreement: AgreementId,
	pub instance: InstanceId,
	pub key_file: PathBuf,
	pub authorized_keys: PathBuf,
	pub data_dir: PathBuf,
	pub sampling_interval_ms: u64,
	pub retention_ms: u64,
	pub checkpoint_interval_ms: u64,
	pub probe: ProbeConfig,
	pub measure_cgroup: MeasuredCgroup,
	pub interfaces: InterfaceSelection,
}

/// Why a configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
	/// The configuration file could not be read.
	#[error("cannot read config file {path}: {reason}")]
	Unreadable { path: String, reason: String },
	/// The configuration file is not valid TOML of the expected shape.
	#[error("config file {path}: {reason}")]
	Syntax { path: String, reason: String },
	/// A required field is neither in the file nor on the command line.
	#[error("missing `{field}`: set it in the config file or pass --{flag}")]
	Missing { field: &'static str, flag: &'static str },
	/// A listen address is not an IP:port address.
	#[error("{field} {value:?} is not an IP:port address")]
	Listen { field: &'static str, value: String },
	/// Both listeners on one address.
	#[error("listen and operations_listen are both {0}: the operations listener needs its own address")]
	SameListeners(SocketAddr),
	/// The connection cap is out of range.
	#[error(
		"max_connections = {0} is outside {min}..={max}",
		min = MAX_CONNECTIONS_RANGE.start(),
		max = MAX_CONNECTIONS_RANGE.end()
	)]
	MaxConnections(usize),
	/// The sampling interval is out of range.
	#[error("sampling_interval_ms = {0} is outside {MIN_SAMPLING_INTERVAL_MS}..={MAX_SAMPLING_INTERVAL_MS}")]
	SamplingInterval(u64),
	/// The retention cannot keep a whole window servable.
	#[error(
		"retention_hours = {0} is outside {MIN_RETENTION_HOURS}..={MAX_RETENTION_HOURS} \
		 (a whole {window_hours}-hour window must stay servable after it settles)",
		window_hours = MAX_REPORT_WINDOW_MS / 3_600_000
	)]
	Retention(u64),
	/// The checkpoint interval is out of range.
	#[error("checkpoint_interval_s = {0} is out of range 1..=3600")]
	CheckpointInterval(u64),
	/// The probe target cannot be used.
	#[error("probe target {target:?}: {reason}")]
	ProbeTarget { target: String, reason: &'static str },
	/// The probe timeout is out of range.
	#[error(
		"probe.timeout_ms = {0} must be between 1 and {max_timeout} (below REPORT_SETTLE_MS = {REPORT_SETTLE_MS}, \
		 so every sample of a window is stored before its report is served)",
		max_timeout = REPORT_SETTLE_MS - 1
	)]
	ProbeTimeout(u64),
	/// The probe timeout is not below the sampling interval: a slow probe
	/// would overlap the next tick.
	#[error(
		"probe.timeout_ms = {timeout_ms} must be below sampling_interval_ms = {interval_ms}, \
		 so every tick gets its own probe"
	)]
	ProbeTimeoutVsInterval { timeout_ms: u64, interval_ms: u64 },
	/// The cgroup to measure is not `/`, `self` or an absolute path.
	#[error(
		"measure_cgroup {0:?} must be \"/\" (the whole instance), \"self\" or an absolute cgroup path without \"..\""
	)]
	MeasureCgroup(String),
	/// An interface name that cannot be one.
	#[error("network interface name {0:?} is not a valid name")]
	Interface(String),
}

impl Config {
	/// Reads the file named by `--config` (if any), applies the overrides and validates.
	pub fn load(cli: &Cli) -> Result<Config, ConfigError> {
		let file = match &cli.config {
			Some(path) => {
				let text = std::fs::read_to_string(path)
					.map_err(|e| ConfigError::Unreadable { path: path.display().to_string(), reason: e.to_string() })?;
				parse_file(&text).map_err(|reason| ConfigError::Syntax { path: path.display().to_string(), reason })?
			},
			None => FileConfig::default(),
		};
		Config::resolve(file, &cli.overrides)
	}

	/// Merges `file` and `overrides` (overrides win) and validates the result.
	pub fn resolve(file: FileConfig, o: &Overrides) -> Result<Config, ConfigError> {
		let missing = |field: &'static str, flag: &'static str| ConfigError::Missing { field, flag };
		let address = |field: &'static str, value: String| {
			value.parse::<SocketAddr>().map_err(|_| ConfigError::Listen { field, value: value.clone() })
		};
		let listen = address("listen", o.listen.clone().or(file.listen).unwrap_or_else(|| DEFAULT_LISTEN.into()))?;
		let operations_listen = address(
			"operations_listen",
			o.operations_listen.clone().or(file.operations_listen).unwrap_or_else(|| DEFAULT_OPERATIONS_LISTEN.into()),
		)?;
		if listen == operations_listen {
			return Err(ConfigError::SameListeners(listen));
		}
		let max_connections = o.max_connections.or(file.max_connections).unwrap_or(DEFAULT_MAX_CONNECTIONS);
		if !MAX_CONNECTIONS_RANGE.contains(&max_connections) {
			return Err(ConfigError::MaxConnections(max_connections));
		}
		let agreement = o.agreement.or(file.agreement).ok_or_else(|| missing("agreement", "agreement"))?;
		let instance = o.instance.or(file.instance).ok_or_else(|| missing("instance", "instance"))?;
		let key_file = o.key_file.clone().or(file.key_file).ok_or_else(|| missing("key_file", "key-file"))?;
		let authorized_keys = o
			.authorized_keys
			.clone()
			.or(file.authorized_keys)
			.ok_or_else(|| missing("authorized_keys", "authorized-keys"))?;
		let data_dir = o.data_dir.clone().or(file.data_dir).ok_or_else(|| missing("data_dir", "data-dir"))?;

		let sampling_interval_ms =
			o.sampling_interval_ms.or(file.sampling_interval_ms).unwrap_or(DEFAULT_SAMPLING_INTERVAL_MS);
		if !(MIN_SAMPLING_INTERVAL_MS..=MAX_SAMPLING_INTERVAL_MS).contains(&sampling_interval_ms) {
			return Err(ConfigError::SamplingInterval(sampling_interval_ms));
		}
		let retention_hours = o.retention_hours.or(file.retention_hours).unwrap_or(DEFAULT_RETENTION_HOURS);
		if !(MIN_RETENTION_HOURS..=MAX_RETENTION_HOURS).contains(&retention_hours) {
			return Err(ConfigError::Retention(retention_hours));
		}

		let checkpoint_interval_s =
			o.checkpoint_interval_s.or(file.checkpoint_interval_s).unwrap_or(DEFAULT_CHECKPOINT_INTERVAL_S);
		if !CHECKPOINT_INTERVAL_RANGE_S.contains(&checkpoint_interval_s) {
			return Err(ConfigError::CheckpointInterval(checkpoint_interval_s));
		}
		let target_text =
			o.probe_target.clone().or(file.probe.target).ok_or_else(|| missing("probe.target", "probe-target"))?;
		let target = ProbeTarget::parse(&target_text)?;
		let timeout_ms = match o.probe_timeout_ms.or(file.probe.timeout_ms) {
			Some(ms) => ms,
			// By default the longest that still leaves a fifth of each interval.
			None => DEFAULT_PROBE_TIMEOUT_MS.min(sampling_interval_ms * 4 / 5),
		};
		if timeout_ms == 0 || timeout_ms >= REPORT_SETTLE_MS {
			return Err(ConfigError::ProbeTimeout(timeout_ms));
		}
		if timeout_ms >= sampling_interval_ms {
			return Err(ConfigError::ProbeTimeoutVsInterval { timeout_ms, interval_ms: sampling_interval_ms });
		}
		let measure_text = o.measure_cgroup.clone().or(file.measure_cgroup).unwrap_or_else(|| "/".into());
		let measure_cgroup =
			MeasuredCgroup::parse(&measure_text).ok_or_else(|| ConfigError::MeasureCgroup(measure_text.clone()))?;
		let FileNetwork { include, exclude } = file.network;
		// Linux interface names: 1 to 15 bytes, no '/', no white space.
		if let Some(bad) = include
			.iter()
			.chain(&exclude)
			.find(|n| n.is_empty() || n.len() > 15 || n.contains('/') || n.chars().any(char::is_whitespace))
		{
			return Err(ConfigError::Interface(bad.clone()));
		}

		Ok(Config {
			listen,
			operations_listen,
			max_connections,
			agreement,
			instance,
			key_file,
			authorized_keys,
			data_dir,
			sampling_interval_ms,
			retention_ms: retention_hours * 3_600_000,
			checkpoint_interval_ms: checkpoint_interval_s * 1000,
			probe: ProbeConfig { target, timeout_ms },
			measure_cgroup,
			interfaces: InterfaceSelection { include, exclude },
		})
	}
}

/// Parses the TOML configuration file; the error is the parser's message.
pub fn parse_file(text: &str) -> Result<FileConfig, String> {
	toml::from_str(text).map_err(|e| e.message().to_string())
}

#[cfg(test)]
mod tests {
	use super::*;

	const FULL: &str = r#"
listen = "127.0.0.1:9700"
operations_listen = "127.0.0.1:9701"
max_connections = 64
agreement = 7
instance = 2
key_file = "/etc/qos/key.hex"
authorized_keys = "/etc/qos/authorized-keys.json"
data_dir = "/var/lib/qos"
sampling_interval_ms = 500
retention_hours = 48
measure_cgroup = "/system.slice/app.service"

[probe]
target = "http://localhost:8080/health"
timeout_ms = 400

[network]
include = ["eth0", "ens5"]
exclude = ["docker0"]
"#;

	fn minimal() -> FileConfig {
		parse_file(
			"agreement = 1\ninstance = 0\nkey_file = \"k\"\nauthorized_keys = \"a\"\ndata_dir = \"d\"\n[probe]\ntarget = \"127.0.0.1:80\"\n",
		)
		.unwrap()
	}

	fn err(file: FileConfig, o: &Overrides) -> String {
		Config::resolve(file, o).unwrap_err().to_string()
	}

	#[test]
	fn full_file_is_read_field_by_field() {
		let c = Config::resolve(parse_file(FULL).unwrap(), &Overrides::default()).unwrap();
		assert_eq!(c.listen, "127.0.0.1:9700".parse().unwrap());
		assert_eq!(c.operations_listen, "127.0.0.1:9701".parse().unwrap());
		assert_eq!(c.max_connections, 64);
		assert_eq!((c.agreement, c.instance), (7, 2));
		assert_eq!(c.key_file, PathBuf::from("/etc/qos/key.hex"));
		assert_eq!(c.authorized_keys, PathBuf::from("/etc/qos/authorized-keys.json"));
		assert_eq!(c.data_dir, PathBuf::from("/var/lib/qos"));
		assert_eq!(c.sampling_interval_ms, 500);
		assert_eq!(c.retention_ms, 48 * 3_600_000);
		assert_eq!(
			c.probe,
			ProbeConfig {
				target: ProbeTarget::Http { host: "localhost".into(), port: 8080, path: "/health".into() },
				timeout_ms: 400
			}
		);
		assert_eq!(c.measure_cgroup, MeasuredCgroup::Path("/system.slice/app.service".into()));
		assert_eq!(
			c.interfaces,
			InterfaceSelection { include: vec!["eth0".into(), "ens5".into()], exclude: vec!["docker0".into()] }
		);
	}

	#[test]
	fn defaults_apply_to_optional_fields() {
		let c = Config::resolve(minimal(), &Overrides::default()).unwrap();
		assert_eq!(c.listen, DEFAULT_LISTEN.parse().unwrap());
		assert_eq!(c.operations_listen, DEFAULT_OPERATIONS_LISTEN.parse().unwrap());
		assert!(c.operations_listen.ip().is_loopback(), "health and metrics stay on this host unless asked");
		assert_eq!(c.max_connections, DEFAULT_MAX_CONNECTIONS);
		assert_eq!(c.sampling_interval_ms, 1_000);
		assert_eq!(c.retention_ms, 168 * 3_600_000);
		assert_eq!(c.probe.timeout_ms, 800, "four fifths of the 1-s interval");
		assert_eq!(c.probe.target, ProbeTarget::Tcp { host: "127.0.0.1".into(), port: 80 });
		assert_eq!(c.measure_cgroup, MeasuredCgroup::Instance, "the whole instance, not the monitor's cgroup");
		assert_eq!(c.interfaces, InterfaceSelection::default());
		let slow = Overrides { sampling_interval_ms: Some(10_000), ..Default::default() };
		assert_eq!(Config::resolve(minimal(), &slow).unwrap().probe.timeout_ms, DEFAULT_PROBE_TIMEOUT_MS);
	}

	#[test]
	fn a_probe_timeout_must_leave_every_tick_its_own_probe() {
		let o = Overrides { sampling_interval_ms: Some(500), probe_timeout_ms: Some(500), ..Default::default() };
		assert!(err(minimal(), &o).contains("probe.timeout_ms = 500 must be below sampling_interval_ms = 500"));
		let o = Overrides { sampling_interval_ms: Some(500), probe_timeout_ms: Some(499), ..Default::default() };
		assert!(Config::resolve(minimal(), &o).is_ok());
	}

	#[test]
	fn the_measured_cgroup_and_interfaces_are_checked() {
		let o = Overrides { measure_cgroup: Some("self".into()), ..Default::default() };
		assert_eq!(Config::resolve(minimal(), &o).unwrap().measure_cgroup, MeasuredCgroup::Own);
		for bad in ["relative/path", "/a/../b", ""] {
			let o = Overrides { measure_cgroup: Some(bad.into()), ..Default::default() };
			assert!(err(minimal(), &o).contains("measure_cgroup"), "{bad:?}");
		}
		let text =
			"agreement = 1\ninstance = 0\nkey_file = \"k\"\nauthorized_keys = \"a\"\ndata_dir = \"d\"\n[probe]\ntarget = \"127.0.0.1:80\"\n";
		for bad in ["", "a/b", "sixteen-letters!", "et h0"] {
			let file = parse_file(&format!("{text}[network]\ninclude = [{bad:?}]\n")).unwrap();
			assert!(err(file, &Overrides::default()).contains("network interface name"), "{bad:?}");
		}
	}

	#[test]
	fn command_line_overrides_the_file() {
		let cli = Cli::try_parse_from([
			"qos-monitor",
			"--config",
			"ignored.toml",
			"--listen",
			"127.0.0.1:1",
			"--agreement",
			"9",
			"--instance",
			"3",
			"--key-file",
			"/k2",
			"--data-dir",
			"/d2",
			"--sampling-interval-ms",
			"2000",
			"--retention-hours",
			"30",
			"--probe-target",
			"tcp://[::1]:22",
			"--probe-timeout-ms",
			"100",
			"--measure-cgroup",
			"self",
		])
		.unwrap();
		let c = Config::resolve(parse_file(FULL).unwrap(), &cli.overrides).unwrap();
		assert_eq!(c.listen, "127.0.0.1:1".parse().unwrap());
		assert_eq!((c.agreement, c.instance), (9, 3));
		assert_eq!((c.key_file.to_str(), c.data_dir.to_str()), (Some("/k2"), Some("/d2")));
		assert_eq!((c.sampling_interval_ms, c.retention_ms), (2000, 30 * 3_600_000));
		assert_eq!(c.probe, ProbeConfig { target: ProbeTarget::Tcp { host: "::1".into(), port: 22 }, timeout_ms: 100 });
		assert_eq!(c.measure_cgroup, MeasuredCgroup::Own);
	}

	#[test]
	fn probe_timeout_must_stay_below_the_settle_time() {
		let slow = |timeout| Overrides {
			sampling_interval_ms: Some(10_000),
			probe_timeout_ms: Some(timeout),
			..Default::default()
		};
		assert!(err(minimal(), &slow(REPORT_SETTLE_MS)).contains("probe.timeout_ms = 5000"));
		assert!(err(minimal(), &slow(0)).contains("probe.timeout_ms = 0"));
		assert!(Config::resolve(minimal(), &slow(REPORT_SETTLE_MS - 1)).is_ok());
	}

	#[test]
	fn out_of_range_numbers_are_refused() {
		let o = Overrides { sampling_interval_ms: Some(99), ..Default::default() };
		assert!(err(minimal(), &o).contains("sampling_interval_ms = 99"));
		let o = Overrides { sampling_interval_ms: Some(60_001), ..Default::default() };
		assert!(err(minimal(), &o).contains("sampling_interval_ms = 60001"));
		let o = Overrides { retention_hours: Some(MIN_RETENTION_HOURS - 1), ..Default::default() };
		assert!(err(minimal(), &o).contains("retention_hours"));
		let o = Overrides { retention_hours: Some(MAX_RETENTION_HOURS + 1), ..Default::default() };
		assert!(err(minimal(), &o).contains("retention_hours"));
		let o = Overrides { listen: Some("localhost".into()), ..Default::default() };
		assert!(err(minimal(), &o).contains("listen"));
		let o = Overrides { operations_listen: Some("9617".into()), ..Default::default() };
		assert!(err(minimal(), &o).contains("operations_listen \"9617\" is not an IP:port address"));
		let o = Overrides { listen: Some("127.0.0.1:9617".into()), ..Default::default() };
		assert!(err(minimal(), &o).contains("needs its own address"));
		let o = Overrides { checkpoint_interval_s: Some(0), ..Default::default() };
		assert!(err(minimal(), &o).contains("checkpoint_interval_s = 0 is out of range 1..=3600"));
		let o = Overrides { checkpoint_interval_s: Some(3601), ..Default::default() };
		assert!(err(minimal(), &o).contains("checkpoint_interval_s = 3601"));
		let o = Overrides { checkpoint_interval_s: Some(60), ..Default::default() };
		assert_eq!(Config::resolve(minimal(), &o).unwrap().checkpoint_interval_ms, 60_000);
		assert_eq!(Config::resolve(minimal(), &Overrides::default()).unwrap().checkpoint_interval_ms, 600_000);
		let o = Overrides { max_connections: Some(15), ..Default::default() };
		assert!(err(minimal(), &o).contains("max_connections = 15"));
		let o = Overrides { max_connections: Some(3073), ..Default::default() };
		assert!(err(minimal(), &o).contains("max_connections = 3073"));
	}

	#[test]
	fn every_required_field_is_named_when_missing() {
		for (field, line) in [
			("agreement", "agreement = 1\n"),
			("instance", "instance = 0\n"),
			("key_file", "key_file = \"k\"\n"),
			("authorized_keys", "authorized_keys = \"a\"\n"),
			("data_dir", "data_dir = \"d\"\n"),
		] {
			let text =
				"agreement = 1\ninstance = 0\nkey_file = \"k\"\nauthorized_keys = \"a\"\ndata_dir = \"d\"\n[probe]\ntarget = \"127.0.0.1:80\"\n"
					.replacen(line, "", 1);
			assert!(err(parse_file(&text).unwrap(), &Overrides::default()).contains(&format!("missing `{field}`")));
		}
		let no_probe =
			parse_file("agreement = 1\ninstance = 0\nkey_file = \"k\"\nauthorized_keys = \"a\"\ndata_dir = \"d\"\n")
				.unwrap();
		assert!(err(no_probe, &Overrides::default()).contains("missing `probe.target`"));
	}

	#[test]
	fn unknown_or_mistyped_fields_are_refused() {
		assert!(parse_file("agreemnt = 1").unwrap_err().contains("agreemnt"));
		assert!(parse_file("agreement = \"one\"").is_err());
		assert!(parse_file("[probe]\ntimeout = 3").unwrap_err().contains("timeout"));
	}

	#[test]
	fn probe_targets_parse() {
		assert_eq!(
			ProbeTarget::parse("http://127.0.0.1").unwrap(),
			ProbeTarget::Http { host: "127.0.0.1".into(), port: 80, path: "/".into() }
		);
		assert_eq!(
			ProbeTarget::parse("http://[::1]:8080/a?b=c").unwrap(),
			ProbeTarget::Http { host: "::1".into(), port: 8080, path: "/a?b=c".into() }
		);
		assert_eq!(
			ProbeTarget::parse("db.local:5432").unwrap(),
			ProbeTarget::Tcp { host: "db.local".into(), port: 5432 }
		);
		for bad in [
			"https://x/",
			"ftp://x:1",
			"tcp://x",
			"x",
			"http://:80/",
			"http://x:0/",
			"http://x:99999/",
			"http://u@x/",
			"http://x/a b",
		] {
			assert!(ProbeTarget::parse(bad).is_err(), "{bad} should be refused");
		}
	}
}
