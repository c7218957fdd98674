//! The sample journal: a write-ahead log that makes each sample durable
//! with a few hundred bytes written, instead of a database commit.
//!
//! A redb commit that is durable rewrites and fsyncs several 4-KiB pages
//! (the B-tree path, the allocator state, the header): about 24 KiB per
//! sample, 2 GiB a day on the tenant's disk at one sample a second. The
//! journal appends each sample as a small record to a preallocated file
//! and makes it durable by writing only the disk sectors that changed, with
//! `O_DIRECT | O_DSYNC` (no page cache: a 512-byte write costs 512 bytes,
//! not a 4-KiB page). The store copies the journal into redb in one
//! transaction every few minutes (a *checkpoint*) and then starts a new
//! *epoch* of the journal from its beginning, so the file never grows.
//!
//! Layout: sector 0 is the header — `"QOSWAL01"`, the epoch (u64 LE), and
//! the first 8 bytes of SHA-256 over both. Records follow from byte
//! [`SECTOR`] on, back to back:
//!
//! ```text
//! epoch: u32 LE | length: u16 LE | check: SHA-256(epoch || length || payload)[..8] | payload
//! ```
//!
//! Reading stops at the first record of another epoch, of an impossible
//! length or with a wrong check: the zeros after the last record, a record
//! of an earlier epoch, or a write torn by a crash. A torn write can only be
//! the last one, whose samples were never acknowledged as durable.
//!
//! Where the file system refuses `O_DIRECT` (tmpfs on older kernels), the
//! journal falls back to ordinary writes with `O_DSYNC`; it is as durable,
//! but each write dirties whole pages.

use std::{
	fs::{File, OpenOptions},
	io::{self, Read},
	os::unix::fs::{FileExt, OpenOptionsExt},
	path::Path,
};

/// Sector size the journal aligns its writes to (at least the device's
/// logical block size; 4096 is tried when 512 is refused).
pub const SECTOR: usize = 512;
/// Size of a new journal file: written once with zeros, so that later
/// writes need no allocation (they go on when the disk is full) and change
/// no file size (no metadata to sync).
pub const PREALLOCATED_BYTES: u64 = 256 * 1024;
/// Largest payload of one record.
pub const MAX_PAYLOAD: usize = 1024;

const MAGIC: &[u8; 8] = b"QOSWAL01";
const RECORD_HEADER: usize = 4 + 2 + 8;

fn check(epoch: u32, payload: &[u8]) -> [u8; 8] {
	let mut data = Vec::with_capacity(6 + payload.len());
	data.extend_from_slice(&epoch.to_le_bytes());
	data.extend_from_slice(&(payload.len() as u16).to_le_bytes());
	data.extend_from_slice(payload);
	qos_primitives::sha256(&data)[..8].try_into().expect("8 of 32 bytes")
}

fn header_check(epoch: u64) -> [u8; 8] {
	let mut data = MAGIC.to_vec();
	data.extend_from_slice(&epoch.to_le_bytes());
	qos_primitives::sha256(&data)[..8].try_into().expect("8 of 32 bytes")
}

/// A buffer whose start is aligned for `O_DIRECT` (to 4096 bytes).
struct Aligned {
	storage: Vec<u8>,
	start: usize,
}

impl Aligned {
	fn zeroed(len: usize) -> Self {
		let storage = vec![0u8; len + 4096];
		let start = storage.as_ptr().align_offset(4096);
		Aligned { storage, start }
	}

	fn as_slice(&self, len: usize) -> &[u8] {
		&self.storage[self.start..self.start + len]
	}

	fn as_mut_slice(&mut self, len: usize) -> &mut [u8] {
		&mut self.storage[self.start..self.start + len]
	}
}

/// An open journal, positioned after its last record.
pub struct Journal {
	path: std::path::PathBuf,
	file: File,
	direct: bool,
	/// Write alignment in bytes (a multiple of [`SECTOR`]).
	alignment: usize,
	epoch: u64,
	/// File offset of `tail[0]`: the aligned start of the region not yet
	/// made durable in full.
	tail_offset: u64,
	/// The records from `tail_offset` on; the first `durable` bytes are on disk.
	tail: Vec<u8>,
	durable: usize,
}

/// What [`Journal::open`] found.
pub struct Opened {
	pub journal: Journal,
	/// The payloads of the current epoch's records, in order.
	pub records: Vec<Vec<u8>>,
}

impl Journal {
	/// Opens (creating and preallocating) the journal at `path` and reads
	/// the current epoch's records. The journal goes on after them until
	/// [`Journal::start_epoch`].
	pub fn open(path: &Path) -> io::Result<Opened> {
		if !path.exists() {
			create(path)?;
		}
		let mut bytes = Vec::new();
		File::open(path)?.read_to_end(&mut bytes)?;
		let epoch = read_header(&bytes).unwrap_or(0);
		let (records, end) = read_records(&bytes, epoch);
		let (file, direct) = open_for_writes(path)?;
		let tail_offset = (end as u64) / SECTOR as u64 * SECTOR as u64;
		let tail = bytes.get(tail_offset as usize..end).map(<[u8]>::to_vec).unwrap_or_default();
		let durable = tail.len();
		let journal =
			Journal { path: path.to_owned(), file, direct, alignment: SECTOR, epoch, tail_offset, tail, durable };
		Ok(Opened { journal, records })
	}

