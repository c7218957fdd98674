// A real (small) HTTP workload for the demo and tests: what a tenant would run
// on a rented instance. `/healthz` answers 200, or 503 while it is "down".
// Also the proxies the tests put between the accounting nodes and a monitor:
// one that blocks one accounting node, one that rewrites reports.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';

import { ACCOUNTING_KEY_HEADER as ACCOUNTING_KEY, PARTY_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './report-request.mjs';

/** An HTTP server on a free loopback port. */
class LoopbackServer {
  constructor(handler) {
    this.server = http.createServer(handler);
  }

  async listen(port = 0) {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = this.server.address().port;
    return this;
  }

  async close() {
    this.server.closeAllConnections?.();
    this.server.close();
  }
}

export class Workload extends LoopbackServer {
  constructor() {
    super((_request, res) => {
      this.served += 1;
      if (this.isDown) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down\n');
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      }
    });
    this.isDown = false;
    this.served = 0;
  }

  get url() {
    return `http://127.0.0.1:${this.port}/healthz`;
  }

  down() {
    this.isDown = true;
  }

  up() {
    this.isDown = false;
  }
}

/** The header in which an accounting node names its key (`0x`-hex) on every monitor request. */
export const ACCOUNTING_KEY_HEADER = ACCOUNTING_KEY.toLowerCase();

/** The headers of a signed report request, which a proxy passes on. */
const SIGNED_REQUEST_HEADERS = [ACCOUNTING_KEY, PARTY_KEY_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER].map((h) => h.toLowerCase());

/** The period a monitor request asks for (`/v1/report?…&period=N`), or null. */
const periodOf = (req) => {
  const period = new URL(req.url, 'http://x').searchParams.get('period');
  return period === null ? null : Number(period);
};

/** Forwards a request to `upstream`, with its signature headers. */
function forward(upstream, req) {
  const headers = Object.fromEntries(SIGNED_REQUEST_HEADERS.filter((h) => req.headers[h] !== undefined).map((h) => [h, req.headers[h]]));
  return fetch(`${upstream}${req.url}`, { headers });
}

/**
 * A flaky network path in front of a monitor: it answers 503 to the requests
 * for a period that come from one accounting node (told apart by the
 * X-Qos-Accounting-Key header), and forwards everything else. Blocking the
 * node designated for a period makes it record a partial block, which a
 * second node's pull completes.
 */
export class BlockingProxy extends LoopbackServer {
  constructor(upstream) {
    super(async (req, res) => {
      const key = String(req.headers[ACCOUNTING_KEY_HEADER] ?? '').toLowerCase();
      const blockedKey = this.blocked.get(periodOf(req));
      if (blockedKey && key && (blockedKey === '*' || key === blockedKey)) {
        this.refused += 1;
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'proxy: this accounting node is blocked' }));
        return;
      }
      try {
        const answer = await forward(this.upstream, req);
        const text = await answer.text();
        this.forwarded += 1;
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
      } catch (e) {
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `proxy: ${e.message}` }));
      }
    });
    this.upstream = upstream;
    this.blocked = new Map();
    this.refused = 0;
    this.forwarded = 0;
  }

  /**
   * Refuses the requests for `period` made with `accountingKey` (`0x`-hex),
   * or with any accounting key for `'*'`, from now on. Requests without one
   * (a party's own) pass.
   */
  block(period, accountingKey) {
    this.blocked.set(Number(period), String(accountingKey).toLowerCase());
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
}

/**
 * An owner's tampering proxy in front of a monitor: it forwards report
 * requests and rewrites the answer to claim that every probe succeeded,
 * fixing up `scale` and `report_hash` — but it cannot forge the HMAC `tag`.
 */
export class TamperingProxy extends LoopbackServer {
  constructor(upstream, periods = null) {
    super(async (req, res) => {
      try {
        const answer = await forward(this.upstream, req);
        const text = await answer.text();
        if (answer.status !== 200 || !req.url.startsWith('/v1/report') || (this.periods && !this.periods.has(periodOf(req)))) {
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
          return;
        }
        const body = JSON.parse(text);
        const scale = Buffer.from(body.scale.slice(2), 'hex');
        // SCALE layout of Report: agreement u64, period u32, instance u32,
        // window (u64, u64), expected_samples u32 @32, samples u32 @36,
        // probe_successes u32 @40, probe_failures u32 @44.
        const expected = scale.readUInt32LE(32);
        scale.writeUInt32LE(expected, 36);
        scale.writeUInt32LE(expected, 40);
        scale.writeUInt32LE(0, 44);
        body.report.samples = expected;
        body.report.probe_successes = expected;
        body.report.probe_failures = 0;
        body.scale = `0x${scale.toString('hex')}`;
        body.report_hash = `0x${createHash('sha256').update(scale).digest('hex')}`;
        this.tampered += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      } catch (e) {
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `proxy: ${e.message}` }));
      }
    });
    this.upstream = upstream;
    this.periods = periods ? new Set(periods.map(Number)) : null;
    this.tampered = 0;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
}
