//! `qos-monitor-sign` (benchmarks only; built with `--features bench`): the
//! benchmark's accounting node. `authorized-keys` prints an authorized-keys
//! file naming its key; `headers` prints the headers of a report request it
//! signed now, one `Name: value` per line (for `curl -H @file`). Its key is
//! fixed and public: never list it on a real monitor.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use qos_primitives::{
	request::{report_request_payload, ACCOUNTING_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER},
	Window,
};

#[derive(Parser, Debug)]
#[command(name = "qos-monitor-sign", about = "Benchmark tool: signs report requests as a fixed accounting node")]
struct SignCli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// An authorized-keys file for `agreement` naming the benchmark's key.
	AuthorizedKeys {
		#[arg(long)]
		agreement: u64,
	},
	/// The headers of a signed request for a report.
	Headers {
		#[arg(long)]
		agreement: u64,
		#[arg(long)]
		instance: u32,
		#[arg(long)]
		period: u32,
		#[arg(long)]
		from_ms: u64,
		#[arg(long)]
		to_ms: u64,
	},
}

fn keypair() -> schnorrkel::Keypair {
	schnorrkel::MiniSecretKey::from_bytes(b"qos-monitor benchmark node key!!")
		.expect("32 bytes")
		.expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

fn main() -> ExitCode {
	let pair = keypair();
	let public = format!("0x{}", hex::encode(pair.public.to_bytes()));
	match SignCli::parse().command {
		Command::AuthorizedKeys { agreement } => {
			println!(
				"{}",
				serde_json::json!({ "agreement": agreement, "accounting_keys": [public], "client": null, "owner": null })
			);
		},
		Command::Headers { agreement, instance, period, from_ms, to_ms } => {
			let timestamp = qos_monitor::now_ms();
			let payload = report_request_payload(agreement, instance, period, &Window { from_ms, to_ms }, timestamp);
			let signature = pair.sign_simple(b"substrate", &payload).to_bytes();
			println!("{ACCOUNTING_KEY_HEADER}: {public}");
			println!("{TIMESTAMP_HEADER}: {timestamp}");
			println!("{SIGNATURE_HEADER}: 0x{}", hex::encode(signature));
		},
	}
	ExitCode::SUCCESS
}
