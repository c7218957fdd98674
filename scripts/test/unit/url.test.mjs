// The CLI's monitor-URL check agrees with the runtime's: the cases of
// primitives/src/url.rs, case for case.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkBaseUrl, checkMonitorUrl, describeUrlError, URL_TOO_LONG, UrlError } from '../../lib/url.mjs';

test('base URLs with host, port and path pass (url.rs base_urls_with_host_port_and_path_pass)', () => {
  for (const url of [
    'http://10.0.0.5:9616',
    'http://10.0.0.5:9616/',
    'https://monitor.example.com',
    'https://monitor.example.com:443/tenant-7/vm-3',
    'http://[fd00::1]:9616',
    'http://[fd00::1]',
    'http://localhost:1',
    'http://localhost:65535/a%20b',
    // An `@` in the path is not a credential.
    'http://monitor.example/@vm-3',
  ]) {
    assert.equal(checkBaseUrl(url), null, url);
  }
});

test('anything else is refused with its reason (url.rs anything_else_is_refused_with_its_reason)', () => {
  for (const [url, error] of [
    ['', UrlError.Empty],
    ['http://10.0.0.5:9616/ x', UrlError.BadCharacter],
    ['http://10.0.0.5\n', UrlError.BadCharacter],
    ['http://ex\u{e4}mple.com', UrlError.BadCharacter],
    ['ftp://10.0.0.5', UrlError.NotHttp],
    ['10.0.0.5:9616', UrlError.NotHttp],
    ['HTTP://10.0.0.5', UrlError.NotHttp],
    ['http://', UrlError.NoHost],
    ['http:///path', UrlError.NoHost],
    ['http://:9616', UrlError.NoHost],
    ['http://[fd00::1', UrlError.NoHost],
    ['http://user:pw@10.0.0.5', UrlError.HasCredentials],
    ['http://10.0.0.5:0', UrlError.BadPort],
    ['http://10.0.0.5:65536', UrlError.BadPort],
    ['http://10.0.0.5:', UrlError.BadPort],
    ['http://10.0.0.5:96a6', UrlError.BadPort],
    ['http://[fd00::1]x', UrlError.BadPort],
    ['http://10.0.0.5:9616/?', UrlError.HasQueryOrFragment],
    ['http://evil.example/steal?x=', UrlError.HasQueryOrFragment],
    ['http://10.0.0.5:9616#', UrlError.HasQueryOrFragment],
  ]) {
    assert.equal(checkBaseUrl(url), error, JSON.stringify(url));
  }
});

test('bytes are checked like the string they encode', () => {
  assert.equal(checkBaseUrl(Buffer.from('http://10.0.0.5:9616')), null);
  assert.equal(checkBaseUrl(new Uint8Array([0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0xff])), UrlError.BadCharacter);
});

test('the length bound comes first, as in the pallet, and counts bytes', () => {
  assert.equal(checkMonitorUrl('http://10.0.0.5:9616', 20), null);
  assert.equal(checkMonitorUrl('http://10.0.0.5:9616/', 20), URL_TOO_LONG);
  // Too long and malformed: the pallet names the length.
  assert.equal(checkMonitorUrl('ftp://x?', 4), URL_TOO_LONG);
  assert.equal(checkMonitorUrl('http://\u{e4}', 8), URL_TOO_LONG, 'ä is two bytes');
  assert.equal(checkMonitorUrl('ftp://x'), UrlError.NotHttp, 'no bound: only the syntax');
  assert.match(describeUrlError(URL_TOO_LONG, { maxUrlLen: 256 }), /256 bytes/);
  assert.match(describeUrlError(UrlError.HasQueryOrFragment), /query/);
});
