//! # qos-monitor
//!
//! The agent that runs inside each rented VM or container (`docs/protocol.md`). It
//! samples the instance once per sampling interval (resources from `/proc` and
//! cgroup v2, plus a probe of the workload), keeps the samples in a crash-safe
//! embedded store, and serves the accounting nodes a [`qos_primitives::Report`]
//! for any closed window, tagged with the client's key:
//!
//! ```text
//! tag = HMAC-SHA256(K, "qos-ledger:otp:v1:instance" || agreement || period || instance || sha256(SCALE(report)))
//! ```
//!
//! - [`config`]: the TOML file, command-line overrides and their validation.
//! - [`key`]: loading the client's key `K` (refused when exposed or malformed).
//! - [`auth`]: who may ask for reports (the authorized-keys file, signed requests).
//! - [`system`]: reading vCPUs, memory, CPU and network counters.
//! - [`probe`]: the HTTP or TCP probe of the workload.
//! - [`store`]: the samples on disk (redb, behind [`journal`]).
//! - [`journal`]: the write-ahead journal that makes a sample durable with a few hundred bytes.
//! - [`report`]: turning a window's samples into a tagged report.
//! - [`api`]: the HTTP API (`/v1/report`; `/healthz`, `/metrics` on the operations listener).
//! - [`server`]: the listeners (hyper), with the limits that keep a hostile network from stalling them.
//! - [`metrics`]: the Prometheus metrics.
//! - [`log`]: logging (`tracing`, levels from `RUST_LOG`).
//! - [`clock`]: whether the wall clock is synchronised.
//! - [`sampler`]: the sampling loop.
//! - [`fleet`]: thousands of virtual monitors in one process, for load tests
//!   (`qos-monitor-fleet`), answering with the same code as the monitor.

pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod fleet;
pub mod journal;
pub mod key;
pub mod log;
pub mod metrics;
pub mod probe;
pub mod report;
pub mod sampler;
pub mod server;
pub mod store;
pub mod system;

/// Milliseconds since the Unix epoch, by the wall clock.
pub fn now_ms() -> u64 {
	std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
