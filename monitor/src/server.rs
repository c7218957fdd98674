//! The monitor's HTTP listeners: hyper 1 on a small tokio runtime, with the
//! limits that keep whoever reaches the port from stalling it. A monitor that
//! stops answering makes its instance count as down, so stalling it is a
//! refund lever; the limits are the defence:
//!
//! - a client has [`Limits::header_read_timeout`] to send its request head,
//!   within [`Limits::max_header_bytes`], with a URL of at most
//!   [`Limits::max_url_bytes`] (414 beyond); every connection carries one
//!   request (no keep-alive) and lives at most [`Limits::connection_lifetime`];
//! - at most [`Limits::max_connections`] are open; when a new one arrives at
//!   the cap, the oldest connection that has not yet sent a whole request head
//!   is closed to make room, so idle connections (slowloris) cannot lock a
//!   legitimate request out, whose head arrives as soon as it connects;
//! - reports are computed off the network thread, at most
//!   [`Limits::report_concurrency`] at a time (503 when none frees within
//!   [`Limits::report_queue_wait`]), and one at a time per client address
//!   (429 for a second one), after the checks that need no sample (a bad,
//!   unsigned, unsettled or expired request never waits for a slot): one
//!   client cannot take every slot, and only signers the monitor answers
//!   ([`crate::auth`]) reach one at all.
//! - an `accept()` error that is not about one connection ends [`serve`] with
//!   that error, and the monitor exits non-zero for its supervisor to restart
//!   it, instead of living on without a listener.
//!
//! Request lines are logged with control characters escaped; neither the key
//! nor a tag is ever logged.

use std::{
	collections::{BTreeMap, HashMap},
	convert::Infallible,
	io,
	net::{IpAddr, SocketAddr},
	sync::{Arc, Mutex},
	time::Duration,
};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{body::Incoming, header, server::conn::http1, service::service_fn, Request, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{net::TcpListener, sync::Semaphore, task::AbortHandle};

use crate::{
	api::{self, ApiState, Endpoint, Response},
	auth::Credentials,
};

/// How one listener protects itself.
#[derive(Clone, Debug)]
pub struct Limits {
	/// Open connections at most.
	pub max_connections: usize,
	/// Time a client has to send its whole request head.
	pub header_read_timeout: Duration,
	/// Bytes of request head buffered at most (hyper's read buffer; 8 KiB at least).
	pub max_header_bytes: usize,
	/// Bytes of request target (path and query) accepted.
	pub max_url_bytes: usize,
	/// Longest life of a connection, from accept to the last byte of its answer.
	pub connection_lifetime: Duration,
	/// Reports computed at the same time at most.
	pub report_concurrency: usize,
	/// How long a report request waits for a free computation slot.
	pub report_queue_wait: Duration,
}

impl Default for Limits {
	fn default() -> Self {
		Limits {
			max_connections: 512,
			header_read_timeout: Duration::from_secs(5),
			max_header_bytes: 16 * 1024,
			max_url_bytes: 2048,
			connection_lifetime: Duration::from_secs(30),
			report_concurrency: 2,
			report_queue_wait: Duration::from_secs(10),
		}
	}
}

/// Which API a listener serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listener {
	/// `/v1/report`, for the accounting nodes.
	Reports,
	/// `/healthz` and `/metrics`, for the operator.
	Operations,
}

impl Listener {
	fn route(self, method: &str, path: &str) -> Endpoint {
		match self {
			Listener::Reports => api::route_reports(method, path),
			Listener::Operations => api::route_operations(method, path),
		}
	}
}

/// The open connections of one listener, oldest first.
#[derive(Default)]
struct Connections {
	next_id: u64,
	open: BTreeMap<u64, Slot>,
}

struct Slot {
	/// Set once the connection's task is spawned.
	abort: Option<AbortHandle>,
	/// A whole request head has arrived: the connection is being answered.
	answering: bool,
}

