// Monitor base URLs, checked as the runtime checks them: a port of
// qos-primitives' url.rs `check_base_url`, same cases, same order, so that
// the CLI refuses exactly what the chain would refuse before anything is sent.
//
// The off-chain worker appends its own path and query (`/v1/report?…`) to a
// base URL, so a base URL carries no query, fragment or credentials.

/** The reasons of url.rs `UrlError`, by name. */
export const UrlError = Object.freeze({
  Empty: 'Empty',
  BadCharacter: 'BadCharacter',
  NotHttp: 'NotHttp',
  NoHost: 'NoHost',
  HasCredentials: 'HasCredentials',
  BadPort: 'BadPort',
  HasQueryOrFragment: 'HasQueryOrFragment',
});

/** Not a url.rs case: the pallet refuses a URL longer than `MaxUrlLen` (`UrlTooLong`) before checking it. */
export const URL_TOO_LONG = 'TooLong';

const MESSAGES = {
  Empty: 'is empty',
  BadCharacter: 'holds a space, a control character or a non-ASCII character',
  NotHttp: 'does not start with http:// or https://',
  NoHost: 'has no host',
  HasCredentials: 'carries credentials (user:password@)',
  BadPort: 'has a port that is not a number from 1 to 65535',
  HasQueryOrFragment: 'carries a query (?) or a fragment (#); it must be a base URL',
  TooLong: 'is too long',
};

const SLASH = 0x2f;
const COLON = 0x3a;
const AT = 0x40;
const isDigit = (b) => b >= 0x30 && b <= 0x39;
const startsWith = (bytes, prefix) => bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
const utf8 = new TextEncoder();
const HTTP = [...utf8.encode('http://')];
const HTTPS = [...utf8.encode('https://')];

/** The URL's bytes as the chain gets them (UTF-8 for a string). */
export function urlBytes(url) {
  return typeof url === 'string' ? utf8.encode(url) : Uint8Array.from(url);
}

/**
 * `null` if `url` (a string or bytes) is a base URL: `http` or `https`, a
 * host, an optional port and an optional path; no query, no fragment, no
 * credentials, nothing but printable ASCII. Otherwise the `UrlError` name.
 */
export function checkBaseUrl(url) {
  const bytes = [...urlBytes(url)];
  if (bytes.length === 0) return UrlError.Empty;
  if (!bytes.every((b) => b >= 0x21 && b <= 0x7e)) return UrlError.BadCharacter;
  let rest;
  if (startsWith(bytes, HTTP)) rest = bytes.slice(HTTP.length);
  else if (startsWith(bytes, HTTPS)) rest = bytes.slice(HTTPS.length);
  else return UrlError.NotHttp;
  if (rest.some((b) => b === 0x3f || b === 0x23)) return UrlError.HasQueryOrFragment;
  const slash = rest.indexOf(SLASH);
  const authority = rest.slice(0, slash < 0 ? rest.length : slash);
  if (authority.includes(AT)) return UrlError.HasCredentials;
  // An IPv6 literal is bracketed; its colons are not a port separator.
  let host;
  let port = null;
  if (authority[0] === 0x5b) {
    const inner = authority.slice(1);
    const close = inner.indexOf(0x5d);
    if (close < 0) return UrlError.NoHost;
    const after = inner.slice(close + 1);
    if (after.length > 0) {
      if (after[0] !== COLON) return UrlError.BadPort;
      port = after.slice(1);
    }
    host = inner.slice(0, close);
  } else {
    const colon = authority.indexOf(COLON);
    host = colon < 0 ? authority : authority.slice(0, colon);
    if (colon >= 0) port = authority.slice(colon + 1);
  }
  if (host.length === 0) return UrlError.NoHost;
  if (port !== null) {
    const digitsOnly = port.length > 0 && port.length <= 5 && port.every(isDigit);
    const number = digitsOnly ? Number(String.fromCharCode(...port)) : 0;
    if (!digitsOnly || number < 1 || number > 65_535) return UrlError.BadPort;
  }
  return null;
}

/**
 * What add_instance and replace_instance check, in the pallet's order: the
 * length against `maxUrlLen` (when known), then `checkBaseUrl`. `null` or
 * the reason's name (`TooLong` or a `UrlError`).
 */
export function checkMonitorUrl(url, maxUrlLen = null) {
  if (maxUrlLen !== null && urlBytes(url).length > maxUrlLen) return URL_TOO_LONG;
  return checkBaseUrl(url);
}

/** A one-line explanation of a `checkMonitorUrl` reason. */
export function describeUrlError(reason, { maxUrlLen = null } = {}) {
  const text = MESSAGES[reason] ?? reason;
  return reason === URL_TOO_LONG && maxUrlLen !== null ? `${text} (more than ${maxUrlLen} bytes)` : text;
}
