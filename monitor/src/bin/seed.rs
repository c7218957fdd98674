//! `qos-monitor-seed` (benchmarks only; built with `--features bench`, never
//! part of the monitor's release): writes deterministic synthetic samples
//! for `[from_ms, to_ms)` into a monitor's data directory, skipping times
//! already stored, and exits. No monitor may be running on that directory.

use std::process::ExitCode;

use clap::Parser;
use qos_monitor::{config::Config, now_ms, sampler::synthetic_samples, store::Store};

/// Command line of `qos-monitor-seed`: the monitor's, and the range.
#[derive(Parser, Debug)]
#[command(
	name = "qos-monitor-seed",
	about = "Benchmark tool: seeds synthetic samples into a qos-monitor data directory"
)]
struct SeedCli {
	#[command(flatten)]
	monitor: qos_monitor::config::Cli,
	/// First millisecond to seed.
	#[arg(long)]
	from_ms: u64,
	/// First millisecond after the seeded range (not after now).
	#[arg(long)]
	to_ms: u64,
}

fn main() -> ExitCode {
	let cli = SeedCli::parse();
	match seed(&cli) {
		Ok(n) => {
			eprintln!("seeded {n} synthetic samples");
			ExitCode::SUCCESS
		},
		Err(message) => {
			eprintln!("qos-monitor-seed: {message}");
			ExitCode::FAILURE
		},
	}
}

fn seed(cli: &SeedCli) -> Result<usize, String> {
	if cli.from_ms >= cli.to_ms || cli.to_ms > now_ms() {
		return Err("needs --from-ms < --to-ms <= now".into());
	}
	let config = Config::load(&cli.monitor).map_err(|e| e.to_string())?;
	let store = Store::open(&config.data_dir).map_err(|e| e.to_string())?;
	store.bind_interval(config.sampling_interval_ms).map_err(|e| e.to_string())?;
	let after = store.last().map_err(|e| e.to_string())?.map_or(0, |s| s.ts_ms + 1);
	let samples = synthetic_samples(cli.from_ms.max(after), cli.to_ms, config.sampling_interval_ms);
	store.append(&samples).map_err(|e| e.to_string())?;
	Ok(samples.len())
}
