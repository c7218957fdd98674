//! Samples on disk: a small write-ahead journal ([`crate::journal`]) in front
//! of [redb](https://docs.rs/redb), an embedded, pure-Rust, ACID key-value
//! store (copy-on-write B-trees, checksummed pages, a commit that flips
//! between two header slots only after the data is fsynced).
//!
//! A sample goes into the journal when it is taken and is durable (written
//! with `O_DIRECT | O_DSYNC`) within [`SYNC_WITHIN_MS`] — before any window
//! containing it settles ([`REPORT_SETTLE_MS`]) — and at once when a report
//! is asked for: a report is only ever computed from durable samples, so a
//! `kill -9` or a power loss never changes a report already served. Every
//! few minutes ([`Store::checkpoint`], which the sampler calls) the journal's
//! samples are copied into redb in one durable transaction, together with
//! the retention prune, and the journal starts over. After a crash, opening
//! the store copies what the journal holds into redb (redb repairs itself
//! first). Reads run on an MVCC snapshot of redb plus the samples of the
//! journal at that moment, so a report never sees half of a prune or a
//! checkpoint. The file is locked: a second monitor on the same data
//! directory is refused.
//!
//! Why both: a durable redb commit per sample writes about 24 KiB (2 GiB a
//! day at one sample a second); a journal write of the sectors that changed
//! costs 512 bytes, and one checkpoint in ten minutes costs what one
//! commit did. redb still does what a bare log could not without much code:
//! an index by time, range scans, pruning, crash repair.
//!
//! Keys are the probe's start time in ms (big-endian order in redb's `u64`
//! key type, so ranges are time ranges); values are `SAMPLE_FORMAT ||
//! SCALE(Sample)`.

use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex, RwLock,
	},
	time::{Duration, Instant},
};

use crate::{journal::Journal, system::Reading};
use codec::{Decode, Encode};
use qos_primitives::REPORT_SETTLE_MS;
use redb::{Database, ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition};

const SAMPLES: TableDefinition<u64, &[u8]> = TableDefinition::new("samples");
/// Samples stamped after the wall clock stepped back past them, set aside so
/// that new samples can be written (kept for inspection, never served).
const SET_ASIDE: TableDefinition<u64, &[u8]> = TableDefinition::new("samples_set_aside");
/// Facts about the samples that reports depend on (the sampling interval).
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const INTERVAL_KEY: &str = "sampling_interval_ms";

/// Version byte in front of every stored sample.
pub const SAMPLE_FORMAT: u8 = 1;

/// Name of the store's file in the data directory.
pub const STORE_FILE: &str = "samples.redb";
/// Name of the journal's file in the data directory.
pub const JOURNAL_FILE: &str = "samples.journal";
/// A sample is durable at most this long after it was taken (below
/// [`REPORT_SETTLE_MS`], less the probe, which is below one interval).
pub const SYNC_WITHIN_MS: u64 = 4_000;
const _: () = assert!(SYNC_WITHIN_MS < REPORT_SETTLE_MS);
/// Samples the journal holds at most before a checkpoint is forced (an
/// hour at one a second; bounds memory, and fits the preallocated file).
pub const MAX_JOURNALED: usize = 3_600;
const _: () = assert!(MAX_JOURNALED as u64 * 64 < crate::journal::PREALLOCATED_BYTES - 512);

/// One sample: the probe of the workload and a reading of the machine.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Sample {
	/// When the probe started, ms since the Unix epoch (also the key).
	pub ts_ms: u64,
	pub probe_ok: bool,
	/// Probe latency in microseconds.
	pub latency_us: u32,
	/// The machine at that moment; its counters are deltas since the
	/// previous sample.
	pub machine: Reading,
}

