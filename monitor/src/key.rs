//! The client's key `K`, read from a file that holds 32 bytes in hex.
//!
//! The monitor refuses to start when the file is missing, malformed, a
//! symbolic link, owned by another user than the monitor's (or root), or
//! accessible by group or others (anyone else on the instance could then
//! forge tags). The checks are made on the opened file, so the file cannot be
//! swapped between check and read. The key's bytes never appear in a log, an
//! error or a response: errors describe the file, never its content, and
//! [`MonitorKey`]'s `Debug` is redacted; every buffer that held them is
//! zeroed (`zeroize`), and the monitor disables its core dumps
//! ([`forbid_core_dumps`]).

use std::{
	fmt,
	fs::OpenOptions,
	io::{self, Read},
	os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt},
	path::Path,
};

use qos_primitives::otp::OtpKey;
use zeroize::{Zeroize, Zeroizing};

/// A key file holds 64 hex digits and some white space; more is not a key.
const MAX_KEY_FILE_BYTES: u64 = 1024;

/// The client's key, held only in memory; zeroed when dropped.
pub struct MonitorKey(OtpKey);

impl MonitorKey {
	/// The key's bytes, for computing tags.
	pub fn bytes(&self) -> &OtpKey {
		&self.0
	}

	/// Wraps raw key bytes (tests and tools; the monitor uses [`load_key`]).
	pub fn from_bytes(bytes: OtpKey) -> Self {
		MonitorKey(bytes)
	}
}

impl fmt::Debug for MonitorKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("MonitorKey(<redacted>)")
	}
}

impl Drop for MonitorKey {
	fn drop(&mut self) {
		self.0.zeroize();
	}
}

/// Keeps the key out of core files: no core dumps (`RLIMIT_CORE` 0) and the
/// process not dumpable (`PR_SET_DUMPABLE` 0, which also keeps other users'
/// debuggers out). Best effort: an error leaves a warning, not a refusal.
pub fn forbid_core_dumps() -> io::Result<()> {
	let none = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
	// SAFETY: plain system calls with valid arguments.
	if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
		return Err(io::Error::last_os_error());
	}
	if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
		return Err(io::Error::last_os_error());
	}
	Ok(())
}

/// Why the key file was refused. None of the variants carries key material.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
	/// There is no file at the path.
	#[error("key file {0} does not exist")]
	Missing(String),
	/// The path exists but is not a regular file.
	#[error("key file {0} is not a regular file")]
	NotAFile(String),
	/// The path is a symbolic link: whoever controls the link would choose the key.
	#[error("key file {0} is a symbolic link; give the path of the file itself")]
	SymbolicLink(String),
	/// The file belongs to another user than the monitor's and root.
	#[error("key file {0} belongs to user {1}, not to the monitor's user {2} or root")]
	ForeignOwner(String, u32, u32),
	/// Group or others have some permission on the file (mode given).
	#[error("key file {0} is accessible by group or others (mode {1:04o}); restrict it with `chmod 600 {0}`")]
	ExposedPermissions(String, u32),
	/// The file could not be read.
	#[error("key file {0} cannot be read: {1}")]
	Unreadable(String, io::ErrorKind),
	/// The content is not 64 hex digits.
	#[error("key file {0} is malformed: {1}")]
	Malformed(String, &'static str),
}

/// Reads and checks the key file at `path`.
pub fn load_key(path: &Path) -> Result<MonitorKey, KeyError> {
	let shown = path.display().to_string();
	// O_NONBLOCK: a FIFO planted at the path must not hang the start before
	// the regular-file check refuses it.
	let file = match OpenOptions::new()
		.read(true)
		.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK)
		.open(path)
	{
		Ok(file) => file,
		Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(KeyError::Missing(shown)),
		Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Err(KeyError::SymbolicLink(shown)),
		Err(e) => return Err(KeyError::Unreadable(shown, e.kind())),
	};
	let meta = file.metadata().map_err(|e| KeyError::Unreadable(shown.clone(), e.kind()))?;
	if !meta.is_file() {
		return Err(KeyError::NotAFile(shown));
	}
	// SAFETY: geteuid cannot fail.
	let me = unsafe { libc::geteuid() };
	if meta.uid() != me && meta.uid() != 0 {
		return Err(KeyError::ForeignOwner(shown, meta.uid(), me));
	}
	let mode = meta.permissions().mode() & 0o7777;
	if mode & 0o077 != 0 {
		return Err(KeyError::ExposedPermissions(shown, mode));
	}
	// The file's bytes are the key in another form: the buffer is zeroed when dropped.
	let mut text = Zeroizing::new(Vec::with_capacity(MAX_KEY_FILE_BYTES as usize + 1));
	file.take(MAX_KEY_FILE_BYTES + 1)
		.read_to_end(&mut text)
		.map_err(|e| KeyError::Unreadable(shown.clone(), e.kind()))?;
	if text.len() as u64 > MAX_KEY_FILE_BYTES {
		return Err(KeyError::Malformed(shown, "longer than a key file can be"));
	}
	parse_key(&text).map_err(|why| KeyError::Malformed(shown, why))
}

/// Parses 64 hex digits, optionally prefixed by `0x` and surrounded by whitespace.
fn parse_key(text: &[u8]) -> Result<MonitorKey, &'static str> {
	let trimmed = text.trim_ascii();
	let digits = trimmed.strip_prefix(b"0x").unwrap_or(trimmed);
	if digits.len() != 64 {
		return Err("expected exactly 64 hex digits (32 bytes)");
	}
	let mut key = [0u8; 32];
	for (i, pair) in digits.chunks_exact(2).enumerate() {
		let (hi, lo) = (hex_value(pair[0]), hex_value(pair[1]));
		match (hi, lo) {
			(Some(hi), Some(lo)) => key[i] = hi << 4 | lo,
			_ => return Err("contains a character that is not a hex digit"),
		}
	}
	Ok(MonitorKey(key))
}

