// The client's Merkle checks against the reference vectors the Rust
// primitives are tested with (primitives/testdata/merkle-vectors.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { toHex } from '../../lib/bytes.mjs';
import { merkleRoot, verifyProof } from '../../lib/merkle.mjs';

const vectors = JSON.parse(readFileSync(new URL('../../../primitives/testdata/merkle-vectors.json', import.meta.url), 'utf8'));

test('the Merkle root of every reference case', () => {
  assert.ok(vectors.cases.length >= 5);
  for (const c of vectors.cases) {
    assert.equal(toHex(merkleRoot(c.report_hashes)), `0x${c.root}`, c.name);
  }
});

test('every reference proof leads from its report hash to the root, with or without 0x', () => {
  for (const c of vectors.cases) {
    c.proofs.forEach((proof, i) => {
      assert.ok(verifyProof(c.root, c.report_hashes[i], proof), `leaf ${i} of ${c.name}`);
      assert.ok(verifyProof(`0x${c.root}`, `0x${c.report_hashes[i]}`, proof), `leaf ${i} of ${c.name}, 0x-prefixed`);
    });
  }
});

test('a proof does not pass another report, another root or a reordered path', () => {
  const c = vectors.cases.find((x) => x.report_hashes.length === 5);
  const forged = Buffer.from(c.report_hashes[0], 'hex');
  forged[31] ^= 1;
  assert.equal(verifyProof(c.root, forged, c.proofs[0]), false, 'a changed report');
  assert.equal(verifyProof(c.root, c.report_hashes[1], c.proofs[0]), false, "another leaf's report on leaf 0's path");
  assert.equal(verifyProof(vectors.cases.at(-1).root, c.report_hashes[0], c.proofs[0]), false, 'another root');
  assert.equal(verifyProof(c.root, c.report_hashes[0], [...c.proofs[0]].reverse()), false, 'the path reordered');
});