impl Connections {
	/// A slot for a new connection: `Admitted(id, evicted)` (an idle connection
	/// closed to make room), or `None` at the cap with every connection answering.
	fn admit(&mut self, cap: usize) -> Option<(u64, bool)> {
		let mut evicted = false;
		if self.open.len() >= cap {
			let idle = self.open.iter().find(|(_, slot)| !slot.answering).map(|(id, _)| *id)?;
			if let Some(slot) = self.open.remove(&idle) {
				if let Some(abort) = slot.abort {
					abort.abort();
				}
			}
			evicted = true;
		}
		let id = self.next_id;
		self.next_id += 1;
		self.open.insert(id, Slot { abort: None, answering: false });
		Some((id, evicted))
	}
}

/// Whether an `accept()` error concerns one connection (go on) rather than
/// the listener (stop).
fn is_per_connection(e: &io::Error) -> bool {
	matches!(
		e.kind(),
		io::ErrorKind::ConnectionAborted
			| io::ErrorKind::ConnectionReset
			| io::ErrorKind::Interrupted
			| io::ErrorKind::WouldBlock
			| io::ErrorKind::TimedOut
	) || is_out_of_descriptors(e)
}

fn is_out_of_descriptors(e: &io::Error) -> bool {
	matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE) | Some(libc::ENOBUFS) | Some(libc::ENOMEM))
}

/// Serves `listener` until its `accept()` fails for good; returns that error.
pub async fn serve(listener: TcpListener, which: Listener, state: Arc<ApiState>, limits: Limits) -> io::Error {
	let connections = Arc::new(Mutex::new(Connections::default()));
	let reports = Arc::new(ReportSlots {
		slots: Arc::new(Semaphore::new(limits.report_concurrency)),
		per_client: Mutex::new(HashMap::new()),
	});
	loop {
		let (stream, peer) = match listener.accept().await {
			Ok(accepted) => accepted,
			Err(e) if is_per_connection(&e) => {
				tracing::warn!("accept on {which:?} listener: {e}; going on");
				if is_out_of_descriptors(&e) {
					// Give closing connections time to free their descriptors.
					tokio::time::sleep(Duration::from_millis(100)).await;
				}
				continue;
			},
			Err(e) => return e,
		};
		let admitted = connections.lock().unwrap_or_else(|p| p.into_inner()).admit(limits.max_connections);
		let Some((id, evicted)) = admitted else {
			if which == Listener::Reports {
				state.metrics.connections_refused.inc();
			}
			tracing::warn!("{which:?} listener: {} connections answering, refusing {peer}", limits.max_connections);
			drop(stream);
			continue;
		};
		if which == Listener::Reports {
			if evicted {
				state.metrics.connections_evicted.inc();
			}
			state.metrics.open_connections.inc();
		}
		// Made here, not in the task: a task aborted before it first runs still drops it.
		let departure = Departure { id, which, state: state.clone(), connections: connections.clone() };
		let task = tokio::spawn(serve_connection(stream, peer, departure, limits.clone(), reports.clone()));
		if let Some(slot) = connections.lock().unwrap_or_else(|p| p.into_inner()).open.get_mut(&id) {
			slot.abort = Some(task.abort_handle());
		}
	}
}

/// The report computation slots, and the clients with a report queued or computing.
struct ReportSlots {
	slots: Arc<Semaphore>,
	per_client: Mutex<HashMap<IpAddr, usize>>,
}

/// A client's claim on its one report at a time, released when dropped.
struct ClientClaim {
	slots: Arc<ReportSlots>,
	client: IpAddr,
}

impl ReportSlots {
	fn claim(self: &Arc<Self>, client: IpAddr) -> Option<ClientClaim> {
		let mut per_client = self.per_client.lock().unwrap_or_else(|p| p.into_inner());
		let count = per_client.entry(client).or_insert(0);
		if *count > 0 {
			return None;
		}
		*count += 1;
		Some(ClientClaim { slots: self.clone(), client })
	}
}

impl Drop for ClientClaim {
	fn drop(&mut self) {
		let mut per_client = self.slots.per_client.lock().unwrap_or_else(|p| p.into_inner());
		if let Some(count) = per_client.get_mut(&self.client) {
			*count -= 1;
			if *count == 0 {
				per_client.remove(&self.client);
			}
		}
	}
}

