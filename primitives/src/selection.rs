//! Which accounting node records a period.

use codec::Encode;

use crate::{AgreementId, PeriodIndex};

/// Domain of the designated-node hash.
pub const SELECTION_DOMAIN: &[u8] = b"qos-ledger:designate:v1";

/// Index into the authority list of the node designated to record
/// `(agreement, period)` among `authority_count` nodes:
/// `H(domain || agreement || period) mod n`, `None` when there are no nodes.
pub fn designated_index(agreement: AgreementId, period: PeriodIndex, authority_count: u32) -> Option<u32> {
	if authority_count == 0 {
		return None;
	}
	let digest = crate::sha256(&(SELECTION_DOMAIN, agreement, period).encode());
	let mut head = [0u8; 8];
	head.copy_from_slice(&digest[..8]);
	Some((u64::from_le_bytes(head) % authority_count as u64) as u32)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn selection_is_deterministic_in_range_and_spreads() {
		assert_eq!(designated_index(1, 0, 0), None);
		let mut seen = [0u32; 4];
		for period in 0..400 {
			let i = designated_index(9, period, 4).unwrap();
			assert_eq!(designated_index(9, period, 4), Some(i));
			seen[i as usize] += 1;
		}
		// Every node gets a fair share (expected 100 each).
		assert!(seen.iter().all(|&c| c > 60), "{seen:?}");
		assert_eq!(designated_index(u64::MAX, u32::MAX, 1), Some(0));
	}
}
