//! Reads the instance's resources from the real machine.
//!
//! What is measured is the *instance*, not the monitor: by default the
//! cgroup v2 root as the monitor sees it — the whole VM, or the whole
//! container when the monitor runs in its cgroup namespace — never the
//! monitor's own cgroup, whose limits (a sidecar's, a systemd unit's) are
//! the agent's and not the tenant's. [`MeasuredCgroup`] chooses another.
//!
//! - vCPUs: the tightest `cpu.max` quota on the path from the measured cgroup
//!   up to the cgroup root (limits nest), the CPUs of its
//!   `cpuset.cpus.effective`, and the online CPUs of `/proc/stat`: the least.
//! - Memory: the tightest `memory.max` on that path, capped at `MemTotal`. In
//!   a VM `MemTotal` is a few per cent below the nominal size (the kernel and
//!   firmware reserve memory), so an SLA on memory states the usable size.
//! - CPU utilisation: the measured cgroup's `cpu.stat` `usage_usec` against
//!   the vCPUs above over the elapsed time; without cgroup v2, busy jiffies
//!   out of all jiffies of `/proc/stat`. CPU steal: always `/proc/stat` (the
//!   hypervisor steals from the whole guest).
//! - Memory used: the measured cgroup's `memory.current` minus the
//!   `inactive_file` of its `memory.stat` (reclaimable page cache); where
//!   there is no `memory.current` (the root of a VM), `MemTotal - MemAvailable`.
//! - Network: byte counters of `/proc/net/dev` for the interfaces
//!   [`InterfaceSelection`] picks (by default the physical ones, those with a
//!   `device` under `/sys/class/net`, or every interface but `lo` where none
//!   is physical, as in a container), as deltas since the previous reading. An
//!   interface seen for the first time starts at zero, not at its lifetime
//!   counter; a counter that went backwards was reset, and its new value is
//!   what moved since.

use std::{
	collections::HashMap,
	path::{Path, PathBuf},
	time::Instant,
};

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

/// The number of CPUs in a cpuset list such as `0-3,6,8-9`; `None` if it does not parse.
pub fn parse_cpuset_count(text: &str) -> Option<u32> {
	let text = text.trim();
	if text.is_empty() {
		return None;
	}
	let mut count = 0u32;
	for part in text.split(',') {
		let (first, last) = match part.split_once('-') {
			Some((a, b)) => (a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?),
			None => {
				let cpu = part.trim().parse::<u32>().ok()?;
				(cpu, cpu)
			},
		};
		count = count.checked_add(last.checked_sub(first)? + 1)?;
	}
	Some(count)
}

/// `inactive_file` of a cgroup v2 `memory.stat`, in bytes.
pub fn parse_inactive_file(text: &str) -> Option<u64> {
	text.lines().find_map(|l| l.strip_prefix("inactive_file ")).and_then(|v| v.trim().parse().ok())
}

/// Which cgroup is the instance.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum MeasuredCgroup {
	/// The cgroup v2 root as the monitor sees it: the whole VM, or the whole
	/// container in its cgroup namespace.
	#[default]
	Instance,
	/// The monitor's own cgroup (when it runs inside the workload's cgroup).
	Own,
	/// A cgroup by its path under the root, e.g. `/system.slice/app.service`.
	Path(String),
}

impl MeasuredCgroup {
	/// `"/"` (the instance), `"self"` or a path starting with `/`.
	pub fn parse(text: &str) -> Option<Self> {
		match text {
			"/" => Some(MeasuredCgroup::Instance),
			"self" => Some(MeasuredCgroup::Own),
			path if path.starts_with('/') && !path.split('/').any(|c| c == "..") => {
				Some(MeasuredCgroup::Path(path.to_string()))
			},
			_ => None,
		}
	}
}