/// Leaves the connection table when the connection's task ends (or is aborted).
struct Departure {
	id: u64,
	which: Listener,
	state: Arc<ApiState>,
	connections: Arc<Mutex<Connections>>,
}

impl Drop for Departure {
	fn drop(&mut self) {
		self.connections.lock().unwrap_or_else(|p| p.into_inner()).open.remove(&self.id);
		if self.which == Listener::Reports {
			self.state.metrics.open_connections.dec();
		}
	}
}

async fn serve_connection(
	stream: tokio::net::TcpStream,
	peer: SocketAddr,
	departure: Departure,
	limits: Limits,
	reports: Arc<ReportSlots>,
) {
	let (id, which, state, connections) =
		(departure.id, departure.which, departure.state.clone(), departure.connections.clone());
	let _departure = departure;
	let per_request = limits.clone();
	let service = service_fn(move |request: Request<Incoming>| {
		if let Some(slot) = connections.lock().unwrap_or_else(|p| p.into_inner()).open.get_mut(&id) {
			slot.answering = true;
		}
		let (state, limits, reports) = (state.clone(), per_request.clone(), reports.clone());
		async move { Ok::<_, Infallible>(respond(request, peer, which, state, &limits, reports).await) }
	});
	let connection = http1::Builder::new()
		.timer(TokioTimer::new())
		.header_read_timeout(limits.header_read_timeout)
		.max_buf_size(limits.max_header_bytes.max(8192))
		.keep_alive(false)
		.serve_connection(TokioIo::new(stream), service);
	match tokio::time::timeout(limits.connection_lifetime, connection).await {
		Ok(Ok(())) => {},
		Ok(Err(e)) => tracing::debug!("{peer}: connection ended: {e}"),
		Err(_) => tracing::debug!("{peer}: connection closed after {:?}", limits.connection_lifetime),
	}
}

async fn respond(
	request: Request<Incoming>,
	peer: SocketAddr,
	which: Listener,
	state: Arc<ApiState>,
	limits: &Limits,
	reports: Arc<ReportSlots>,
) -> hyper::Response<Full<Bytes>> {
	let method = request.method().as_str().to_owned();
	let target = request.uri().path_and_query().map_or_else(|| request.uri().path().to_owned(), |pq| pq.to_string());
	let response = if target.len() > limits.max_url_bytes {
		state.metrics.count_request("other", 414);
		Response::error(414, format!("request target longer than {} bytes", limits.max_url_bytes))
	} else {
		let path = target.split_once('?').map_or(target.as_str(), |(p, _)| p);
		match which.route(&method, path) {
			Endpoint::Report => {
				let headers = request.headers();
				let credentials = Credentials::from_headers(|name| headers.get(name).and_then(|v| v.to_str().ok()));
				compute_report(&state, peer.ip(), &method, &target, &credentials, reports, limits.report_queue_wait)
					.await
			},
			endpoint => api::answer(&state, endpoint, &method, &target, &Credentials::default()),
		}
	};
	if which == Listener::Reports || response.status >= 400 {
		tracing::info!("{peer} {} {} -> {}", printable(&method, 16), printable(&target, 256), response.status);
	}
	to_hyper(response)
}

