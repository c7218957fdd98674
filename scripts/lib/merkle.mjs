// The Merkle tree over a metrics block's report hashes, as qos-primitives'
// merkle.rs defines it (checked against primitives/testdata/merkle-vectors.json).
// Runs in Node.js and in the dashboard's page alike.
import { u8aConcat, u8aEq } from '@polkadot/util';
import { sha256AsU8a } from '@polkadot/util-crypto';

import { toBytes } from './bytes.mjs';

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);
const EMPTY = new Uint8Array([2]);
const sha256 = (...parts) => sha256AsU8a(u8aConcat(...parts));

/** Merkle root of report hashes (each as bytes or hex). */
export function merkleRoot(hashes) {
  if (hashes.length === 0) return sha256(EMPTY);
  let level = hashes.map((h) => sha256(LEAF, toBytes(h)));
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? sha256(NODE, level[i], level[i + 1]) : level[i]);
    }
    level = next;
  }
  return level[0];
}

/**
 * Whether `proof` (`[{ left: hex } | { right: hex }]`, or the SCALE enum's
 * JSON `{ Left }`/`{ Right }`) leads from the report hash `hash` to `root`.
 */
export function verifyProof(root, hash, proof) {
  let acc = sha256(LEAF, toBytes(hash));
  for (const step of proof) {
    const left = step.Left ?? step.left;
    const right = step.Right ?? step.right;
    if (left !== undefined) acc = sha256(NODE, toBytes(left), acc);
    else acc = sha256(NODE, acc, toBytes(right));
  }
  return u8aEq(acc, toBytes(root));
}
