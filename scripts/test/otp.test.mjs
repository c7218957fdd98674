// The client's OTP code reproduces every reference vector (primitives/testdata/otp-vectors.json).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { toHex } from '../lib/bytes.mjs';
import { UserError } from '../lib/chain.mjs';
import { merkleRoot } from '../lib/merkle.mjs';
import { checkMetricsBlock, metricsBlockReports } from '../lib/operations.mjs';
import { commit, importTagKey, instanceTag, otpMatches, parseKeyText, periodOtp, reportHash } from '../lib/otp.mjs';
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

// ---- a stored metrics block: report hashes only; the reports in the body of the chain block that recorded it

/** Stand-ins for the polkadot.js codecs the operations read. */
const num = (n) => ({ toNumber: () => Number(n), toBigInt: () => BigInt(n), toString: () => String(n) });
const fixed = (u8a) => ({ toU8a: () => Uint8Array.from(u8a) });
const fakeReport = (instance, salt) => {
  const scale = Uint8Array.from([instance, salt, 1, 2, 3]);
  return { instance: num(instance), toU8a: () => scale };
};
const submitCall = (agreement, period, reports) => ({
  method: { section: 'metricsBlocks', method: 'submitMetricsBlock', args: [num(agreement), num(period), reports] },
});

async function fakeBlock(key, agreement, period, reports) {
  const hashes = reports.map((r) => reportHash(r.toU8a()));
  const tags = [];
  for (const [i, r] of reports.entries())
    tags.push({ instance: r.instance.toNumber(), tag: await instanceTag(key, agreement, period, r.instance.toNumber(), hashes[i]) });
  return {
    agreement: num(agreement),
    period: num(period),
    recordedAt: num(12),
    blockHash: fixed(Buffer.alloc(32, 4)),
    reportsRoot: fixed(merkleRoot(hashes)),
    reportHashes: reports.map((r, i) => [r.instance, fixed(hashes[i])]),
    missing: [],
    otpCommitment: fixed(commit(periodOtp(agreement, period, tags))),
  };
}

/** An api whose chain block #12 holds `extrinsics`; `calls` counts the bodies read. */
function fakeApi(extrinsics, calls = { getBlock: 0 }) {
  return {
    calls,
    rpc: {
      chain: {
        getBlockHash: async (n) => ({ isEmpty: n !== 12 }),
        getBlock: async () => {
          calls.getBlock += 1;
          return { block: { extrinsics } };
        },
      },
    },
  };
}

test('the client checks a stored block from its report hashes alone: root, then the OTP of the tags', async () => {
  const key = Buffer.alloc(32, 5);
  const block = await fakeBlock(key, 7n, 3, [fakeReport(0, 1), fakeReport(2, 9)]);
  const check = await checkMetricsBlock(block, key, 7n, 3);
  assert.deepEqual(check.problems, []);
  assert.ok(check.ok);
  assert.ok(otpMatches(check.otp, block.otpCommitment.toU8a()));
  const otherKey = await checkMetricsBlock(block, Buffer.alloc(32, 6), 7n, 3);
  assert.ok(!otherKey.ok);
  assert.match(otherKey.problems.join(), /does not open the commitment/);
  const inconsistent = { ...block, reportsRoot: fixed(Buffer.alloc(32)) };
  assert.match((await checkMetricsBlock(inconsistent, key, 7n, 3)).problems.join(), /do not hash to the block's reports_root/);
});

test('the reports of a stored block are the recording transaction whose reports hash to its report hashes', async () => {
  const key = Buffer.alloc(32, 5);
  const reports = [fakeReport(0, 1), fakeReport(2, 9)];
  const block = await fakeBlock(key, 7n, 3, reports);
  const api = fakeApi([
    { method: { section: 'timestamp', method: 'set', args: [num(1)] } },
    submitCall(7n, 4, reports),
    submitCall(8n, 3, reports),
    submitCall(7n, 3, [reports[0], fakeReport(2, 10)]),
    submitCall(7n, 3, [reports[0]]),
    submitCall(7n, 3, reports),
  ]);
  const cache = new Map();
  assert.deepEqual(await metricsBlockReports(api, block, { cache }), reports);
  assert.deepEqual(await metricsBlockReports(api, block, { cache }), reports);
  assert.equal(api.calls.getBlock, 1, 'a final block is read once per cache');

  const unmatched = fakeApi([submitCall(7n, 3, [reports[0], fakeReport(2, 10)])]);
  await assert.rejects(metricsBlockReports(unmatched, block), (e) => e instanceof UserError && /no submitMetricsBlock transaction/.test(e.message));
  const pruned = {
    ...fakeApi([]),
    rpc: { chain: { getBlockHash: async () => ({ isEmpty: false }), getBlock: async () => Promise.reject(new Error('Unknown block')) } },
  };
  await assert.rejects(
    metricsBlockReports(pruned, block),
    (e) => e instanceof UserError && /body of chain block #12, which this node does not serve \(Unknown block\)/.test(e.message),
  );
  await assert.rejects(metricsBlockReports(fakeApi([]), { ...block, recordedAt: num(13) }), (e) => e instanceof UserError && /does not serve/.test(e.message));
});
