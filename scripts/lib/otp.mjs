// The permission check (docs/protocol.md) on the client's side: recompute the
// monitors' tags with the key K, derive the period's one-time password and
// its public commitment. Must agree byte for byte with qos-primitives' otp.rs
// (both reproduce primitives/testdata/otp-vectors.json).
import crypto from 'node:crypto';

export const TAG_DOMAIN = Buffer.from('qos-ledger:otp:v1:instance');
export const OTP_DOMAIN = Buffer.from('qos-ledger:otp:v1:period');
export const COMMIT_DOMAIN = Buffer.from('qos-ledger:otp:v1:commit');

const u32le = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(Number(n));
  return b;
};
const u64le = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const bytes32 = (what, value) => {
  const b = Buffer.from(value);
  if (b.length !== 32) throw new Error(`${what} must be 32 bytes, got ${b.length}`);
  return b;
};

/** HMAC-SHA256 tag a monitor holding `key` puts on a report. */
export function instanceTag(key, agreement, period, instance, reportHash) {
  return crypto
    .createHmac('sha256', bytes32('key', key))
    .update(TAG_DOMAIN)
    .update(u64le(agreement))
    .update(u32le(period))
    .update(u32le(instance))
    .update(bytes32('report hash', reportHash))
    .digest();
}

/** The period's OTP from `[{ instance, tag }]` in any order. */
export function periodOtp(agreement, period, tags) {
  const sorted = [...tags].sort((a, b) => Number(a.instance) - Number(b.instance));
  const h = crypto.createHash('sha256').update(OTP_DOMAIN).update(u64le(agreement)).update(u32le(period)).update(u32le(sorted.length));
  for (const { tag } of sorted) h.update(bytes32('tag', tag));
  return h.digest();
}

/** The public commitment to an OTP. */
export function commit(otp) {
  return crypto.createHash('sha256').update(COMMIT_DOMAIN).update(bytes32('otp', otp)).digest();
}

/** Whether `otp` opens `commitment`, in constant time. */
export function otpMatches(otp, commitment) {
  return crypto.timingSafeEqual(commit(otp), bytes32('commitment', commitment));
}

/** Whether two tags are equal, in constant time. */
export function tagsEqual(a, b) {
  return crypto.timingSafeEqual(bytes32('tag', a), bytes32('tag', b));
}

/** SHA-256 of the SCALE bytes of a report: what the ledger stores. */
export function reportHash(scaleBytes) {
  return crypto.createHash('sha256').update(Buffer.from(scaleBytes)).digest();
}