/// A storage failure, described for the log and for a 500 response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
	/// The data directory could not be created.
	#[error("cannot create data directory {path}: {reason}")]
	CreateDir { path: String, reason: String },
	/// Another process has the store open.
	#[error(
		"sample store {path} is in use by another process (is another qos-monitor running on this data directory?)"
	)]
	InUse { path: String },
	/// The store could not be opened.
	#[error("cannot open sample store {path}: {reason}")]
	Open { path: String, reason: String },
	/// A database operation failed.
	#[error("sample store: {what}: {reason}")]
	Database { what: &'static str, reason: String },
	/// A stored sample does not decode.
	#[error("sample store: undecodable sample at {ts_ms} ms")]
	Corrupt { ts_ms: u64 },
	/// A stored sample has a format this version does not know.
	#[error("sample store: sample at {ts_ms} ms has unknown format {format}")]
	UnknownFormat { ts_ms: u64, format: u8 },
	/// The database is closed after a failed write and could not be reopened yet.
	#[error("sample store {path} is unavailable after a failed write: {reason}")]
	Unavailable { path: String, reason: String },
	/// The journal could not be read or written.
	#[error("sample journal {path}: {what}: {reason}")]
	Journal { path: String, what: &'static str, reason: String },
	/// The samples were taken at another interval than the configuration's.
	#[error(
		"the samples in this data directory were taken every {stored} ms, the configuration says {configured} ms: \
		 reports already served count their expected samples at {stored} ms and must not change. Keep \
		 sampling_interval_ms = {stored}, or start on a new data_dir"
	)]
	IntervalChanged { stored: u64, configured: u64 },
}

fn redb_err<E: Into<redb::Error>>(what: &'static str) -> impl Fn(E) -> StoreError {
	move |e| StoreError::Database { what, reason: e.into().to_string() }
}

/// The sample store of one data directory.
///
/// A failed write (a full disk, an I/O error) leaves redb refusing every
/// later write until the database is opened again. So after one, the next
/// write closes and reopens it (redb repairs it on open): once space
/// returns, sampling resumes without a restart. Meanwhile reads of what is
/// stored go on, and [`Store::write_failure_within`] says what failed (for
/// `/healthz`).
pub struct Store {
	path: PathBuf,
	/// `None` while closed after a failed write and not yet reopened.
	db: RwLock<Option<Database>>,
	/// A write failed since the last reopen: reopen before the next write.
	reopen_needed: AtomicBool,
	/// The last write failure and when it happened.
	failure: Mutex<Option<(String, Instant)>>,
	journaled: Mutex<Journaled>,
	journal_path: PathBuf,
	/// Set by tests that simulate a crash: no checkpoint on drop.
	crashed: AtomicBool,
}

/// The journal and the samples in it that redb does not have yet.
struct Journaled {
	journal: Journal,
	/// Shared with snapshots; copied only when one still holds it.
	samples: Arc<BTreeMap<u64, Sample>>,
	/// Records pushed since the last sync.
	unsynced: usize,
	/// Sync after this many samples (from the sampling interval).
	sync_every: usize,
}

/// A consistent view of the samples, unaffected by later appends, prunes
/// and checkpoints.
pub struct Snapshot {
	txn: ReadTransaction,
	journaled: Arc<BTreeMap<u64, Sample>>,
}

