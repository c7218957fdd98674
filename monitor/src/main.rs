//! `qos-monitor`: see the crate docs and monitor/README.md.

use std::{process::ExitCode, sync::Arc};

use clap::Parser;
use qos_monitor::{
	api::{self, ApiState, InFlight, Metrics},
	config::{Cli, Command, Config, ConfigError},
	info,
	key::{load_key, KeyError},
	now_ms,
	sampler::{synthetic_samples, Sampler},
	store::{Store, StoreError},
	system::SystemSource,
};

/// Why the monitor stopped or refused to start.
#[derive(Debug, thiserror::Error)]
enum MonitorError {
	#[error(transparent)]
	Config(#[from] ConfigError),
	#[error(transparent)]
	Key(#[from] KeyError),
	#[error(transparent)]
	Store(#[from] StoreError),
	#[error("cannot listen on {addr}: {reason}")]
	Listen { addr: std::net::SocketAddr, reason: String },
	#[error("cannot start the {0} thread: {1}")]
	Thread(&'static str, std::io::Error),
	#[error("the sampler stopped unexpectedly")]
	SamplerStopped,
	#[error("seed-synthetic needs from_ms < to_ms <= now")]
	SeedWindow,
}

/// Threads answering HTTP requests.
const HTTP_WORKERS: usize = 4;

fn main() -> ExitCode {
	let cli = Cli::parse();
	match run(cli) {
		Ok(()) => ExitCode::SUCCESS,
		Err(message) => {
			eprintln!("qos-monitor: error: {message}");
			ExitCode::FAILURE
		},
	}
}

fn run(cli: Cli) -> Result<(), MonitorError> {
	let config = Config::load(&cli)?;
	if let Some(Command::SeedSynthetic { from_ms, to_ms }) = cli.command {
		return seed(&config, from_ms, to_ms);
	}
	let key = load_key(&config.key_file)?;
	let store = Arc::new(Store::open(&config.data_dir)?);
	let metrics = Arc::new(Metrics::default());
	let in_flight = Arc::new(InFlight::default());
	let stored = store.len()?;

	let server = tiny_http::Server::http(config.listen)
		.map_err(|e| MonitorError::Listen { addr: config.listen, reason: e.to_string() })?;
	info!(
		"qos-monitor {} agreement {} instance {}: {} samples stored in {}; sampling every {} ms, probe {} (timeout {} ms), retention {} h",
		env!("CARGO_PKG_VERSION"),
		config.agreement,
		config.instance,
		stored,
		config.data_dir.display(),
		config.sampling_interval_ms,
		config.probe.target,
		config.probe.timeout_ms,
		config.retention_ms / 3_600_000,
	);
	info!("{}", SystemSource::new().describe());
	info!("listening on http://{}", server.server_addr());

	let sampler = Sampler::new(
		store.clone(),
		metrics.clone(),
		in_flight.clone(),
		config.probe.clone(),
		config.sampling_interval_ms,
		config.retention_ms,
	)?;
	let sampling = std::thread::Builder::new()
		.name("sampler".into())
		.spawn(move || sampler.run())
		.map_err(|e| MonitorError::Thread("sampler", e))?;

	let state = Arc::new(ApiState {
		agreement: config.agreement,
		instance: config.instance,
		sampling_interval_ms: config.sampling_interval_ms,
		retention_ms: config.retention_ms,
		key,
		store,
		metrics,
		in_flight,
		clock: Box::new(now_ms),
	});
	let server = Arc::new(server);
	for i in 0..HTTP_WORKERS {
		let (server, state) = (server.clone(), state.clone());
		std::thread::Builder::new()
			.name(format!("http-{i}"))
			.spawn(move || serve(&server, &state))
			.map_err(|e| MonitorError::Thread("HTTP worker", e))?;
	}
	// The sampler never returns; if it panics, the monitor must not go on serving stale data.
	let _ = sampling.join();
	Err(MonitorError::SamplerStopped)
}

fn serve(server: &tiny_http::Server, state: &ApiState) {
	while let Ok(request) = server.recv() {
		let method = request.method().as_str().to_string();
		let url = request.url().to_string();
		let response = api::handle(state, &method, &url);
		if url.starts_with("/v1/report") {
			let peer = request.remote_addr().map(|a| a.to_string()).unwrap_or_default();
			info!("{peer} {method} {url} -> {}", response.status);
		}
		let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], response.content_type.as_bytes())
			.expect("static header is valid");
		let _ = request.respond(
			tiny_http::Response::from_string(response.body).with_status_code(response.status).with_header(header),
		);
	}
}

fn seed(config: &Config, from_ms: u64, to_ms: u64) -> Result<(), MonitorError> {
	if from_ms >= to_ms || to_ms > now_ms() {
		return Err(MonitorError::SeedWindow);
	}
	let store = Store::open(&config.data_dir)?;
	let after = store.last()?.map_or(0, |s| s.ts_ms + 1);
	let samples = synthetic_samples(from_ms.max(after), to_ms, config.sampling_interval_ms);
	store.append(&samples)?;
	info!("seeded {} synthetic samples into {}", samples.len(), config.data_dir.display());
	Ok(())
}
