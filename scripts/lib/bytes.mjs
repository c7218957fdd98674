// Bytes in the forms the chain, the monitors and the test vectors give them,
// in Node.js and in a browser alike.
import { hexToU8a, isHex, u8aToHex } from '@polkadot/util';

/**
 * A Uint8Array of `v`: a Uint8Array (or Buffer), an array of byte values, a
 * hex string with or without `0x`, or a polkadot.js codec (its SCALE bytes).
 */
export function toBytes(v) {
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return Uint8Array.from(v);
  if (typeof v === 'string') {
    const hex = v.startsWith('0x') ? v : `0x${v}`;
    if (!isHex(hex)) throw new Error(`not hex: ${v.length > 20 ? `${v.slice(0, 20)}…` : v}`);
    return hexToU8a(hex);
  }
  if (v?.toU8a) return v.toU8a();
  throw new Error(`not bytes: ${v}`);
}

/** `0x`-hex of bytes in any form `toBytes` takes. */
export const toHex = (v) => u8aToHex(toBytes(v));
