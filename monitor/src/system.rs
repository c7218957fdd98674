//! Reads the instance's resources from the real machine.
//!
//! - vCPUs and memory limit: inside a cgroup v2 container, the tightest
//!   `cpu.max` / `memory.max` on the path from the monitor's own cgroup up to
//!   the cgroup root (limits nest, so the effective limit is the smallest);
//!   without one, the online CPUs of `/proc/stat` and `MemTotal`.
//! - CPU utilisation: when a CPU quota applies, `usage_usec` of the limited
//!   cgroup's `cpu.stat` against the quota; otherwise busy jiffies out of all
//!   jiffies of `/proc/stat`. CPU steal: always from `/proc/stat` (the
//!   hypervisor steals from the whole guest).
//! - Memory used: the limited cgroup's `memory.current`, else
//!   `MemTotal - MemAvailable`.
//! - Network: per-interface byte counters of `/proc/net/dev` (all but `lo`),
//!   as deltas since the previous reading; a counter that went backwards was
//!   reset, and its new value is what moved since.

use std::{collections::HashMap, path::PathBuf, time::Instant};

const MIB: u64 = 1024 * 1024;

/// Aggregate CPU time of `/proc/stat`, in jiffies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct CpuTimes {
	/// All time (user, nice, system, idle, iowait, irq, softirq, steal; guest
	/// time is already inside user and nice).
	pub total: u64,
	/// Idle and iowait.
	pub idle: u64,
	/// Time stolen by the hypervisor.
	pub steal: u64,
}

/// Parses `/proc/stat`: the aggregate `cpu` line and the number of `cpuN` lines (online CPUs).
pub fn parse_proc_stat(text: &str) -> Option<(CpuTimes, u32)> {
	let mut times = None;
	let mut online = 0u32;
	for line in text.lines() {
		let mut fields = line.split_ascii_whitespace();
		match fields.next() {
			Some("cpu") => {
				let v: Vec<u64> = fields.map(|f| f.parse().unwrap_or(0)).collect();
				let get = |i: usize| v.get(i).copied().unwrap_or(0);
				let (user, nice, system, idle, iowait, irq, softirq, steal) =
					(get(0), get(1), get(2), get(3), get(4), get(5), get(6), get(7));
				times = Some(CpuTimes {
					total: user + nice + system + idle + iowait + irq + softirq + steal,
					idle: idle + iowait,
					steal,
				});
			},
			Some(name) if name.starts_with("cpu") && name[3..].bytes().all(|b| b.is_ascii_digit()) => online += 1,
			_ => {},
		}
	}
	times.map(|t| (t, online.max(1)))
}

/// Parses `/proc/meminfo` into `(MemTotal, MemAvailable)` in bytes.
pub fn parse_meminfo(text: &str) -> Option<(u64, u64)> {
	let field = |name: &str| {
		text.lines().find_map(|l| {
			let rest = l.strip_prefix(name)?.strip_prefix(':')?;
			rest.split_ascii_whitespace().next()?.parse::<u64>().ok().map(|kib| kib * 1024)
		})
	};
	let total = field("MemTotal")?;
	Some((total, field("MemAvailable").unwrap_or(total)))
}

/// Parses `/proc/net/dev` into `(interface, rx_bytes, tx_bytes)`, skipping `lo`.
pub fn parse_net_dev(text: &str) -> Vec<(String, u64, u64)> {
	text.lines()
		.filter_map(|line| {
			let (name, counters) = line.split_once(':')?;
			let name = name.trim();
			if name == "lo" {
				return None;
			}
			let v: Vec<u64> = counters.split_ascii_whitespace().filter_map(|f| f.parse().ok()).collect();
			// Receive: bytes packets errs drop fifo frame compressed multicast; then transmit bytes.
			(v.len() >= 9).then(|| (name.to_string(), v[0], v[8]))
		})
		.collect()
}

