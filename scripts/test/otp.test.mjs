// The client's OTP code reproduces every reference vector (primitives/testdata/otp-vectors.json).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { toHex } from '../lib/bytes.mjs';
import { commit, importTagKey, instanceTag, otpMatches, parseKeyText, periodOtp } from '../lib/otp.mjs';
import { repoRoot } from '../lib/node.mjs';

// Ids up to u64::MAX do not fit a JS number: read them as strings.
const readVectors = (file) => JSON.parse(fs.readFileSync(file, 'utf8').replace(/"agreement_id":\s*(\d+)/g, '"agreement_id": "$1"'));
const vectors = readVectors(path.join(repoRoot, 'primitives', 'testdata', 'otp-vectors.json'));
const sharedVectors = path.join(repoRoot, '..', 'shared', 'otp-vectors.json');
const hex = (s) => Buffer.from(s, 'hex');

test('reference vectors are all there', () => {
  assert.ok(vectors.cases.length >= 4);
});

test('the test vectors equal the shared reference, when it is beside the repository', (t) => {
  if (!fs.existsSync(sharedVectors)) {
    t.skip('no ../shared/otp-vectors.json beside the repository to cross-check against');
    return;
  }
  assert.deepEqual(vectors, readVectors(sharedVectors));
});

for (const c of vectors.cases) {
  test(`otp vector: ${c.name}`, async () => {
    // The page's way (a non-extractable WebCrypto key) and the terminal's (the bytes) alike.
    for (const key of [hex(c.key), await importTagKey(hex(c.key))]) {
      const tags = [];
      for (const r of c.reports) {
        const tag = await instanceTag(key, BigInt(c.agreement_id), c.period, r.instance_id, hex(r.report_hash));
        assert.equal(toHex(tag), `0x${r.tag}`, `tag of instance ${r.instance_id}`);
        tags.push({ instance: r.instance_id, tag });
      }
      const otp = periodOtp(BigInt(c.agreement_id), c.period, tags);
      assert.equal(toHex(otp), `0x${c.otp}`);
      assert.equal(toHex(commit(otp)), `0x${c.commitment}`);
      assert.ok(otpMatches(otp, hex(c.commitment)));
    }
  });
}

test('an OTP of another period, agreement or key never matches', async () => {
  const key = Buffer.alloc(32, 7);
  const tags = [{ instance: 0, tag: await instanceTag(key, 1n, 2, 0, Buffer.alloc(32, 1)) }];
  const commitment = commit(periodOtp(1n, 2, tags));
  assert.ok(!otpMatches(periodOtp(1n, 3, tags), commitment));
  assert.ok(!otpMatches(periodOtp(2n, 2, tags), commitment));
  const forged = [{ instance: 0, tag: await instanceTag(Buffer.alloc(32, 8), 1n, 2, 0, Buffer.alloc(32, 1)) }];
  assert.ok(!otpMatches(periodOtp(1n, 2, forged), commitment));
});

test('bad lengths are refused with a clear error', async () => {
  await assert.rejects(() => instanceTag(Buffer.alloc(31), 1n, 0, 0, Buffer.alloc(32)), /key must be 32 bytes/);
  await assert.rejects(() => importTagKey(Buffer.alloc(33)), /key must be 32 bytes/);
  assert.throws(() => commit(Buffer.alloc(3)), /otp must be 32 bytes/);
});

test('a key file holds 64 hex digits, and nothing else is taken for a key', () => {
  const hexKey = 'ab'.repeat(32);
  assert.equal(toHex(parseKeyText(`  ${hexKey}\n`)), `0x${hexKey}`);
  for (const bad of ['', 'ab'.repeat(31), `0x${hexKey}`, 'zz'.repeat(32), `${hexKey}00`, '{"key":1}']) {
    assert.throws(() => parseKeyText(bad), /must hold 64 hex digits \(32 bytes\)/, JSON.stringify(bad));
  }
});