impl Store {
	/// Opens (creating if needed) the store in `data_dir`, which is created with mode 0700.
	pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
		use std::os::unix::fs::DirBuilderExt;
		std::fs::DirBuilder::new()
			.recursive(true)
			.mode(0o700)
			.create(data_dir)
			.map_err(|e| StoreError::CreateDir { path: data_dir.display().to_string(), reason: e.to_string() })?;
		let path = data_dir.join(STORE_FILE);
		let db = open_database(&path)?;
		let journal_path = data_dir.join(JOURNAL_FILE);
		let opened = Journal::open(&journal_path).map_err(|e| journal_error(&journal_path, "open", e))?;
		let mut journal = opened.journal;
		// What the journal holds (after a crash) goes into redb before anything else.
		let mut recovered = Vec::with_capacity(opened.records.len());
		for (i, record) in opened.records.iter().enumerate() {
			match decode_record(record) {
				Some(sample) => recovered.push(sample),
				None => tracing::warn!("sample journal: record {i} does not decode; skipped"),
			}
		}
		if !recovered.is_empty() {
			append(&db, &recovered)?;
			tracing::info!("sample store: {} sample(s) recovered from the journal", recovered.len());
		}
		journal.start_epoch().map_err(|e| journal_error(&journal_path, "start", e))?;
		if !journal.is_direct() {
			tracing::warn!(
				"sample journal {}: the file system refuses O_DIRECT; writing through the page cache (as durable, more bytes written)",
				journal_path.display()
			);
		}
		Ok(Store {
			path,
			db: RwLock::new(Some(db)),
			reopen_needed: AtomicBool::new(false),
			failure: Mutex::new(None),
			journaled: Mutex::new(Journaled { journal, samples: Arc::default(), unsynced: 0, sync_every: 1 }),
			journal_path,
			crashed: AtomicBool::new(false),
		})
	}

	fn journaled(&self) -> std::sync::MutexGuard<'_, Journaled> {
		self.journaled.lock().unwrap_or_else(|p| p.into_inner())
	}

	fn record_failure(&self, e: &StoreError) {
		*self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some((e.to_string(), Instant::now()));
	}

	/// Makes every journaled sample durable.
	fn sync(&self, journaled: &mut Journaled) -> Result<(), StoreError> {
		journaled.journal.sync().map_err(|e| {
			let e = journal_error(&self.journal_path, "write", e);
			self.record_failure(&e);
			e
		})?;
		journaled.unsynced = 0;
		Ok(())
	}

	/// Runs `f` on the open database; while it is closed after a failed
	/// reopen, tries to open it first (`Unavailable` if that fails again).
	fn read<T>(&self, f: impl FnOnce(&Database) -> Result<T, StoreError>) -> Result<T, StoreError> {
		{
			let guard = self.db.read().unwrap_or_else(|p| p.into_inner());
			if let Some(db) = guard.as_ref() {
				return f(db);
			}
		}
		if self.reopen().is_err() {
			return Err(self.unavailable());
		}
		let guard = self.db.read().unwrap_or_else(|p| p.into_inner());
		match guard.as_ref() {
			Some(db) => f(db),
			None => Err(self.unavailable()),
		}
	}

	fn unavailable(&self) -> StoreError {
		let reason = self.write_failure_within(Duration::MAX).unwrap_or_else(|| "closed".into());
		StoreError::Unavailable { path: self.path.display().to_string(), reason }
	}

	/// Runs the write `f`, reopening the database first after a failed write.
	fn write<T>(&self, f: impl FnOnce(&Database) -> Result<T, StoreError>) -> Result<T, StoreError> {
		let result = if self.reopen_needed.load(Ordering::SeqCst) {
			self.reopen().and_then(|()| self.read(f))
		} else {
			self.read(f)
		};
		if let Err(e) = &result {
			// (InUse: a report's snapshot still held the old handle's file lock.)
			if matches!(
				e,
				StoreError::Database { .. }
					| StoreError::Open { .. }
					| StoreError::InUse { .. }
					| StoreError::Unavailable { .. }
			) {
				self.reopen_needed.store(true, Ordering::SeqCst);
				*self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some((e.to_string(), Instant::now()));
			}
		}
		result
	}

	/// Closes and reopens the database; redb repairs it on open.
	fn reopen(&self) -> Result<(), StoreError> {
		let mut slot = self.db.write().unwrap_or_else(|p| p.into_inner());
		if slot.is_some() && !self.reopen_needed.load(Ordering::SeqCst) {
			// Another thread reopened it meanwhile.
			return Ok(());
		}
		// Dropped first: the file's lock must be free for the new handle.
		*slot = None;
		*slot = Some(open_database(&self.path)?);
		self.reopen_needed.store(false, Ordering::SeqCst);
		tracing::debug!("sample store {} reopened after a failed write", self.path.display());
		Ok(())
	}

	/// What the last write failed with, if that was less than `horizon` ago.
	pub fn write_failure_within(&self, horizon: Duration) -> Option<String> {
		let failure = self.failure.lock().unwrap_or_else(|p| p.into_inner());
		failure.as_ref().filter(|(_, at)| at.elapsed() < horizon).map(|(e, _)| e.clone())
	}

	/// Records the sampling interval with the samples on first use; refuses
	/// another one later (`IntervalChanged`): a report's expected samples
	/// follow from the interval, so a new interval would change the bytes of
	/// reports already served.
	pub fn bind_interval(&self, sampling_interval_ms: u64) -> Result<(), StoreError> {
		self.write(|db| bind_interval(db, sampling_interval_ms))?;
		self.journaled().sync_every = (SYNC_WITHIN_MS / sampling_interval_ms.max(1)).max(1) as usize;
		Ok(())
	}

	/// Stores `samples`: in the journal at once (visible to snapshots), on
	/// disk within [`SYNC_WITHIN_MS`] of the sampling interval bound with
	/// [`Store::bind_interval`] (every sample before that), and in redb at
	/// the next checkpoint. A failed write keeps them for the next one.
	pub fn append(&self, samples: &[Sample]) -> Result<(), StoreError> {
		if samples.len() >= MAX_JOURNALED {
			// A bulk import (the benchmark's seed): straight into the database.
			self.checkpoint(None)?;
			return self.write(|db| append(db, samples));
		}
		if self.journaled().samples.len() + samples.len() > MAX_JOURNALED {
			// The journal is full: the database takes it first, or the samples
			// are refused (memory and the preallocated file stay bounded
			// while the database cannot be written).
			self.checkpoint(None)?;
		}
		let mut journaled = self.journaled();
		for sample in samples {
			journaled.journal.push(&encode_record(sample));
			Arc::make_mut(&mut journaled.samples).insert(sample.ts_ms, sample.clone());
			journaled.unsynced += 1;
		}
		if journaled.unsynced >= journaled.sync_every {
			self.sync(&mut journaled)?;
		}
		Ok(())
	}

	/// Copies the journaled samples into redb and deletes the samples older
	/// than `prune_before_ms`, in one durable transaction, then starts the
	/// journal over; returns how many samples were deleted. Writes nothing
	/// when there is nothing to copy or delete.
	pub fn checkpoint(&self, prune_before_ms: Option<u64>) -> Result<u64, StoreError> {
		let mut journaled = self.journaled();
		let samples: Vec<Sample> = journaled.samples.values().cloned().collect();
		let pruned = self.write(|db| checkpoint(db, &samples, prune_before_ms))?;
		if !samples.is_empty() {
			journaled.samples = Arc::default();
			journaled.unsynced = 0;
			// Should this fail, the journal still holds copies of what redb
			// now has: copying them again after a crash changes nothing.
			if let Err(e) = journaled.journal.start_epoch() {
				let e = journal_error(&self.journal_path, "start over", e);
				self.record_failure(&e);
				return Err(e);
			}
		}
		Ok(pruned)
	}

	/// The newest sample, if any.
	pub fn last(&self) -> Result<Option<Sample>, StoreError> {
		let journaled = self.journaled().samples.clone();
		let stored = self.read(|db| {
			let txn = db.begin_read().map_err(redb_err("begin read"))?;
			let table = txn.open_table(SAMPLES).map_err(redb_err("open table"))?;
			let last = match table.last().map_err(redb_err("read"))? {
				Some((key, value)) => Some(decode(key.value(), value.value())?),
				None => None,
			};
			Ok(last)
		})?;
		let newest = journaled.values().next_back().cloned();
		Ok(match (stored, newest) {
			(Some(s), Some(j)) => Some(if j.ts_ms >= s.ts_ms { j } else { s }),
			(s, j) => j.or(s),
		})
	}

	/// Number of samples stored.
	pub fn len(&self) -> Result<u64, StoreError> {
		let snapshot = self.snapshot_unsynced()?;
		let table = snapshot.txn.open_table(SAMPLES).map_err(redb_err("open table"))?;
		let mut n = table.len().map_err(redb_err("count"))?;
		for ts in snapshot.journaled.keys() {
			if table.get(*ts).map_err(redb_err("read"))?.is_none() {
				n += 1;
			}
		}
		Ok(n)
	}

	/// Whether no sample is stored.
	pub fn is_empty(&self) -> Result<bool, StoreError> {
		Ok(self.len()? == 0)
	}

	/// A read snapshot of durable samples only: what the journal holds is
	/// made durable first, so a report computed from it survives a crash.
	pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
		let mut journaled = self.journaled();
		if journaled.journal.has_unsynced() {
			self.sync(&mut journaled)?;
		}
		let txn = self.read(|db| db.begin_read().map_err(redb_err("begin read")))?;
		Ok(Snapshot { txn, journaled: journaled.samples.clone() })
	}

	/// A read snapshot that may include samples not yet durable.
	fn snapshot_unsynced(&self) -> Result<Snapshot, StoreError> {
		let journaled = self.journaled();
		let txn = self.read(|db| db.begin_read().map_err(redb_err("begin read")))?;
		Ok(Snapshot { txn, journaled: journaled.samples.clone() })
	}

	/// Deletes every sample older than `cutoff_ms` (with a checkpoint);
	/// returns how many.
	pub fn prune_before(&self, cutoff_ms: u64) -> Result<u64, StoreError> {
		self.checkpoint(Some(cutoff_ms))
	}

	/// Drops the store as a crash would: no checkpoint, the journal as it is.
	#[cfg(any(test, feature = "bench"))]
	pub fn crash(self) {
		self.crashed.store(true, Ordering::SeqCst);
	}

	/// Moves every sample stamped at or after `from_ms` out of the samples
	/// (into `samples_set_aside`), in one transaction; returns how many. For
	/// a wall clock that stepped back: samples from its future would
	/// otherwise block every new one.
	pub fn set_aside_from(&self, from_ms: u64) -> Result<u64, StoreError> {
		self.checkpoint(None)?;
		self.write(|db| {
			let mut txn = db.begin_write().map_err(redb_err("begin"))?;
			txn.set_durability(redb::Durability::Immediate);
			let mut moved = 0u64;
			{
				let mut samples = txn.open_table(SAMPLES).map_err(redb_err("open table"))?;
				let mut aside = txn.open_table(SET_ASIDE).map_err(redb_err("open set-aside table"))?;
				for entry in samples.extract_from_if(from_ms.., |_, _| true).map_err(redb_err("set aside"))? {
					let (key, value) = entry.map_err(redb_err("set aside"))?;
					aside.insert(key.value(), value.value()).map_err(redb_err("set aside"))?;
					moved += 1;
				}
			}
			txn.commit().map_err(redb_err("commit"))?;
			Ok(moved)
		})
	}
}