/// An API response as hyper sends it, never cached.
pub fn to_hyper(response: Response) -> hyper::Response<Full<Bytes>> {
	hyper::Response::builder()
		.status(StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
		.header(header::CONTENT_TYPE, response.content_type)
		.header(header::CACHE_CONTROL, "no-store")
		.body(Full::new(Bytes::from(response.body)))
		.expect("a status, two valid headers and a body")
}

/// Computes a report on the blocking pool once one of the few slots is free;
/// what can be refused without the samples is refused first.
async fn compute_report(
	state: &Arc<ApiState>,
	client: IpAddr,
	method: &str,
	target: &str,
	credentials: &Credentials,
	reports: Arc<ReportSlots>,
	queue_wait: Duration,
) -> Response {
	let refuse = |response: Response| {
		state.metrics.count_request("report", response.status);
		response
	};
	let query = target.split_once('?').map_or("", |(_, q)| q);
	if let Err(response) = api::check_report_request(state, query, credentials) {
		return refuse(response);
	}
	let Some(claim) = reports.claim(client) else {
		return refuse(Response::error(
			429,
			"one report at a time per client address; retry when the first is answered",
		));
	};
	let permit = match tokio::time::timeout(queue_wait, reports.slots.clone().acquire_owned()).await {
		Ok(Ok(permit)) => permit,
		_ => return refuse(Response::error(503, "busy computing other reports; retry")),
	};
	let (state, method, target, credentials) =
		(state.clone(), method.to_owned(), target.to_owned(), credentials.clone());
	// The slot and the client's claim go with the computation: a client that
	// hangs up does not free them while its report is still being computed.
	let computed = tokio::task::spawn_blocking(move || {
		let _held = (permit, claim);
		api::answer(&state, Endpoint::Report, &method, &target, &credentials)
	})
	.await;
	computed.unwrap_or_else(|e| Response::error(500, format!("report computation failed: {e}")))
}

/// `text` cut to `max` characters, with control characters escaped, for a log line.
pub fn printable(text: &str, max: usize) -> String {
	let mut out: String = text.chars().take(max).flat_map(char::escape_default).collect();
	if text.chars().count() > max {
		out.push('…');
	}
	out
}

/// Raises the soft limit on open descriptors towards `wanted` (within the
/// hard limit): a listener that accepts many connections needs one each.
pub fn raise_open_files_limit(wanted: u64) {
	let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
	// SAFETY: valid pointers to a rlimit.
	unsafe {
		if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < wanted {
			limit.rlim_cur = wanted.min(limit.rlim_max);
			if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
				tracing::warn!("cannot raise the open-files limit to {}", limit.rlim_cur);
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_full_table_evicts_the_oldest_idle_connection() {
		let mut c = Connections::default();
		assert_eq!(c.admit(2), Some((0, false)));
		assert_eq!(c.admit(2), Some((1, false)));
		c.open.get_mut(&0).unwrap().answering = true;
		// Connection 0 is being answered: the oldest idle one, 1, makes room.
		assert_eq!(c.admit(2), Some((2, true)));
		assert_eq!(c.open.keys().copied().collect::<Vec<_>>(), vec![0, 2]);
		c.open.get_mut(&2).unwrap().answering = true;
		// Every connection answering: the new one is refused, none is closed.
		assert_eq!(c.admit(2), None);
		assert_eq!(c.open.len(), 2);
	}

	#[test]
	fn a_client_gets_one_report_computation_at_a_time() {
		let slots =
			Arc::new(ReportSlots { slots: Arc::new(Semaphore::new(2)), per_client: Mutex::new(HashMap::new()) });
		let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
		let first = slots.claim(a).expect("the first report of a client");
		assert!(slots.claim(a).is_none(), "a second one from the same address waits its turn");
		let other = slots.claim(b).expect("another address is not held up");
		drop(first);
		assert!(slots.claim(a).is_some(), "the client's claim is released with its report");
		drop(other);
		assert!(slots.per_client.lock().unwrap().is_empty());
	}

	#[test]
	fn accept_errors_of_one_connection_do_not_stop_the_listener() {
		for kind in [io::ErrorKind::ConnectionAborted, io::ErrorKind::ConnectionReset, io::ErrorKind::Interrupted] {
			assert!(is_per_connection(&io::Error::from(kind)), "{kind:?}");
		}
		assert!(is_per_connection(&io::Error::from_raw_os_error(libc::EMFILE)));
		assert!(!is_per_connection(&io::Error::from_raw_os_error(libc::EBADF)));
		assert!(!is_per_connection(&io::Error::from_raw_os_error(libc::EINVAL)));
	}

	#[test]
	fn log_lines_carry_no_raw_control_characters() {
		assert_eq!(
			printable("/v1/report?x=\u{1b}[31mred\r\nINFO forged", 256),
			"/v1/report?x=\\u{1b}[31mred\\r\\nINFO forged"
		);
		assert_eq!(printable("abcdef", 3), "abc…");
	}
}