/// Parses a cgroup v2 `cpu.max` (`"$MAX $PERIOD"`) into thousandths of a CPU; `None` for no limit.
pub fn parse_cpu_max(text: &str) -> Option<u32> {
	let mut fields = text.split_ascii_whitespace();
	let quota: u64 = fields.next()?.parse().ok()?;
	let period: u64 = fields.next().and_then(|p| p.parse().ok()).unwrap_or(100_000);
	(period > 0).then(|| (quota.saturating_mul(1000) / period).clamp(1, u32::MAX as u64) as u32)
}

/// Parses a cgroup v2 `memory.max` into bytes; `None` for `max`.
pub fn parse_memory_max(text: &str) -> Option<u64> {
	text.trim().parse().ok()
}

/// The cgroup v2 path of the process, from `/proc/self/cgroup` (the `0::` line).
pub fn parse_own_cgroup(text: &str) -> Option<String> {
	text.lines().find_map(|l| l.strip_prefix("0::")).map(|p| p.trim().to_string())
}

/// `usage_usec` of a cgroup v2 `cpu.stat`.
pub fn parse_cpu_stat_usage_usec(text: &str) -> Option<u64> {
	text.lines().find_map(|l| l.strip_prefix("usage_usec ")).and_then(|v| v.trim().parse().ok())
}

/// Effective cgroup v2 limits of this process.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CgroupLimits {
	/// Tightest CPU quota (thousandths of a CPU) and the cgroup that sets it.
	pub cpu: Option<(u32, PathBuf)>,
	/// Tightest memory limit (bytes) and the cgroup that sets it.
	pub memory: Option<(u64, PathBuf)>,
}

/// One reading of the machine. Stored inside every sample: the field order is
/// part of the store's format.
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode)]
pub struct Reading {
	pub vcpus_milli: u32,
	pub memory_mib: u32,
	pub memory_used_mib: u32,
	pub cpu_utilisation_permille: u16,
	pub cpu_steal_permille: u16,
	/// Bytes received since the previous reading (0 for the first).
	pub net_rx_delta: u64,
	/// Bytes sent since the previous reading (0 for the first).
	pub net_tx_delta: u64,
}

/// Reads the machine and remembers the counters of the previous reading.
pub struct SystemSource {
	proc_root: PathBuf,
	cgroup_root: PathBuf,
	prev_cpu: Option<CpuTimes>,
	prev_cgroup_usage: Option<(PathBuf, u64, Instant)>,
	prev_net: Option<HashMap<String, (u64, u64)>>,
}

impl SystemSource {
	/// Reads `/proc` and `/sys/fs/cgroup`.
	pub fn new() -> Self {
		Self::with_roots("/proc", "/sys/fs/cgroup")
	}

	/// Reads from other roots (tests use fixture trees).
	pub fn with_roots(proc_root: impl Into<PathBuf>, cgroup_root: impl Into<PathBuf>) -> Self {
		SystemSource {
			proc_root: proc_root.into(),
			cgroup_root: cgroup_root.into(),
			prev_cpu: None,
			prev_cgroup_usage: None,
			prev_net: None,
		}
	}

	fn read(&self, rel: &str) -> Option<String> {
		std::fs::read_to_string(self.proc_root.join(rel)).ok()
	}

	/// The limits of cgroup v2, if it is mounted at the cgroup root and the
	/// process's cgroup (or an ancestor) sets any.
	pub fn cgroup_limits(&self) -> CgroupLimits {
		let mut limits = CgroupLimits::default();
		if !self.cgroup_root.join("cgroup.controllers").exists() {
			return limits;
		}
		let own = self.read("self/cgroup").and_then(|t| parse_own_cgroup(&t)).unwrap_or_default();
		let mut dir = self.cgroup_root.join(own.trim_start_matches('/'));
		// Inside a cgroup namespace the path may not exist under the mount: the mount root is ours.
		if !dir.starts_with(&self.cgroup_root) || !dir.is_dir() {
			dir = self.cgroup_root.clone();
		}
		loop {
			let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
			if let Some(milli) = read("cpu.max").and_then(|t| parse_cpu_max(&t)) {
				if limits.cpu.as_ref().is_none_or(|(m, _)| milli < *m) {
					limits.cpu = Some((milli, dir.clone()));
				}
			}
			if let Some(bytes) = read("memory.max").and_then(|t| parse_memory_max(&t)) {
				if limits.memory.as_ref().is_none_or(|(b, _)| bytes < *b) {
					limits.memory = Some((bytes, dir.clone()));
				}
			}
			if dir == self.cgroup_root || !dir.pop() {
				break;
			}
		}
		limits
	}

