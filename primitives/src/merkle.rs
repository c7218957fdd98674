//! Merkle root over the report hashes of a metrics block, and inclusion
//! proofs so a client can check one report against the root alone.
//!
//! Leaves are the report hashes in the order the block stores them (by
//! instance id). Domain-separated so a leaf can never pass for a node:
//! `leaf = H(0x00 || report_hash)`, `node = H(0x01 || left || right)`; a level
//! with an odd count carries its last element up unchanged. The root of no
//! leaves is `H(0x02)`.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

use crate::{sha256, Hash256};

fn leaf(report_hash: &Hash256) -> Hash256 {
	let mut buf = [0u8; 33];
	buf[1..].copy_from_slice(report_hash);
	sha256(&buf)
}

fn node(left: &Hash256, right: &Hash256) -> Hash256 {
	let mut buf = [0u8; 65];
	buf[0] = 1;
	buf[1..33].copy_from_slice(left);
	buf[33..].copy_from_slice(right);
	sha256(&buf)
}

/// The root of an empty tree.
pub fn empty_root() -> Hash256 {
	sha256(&[2u8])
}

/// Merkle root of `report_hashes`.
pub fn merkle_root(report_hashes: &[Hash256]) -> Hash256 {
	if report_hashes.is_empty() {
		return empty_root();
	}
	let mut level: Vec<Hash256> = report_hashes.iter().map(leaf).collect();
	while level.len() > 1 {
		level = level.chunks(2).map(|pair| if pair.len() == 2 { node(&pair[0], &pair[1]) } else { pair[0] }).collect();
	}
	level[0]
}

/// One step of an inclusion proof: the sibling hash and which side it is on.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProofStep {
	/// The sibling is on the left: `node(sibling, current)`.
	Left(Hash256),
	/// The sibling is on the right: `node(current, sibling)`.
	Right(Hash256),
}

/// Inclusion proof of leaf `index`, or `None` if there is no such leaf.
pub fn merkle_proof(report_hashes: &[Hash256], index: usize) -> Option<Vec<ProofStep>> {
	if index >= report_hashes.len() {
		return None;
	}
	let mut steps = Vec::new();
	let mut level: Vec<Hash256> = report_hashes.iter().map(leaf).collect();
	let mut position = index;
	while level.len() > 1 {
		let sibling = position ^ 1;
		if sibling < level.len() {
			steps.push(if sibling < position {
				ProofStep::Left(level[sibling])
			} else {
				ProofStep::Right(level[sibling])
			});
		}
		level = level.chunks(2).map(|pair| if pair.len() == 2 { node(&pair[0], &pair[1]) } else { pair[0] }).collect();
		position /= 2;
	}
	Some(steps)
}

/// Whether `report_hash` is in the tree of `root` by `proof`.
pub fn verify_proof(root: &Hash256, report_hash: &Hash256, proof: &[ProofStep]) -> bool {
	let computed = proof.iter().fold(leaf(report_hash), |acc, step| match step {
		ProofStep::Left(sibling) => node(sibling, &acc),
		ProofStep::Right(sibling) => node(&acc, sibling),
	});
	computed == *root
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hashes(n: u8) -> Vec<Hash256> {
		(0..n).map(|i| sha256(&[i])).collect()
	}

	#[test]
	fn every_leaf_proves_and_no_other_hash_does() {
		for n in 1..=17u8 {
			let leaves = hashes(n);
			let root = merkle_root(&leaves);
			for (i, h) in leaves.iter().enumerate() {
				let proof = merkle_proof(&leaves, i).unwrap();
				assert!(verify_proof(&root, h, &proof), "leaf {i} of {n}");
				assert!(!verify_proof(&root, &sha256(b"forged"), &proof));
			}
			assert_eq!(merkle_proof(&leaves, n as usize), None);
		}
	}

	#[test]
	fn root_depends_on_content_and_order() {
		let leaves = hashes(3);
		let mut swapped = leaves.clone();
		swapped.swap(0, 1);
		assert_ne!(merkle_root(&leaves), merkle_root(&swapped));
		assert_ne!(merkle_root(&leaves), merkle_root(&leaves[..2]));
		assert_ne!(merkle_root(&[]), merkle_root(&leaves[..1]));
		assert_eq!(merkle_root(&[]), empty_root());
	}

	fn hex32(text: &str) -> Hash256 {
		hex::decode(text).unwrap().try_into().unwrap()
	}

	/// Roots and proofs computed apart from this code; the JavaScript client
	/// checks itself against the same file.
	#[test]
	fn reproduces_every_reference_vector() {
		let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/merkle-vectors.json"))
			.expect("primitives/testdata/merkle-vectors.json");
		let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
		let cases = vectors["cases"].as_array().unwrap();
		assert!(cases.len() >= 5);
		for case in cases {
			let name = case["name"].as_str().unwrap();
			let leaves: Vec<Hash256> =
				case["report_hashes"].as_array().unwrap().iter().map(|h| hex32(h.as_str().unwrap())).collect();
			let root = hex32(case["root"].as_str().unwrap());
			assert_eq!(merkle_root(&leaves), root, "root of {name}");
			for (i, expected) in case["proofs"].as_array().unwrap().iter().enumerate() {
				let expected: Vec<ProofStep> = expected
					.as_array()
					.unwrap()
					.iter()
					.map(|step| match (step.get("left"), step.get("right")) {
						(Some(left), None) => ProofStep::Left(hex32(left.as_str().unwrap())),
						(None, Some(right)) => ProofStep::Right(hex32(right.as_str().unwrap())),
						_ => panic!("a step is left or right in {name}"),
					})
					.collect();
				assert_eq!(merkle_proof(&leaves, i), Some(expected.clone()), "proof of leaf {i} of {name}");
				assert!(verify_proof(&root, &leaves[i], &expected));
			}
		}
	}

	#[test]
	fn a_single_leaf_is_not_its_own_root() {
		let leaves = hashes(1);
		assert_ne!(merkle_root(&leaves), leaves[0]);
		assert!(merkle_proof(&leaves, 0).unwrap().is_empty());
	}
}
