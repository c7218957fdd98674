// The permission check (docs/protocol.md) on the client's side: recompute the
// monitors' tags with the key K, derive the period's one-time password and
// its public commitment. Must agree byte for byte with qos-primitives' otp.rs
// (both reproduce primitives/testdata/otp-vectors.json).
//
// The same module runs in Node.js (the `qos` terminal, the agents) and in the
// dashboard's browser page: the key lives in a non-extractable WebCrypto
// HMAC key, so a page never holds its bytes after importing it.
import { u8aConcat } from '@polkadot/util';
import { sha256AsU8a } from '@polkadot/util-crypto';

import { toBytes } from './bytes.mjs';

const encoder = new TextEncoder();
export const TAG_DOMAIN = encoder.encode('qos-ledger:otp:v1:instance');
export const OTP_DOMAIN = encoder.encode('qos-ledger:otp:v1:period');
export const COMMIT_DOMAIN = encoder.encode('qos-ledger:otp:v1:commit');

const u32le = (n) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, Number(n), true);
  return b;
};
const u64le = (n) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};
const bytes32 = (what, value) => {
  const b = toBytes(value);
  if (b.length !== 32) throw new Error(`${what} must be 32 bytes, got ${b.length}`);
  return b;
};

/**
 * The key's bytes from the text of a key file (`qos keygen`): 64 hex digits,
 * surrounding white space allowed. The error says what is wrong with it.
 */
export function parseKeyText(text) {
  const hex = String(text).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('must hold 64 hex digits (32 bytes), as `qos keygen` writes it');
  return toBytes(hex);
}

/**
 * The client's 32-byte key as a WebCrypto HMAC-SHA256 key that cannot be
 * exported. Callers that read the bytes from a file should zero them after.
 */
export async function importTagKey(bytes) {
  return globalThis.crypto.subtle.importKey('raw', bytes32('key', bytes), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

const isCryptoKey = (key) => typeof globalThis.CryptoKey === 'function' && key instanceof globalThis.CryptoKey;

/**
 * HMAC-SHA256 tag a monitor holding the key puts on a report. `key` is a
 * CryptoKey from `importTagKey` or the key's 32 bytes.
 */
export async function instanceTag(key, agreement, period, instance, reportHash) {
  const cryptoKey = isCryptoKey(key) ? key : await importTagKey(key);
  const message = u8aConcat(TAG_DOMAIN, u64le(agreement), u32le(period), u32le(instance), bytes32('report hash', reportHash));
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', cryptoKey, message));
}

/** The period's OTP from `[{ instance, tag }]` in any order. */
export function periodOtp(agreement, period, tags) {
  const sorted = [...tags].sort((a, b) => Number(a.instance) - Number(b.instance));
  return sha256AsU8a(u8aConcat(OTP_DOMAIN, u64le(agreement), u32le(period), u32le(sorted.length), ...sorted.map(({ tag }) => bytes32('tag', tag))));
}

/** The public commitment to an OTP. */
export function commit(otp) {
  return sha256AsU8a(u8aConcat(COMMIT_DOMAIN, bytes32('otp', otp)));
}

/** Whether two byte strings are equal, in time that depends on their length only. */
export function constantTimeEqual(a, b) {
  const x = toBytes(a);
  const y = toBytes(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i += 1) diff |= x[i] ^ y[i];
  return diff === 0;
}

/** Whether `otp` opens `commitment`, in constant time. */
export function otpMatches(otp, commitment) {
  return constantTimeEqual(commit(otp), bytes32('commitment', commitment));
}

/** Whether two tags are equal, in constant time. */
export function tagsEqual(a, b) {
  return constantTimeEqual(bytes32('tag', a), bytes32('tag', b));
}

/** SHA-256 of the SCALE bytes of a report: what the ledger stores. */
export function reportHash(scaleBytes) {
  return sha256AsU8a(toBytes(scaleBytes));
}