/// Which network interfaces carry the instance's traffic.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct InterfaceSelection {
	/// Only these (when not empty); otherwise the physical ones, or all but
	/// `lo` where none is physical.
	pub include: Vec<String>,
	/// Never these.
	pub exclude: Vec<String>,
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
	net_class_root: PathBuf,
	measured: MeasuredCgroup,
	interfaces: InterfaceSelection,
	prev_cpu: Option<CpuTimes>,
	prev_cgroup_usage: Option<(PathBuf, u64, Instant)>,
	prev_net: Option<HashMap<String, (u64, u64)>>,
}

impl SystemSource {
	/// Reads `/proc`, `/sys/fs/cgroup` and `/sys/class/net`, measuring the whole instance.
	pub fn new() -> Self {
		Self::with_roots("/proc", "/sys/fs/cgroup")
	}

	/// Reads from other roots (tests use fixture trees).
	pub fn with_roots(proc_root: impl Into<PathBuf>, cgroup_root: impl Into<PathBuf>) -> Self {
		SystemSource {
			proc_root: proc_root.into(),
			cgroup_root: cgroup_root.into(),
			net_class_root: PathBuf::from("/sys/class/net"),
			measured: MeasuredCgroup::Instance,
			interfaces: InterfaceSelection::default(),
			prev_cpu: None,
			prev_cgroup_usage: None,
			prev_net: None,
		}
	}

	/// Measures `cgroup` instead of the whole instance.
	pub fn measuring(mut self, cgroup: MeasuredCgroup) -> Self {
		self.measured = cgroup;
		self
	}

	/// Counts the traffic of the interfaces `selection` picks.
	pub fn counting(mut self, selection: InterfaceSelection) -> Self {
		self.interfaces = selection;
		self
	}

	/// Looks for physical interfaces under `root` instead of `/sys/class/net`.
	pub fn with_net_class_root(mut self, root: impl Into<PathBuf>) -> Self {
		self.net_class_root = root.into();
		self
	}

	fn read(&self, rel: &str) -> Option<String> {
		std::fs::read_to_string(self.proc_root.join(rel)).ok()
	}

	/// The measured cgroup's directory, when cgroup v2 is mounted at the root.
	pub fn measured_dir(&self) -> Option<PathBuf> {
		if !self.cgroup_root.join("cgroup.controllers").exists() {
			return None;
		}
		let relative = match &self.measured {
			MeasuredCgroup::Instance => String::new(),
			MeasuredCgroup::Own => self.read("self/cgroup").and_then(|t| parse_own_cgroup(&t)).unwrap_or_default(),
			MeasuredCgroup::Path(path) => path.clone(),
		};
		let dir = self.cgroup_root.join(relative.trim_start_matches('/'));
		// Inside a cgroup namespace the own path may not exist under the mount: the mount root is ours.
		Some(if dir.starts_with(&self.cgroup_root) && dir.is_dir() { dir } else { self.cgroup_root.clone() })
	}

	/// Refuses a configured cgroup path that does not exist under cgroup v2:
	/// the root measured in its place could be a whole node (a sidecar with
	/// the node's cgroup tree mounted), far more than the instance.
	pub fn check_measured_cgroup(&self) -> Result<(), String> {
		if let MeasuredCgroup::Path(path) = &self.measured {
			let dir = self.cgroup_root.join(path.trim_start_matches('/'));
			if self.cgroup_root.join("cgroup.controllers").exists() && !dir.is_dir() {
				return Err(format!("measure_cgroup {path:?}: no such cgroup ({} does not exist)", dir.display()));
			}
		}
		Ok(())
	}

	/// The limits of cgroup v2 on the path from the measured cgroup up to the
	/// root, if it is mounted at the cgroup root and any is set.
	pub fn cgroup_limits(&self) -> CgroupLimits {
		limits_from(self.measured_dir(), &self.cgroup_root)
	}
}

/// The tightest limits on the path from `measured` up to `cgroup_root`.
fn limits_from(measured: Option<PathBuf>, cgroup_root: &Path) -> CgroupLimits {
	let mut limits = CgroupLimits::default();
	let Some(mut dir) = measured else { return limits };
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
		if dir == cgroup_root || !dir.pop() {
			break;
		}
	}
	limits
}

