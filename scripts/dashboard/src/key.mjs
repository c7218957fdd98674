// The client's OTP key in the page. It is read from a local file, imported
// into a non-extractable WebCrypto key and the bytes are zeroed: the page
// can compute tags with it but never sends it, and nothing can read it back.
import { importTagKey, parseKeyText } from '../../lib/otp.mjs';

/** A named refusal of a key file. */
export class KeyFileError extends Error {}

/** The CryptoKey of a key file (`qos keygen`), or a KeyFileError saying what is wrong with the file. */
export async function loadKeyFile(file) {
  if (file.size > 1024) throw new KeyFileError(`${file.name} is not a key file: a key file holds 64 hex digits, this one has ${file.size} bytes`);
  let bytes;
  try {
    bytes = parseKeyText(await file.text());
  } catch (e) {
    throw new KeyFileError(`${file.name} is not a key file: it ${e.message}`);
  }
  try {
    return await importTagKey(bytes);
  } finally {
    bytes.fill(0);
  }
}