	/// Whether writes bypass the page cache.
	pub fn is_direct(&self) -> bool {
		self.direct
	}

	/// The current epoch.
	pub fn epoch(&self) -> u64 {
		self.epoch
	}

	/// Adds a record (not yet durable: see [`Journal::sync`]).
	pub fn push(&mut self, payload: &[u8]) {
		assert!(payload.len() <= MAX_PAYLOAD, "a journal record of {} bytes", payload.len());
		let epoch = self.epoch as u32;
		self.tail.extend_from_slice(&epoch.to_le_bytes());
		self.tail.extend_from_slice(&(payload.len() as u16).to_le_bytes());
		self.tail.extend_from_slice(&check(epoch, payload));
		self.tail.extend_from_slice(payload);
	}

	/// Whether records were pushed since the last [`Journal::sync`].
	pub fn has_unsynced(&self) -> bool {
		self.durable < self.tail.len()
	}

	/// Makes every pushed record durable: writes the sectors from the first
	/// one not yet wholly on disk to the last record (the rest of the last
	/// sector zeroed), with a synchronous write.
	pub fn sync(&mut self) -> io::Result<()> {
		if !self.has_unsynced() {
			return Ok(());
		}
		let len = self.tail.len().next_multiple_of(self.alignment);
		let mut buffer = Aligned::zeroed(len);
		buffer.as_mut_slice(len)[..self.tail.len()].copy_from_slice(&self.tail);
		match self.file.write_all_at(buffer.as_slice(len), self.tail_offset) {
			Err(e) if self.direct && e.raw_os_error() == Some(libc::EINVAL) && self.alignment < 4096 => {
				// The device's logical blocks are larger than 512 bytes.
				self.realign(4096)?;
				return self.sync();
			},
			result => result?,
		}
		// Keep only the last, partly filled block: the next write starts there.
		let whole = self.tail.len() / self.alignment * self.alignment;
		self.tail.drain(..whole);
		self.tail_offset += whole as u64;
		self.durable = self.tail.len();
		Ok(())
	}

	/// Rewrites the tail from an offset aligned to `alignment`, with the
	/// records already on disk before it read back first (through the page
	/// cache: a direct read would need an aligned buffer).
	fn realign(&mut self, alignment: usize) -> io::Result<()> {
		let aligned = self.tail_offset / alignment as u64 * alignment as u64;
		let before = (self.tail_offset - aligned) as usize;
		if before > 0 {
			let mut head = vec![0u8; before];
			File::open(&self.path)?.read_exact_at(&mut head, aligned)?;
			head.extend_from_slice(&self.tail);
			self.tail = head;
		}
		self.tail_offset = aligned;
		self.durable = 0;
		self.alignment = alignment;
		Ok(())
	}

	/// Starts a new epoch: every record so far is abandoned (the store has
	/// copied them into the database), and records start again after the
	/// header. Durable when it returns.
	pub fn start_epoch(&mut self) -> io::Result<()> {
		let epoch = self.epoch + 1;
		let len = self.alignment;
		let mut buffer = Aligned::zeroed(len);
		let header = buffer.as_mut_slice(len);
		header[..8].copy_from_slice(MAGIC);
		header[8..16].copy_from_slice(&epoch.to_le_bytes());
		header[16..24].copy_from_slice(&header_check(epoch));
		self.file.write_all_at(buffer.as_slice(len), 0)?;
		self.epoch = epoch;
		self.tail_offset = len as u64;
		self.tail.clear();
		self.durable = 0;
		Ok(())
	}
}

/// Creates the file with [`PREALLOCATED_BYTES`] of zeros, durably, under a
/// temporary name first so that a crash never leaves a short journal.
fn create(path: &Path) -> io::Result<()> {
	let temporary = path.with_extension("creating");
	{
		let file = OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&temporary)?;
		file.write_all_at(&vec![0u8; PREALLOCATED_BYTES as usize], 0)?;
		file.sync_all()?;
	}
	std::fs::rename(&temporary, path)?;
	if let Some(dir) = path.parent() {
		File::open(dir)?.sync_all()?;
	}
	Ok(())
}

fn open_for_writes(path: &Path) -> io::Result<(File, bool)> {
	let direct = OpenOptions::new().write(true).read(true).custom_flags(libc::O_DIRECT | libc::O_DSYNC).open(path);
	match direct {
		Ok(file) => Ok((file, true)),
		Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
			let file = OpenOptions::new().write(true).read(true).custom_flags(libc::O_DSYNC).open(path)?;
			Ok((file, false))
		},
		Err(e) => Err(e),
	}
}

fn read_header(bytes: &[u8]) -> Option<u64> {
	let header = bytes.get(..24)?;
	if &header[..8] != MAGIC {
		return None;
	}
	let epoch = u64::from_le_bytes(header[8..16].try_into().ok()?);
	(header[16..24] == header_check(epoch)).then_some(epoch)
}