/// Opens (creating) the database at `path` with its tables.
fn open_database(path: &Path) -> Result<Database, StoreError> {
	let db = Database::builder()
		// Reads are sequential range scans that the OS page cache serves
		// well: a small cache of redb's own keeps the agent's RSS low.
		.set_cache_size(2 * 1024 * 1024)
		.create(path)
		.map_err(|e| match e {
			redb::DatabaseError::DatabaseAlreadyOpen => StoreError::InUse { path: path.display().to_string() },
			e => StoreError::Open { path: path.display().to_string(), reason: e.to_string() },
		})?;
	let txn = db.begin_write().map_err(redb_err("begin"))?;
	txn.open_table(SAMPLES).map_err(redb_err("create table"))?;
	txn.commit().map_err(redb_err("commit"))?;
	Ok(db)
}

fn bind_interval(db: &Database, sampling_interval_ms: u64) -> Result<(), StoreError> {
	let txn = db.begin_write().map_err(redb_err("begin"))?;
	{
		let mut meta = txn.open_table(META).map_err(redb_err("open meta"))?;
		let stored = meta.get(INTERVAL_KEY).map_err(redb_err("read meta"))?.map(|v| v.value());
		match stored {
			Some(stored) if stored != sampling_interval_ms => {
				return Err(StoreError::IntervalChanged { stored, configured: sampling_interval_ms });
			},
			Some(_) => {},
			None => {
				meta.insert(INTERVAL_KEY, sampling_interval_ms).map_err(redb_err("write meta"))?;
			},
		}
	}
	txn.commit().map_err(redb_err("commit"))
}