	/// Takes a reading; `None` if `/proc/stat` or `/proc/meminfo` is unreadable.
	pub fn sample(&mut self) -> Option<Reading> {
		let (cpu, online) = parse_proc_stat(&self.read("stat")?)?;
		let (mem_total, mem_available) = parse_meminfo(&self.read("meminfo")?)?;
		let limits = self.cgroup_limits();

		let host_milli = online.saturating_mul(1000);
		let vcpus_milli = limits.cpu.as_ref().map_or(host_milli, |(m, _)| (*m).min(host_milli));
		let memory_bytes = limits.memory.as_ref().map_or(mem_total, |(b, _)| (*b).min(mem_total));
		let memory_used = limits
			.memory
			.as_ref()
			.and_then(|(_, dir)| std::fs::read_to_string(dir.join("memory.current")).ok())
			.and_then(|t| t.trim().parse::<u64>().ok())
			.unwrap_or(mem_total.saturating_sub(mem_available));

		let (mut utilisation, mut steal) = (0u16, 0u16);
		if let Some(prev) = self.prev_cpu {
			let total = cpu.total.saturating_sub(prev.total);
			if total > 0 {
				let idle = cpu.idle.saturating_sub(prev.idle);
				let stolen = cpu.steal.saturating_sub(prev.steal);
				let busy = total.saturating_sub(idle).saturating_sub(stolen);
				utilisation = permille(busy, total);
				steal = permille(stolen, total);
			}
		}
		self.prev_cpu = Some(cpu);

		if let Some((milli, dir)) = &limits.cpu {
			let now = Instant::now();
			let usage = std::fs::read_to_string(dir.join("cpu.stat")).ok().and_then(|t| parse_cpu_stat_usage_usec(&t));
			if let Some(usage) = usage {
				if let Some((prev_dir, prev_usage, prev_at)) = &self.prev_cgroup_usage {
					let wall_us = now.duration_since(*prev_at).as_micros() as u64;
					if prev_dir == dir && wall_us > 0 {
						let used_us = usage.saturating_sub(*prev_usage);
						let available_us = wall_us.saturating_mul(*milli as u64) / 1000;
						utilisation = permille(used_us, available_us.max(1));
					}
				}
				self.prev_cgroup_usage = Some((dir.clone(), usage, now));
			}
		} else {
			self.prev_cgroup_usage = None;
		}

		let net: HashMap<String, (u64, u64)> = self
			.read("net/dev")
			.map(|t| parse_net_dev(&t))
			.unwrap_or_default()
			.into_iter()
			.map(|(n, r, t)| (n, (r, t)))
			.collect();
		let (mut rx, mut tx) = (0u64, 0u64);
		if let Some(prev) = &self.prev_net {
			for (name, (r, t)) in &net {
				let (pr, pt) = prev.get(name).copied().unwrap_or((0, 0));
				rx = rx.saturating_add(counter_delta(pr, *r));
				tx = tx.saturating_add(counter_delta(pt, *t));
			}
		}
		self.prev_net = Some(net);

		Some(Reading {
			vcpus_milli,
			memory_mib: (memory_bytes / MIB).min(u32::MAX as u64) as u32,
			memory_used_mib: (memory_used / MIB).min(u32::MAX as u64) as u32,
			cpu_utilisation_permille: utilisation,
			cpu_steal_permille: steal,
			net_rx_delta: rx,
			net_tx_delta: tx,
		})
	}

