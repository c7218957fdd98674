//! The wall clock's synchronisation, as the kernel knows it (`adjtimex(2)`
//! read-only): samples are stamped with the wall clock, so an operator wants
//! to see whether it is synchronised (`qos_monitor_clock_synchronized`).

/// The kernel's view of the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockSync {
	/// Synchronised by NTP (or another discipline): not `TIME_ERROR`, no `STA_UNSYNC`.
	pub synchronized: bool,
	/// The kernel's bound on the clock's error, in microseconds.
	pub max_error_us: libc::c_long,
}

/// Reads the clock's state; `None` when `adjtimex` is not allowed (a
/// seccomp filter) or fails.
pub fn sync_state() -> Option<ClockSync> {
	// SAFETY: `timex` is plain data; modes 0 only reads.
	let mut timex: libc::timex = unsafe { std::mem::zeroed() };
	timex.modes = 0;
	let state = unsafe { libc::adjtimex(&mut timex) };
	(state >= 0).then(|| interpret(state, timex.status, timex.maxerror))
}

/// The state from `adjtimex`'s return value, `status` and `maxerror`.
pub fn interpret(state: i32, status: i32, max_error_us: libc::c_long) -> ClockSync {
	ClockSync { synchronized: state != libc::TIME_ERROR && status & libc::STA_UNSYNC == 0, max_error_us }
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn unsynchronised_when_the_kernel_says_so_either_way() {
		assert!(interpret(libc::TIME_OK, 0, 1_000).synchronized);
		assert!(!interpret(libc::TIME_ERROR, 0, 1_000).synchronized);
		assert!(!interpret(libc::TIME_OK, libc::STA_UNSYNC, 16_000_000).synchronized);
		assert_eq!(interpret(libc::TIME_OK, 0, 1_500).max_error_us, 1_500);
	}

	#[test]
	fn this_machines_clock_can_be_read() {
		// Unless a seccomp filter forbids adjtimex, which the test runner does not set.
		assert!(sync_state().is_some());
	}
}