fn hex_value(c: u8) -> Option<u8> {
	match c {
		b'0'..=b'9' => Some(c - b'0'),
		b'a'..=b'f' => Some(c - b'a' + 10),
		b'A'..=b'F' => Some(c - b'A' + 10),
		_ => None,
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::fs;

	const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

	fn write(dir: &Path, content: &str, mode: u32) -> std::path::PathBuf {
		let path = dir.join("key.hex");
		fs::write(&path, content).unwrap();
		fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
		path
	}

	fn expected() -> OtpKey {
		core::array::from_fn(|i| i as u8)
	}

	#[test]
	fn loads_a_private_hex_key() {
		let dir = tempfile::tempdir().unwrap();
		for content in [HEX.to_string(), format!("{HEX}\n"), format!("  0x{}\n", HEX.to_uppercase())] {
			let key = load_key(&write(dir.path(), &content, 0o600)).unwrap();
			assert_eq!(key.bytes(), &expected());
		}
		assert_eq!(load_key(&write(dir.path(), HEX, 0o400)).unwrap().bytes(), &expected());
	}

	#[test]
	fn refuses_a_missing_file() {
		let dir = tempfile::tempdir().unwrap();
		let err = load_key(&dir.path().join("nope")).unwrap_err();
		assert!(matches!(err, KeyError::Missing(_)));
		assert!(err.to_string().contains("does not exist"));
		assert!(matches!(load_key(dir.path()).unwrap_err(), KeyError::NotAFile(_)));
		// A FIFO is refused at once, not waited on for a writer.
		let fifo = dir.path().join("fifo");
		let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
		// SAFETY: a valid C string.
		assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
		assert!(matches!(load_key(&fifo).unwrap_err(), KeyError::NotAFile(_)));
	}

	#[test]
	fn refuses_a_file_readable_by_group_or_others() {
		let dir = tempfile::tempdir().unwrap();
		for mode in [0o640, 0o604, 0o644, 0o620, 0o602] {
			let err = load_key(&write(dir.path(), HEX, mode)).unwrap_err();
			assert_eq!(err, KeyError::ExposedPermissions(dir.path().join("key.hex").display().to_string(), mode));
			let message = err.to_string();
			assert!(message.contains("chmod 600") && message.contains(&format!("{mode:04o}")), "{message}");
			assert!(!message.contains(HEX));
		}
	}

	#[test]
	fn refuses_malformed_keys_without_echoing_them() {
		let dir = tempfile::tempdir().unwrap();
		let bad_digit = format!("{}zz", &HEX[..62]);
		for content in ["", &HEX[..62], &format!("{HEX}00"), &bad_digit, &format!("{} {}", &HEX[..32], &HEX[32..])] {
			let err = load_key(&write(dir.path(), content, 0o600)).unwrap_err();
			assert!(matches!(err, KeyError::Malformed(..)), "{content:?} gave {err:?}");
			let message = err.to_string();
			assert!(!message.contains(&HEX[..16]), "error echoes key material: {message}");
		}
	}

	#[test]
	fn refuses_a_symbolic_link_even_to_a_good_key() {
		let dir = tempfile::tempdir().unwrap();
		let real = write(dir.path(), HEX, 0o600);
		let link = dir.path().join("link.hex");
		std::os::unix::fs::symlink(&real, &link).unwrap();
		let err = load_key(&link).unwrap_err();
		assert_eq!(err, KeyError::SymbolicLink(link.display().to_string()));
		assert!(err.to_string().contains("symbolic link"));
	}

	#[test]
	fn refuses_a_file_of_another_user() {
		// SAFETY: geteuid cannot fail.
		if unsafe { libc::geteuid() } != 0 {
			eprintln!("skipped: only root can give a file to another user");
			return;
		}
		let dir = tempfile::tempdir().unwrap();
		let path = write(dir.path(), HEX, 0o600);
		std::os::unix::fs::chown(&path, Some(4242), None).unwrap();
		// Root owns the monitor here, yet the file is user 4242's.
		let err = load_key(&path).unwrap_err();
		assert_eq!(err, KeyError::ForeignOwner(path.display().to_string(), 4242, 0));
	}

	#[test]
	fn refuses_an_oversized_file_without_reading_it_all() {
		let dir = tempfile::tempdir().unwrap();
		let path = write(dir.path(), &format!("{HEX}{}", " ".repeat(2000)), 0o600);
		assert!(matches!(load_key(&path).unwrap_err(), KeyError::Malformed(_, "longer than a key file can be")));
	}

	#[test]
	fn core_dumps_are_off_once_forbidden() {
		forbid_core_dumps().unwrap();
		let mut limit = libc::rlimit { rlim_cur: 1, rlim_max: 1 };
		// SAFETY: a valid pointer to a rlimit.
		assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) }, 0);
		assert_eq!((limit.rlim_cur, limit.rlim_max), (0, 0));
		assert_eq!(unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) }, 0);
	}

	#[test]
	fn debug_output_is_redacted() {
		let key = MonitorKey::from_bytes([0xab; 32]);
		assert_eq!(format!("{key:?}"), "MonitorKey(<redacted>)");
	}
}