	/// A one-line description of where the limits come from, for the startup log.
	pub fn describe(&self) -> String {
		let limits = self.cgroup_limits();
		let cpu = match &limits.cpu {
			Some((m, dir)) => format!("cgroup v2 cpu.max of {} ({m} millicpu)", dir.display()),
			None => "online CPUs of /proc/stat".into(),
		};
		let mem = match &limits.memory {
			Some((b, dir)) => format!("cgroup v2 memory.max of {} ({} MiB)", dir.display(), b / MIB),
			None => "MemTotal of /proc/meminfo".into(),
		};
		format!("vCPUs from {cpu}; memory from {mem}")
	}
}

impl Default for SystemSource {
	fn default() -> Self {
		Self::new()
	}
}

/// Bytes moved between two readings of a counter; a smaller reading means the
/// counter was reset (interface re-created, wrap), and counted up from zero since.
pub fn counter_delta(prev: u64, now: u64) -> u64 {
	if now >= prev {
		now - prev
	} else {
		now
	}
}

fn permille(part: u64, whole: u64) -> u16 {
	(part.saturating_mul(1000) / whole.max(1)).min(1000) as u16
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::fs;

	const STAT_A: &str = "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\ncpu1 50 0 50 350 50 0 0 0 0 0\nintr 1 2 3\nctxt 9\n";
	// +1000 jiffies: 300 user, 100 system, 500 idle, 50 iowait, 50 steal.
	const STAT_B: &str = "cpu  400 0 200 1200 150 0 0 50 0 0\ncpu0 1 0 1 1 1 0 0 0 0 0\ncpu1 1 0 1 1 1 0 0 0 0 0\n";
	const MEMINFO: &str = "MemTotal:        8192000 kB\nMemFree:         1000000 kB\nMemAvailable:    6144000 kB\n";
	const NET_A: &str = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo: 5000 10 0 0 0 0 0 0 5000 10 0 0 0 0 0 0\n  eth0: 1000 10 0 0 0 0 0 0 2000 10 0 0 0 0 0 0\n  eth1: 500 1 0 0 0 0 0 0 700 1 0 0 0 0 0 0\n";
	// eth0 +300/+400; eth1 reset to 40/60; lo ignored.
	const NET_B: &str = "  lo: 9000 10 0 0 0 0 0 0 9000 10 0 0 0 0 0 0\n  eth0: 1300 10 0 0 0 0 0 0 2400 10 0 0 0 0 0 0\n  eth1: 40 1 0 0 0 0 0 0 60 1 0 0 0 0 0 0\n";

	fn proc_tree(stat: &str, net: &str, cgroup: &str) -> tempfile::TempDir {
		let dir = tempfile::tempdir().unwrap();
		fs::create_dir_all(dir.path().join("net")).unwrap();
		fs::create_dir_all(dir.path().join("self")).unwrap();
		fs::write(dir.path().join("stat"), stat).unwrap();
		fs::write(dir.path().join("meminfo"), MEMINFO).unwrap();
		fs::write(dir.path().join("net/dev"), net).unwrap();
		fs::write(dir.path().join("self/cgroup"), cgroup).unwrap();
		dir
	}

	#[test]
	fn parses_proc_files() {
		let (t, online) = parse_proc_stat(STAT_A).unwrap();
		assert_eq!((t, online), (CpuTimes { total: 1000, idle: 800, steal: 0 }, 2));
		assert_eq!(parse_meminfo(MEMINFO), Some((8_192_000 * 1024, 6_144_000 * 1024)));
		assert_eq!(parse_net_dev(NET_A), vec![("eth0".into(), 1000, 2000), ("eth1".into(), 500, 700)]);
		assert_eq!(parse_own_cgroup("12:cpu:/x\n0::/kubepods/pod1/c1\n"), Some("/kubepods/pod1/c1".into()));
		assert_eq!(parse_cpu_stat_usage_usec("usage_usec 1234\nuser_usec 1000\n"), Some(1234));
	}

	#[test]
	fn parses_cgroup_limits() {
		assert_eq!(parse_cpu_max("max 100000\n"), None);
		assert_eq!(parse_cpu_max("150000 100000\n"), Some(1500));
		assert_eq!(parse_cpu_max("50000 100000"), Some(500));
		assert_eq!(parse_memory_max("max\n"), None);
		assert_eq!(parse_memory_max("536870912\n"), Some(512 * MIB));
	}

	#[test]
	fn counter_resets_count_from_zero() {
		assert_eq!(counter_delta(100, 150), 50);
		assert_eq!(counter_delta(100, 30), 30);
		assert_eq!(counter_delta(0, 0), 0);
	}

	#[test]
	fn host_readings_without_cgroup_limits() {
		let proc_dir = proc_tree(STAT_A, NET_A, "0::/\n");
		let no_cgroup = tempfile::tempdir().unwrap();
		let mut source = SystemSource::with_roots(proc_dir.path(), no_cgroup.path());
		let first = source.sample().unwrap();
		assert_eq!((first.vcpus_milli, first.memory_mib, first.memory_used_mib), (2000, 8000, 2000));
		assert_eq!((first.cpu_utilisation_permille, first.net_rx_delta, first.net_tx_delta), (0, 0, 0));

		fs::write(proc_dir.path().join("stat"), STAT_B).unwrap();
		fs::write(proc_dir.path().join("net/dev"), NET_B).unwrap();
		let second = source.sample().unwrap();
		// busy = 1000 - 550 idle/iowait - 50 steal = 400.
		assert_eq!((second.cpu_utilisation_permille, second.cpu_steal_permille), (400, 50));
		assert_eq!((second.net_rx_delta, second.net_tx_delta), (300 + 40, 400 + 60));
	}

	#[test]
	fn tightest_cgroup_v2_limits_win() {
		let proc_dir = proc_tree(STAT_A, NET_A, "0::/pod/ctr\n");
		let cg = tempfile::tempdir().unwrap();
		let root = cg.path();
		fs::write(root.join("cgroup.controllers"), "cpu memory\n").unwrap();
		fs::create_dir_all(root.join("pod/ctr")).unwrap();
		fs::write(root.join("pod/cpu.max"), "50000 100000\n").unwrap();
		fs::write(root.join("pod/memory.max"), "max\n").unwrap();
		fs::write(root.join("pod/ctr/cpu.max"), "150000 100000\n").unwrap();
		fs::write(root.join("pod/ctr/memory.max"), "1073741824\n").unwrap();
		fs::write(root.join("pod/ctr/memory.current"), "268435456\n").unwrap();
		fs::write(root.join("pod/cpu.stat"), "usage_usec 0\n").unwrap();
		let mut source = SystemSource::with_roots(proc_dir.path(), root);
		let limits = source.cgroup_limits();
		assert_eq!(limits.cpu, Some((500, root.join("pod"))));
		assert_eq!(limits.memory, Some((1024 * MIB, root.join("pod/ctr"))));
		let r = source.sample().unwrap();
		assert_eq!((r.vcpus_milli, r.memory_mib, r.memory_used_mib), (500, 1024, 256));
		// Half a CPU of quota, fully used for the elapsed time: at least near 1000 permille.
		std::thread::sleep(std::time::Duration::from_millis(50));
		fs::write(root.join("pod/cpu.stat"), "usage_usec 1000000\n").unwrap();
		assert_eq!(source.sample().unwrap().cpu_utilisation_permille, 1000);
	}

	#[test]
	fn a_quota_above_the_host_is_capped_at_the_host() {
		let proc_dir = proc_tree(STAT_A, NET_A, "0::/\n");
		let cg = tempfile::tempdir().unwrap();
		fs::write(cg.path().join("cgroup.controllers"), "cpu\n").unwrap();
		fs::write(cg.path().join("cpu.max"), "800000 100000\n").unwrap();
		let mut source = SystemSource::with_roots(proc_dir.path(), cg.path());
		assert_eq!(source.sample().unwrap().vcpus_milli, 2000);
	}

	#[test]
	fn reads_this_machine() {
		let mut source = SystemSource::new();
		let r = source.sample().expect("/proc is readable");
		assert!(r.vcpus_milli >= 1000 && r.memory_mib > 0 && r.memory_used_mib <= r.memory_mib);
	}
}