impl SystemSource {
	/// CPUs of the measured cgroup's `cpuset.cpus.effective` (its own, or the
	/// nearest ancestor's that has the file).
	fn cpuset_cpus(&self, measured: &Path) -> Option<u32> {
		let mut dir = measured.to_path_buf();
		loop {
			if let Ok(text) = std::fs::read_to_string(dir.join("cpuset.cpus.effective")) {
				return parse_cpuset_count(&text);
			}
			if dir == self.cgroup_root || !dir.pop() {
				return None;
			}
		}
	}

	/// Takes a reading; `None` if `/proc/stat` or `/proc/meminfo` is unreadable.
	pub fn sample(&mut self) -> Option<Reading> {
		let (cpu, online) = parse_proc_stat(&self.read("stat")?)?;
		let (mem_total, mem_available) = parse_meminfo(&self.read("meminfo")?)?;
		// Resolved once per sample: the limits and every reading below use it.
		let measured = self.measured_dir();
		let limits = limits_from(measured.clone(), &self.cgroup_root);

		let cpuset = measured.as_deref().and_then(|dir| self.cpuset_cpus(dir)).unwrap_or(online).min(online);
		let host_milli = cpuset.max(1).saturating_mul(1000);
		let vcpus_milli = limits.cpu.as_ref().map_or(host_milli, |(m, _)| (*m).min(host_milli));
		let memory_bytes = limits.memory.as_ref().map_or(mem_total, |(b, _)| (*b).min(mem_total));
		let read_measured = |file: &str| measured.as_ref().and_then(|dir| std::fs::read_to_string(dir.join(file)).ok());
		let memory_used = match read_measured("memory.current").and_then(|t| t.trim().parse::<u64>().ok()) {
			Some(current) => {
				current.saturating_sub(read_measured("memory.stat").and_then(|t| parse_inactive_file(&t)).unwrap_or(0))
			},
			None => mem_total.saturating_sub(mem_available),
		};

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

		// The measured cgroup's own CPU time against the vCPUs it may use, where
		// its cpu.stat can be read; /proc/stat otherwise.
		let usage_of = measured.clone();
		if let Some(dir) = &usage_of {
			let milli = vcpus_milli;
			let now = Instant::now();
			let usage = std::fs::read_to_string(dir.join("cpu.stat")).ok().and_then(|t| parse_cpu_stat_usage_usec(&t));
			if let Some(usage) = usage {
				if let Some((prev_dir, prev_usage, prev_at)) = &self.prev_cgroup_usage {
					let wall_us = now.duration_since(*prev_at).as_micros() as u64;
					if prev_dir == dir && wall_us > 0 {
						let used_us = usage.saturating_sub(*prev_usage);
						let available_us = wall_us.saturating_mul(milli as u64) / 1000;
						utilisation = permille(used_us, available_us.max(1));
					}
				}
				self.prev_cgroup_usage = Some((dir.clone(), usage, now));
			}
		} else {
			self.prev_cgroup_usage = None;
		}

		let counters = self.read("net/dev").map(|t| parse_net_dev(&t)).unwrap_or_default();
		let net: HashMap<String, (u64, u64)> =
			self.counted_interfaces(counters).into_iter().map(|(n, r, t)| (n, (r, t))).collect();
		let (mut rx, mut tx) = (0u64, 0u64);
		if let Some(prev) = &self.prev_net {
			for (name, (r, t)) in &net {
				// An interface seen for the first time starts at zero, not at its lifetime counter.
				if let Some((pr, pt)) = prev.get(name) {
					rx = rx.saturating_add(counter_delta(*pr, *r));
					tx = tx.saturating_add(counter_delta(*pt, *t));
				}
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

	/// The interfaces of `counters` that count, per [`InterfaceSelection`].
	fn counted_interfaces(&self, counters: Vec<(String, u64, u64)>) -> Vec<(String, u64, u64)> {
		let chosen: Vec<_> = if !self.interfaces.include.is_empty() {
			counters.into_iter().filter(|(name, ..)| self.interfaces.include.contains(name)).collect()
		} else {
			let physical: Vec<_> = counters.iter().filter(|(name, ..)| self.is_physical(name)).cloned().collect();
			if physical.is_empty() {
				counters
			} else {
				physical
			}
		};
		chosen.into_iter().filter(|(name, ..)| !self.interfaces.exclude.contains(name)).collect()
	}

	/// A physical (or paravirtual, like virtio) interface has a device behind it.
	fn is_physical(&self, name: &str) -> bool {
		!name.contains('/') && self.net_class_root.join(name).join("device").exists()
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
		let measured = self.measured_dir().map_or("no cgroup v2: the host".into(), |d| d.display().to_string());
		let counters = self.read("net/dev").map(|t| parse_net_dev(&t)).unwrap_or_default();
		let interfaces: Vec<String> = self.counted_interfaces(counters).into_iter().map(|(n, ..)| n).collect();
		format!(
			"measuring {measured}: vCPUs from {cpu}; memory from {mem}; network of {}",
			if interfaces.is_empty() { "no interface".into() } else { interfaces.join(", ") }
		)
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

	/// A source on fixture trees, with no physical interface (as in a container).
	fn fixture_source(proc_root: &Path, cgroup_root: &Path, net_class: &tempfile::TempDir) -> SystemSource {
		SystemSource::with_roots(proc_root, cgroup_root).with_net_class_root(net_class.path())
	}

	#[test]
	fn host_readings_without_cgroup_limits() {
		let proc_dir = proc_tree(STAT_A, NET_A, "0::/\n");
		let no_cgroup = tempfile::tempdir().unwrap();
		let no_net = tempfile::tempdir().unwrap();
		let mut source = fixture_source(proc_dir.path(), no_cgroup.path(), &no_net);
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
		fs::write(root.join("pod/ctr/cpu.stat"), "usage_usec 0\n").unwrap();
		let no_net = tempfile::tempdir().unwrap();
		let mut source = fixture_source(proc_dir.path(), root, &no_net).measuring(MeasuredCgroup::Own);
		let limits = source.cgroup_limits();
		assert_eq!(limits.cpu, Some((500, root.join("pod"))));
		assert_eq!(limits.memory, Some((1024 * MIB, root.join("pod/ctr"))));
		let r = source.sample().unwrap();
		assert_eq!((r.vcpus_milli, r.memory_mib, r.memory_used_mib), (500, 1024, 256));
		// Half a CPU of quota, fully used for the elapsed time: at least near 1000 permille.
		std::thread::sleep(std::time::Duration::from_millis(50));
		fs::write(root.join("pod/ctr/cpu.stat"), "usage_usec 1000000\n").unwrap();
		assert_eq!(source.sample().unwrap().cpu_utilisation_permille, 1000);
	}

	#[test]
	fn a_quota_above_the_host_is_capped_at_the_host() {
		let proc_dir = proc_tree(STAT_A, NET_A, "0::/\n");
		let cg = tempfile::tempdir().unwrap();
		fs::write(cg.path().join("cgroup.controllers"), "cpu\n").unwrap();
		fs::write(cg.path().join("cpu.max"), "800000 100000\n").unwrap();
		let no_net = tempfile::tempdir().unwrap();
		let mut source = fixture_source(proc_dir.path(), cg.path(), &no_net);
		assert_eq!(source.sample().unwrap().vcpus_milli, 2000);
	}

	/// A container's cgroup namespace: the root is the container (2 CPUs of a
	/// quota, CPUs 0-1, 4 GiB); the monitor runs as a sidecar in `/monitor`
	/// with limits of its own (0.1 CPU, 64 MiB).
	fn container_with_a_sidecar() -> (tempfile::TempDir, tempfile::TempDir) {
		let proc_dir = proc_tree(STAT_A, NET_A, "0::/monitor\n");
		let cg = tempfile::tempdir().unwrap();
		let root = cg.path();
		fs::write(root.join("cgroup.controllers"), "cpuset cpu memory\n").unwrap();
		fs::write(root.join("cpu.max"), "200000 100000\n").unwrap();
		fs::write(root.join("cpuset.cpus.effective"), "0-1\n").unwrap();
		fs::write(root.join("memory.max"), "4294967296\n").unwrap();
		fs::write(root.join("memory.current"), "3221225472\n").unwrap();
		fs::write(root.join("memory.stat"), "anon 2147483648\nfile 1073741824\ninactive_file 1073741824\n").unwrap();
		fs::write(root.join("cpu.stat"), "usage_usec 0\n").unwrap();
		fs::create_dir_all(root.join("monitor")).unwrap();
		fs::write(root.join("monitor/cpu.max"), "10000 100000\n").unwrap();
		fs::write(root.join("monitor/memory.max"), "67108864\n").unwrap();
		fs::write(root.join("monitor/memory.current"), "8388608\n").unwrap();
		(proc_dir, cg)
	}

	#[test]
	fn the_instance_is_measured_not_the_monitors_own_cgroup() {
		let (proc_dir, cg) = container_with_a_sidecar();
		let no_net = tempfile::tempdir().unwrap();
		let r = fixture_source(proc_dir.path(), cg.path(), &no_net).sample().unwrap();
		// Used memory leaves out the reclaimable page cache: 3 GiB - 1 GiB inactive_file.
		assert_eq!((r.vcpus_milli, r.memory_mib, r.memory_used_mib), (2000, 4096, 2048));
		let own = fixture_source(proc_dir.path(), cg.path(), &no_net).measuring(MeasuredCgroup::Own).sample().unwrap();
		assert_eq!((own.vcpus_milli, own.memory_mib, own.memory_used_mib), (100, 64, 8));
		let by_path = fixture_source(proc_dir.path(), cg.path(), &no_net)
			.measuring(MeasuredCgroup::Path("/monitor".into()))
			.sample()
			.unwrap();
		assert_eq!(by_path, own);
		let source = fixture_source(proc_dir.path(), cg.path(), &no_net);
		assert_eq!(source.measuring(MeasuredCgroup::Path("/monitor".into())).check_measured_cgroup(), Ok(()));
		let typo =
			fixture_source(proc_dir.path(), cg.path(), &no_net).measuring(MeasuredCgroup::Path("/monitr".into()));
		let refused = typo.check_measured_cgroup().unwrap_err();
		assert!(refused.contains("measure_cgroup \"/monitr\": no such cgroup"), "{refused}");
	}

	#[test]
	fn the_cpuset_bounds_the_vcpus_and_utilisation_counts_against_them() {
		let (proc_dir, cg) = container_with_a_sidecar();
		fs::write(cg.path().join("cpu.max"), "max 100000\n").unwrap();
		fs::write(cg.path().join("cpuset.cpus.effective"), "1\n").unwrap();
		let no_net = tempfile::tempdir().unwrap();
		let mut source = fixture_source(proc_dir.path(), cg.path(), &no_net);
		assert_eq!(source.sample().unwrap().vcpus_milli, 1000, "one CPU in the cpuset of two online");
		std::thread::sleep(std::time::Duration::from_millis(50));
		// More CPU time than one CPU had in the elapsed time: all of it used.
		fs::write(cg.path().join("cpu.stat"), "usage_usec 1000000\n").unwrap();
		assert_eq!(source.sample().unwrap().cpu_utilisation_permille, 1000);
	}

	#[test]
	fn only_physical_interfaces_count_and_a_new_one_starts_at_zero() {
		let proc_dir = proc_tree(STAT_A, NET_A, "0::/\n");
		let no_cgroup = tempfile::tempdir().unwrap();
		let net_class = tempfile::tempdir().unwrap();
		for physical in ["eth0", "eth2"] {
			fs::create_dir_all(net_class.path().join(physical).join("device")).unwrap();
		}
		fs::create_dir_all(net_class.path().join("eth1")).unwrap();
		let mut source = fixture_source(proc_dir.path(), no_cgroup.path(), &net_class);
		source.sample().unwrap();
		fs::write(proc_dir.path().join("stat"), STAT_B).unwrap();
		// eth2 appears with a lifetime counter of 10 GB: it starts at zero.
		let with_new = format!("{NET_B}  eth2: 10000000000 1 0 0 0 0 0 0 20000000000 1 0 0 0 0 0 0\n");
		fs::write(proc_dir.path().join("net/dev"), with_new).unwrap();
		let r = source.sample().unwrap();
		assert_eq!((r.net_rx_delta, r.net_tx_delta), (300, 400), "eth0 only: eth1 is virtual, eth2 new");
		assert!(source.describe().ends_with("network of eth0, eth2"), "{}", source.describe());
	}

	#[test]
	fn an_interface_list_overrides_the_physical_rule() {
		let proc_dir = proc_tree(STAT_A, NET_A, "0::/\n");
		let no_cgroup = tempfile::tempdir().unwrap();
		let net_class = tempfile::tempdir().unwrap();
		fs::create_dir_all(net_class.path().join("eth0/device")).unwrap();
		let only_eth1 = InterfaceSelection { include: vec!["eth1".into()], exclude: vec![] };
		let mut source = fixture_source(proc_dir.path(), no_cgroup.path(), &net_class).counting(only_eth1);
		source.sample().unwrap();
		fs::write(proc_dir.path().join("net/dev"), NET_B).unwrap();
		assert_eq!(source.sample().map(|r| (r.net_rx_delta, r.net_tx_delta)), Some((40, 60)));

		let no_net = tempfile::tempdir().unwrap();
		let not_eth0 = InterfaceSelection { include: vec![], exclude: vec!["eth0".into()] };
		fs::write(proc_dir.path().join("net/dev"), NET_A).unwrap();
		let mut source = fixture_source(proc_dir.path(), no_cgroup.path(), &no_net).counting(not_eth0);
		source.sample().unwrap();
		fs::write(proc_dir.path().join("net/dev"), NET_B).unwrap();
		assert_eq!(source.sample().map(|r| (r.net_rx_delta, r.net_tx_delta)), Some((40, 60)));
	}

	#[test]
	fn cpusets_and_cgroup_choices_parse() {
		assert_eq!(parse_cpuset_count("0-3,6,8-9\n"), Some(7));
		assert_eq!(parse_cpuset_count("5"), Some(1));
		for bad in ["", "3-1", "a", "0-", "1,,2"] {
			assert_eq!(parse_cpuset_count(bad), None, "{bad:?}");
		}
		assert_eq!(parse_inactive_file("active_file 1\ninactive_file 4096\n"), Some(4096));
		assert_eq!(MeasuredCgroup::parse("/"), Some(MeasuredCgroup::Instance));
		assert_eq!(MeasuredCgroup::parse("self"), Some(MeasuredCgroup::Own));
		assert_eq!(
			MeasuredCgroup::parse("/system.slice/app.service"),
			Some(MeasuredCgroup::Path("/system.slice/app.service".into()))
		);
		for bad in ["", "relative", "/../etc", "/a/../../b"] {
			assert_eq!(MeasuredCgroup::parse(bad), None, "{bad:?}");
		}
	}

	#[test]
	fn reads_this_machine() {
		let mut source = SystemSource::new();
		let r = source.sample().expect("/proc is readable");
		assert!(r.vcpus_milli >= 1000 && r.memory_mib > 0 && r.memory_used_mib <= r.memory_mib);
	}
}
