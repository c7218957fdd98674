// Signed report requests: the payload is the bytes qos_primitives::request
// defines (the vectors both sides are tested against), and the signature a
// keyring pair makes is the one the monitor checks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { hexToU8a, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, sr25519Verify } from '@polkadot/util-crypto';

import { signer } from '../../lib/chain.mjs';
import { PARTY_KEY_HEADER, reportRequestPayload, SIGNATURE_HEADER, signedRequestHeaders, TIMESTAMP_HEADER } from '../../lib/report-request.mjs';

const vectors = JSON.parse(readFileSync(new URL('../../../primitives/testdata/report-request-vectors.json', import.meta.url), 'utf8'));
await cryptoWaitReady();

const fieldsOf = (c) => ({ agreement: c.agreement, instance: c.instance, period: c.period, fromMs: c.from_ms, toMs: c.to_ms, timestampMs: c.timestamp_ms });

test('payloads are the reference bytes', () => {
  assert.ok(vectors.cases.length >= 2);
  for (const c of vectors.cases) assert.equal(u8aToHex(reportRequestPayload(fieldsOf(c))), c.payload, c.name);
});

test('the reference signature verifies, and only over its own request', () => {
  const c = vectors.cases[0];
  const payload = hexToU8a(c.payload);
  assert.ok(sr25519Verify(payload, c.signer.signature, c.signer.public));
  assert.equal(u8aToHex(signer(c.signer.uri).publicKey), c.signer.public);
  const later = reportRequestPayload({ ...fieldsOf(c), timestampMs: BigInt(c.timestamp_ms) + 1n });
  assert.ok(!sr25519Verify(later, c.signer.signature, c.signer.public));
});

test('a party signs with its account key, for one window at one time', () => {
  const eve = signer('//Eve');
  const request = { agreement: 7n, instance: 2, period: 3, fromMs: 1_000, toMs: 61_000 };
  const headers = signedRequestHeaders(eve, request, { timestampMs: 70_000 });
  assert.equal(headers[PARTY_KEY_HEADER], u8aToHex(eve.publicKey));
  assert.equal(headers[TIMESTAMP_HEADER], '70000');
  const signed = reportRequestPayload({ ...request, timestampMs: 70_000 });
  assert.ok(sr25519Verify(signed, headers[SIGNATURE_HEADER], eve.publicKey));
  assert.ok(!sr25519Verify(reportRequestPayload({ ...request, toMs: 62_000, timestampMs: 70_000 }), headers[SIGNATURE_HEADER], eve.publicKey));
  const node = signedRequestHeaders(eve, request, { accounting: true });
  assert.ok(node['X-Qos-Accounting-Key'] && !node[PARTY_KEY_HEADER]);
});

test('an account the monitor cannot check is refused before sending', async () => {
  const { Keyring } = await import('@polkadot/keyring');
  const ed = new Keyring({ type: 'ed25519' }).addFromUri('//Eve');
  assert.throws(() => signedRequestHeaders(ed, { agreement: 1, instance: 0, period: 0, fromMs: 0, toMs: 1 }), /sr25519/);
});
