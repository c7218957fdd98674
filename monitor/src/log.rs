//! Logging through the `tracing` ecosystem: one line per record on standard
//! error, levels chosen with `RUST_LOG` (default `info`; e.g.
//! `RUST_LOG=debug` or `RUST_LOG=qos_monitor=debug,hyper=warn`).
//!
//! Nothing secret is ever logged: the key and the tags stay out of every
//! record, and request lines are written with control characters escaped
//! ([`crate::server::printable`]).

use tracing_subscriber::EnvFilter;

/// Installs the subscriber; a `RUST_LOG` that does not parse falls back to
/// `info` with a warning.
pub fn init() {
	let (filter, bad) = match std::env::var("RUST_LOG") {
		Ok(text) if !text.trim().is_empty() => match EnvFilter::try_new(&text) {
			Ok(filter) => (filter, None),
			Err(e) => (EnvFilter::new("info"), Some(format!("RUST_LOG={text:?} ignored: {e}"))),
		},
		_ => (EnvFilter::new("info"), None),
	};
	let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).try_init();
	if let Some(warning) = bad {
		tracing::warn!("{warning}");
	}
}