impl Drop for Store {
	/// A clean stop copies the journal into redb, so the next start has
	/// nothing to recover.
	fn drop(&mut self) {
		if !self.crashed.load(Ordering::SeqCst) {
			if let Err(e) = self.checkpoint(None) {
				tracing::warn!("sample store: last checkpoint failed ({e}); the journal keeps the samples");
			}
		}
	}
}

fn journal_error(path: &Path, what: &'static str, e: std::io::Error) -> StoreError {
	StoreError::Journal { path: path.display().to_string(), what, reason: e.to_string() }
}

/// `SAMPLE_FORMAT || SCALE(sample)`: a journal record and a redb value alike.
fn encode_record(sample: &Sample) -> Vec<u8> {
	let mut value = vec![SAMPLE_FORMAT];
	sample.encode_to(&mut value);
	value
}

fn decode_record(record: &[u8]) -> Option<Sample> {
	let (&format, mut rest) = record.split_first()?;
	let sample = (format == SAMPLE_FORMAT).then(|| Sample::decode(&mut rest).ok()).flatten()?;
	rest.is_empty().then_some(sample)
}

fn append(db: &Database, samples: &[Sample]) -> Result<(), StoreError> {
	checkpoint(db, samples, None).map(|_| ())
}

/// Inserts `samples` and deletes those older than `prune_before_ms` in one
/// durable transaction; commits nothing when there is nothing to do.
fn checkpoint(db: &Database, samples: &[Sample], prune_before_ms: Option<u64>) -> Result<u64, StoreError> {
	let mut txn = db.begin_write().map_err(redb_err("begin"))?;
	txn.set_durability(redb::Durability::Immediate);
	let mut removed = 0u64;
	let mut changed = !samples.is_empty();
	{
		let mut table = txn.open_table(SAMPLES).map_err(redb_err("open table"))?;
		for sample in samples {
			table.insert(sample.ts_ms, encode_record(sample).as_slice()).map_err(redb_err("insert"))?;
		}
		if let Some(cutoff) = prune_before_ms {
			let oldest = table.first().map_err(redb_err("read"))?.map(|(key, _)| key.value());
			if oldest.is_some_and(|oldest| oldest < cutoff) {
				table
					.retain_in(..cutoff, |_, _| {
						removed += 1;
						false
					})
					.map_err(redb_err("prune"))?;
				changed = true;
			}
		}
	}
	if changed {
		txn.commit().map_err(redb_err("commit"))?;
	} else {
		txn.abort().map_err(redb_err("abort"))?;
	}
	Ok(removed)
}

