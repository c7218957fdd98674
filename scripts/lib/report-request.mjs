// Signed report requests: what a party's agent sends a monitor, the same
// bytes as qos_primitives::request (the monitor answers only the accounting
// nodes on chain and the agreement's client and owner).
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';

/** Domain separator of the signed payload (`REPORT_REQUEST_DOMAIN`). */
export const REPORT_REQUEST_DOMAIN = 'qos-ledger:report-request:v1';
/** How far a request's timestamp may be from the monitor's clock. */
export const REQUEST_MAX_SKEW_MS = 30_000;
export const ACCOUNTING_KEY_HEADER = 'X-Qos-Accounting-Key';
export const PARTY_KEY_HEADER = 'X-Qos-Party-Key';
export const TIMESTAMP_HEADER = 'X-Qos-Timestamp';
export const SIGNATURE_HEADER = 'X-Qos-Signature';

const u64 = (v) => bnToU8a(BigInt(v), { bitLength: 64, isLe: true });
const u32 = (v) => bnToU8a(Number(v), { bitLength: 32, isLe: true });

/** The bytes a request's signature covers: the domain, then SCALE(agreement u64, instance u32, period u32, from_ms u64, to_ms u64, timestamp_ms u64). */
export function reportRequestPayload({ agreement, instance, period, fromMs, toMs, timestampMs }) {
  return u8aConcat(stringToU8a(REPORT_REQUEST_DOMAIN), u64(agreement), u32(instance), u32(period), u64(fromMs), u64(toMs), u64(timestampMs));
}

/**
 * The headers of a report request signed by `pair` (an sr25519 keyring
 * pair): as a party (the agreement's client or owner), or as an accounting
 * node with `{ accounting: true }`.
 */
export function signedRequestHeaders(pair, request, { accounting = false, timestampMs = Date.now() } = {}) {
  if (pair.type !== 'sr25519') throw new Error(`monitors check sr25519 signatures; this account is ${pair.type}`);
  const signature = pair.sign(reportRequestPayload({ ...request, timestampMs }));
  return {
    [accounting ? ACCOUNTING_KEY_HEADER : PARTY_KEY_HEADER]: u8aToHex(pair.publicKey),
    [TIMESTAMP_HEADER]: String(timestampMs),
    [SIGNATURE_HEADER]: u8aToHex(signature),
  };
}
