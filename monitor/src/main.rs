//! `qos-monitor`: see the crate docs and monitor/README.md.

use std::{
	process::ExitCode,
	sync::{atomic::AtomicBool, Arc},
};

use clap::Parser;
use qos_monitor::{
	api::{ApiState, InFlight},
	auth::{Authorizer, KeysFileError},
	config::{Cli, Config, ConfigError},
	key::{forbid_core_dumps, load_key, KeyError},
	log,
	metrics::Metrics,
	now_ms,
	sampler::Sampler,
	server::{self, Limits, Listener},
	store::{Store, StoreError},
	system::SystemSource,
};
use tokio::net::TcpListener;
use tracing::{info, warn};

/// Why the monitor stopped or refused to start.
#[derive(Debug, thiserror::Error)]
enum MonitorError {
	#[error(transparent)]
	Config(#[from] ConfigError),
	#[error(transparent)]
	Key(#[from] KeyError),
	#[error(transparent)]
	AuthorizedKeys(#[from] KeysFileError),
	#[error(transparent)]
	Store(#[from] StoreError),
	#[error("cannot listen on {addr}: {reason}")]
	Listen { addr: std::net::SocketAddr, reason: String },
	#[error("the {0:?} listener stopped: {1}")]
	ListenerDied(Listener, std::io::Error),
	#[error("cannot start the {0}: {1}")]
	Start(&'static str, std::io::Error),
	#[error("{0}")]
	MeasuredCgroup(String),
	#[error("the sampler stopped unexpectedly")]
	SamplerStopped,
}

/// Descriptors the monitor asks for (a soft limit of 1024 would cap the
/// connections it can hold open below the connection cap's maximum).
const WANTED_OPEN_FILES: u64 = 4096;

fn main() -> ExitCode {
	log::init();
	let cli = Cli::parse();
	match run(cli) {
		Ok(()) => ExitCode::SUCCESS,
		Err(message) => {
			tracing::error!("{message}");
			ExitCode::FAILURE
		},
	}
}

fn run(cli: Cli) -> Result<(), MonitorError> {
	let config = Config::load(&cli)?;
	if let Err(e) = forbid_core_dumps() {
		warn!("cannot turn core dumps off ({e}); the key could end up in a core file");
	}
	qos_monitor::server::raise_open_files_limit(WANTED_OPEN_FILES);
	let key = load_key(&config.key_file)?;
	let authorizer = Authorizer::load(&config.authorized_keys, config.agreement)?;
	info!("answering {} ({})", authorizer.keys().describe(), config.authorized_keys.display());
	let system = SystemSource::new().measuring(config.measure_cgroup.clone()).counting(config.interfaces.clone());
	system.check_measured_cgroup().map_err(MonitorError::MeasuredCgroup)?;
	let store = Arc::new(Store::open(&config.data_dir)?);
	store.bind_interval(config.sampling_interval_ms)?;
	let metrics = Arc::new(Metrics::new());
	metrics.accounting_keys.set(authorizer.keys().accounting.len() as i64);
	let in_flight = Arc::new(InFlight::default());
	info!(
		"qos-monitor {} agreement {} instance {}: {} samples stored in {}; sampling every {} ms, probe {} (timeout {} ms), retention {} h",
		env!("CARGO_PKG_VERSION"),
		config.agreement,
		config.instance,
		store.len()?,
		config.data_dir.display(),
		config.sampling_interval_ms,
		config.probe.target,
		config.probe.timeout_ms,
		config.retention_ms / 3_600_000,
	);
	info!("{}", system.describe());

	let sampler = Sampler::new(
		store.clone(),
		metrics.clone(),
		in_flight.clone(),
		system,
		config.probe.clone(),
		config.sampling_interval_ms,
		config.retention_ms,
	)?
	.checkpointing_every(config.checkpoint_interval_ms);
	let stop = Arc::new(AtomicBool::new(false));
	let (sampler_ended, sampler_end) = tokio::sync::oneshot::channel::<()>();
	let sampling = {
		let stop = stop.clone();
		std::thread::Builder::new()
			.name("sampler".into())
			.spawn(move || {
				sampler.run(&stop);
				let _ = sampler_ended.send(());
			})
			.map_err(|e| MonitorError::Start("sampler thread", e))?
	};

	let state = Arc::new(ApiState {
		agreement: config.agreement,
		instance: config.instance,
		sampling_interval_ms: config.sampling_interval_ms,
		retention_ms: config.retention_ms,
		key,
		authorizer,
		store,
		metrics,
		in_flight,
		clock: Box::new(now_ms),
	});
	// One thread for every connection; reports are computed on the blocking pool.
	let runtime = tokio::runtime::Builder::new_current_thread()
		.enable_all()
		.max_blocking_threads(4)
		.thread_name("qos-monitor-io")
		.build()
		.map_err(|e| MonitorError::Start("network runtime", e))?;
	let limits = Limits { max_connections: config.max_connections, ..Limits::default() };
	let operations_limits = Limits { max_connections: 64, ..Limits::default() };
	let outcome = runtime.block_on(async {
		let bind = |addr| async move {
			TcpListener::bind(addr).await.map_err(|e| MonitorError::Listen { addr, reason: e.to_string() })
		};
		let reports = bind(config.listen).await?;
		let operations = bind(config.operations_listen).await?;
		info!(
			"reports on http://{}, /healthz and /metrics on http://{}",
			reports.local_addr().map_err(|e| MonitorError::Start("report listener", e))?,
			operations.local_addr().map_err(|e| MonitorError::Start("operations listener", e))?
		);
		use tokio::signal::unix::{signal, SignalKind};
		let mut terminate =
			signal(SignalKind::terminate()).map_err(|e| MonitorError::Start("signal handler", e))?;
		let mut hangup = signal(SignalKind::hangup()).map_err(|e| MonitorError::Start("signal handler", e))?;
		let reloading = {
			let state = state.clone();
			async move {
				while hangup.recv().await.is_some() {
					reload_authorized_keys(&state);
				}
			}
		};
		tokio::pin!(reloading);
		tokio::select! {
			e = server::serve(reports, Listener::Reports, state.clone(), limits) => Err(MonitorError::ListenerDied(Listener::Reports, e)),
			e = server::serve(operations, Listener::Operations, state.clone(), operations_limits) => Err(MonitorError::ListenerDied(Listener::Operations, e)),
			_ = sampler_end => Err(MonitorError::SamplerStopped),
			_ = terminate.recv() => { info!("SIGTERM: stopping"); Ok(()) },
			_ = tokio::signal::ctrl_c() => { info!("SIGINT: stopping"); Ok(()) },
			_ = &mut reloading => Err(MonitorError::Start("SIGHUP handler", std::io::Error::other("signal stream ended"))),
		}
	});
	// Connections still open are dropped with the runtime; the sampler ends
	// its current sample, and the store closes cleanly when the last handle
	// goes, so the next start needs no repair.
	runtime.shutdown_timeout(std::time::Duration::from_secs(2));
	stop.store(true, std::sync::atomic::Ordering::SeqCst);
	sampling.thread().unpark();
	let _ = sampling.join();
	drop(state);
	outcome
}

/// SIGHUP: reads the authorized-keys file again; a file that does not load
/// leaves the keys in force (and says why).
fn reload_authorized_keys(state: &ApiState) {
	match state.authorizer.reload() {
		Ok(keys) => {
			state.metrics.accounting_keys.set(keys.accounting.len() as i64);
			state.metrics.keys_reloads.inc();
			info!("SIGHUP: authorized keys reloaded: {}", keys.describe());
		},
		Err(e) => {
			state.metrics.keys_reload_failures.inc();
			warn!("SIGHUP: {e}; the keys loaded before stay in force");
		},
	}
}