impl Snapshot {
	/// The samples whose start time is in `[from_ms, to_ms)`, oldest first.
	pub fn samples(&self, from_ms: u64, to_ms: u64) -> Result<Vec<Sample>, StoreError> {
		let mut out = Vec::new();
		self.for_each(from_ms, to_ms, |sample| out.push(sample))?;
		Ok(out)
	}

	/// Calls `f` with every sample whose start time is in `[from_ms, to_ms)`,
	/// oldest first, one at a time (a day of samples never sits in memory).
	pub fn for_each(&self, from_ms: u64, to_ms: u64, mut f: impl FnMut(Sample)) -> Result<(), StoreError> {
		let table = self.txn.open_table(SAMPLES).map_err(redb_err("open table"))?;
		// Two sorted sources merged by time; the journal's copy of a time wins.
		let mut journaled = self.journaled.range(from_ms..to_ms).peekable();
		for entry in table.range(from_ms..to_ms).map_err(redb_err("range"))? {
			let (key, value) = entry.map_err(redb_err("read"))?;
			let ts = key.value();
			while let Some((_, sample)) = journaled.next_if(|(t, _)| **t < ts) {
				f(sample.clone());
			}
			match journaled.next_if(|(t, _)| **t == ts) {
				Some((_, sample)) => f(sample.clone()),
				None => f(decode(ts, value.value())?),
			}
		}
		for (_, sample) in journaled {
			f(sample.clone());
		}
		Ok(())
	}
}

