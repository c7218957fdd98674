//! One-line log records on standard error: `2026-01-02T03:04:05.678Z LEVEL message`.
//!
//! Nothing secret is ever passed here: the key and the tags stay out of logs.

/// Formats `ms` since the Unix epoch as an RFC 3339 UTC timestamp.
pub fn rfc3339(ms: u64) -> String {
	let secs = ms / 1000;
	let (days, rem) = (secs / 86_400, secs % 86_400);
	// Civil-from-days (H. Hinnant), valid for every date after 1970.
	let z = days as i64 + 719_468;
	let era = z.div_euclid(146_097);
	let doe = z - era * 146_097;
	let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
	let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	let mp = (5 * doy + 2) / 153;
	let day = doy - (153 * mp + 2) / 5 + 1;
	let month = if mp < 10 { mp + 3 } else { mp - 9 };
	let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
	format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z", rem / 3600, rem % 3600 / 60, rem % 60, ms % 1000)
}

/// Writes one log record.
pub fn write(level: &str, message: std::fmt::Arguments) {
	eprintln!("{} {level:<5} {message}", rfc3339(crate::now_ms()));
}

/// Logs at INFO level.
#[macro_export]
macro_rules! info {
	($($arg:tt)*) => { $crate::log::write("INFO", format_args!($($arg)*)) };
}

/// Logs at WARN level.
#[macro_export]
macro_rules! warn {
	($($arg:tt)*) => { $crate::log::write("WARN", format_args!($($arg)*)) };
}

#[cfg(test)]
mod tests {
	#[test]
	fn formats_utc_timestamps() {
		assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00.000Z");
		assert_eq!(super::rfc3339(951_782_400_123), "2000-02-29T00:00:00.123Z");
		assert_eq!(super::rfc3339(1_798_761_599_999), "2026-12-31T23:59:59.999Z");
	}
}