/// The records of `epoch` from byte [`SECTOR`] on, and where they end.
fn read_records(bytes: &[u8], epoch: u64) -> (Vec<Vec<u8>>, usize) {
	let mut records = Vec::new();
	let mut at = SECTOR;
	// Epoch 0 has no header yet: nothing written in it is trusted.
	if epoch == 0 {
		return (records, at);
	}
	while let Some(head) = bytes.get(at..at + RECORD_HEADER) {
		let record_epoch = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
		let len = u16::from_le_bytes(head[4..6].try_into().expect("2 bytes")) as usize;
		if record_epoch != epoch as u32 || len == 0 || len > MAX_PAYLOAD {
			break;
		}
		let Some(payload) = bytes.get(at + RECORD_HEADER..at + RECORD_HEADER + len) else { break };
		if head[6..14] != check(record_epoch, payload) {
			break;
		}
		records.push(payload.to_vec());
		at += RECORD_HEADER + len;
	}
	(records, at)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn payload(i: u8, len: usize) -> Vec<u8> {
		vec![i; len]
	}

	#[test]
	fn records_come_back_in_order_after_reopening_and_a_new_epoch_forgets_them() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("samples.journal");
		let mut opened = Journal::open(&path).unwrap();
		assert!(opened.records.is_empty());
		assert_eq!(std::fs::metadata(&path).unwrap().len(), PREALLOCATED_BYTES);
		opened.journal.start_epoch().unwrap();
		// 40 records of 60 bytes cross several sector boundaries; synced in uneven batches.
		for i in 0..40u8 {
			opened.journal.push(&payload(i, 46));
			if i % 3 == 0 {
				opened.journal.sync().unwrap();
			}
		}
		opened.journal.sync().unwrap();
		drop(opened);
		let mut reopened = Journal::open(&path).unwrap();
		assert_eq!(reopened.records, (0..40u8).map(|i| payload(i, 46)).collect::<Vec<_>>());
		// Appending after a reopen continues the same epoch.
		reopened.journal.push(&payload(99, 10));
		reopened.journal.sync().unwrap();
		drop(reopened);
		let mut again = Journal::open(&path).unwrap();
		assert_eq!(again.records.len(), 41);
		assert_eq!(again.records[40], payload(99, 10));
		again.journal.start_epoch().unwrap();
		drop(again);
		let fresh = Journal::open(&path).unwrap();
		assert!(fresh.records.is_empty(), "records of an earlier epoch are not replayed");
		assert_eq!(std::fs::metadata(&path).unwrap().len(), PREALLOCATED_BYTES, "the file never grew");
	}

	#[test]
	fn unsynced_records_and_a_torn_write_are_lost_alone() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("samples.journal");
		let mut opened = Journal::open(&path).unwrap();
		opened.journal.start_epoch().unwrap();
		for i in 0..10u8 {
			opened.journal.push(&payload(i, 46));
		}
		opened.journal.sync().unwrap();
		opened.journal.push(&payload(10, 46));
		// Not synced: a crash now loses it.
		drop(opened);
		let reopened = Journal::open(&path).unwrap();
		assert_eq!(reopened.records.len(), 10);
		drop(reopened);
		// A torn write: the 10th record's last bytes never reached the disk.
		let file = OpenOptions::new().write(true).open(&path).unwrap();
		let tenth_end = SECTOR + 10 * (RECORD_HEADER + 46);
		file.write_all_at(&[0xFF; 5], (tenth_end - 5) as u64).unwrap();
		let torn = Journal::open(&path).unwrap();
		assert_eq!(torn.records, (0..9u8).map(|i| payload(i, 46)).collect::<Vec<_>>());
	}

	#[test]
	fn moving_to_4096_byte_writes_keeps_the_records_before() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("samples.journal");
		let mut opened = Journal::open(&path).unwrap();
		opened.journal.start_epoch().unwrap();
		for i in 0..20u8 {
			opened.journal.push(&payload(i, 46));
			opened.journal.sync().unwrap();
		}
		// What a device with 4-KiB logical blocks makes the journal do.
		opened.journal.realign(4096).unwrap();
		opened.journal.push(&payload(20, 46));
		opened.journal.sync().unwrap();
		drop(opened);
		let reopened = Journal::open(&path).unwrap();
		assert_eq!(reopened.records, (0..21u8).map(|i| payload(i, 46)).collect::<Vec<_>>());
	}

	#[test]
	fn a_journal_without_a_valid_header_replays_nothing() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("samples.journal");
		std::fs::write(&path, vec![7u8; 4096]).unwrap();
		let opened = Journal::open(&path).unwrap();
		assert!(opened.records.is_empty());
		assert_eq!(opened.journal.epoch(), 0);
	}

	#[test]
	fn writes_are_direct_where_the_file_system_allows_it() {
		let dir = tempfile::tempdir().unwrap();
		let opened = Journal::open(&dir.path().join("samples.journal")).unwrap();
		// This machine's ext4 takes O_DIRECT; elsewhere the fallback is as durable.
		eprintln!("direct writes: {}", opened.journal.is_direct());
	}
}