fn decode(key: u64, value: &[u8]) -> Result<Sample, StoreError> {
	let corrupt = || StoreError::Corrupt { ts_ms: key };
	let (&format, mut rest) = value.split_first().ok_or_else(corrupt)?;
	if format != SAMPLE_FORMAT {
		return Err(StoreError::UnknownFormat { ts_ms: key, format });
	}
	let sample = Sample::decode(&mut rest).map_err(|_| corrupt())?;
	if !rest.is_empty() || sample.ts_ms != key {
		return Err(corrupt());
	}
	Ok(sample)
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;

	pub(crate) fn sample(ts_ms: u64) -> Sample {
		Sample {
			ts_ms,
			probe_ok: true,
			latency_us: 1_500,
			machine: Reading {
				vcpus_milli: 2_000,
				memory_mib: 4_096,
				memory_used_mib: 1_000,
				cpu_utilisation_permille: 100,
				cpu_steal_permille: 1,
				net_rx_delta: 10,
				net_tx_delta: 20,
			},
		}
	}

	#[test]
	fn samples_survive_reopening() {
		let dir = tempfile::tempdir().unwrap();
		let written: Vec<Sample> = (0..50).map(|i| sample(1_000 + i * 1_000)).collect();
		{
			let store = Store::open(dir.path()).unwrap();
			for s in &written {
				store.append(std::slice::from_ref(s)).unwrap();
			}
		}
		let store = Store::open(dir.path()).unwrap();
		assert_eq!(store.len().unwrap(), 50);
		assert_eq!(store.last().unwrap(), written.last().cloned());
		assert_eq!(store.snapshot().unwrap().samples(0, u64::MAX).unwrap(), written);
	}

	#[test]
	fn a_crash_loses_no_sample_a_snapshot_has_seen() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		store.bind_interval(1_000).unwrap();
		// Four samples a sync at 1 s: 0..=3 are synced by the fourth append.
		for i in 0..6 {
			store.append(&[sample(1_000 * (i + 1))]).unwrap();
		}
		store.crash();
		let store = Store::open(dir.path()).unwrap();
		let kept: Vec<u64> = store.snapshot().unwrap().samples(0, u64::MAX).unwrap().iter().map(|s| s.ts_ms).collect();
		assert_eq!(kept, vec![1_000, 2_000, 3_000, 4_000], "unsynced samples may go; synced ones come back");

		// A report's snapshot makes everything before it durable.
		store.bind_interval(1_000).unwrap();
		store.append(&[sample(5_000), sample(6_000)]).unwrap();
		let seen = store.snapshot().unwrap().samples(0, u64::MAX).unwrap();
		store.crash();
		let store = Store::open(dir.path()).unwrap();
		assert_eq!(store.snapshot().unwrap().samples(0, u64::MAX).unwrap(), seen);
		assert_eq!(store.len().unwrap(), 6);
	}

	#[test]
	fn a_checkpoint_moves_the_journal_into_the_database_once() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		store.bind_interval(1_000).unwrap();
		let written: Vec<Sample> = (1..=10).map(|i| sample(i * 1_000)).collect();
		store.append(&written[..5]).unwrap();
		assert_eq!(store.checkpoint(None).unwrap(), 0);
		store.append(&written[5..]).unwrap();
		// Half in the database, half in the journal: one ordered view.
		assert_eq!(store.snapshot().unwrap().samples(0, u64::MAX).unwrap(), written);
		assert_eq!((store.len().unwrap(), store.last().unwrap()), (10, written.last().cloned()));
		// The same time written again (a replay) is one sample, not two.
		store.append(&[sample(3_000)]).unwrap();
		assert_eq!(store.snapshot().unwrap().samples(0, u64::MAX).unwrap(), written);
		assert_eq!(store.checkpoint(Some(3_000)).unwrap(), 2, "the prune goes with the checkpoint");
		store.crash();
		let store = Store::open(dir.path()).unwrap();
		assert_eq!(store.snapshot().unwrap().samples(0, u64::MAX).unwrap(), written[2..]);
	}

	#[test]
	fn a_full_journal_goes_into_the_database_first_and_a_bulk_import_goes_straight_there() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		store.bind_interval(1_000).unwrap();
		for i in 0..MAX_JOURNALED as u64 + 10 {
			store.append(&[sample(i * 1_000)]).unwrap();
		}
		assert!(store.journaled().samples.len() <= 10, "a checkpoint made room");
		let seeded: Vec<Sample> = (0..5_000u64).map(|i| sample(10_000_000 + i * 1_000)).collect();
		store.append(&seeded).unwrap();
		assert!(store.journaled().samples.is_empty());
		assert_eq!(store.len().unwrap(), MAX_JOURNALED as u64 + 10 + 5_000);
		let journal = std::fs::metadata(dir.path().join(JOURNAL_FILE)).unwrap().len();
		assert_eq!(journal, crate::journal::PREALLOCATED_BYTES);
	}

	#[test]
	fn a_day_of_samples_never_grows_the_journal() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		store.bind_interval(1_000).unwrap();
		for i in 0..86_400u64 {
			store.append(&[sample(i * 1_000)]).unwrap();
			if i % 300 == 299 {
				store.checkpoint(Some(0)).unwrap();
			}
		}
		let journal = std::fs::metadata(dir.path().join(JOURNAL_FILE)).unwrap().len();
		assert_eq!(journal, crate::journal::PREALLOCATED_BYTES);
		assert_eq!(store.len().unwrap(), 86_400);
	}

	#[test]
	fn the_sampling_interval_is_bound_to_the_samples() {
		let dir = tempfile::tempdir().unwrap();
		{
			let store = Store::open(dir.path()).unwrap();
			store.bind_interval(1_000).unwrap();
			store.bind_interval(1_000).unwrap();
		}
		let store = Store::open(dir.path()).unwrap();
		let err = store.bind_interval(500).unwrap_err();
		assert_eq!(err, StoreError::IntervalChanged { stored: 1_000, configured: 500 });
		assert!(err.to_string().contains("Keep sampling_interval_ms = 1000, or start on a new data_dir"), "{err}");
		store.bind_interval(1_000).unwrap();
	}

	#[test]
	fn range_is_half_open_and_ordered() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		store.append(&[sample(3_000), sample(1_000), sample(2_000), sample(4_000)]).unwrap();
		let got: Vec<u64> = store.snapshot().unwrap().samples(1_000, 4_000).unwrap().iter().map(|s| s.ts_ms).collect();
		assert_eq!(got, vec![1_000, 2_000, 3_000]);
	}

	#[test]
	fn a_snapshot_does_not_see_later_prunes_or_appends() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		store.append(&[sample(1_000), sample(2_000), sample(3_000)]).unwrap();
		let snapshot = store.snapshot().unwrap();
		assert_eq!(store.prune_before(2_500).unwrap(), 2);
		store.append(&[sample(4_000)]).unwrap();
		assert_eq!(snapshot.samples(0, 10_000).unwrap().len(), 3);
		let now: Vec<u64> = store.snapshot().unwrap().samples(0, 10_000).unwrap().iter().map(|s| s.ts_ms).collect();
		assert_eq!(now, vec![3_000, 4_000]);
	}

	#[test]
	fn a_second_opener_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		let _first = Store::open(dir.path()).unwrap();
		let second = Store::open(dir.path()).err().expect("second open must fail");
		assert!(matches!(second, StoreError::InUse { .. }), "{second}");
		assert!(second.to_string().contains("is another qos-monitor running"), "{second}");
	}

	#[test]
	fn data_directory_is_private() {
		use std::os::unix::fs::PermissionsExt;
		let dir = tempfile::tempdir().unwrap();
		let data = dir.path().join("a/b");
		Store::open(&data).unwrap();
		assert_eq!(std::fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o700);
	}
}
