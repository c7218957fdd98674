//! `qos-monitor-fleet`: thousands of virtual monitors in one process, for
//! load tests ([`qos_monitor::fleet`]). Register an instance's monitor URL
//! as `http://<listen>/m/<service>/<instance>`; `GET /stats` counts the
//! requests answered. Its client keys derive from the seed, which is given
//! on the command line: never use it for a real agreement.

use std::{collections::BTreeSet, convert::Infallible, net::SocketAddr, process::ExitCode, sync::Arc, time::Duration};

use clap::Parser;
use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request};
use hyper_util::rt::{TokioIo, TokioTimer};
use qos_monitor::{
	auth::{Credentials, PublicKey},
	fleet::{Fleet, FleetConfig},
	server::{raise_open_files_limit, to_hyper},
};

#[derive(Parser, Debug)]
#[command(name = "qos-monitor-fleet", about = "Serves many virtual qos-monitors for load tests")]
struct FleetCli {
	/// Address to listen on.
	#[arg(long)]
	listen: SocketAddr,
	/// 32 bytes, `0x` + 64 hex digits: the source of every client key and outage.
	#[arg(long, value_parser = parse_32_bytes)]
	seed: [u8; 32],
	/// An accounting node's `acct` key (sr25519 public, `0x` + 64 hex digits)
	/// whose signed requests are answered.
	#[arg(long = "accounting-key", value_parser = parse_32_bytes, required = true)]
	accounting_keys: Vec<PublicKey>,
	/// Share of (instance, 10-second slot) pairs during which the instance is down, in permille.
	#[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1000))]
	outage_permille: u16,
	/// Interval between two simulated samples, in ms.
	#[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..))]
	sampling_interval_ms: u64,
	/// vCPUs every instance reports, in thousandths of a vCPU.
	#[arg(long, default_value_t = 2_000)]
	vcpus_milli: u32,
	/// Memory every instance reports, in MiB.
	#[arg(long, default_value_t = 4_096)]
	memory_mib: u32,
}

fn parse_32_bytes(text: &str) -> Result<[u8; 32], String> {
	let digits = text.strip_prefix("0x").ok_or("expected 0x + 64 hex digits")?;
	let bytes = hex::decode(digits).map_err(|e| format!("not hex: {e}"))?;
	bytes.try_into().map_err(|_| "expected 32 bytes".to_owned())
}

/// A connection that sends nothing for this long is closed.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Descriptors asked for: an accounting node opens a thousand connections at once.
const WANTED_OPEN_FILES: u64 = 65_536;

fn main() -> ExitCode {
	qos_monitor::log::init();
	let cli = FleetCli::parse();
	raise_open_files_limit(WANTED_OPEN_FILES);
	let fleet = Arc::new(Fleet::new(FleetConfig {
		seed: cli.seed,
		accounting_keys: cli.accounting_keys.into_iter().collect::<BTreeSet<_>>(),
		outage_permille: cli.outage_permille,
		sampling_interval_ms: cli.sampling_interval_ms,
		vcpus_milli: cli.vcpus_milli,
		memory_mib: cli.memory_mib,
	}));
	let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(e) => {
			tracing::error!("cannot start the runtime: {e}");
			return ExitCode::FAILURE;
		},
	};
	let error = runtime.block_on(serve(cli.listen, fleet));
	tracing::error!("{error}");
	ExitCode::FAILURE
}

async fn serve(address: SocketAddr, fleet: Arc<Fleet>) -> std::io::Error {
	let listener = match tokio::net::TcpListener::bind(address).await {
		Ok(listener) => listener,
		Err(e) => return std::io::Error::new(e.kind(), format!("cannot listen on {address}: {e}")),
	};
	tracing::info!("qos-monitor-fleet listening on {address}");
	loop {
		let stream = match listener.accept().await {
			Ok((stream, _)) => stream,
			Err(e) if e.kind() == std::io::ErrorKind::ConnectionAborted => continue,
			Err(e) => {
				// Out of descriptors: wait for connections to close.
				tracing::warn!("accept: {e}");
				tokio::time::sleep(Duration::from_millis(50)).await;
				continue;
			},
		};
		let fleet = fleet.clone();
		tokio::spawn(async move {
			let service = service_fn(move |request: Request<Incoming>| {
				let headers = request.headers();
				let credentials = Credentials::from_headers(|name| headers.get(name).and_then(|v| v.to_str().ok()));
				let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
				let response = fleet.answer(request.method().as_str(), target, &credentials, qos_monitor::now_ms());
				async move { Ok::<_, Infallible>(to_hyper(response)) }
			});
			let connection = http1::Builder::new()
				.timer(TokioTimer::new())
				.header_read_timeout(HEADER_READ_TIMEOUT)
				.keep_alive(false)
				.serve_connection(TokioIo::new(stream), service);
			if let Err(e) = connection.await {
				tracing::debug!("connection ended: {e}");
			}
		});
	}
}
