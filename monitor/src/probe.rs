//! The probe of the workload: one per sample, with a hard deadline.
//!
//! - HTTP: `GET path HTTP/1.1` with `Connection: close`; success is a 2xx
//!   status and the whole response (up to 64 KiB, then it stops reading)
//!   arriving before the deadline. Latency is from the start of the connect to
//!   the end of the response.
//! - TCP: success is an established connection; latency is the connect time.
//!
//! Name resolution uses the system resolver, which the deadline cannot
//! interrupt: use an IP address or a name that resolves locally.

use std::{
	io::{Read, Write},
	net::{SocketAddr, TcpStream, ToSocketAddrs},
	time::{Duration, Instant},
};

use crate::config::ProbeTarget;

/// Most response bytes read from an HTTP workload.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// The result of one probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeOutcome {
	/// Whether the workload answered correctly within the timeout.
	pub success: bool,
	/// Time the probe took, in microseconds.
	pub latency_us: u32,
}

/// Probes `target`, giving up after `timeout`.
pub fn probe(target: &ProbeTarget, timeout: Duration) -> ProbeOutcome {
	let started = Instant::now();
	let deadline = started + timeout;
	let success = match target {
		ProbeTarget::Tcp { host, port } => connect(host, *port, deadline).is_some(),
		ProbeTarget::Http { host, port, path } => http_get(host, *port, path, deadline).unwrap_or(false),
	};
	let latency_us = started.elapsed().as_micros().min(u32::MAX as u128) as u32;
	ProbeOutcome { success: success && Instant::now() <= deadline, latency_us }
}

fn remaining(deadline: Instant) -> Option<Duration> {
	deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
}

fn connect(host: &str, port: u16, deadline: Instant) -> Option<TcpStream> {
	let addrs: Vec<SocketAddr> = (host, port).to_socket_addrs().ok()?.collect();
	for addr in addrs {
		let left = remaining(deadline)?;
		if let Ok(stream) = TcpStream::connect_timeout(&addr, left) {
			return Some(stream);
		}
	}
	None
}

fn http_get(host: &str, port: u16, path: &str, deadline: Instant) -> Option<bool> {
	let mut stream = connect(host, port, deadline)?;
	let _ = stream.set_nodelay(true);
	let host_header = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
	let request = format!(
		"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: qos-monitor/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
		env!("CARGO_PKG_VERSION")
	);
	stream.set_write_timeout(Some(remaining(deadline)?)).ok()?;
	stream.write_all(request.as_bytes()).ok()?;

	let mut response = Vec::with_capacity(1024);
	let mut buf = [0u8; 8192];
	loop {
		stream.set_read_timeout(Some(remaining(deadline)?)).ok()?;
		let n = stream.read(&mut buf).ok()?;
		if n == 0 {
			break;
		}
		response.extend_from_slice(&buf[..n]);
		if response.len() >= MAX_RESPONSE_BYTES || is_complete(&response) {
			break;
		}
	}
	status_is_success(&response)
}

/// Whether `response` holds the headers and the whole `Content-Length` body.
fn is_complete(response: &[u8]) -> bool {
	let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
	let head = String::from_utf8_lossy(&response[..end]);
	let length = head.lines().find_map(|l| {
		let (name, value) = l.split_once(':')?;
		name.trim().eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok())?
	});
	matches!(length, Some(len) if response.len() - (end + 4) >= len)
}

/// `Some(true)` for a 2xx status line, `Some(false)` for another status, `None` if not HTTP.
fn status_is_success(response: &[u8]) -> Option<bool> {
	let line_end = response.windows(2).position(|w| w == b"\r\n").unwrap_or(response.len());
	let line = std::str::from_utf8(&response[..line_end]).ok()?;
	let mut parts = line.split(' ');
	if !parts.next()?.starts_with("HTTP/1.") {
		return None;
	}
	let code: u16 = parts.next()?.parse().ok()?;
	Some((200..300).contains(&code))
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::net::TcpListener;

	/// A one-shot HTTP server answering every connection with `response` after `delay`.
	fn serve(response: &'static str, delay: Duration) -> u16 {
		let listener = TcpListener::bind("127.0.0.1:0").unwrap();
		let port = listener.local_addr().unwrap().port();
		std::thread::spawn(move || {
			for stream in listener.incoming() {
				let Ok(mut stream) = stream else { continue };
				let mut buf = [0u8; 1024];
				let _ = stream.read(&mut buf);
				std::thread::sleep(delay);
				let _ = stream.write_all(response.as_bytes());
			}
		});
		port
	}

	fn http(port: u16) -> ProbeTarget {
		ProbeTarget::Http { host: "127.0.0.1".into(), port, path: "/health".into() }
	}

	#[test]
	fn http_2xx_is_a_success_with_its_latency() {
		let port = serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", Duration::from_millis(30));
		let outcome = probe(&http(port), Duration::from_secs(2));
		assert!(outcome.success);
		assert!(outcome.latency_us >= 30_000, "{outcome:?}");
	}

	#[test]
	fn http_errors_and_garbage_are_failures() {
		let port = serve("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", Duration::ZERO);
		assert!(!probe(&http(port), Duration::from_secs(2)).success);
		let port = serve("SSH-2.0-OpenSSH\r\n", Duration::ZERO);
		assert!(!probe(&http(port), Duration::from_secs(2)).success);
	}

	#[test]
	fn a_slow_workload_times_out() {
		let port = serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", Duration::from_millis(600));
		let outcome = probe(&http(port), Duration::from_millis(150));
		assert!(!outcome.success);
		assert!(outcome.latency_us < 500_000, "{outcome:?}");
	}

	#[test]
	fn tcp_connect_succeeds_on_a_listening_port_only() {
		let listener = TcpListener::bind("127.0.0.1:0").unwrap();
		let port = listener.local_addr().unwrap().port();
		let target = ProbeTarget::Tcp { host: "127.0.0.1".into(), port };
		assert!(probe(&target, Duration::from_secs(1)).success);
		drop(listener);
		assert!(!probe(&target, Duration::from_secs(1)).success);
		assert!(!probe(&http(port), Duration::from_secs(1)).success);
	}

	#[test]
	fn response_framing() {
		assert!(is_complete(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
		assert!(!is_complete(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok"));
		assert!(!is_complete(b"HTTP/1.1 200 OK\r\n"));
		assert_eq!(status_is_success(b"HTTP/1.0 204 No Content\r\n\r\n"), Some(true));
		assert_eq!(status_is_success(b"HTTP/1.1 301 Moved\r\n\r\n"), Some(false));
		assert_eq!(status_is_success(b""), None);
	}
}
