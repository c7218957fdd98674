// The qos terminal as a user runs it: real processes against a --dev node,
// readable output, one-line errors and non-zero exits for bad input.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { Node, repoRoot, stopAll, tempDir } from '../lib/node.mjs';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'scripts', 'qos.mjs');
let node;
let url;
const dir = tempDir('cli');

async function qos(...args) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args, ...(url ? ['--url', url] : [])], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

before(async () => {
  node = await Node.start('cli-dev', ['--dev', '--tmp'], { logDir: dir });
  url = `ws://127.0.0.1:${node.rpcPort}`;
});
after(stopAll);

describe('qos terminal', { timeout: 180_000 }, () => {
  test('an owner registers a service and a client rents it', async () => {
    const reg = await qos('register-service', '--suri', '//Dave', '--price', '2.5', '--period-ms', '60000', '--json');
    assert.equal(reg.code, 0, reg.stderr);
    const service = JSON.parse(reg.stdout).service;
    const added = await qos('add-instance', '--suri', '//Dave', '--service', String(service), '--monitor-url', 'http://127.0.0.1:9616', '--json');
    assert.equal(added.code, 0, added.stderr);
    assert.equal(JSON.parse(added.stdout).instance, 0);

    const list = await qos('services');
    assert.match(list.stdout, /2\.5 QOS/);
    assert.match(list.stdout, /http:\/\/127\.0\.0\.1:9616/);

    const created = await qos('create-agreement', '--suri', '//Eve', '--service', String(service), '--periods', '3', '--min-availability', '990', '--credit-tier', '990:10', '--json');
    assert.equal(created.code, 0, created.stderr);
    const { agreement } = JSON.parse(created.stdout);
    const status = await qos('status', '--agreement', String(agreement), '--json');
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout);
    assert.equal(parsed.rows.length, 3);
    assert.equal(parsed.held, '7.5 QOS', 'price x periods on hold');
    assert.ok(parsed.rows.every((r) => r.state === 'awaiting metrics'));
  });

  test('dispatch errors come back as one named line', async () => {
    const r = await qos('add-instance', '--suri', '//Ferdie', '--service', '0', '--monitor-url', 'http://x');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^qos: slaVerification\.NotServiceOwner/);
    const bad = await qos('create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--min-availability', '1001');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^qos: slaVerification\.\w+/);
  });

  test('bad input is refused before anything is sent', async () => {
    for (const [args, message] of [
      [['register-service', '--suri', '//Dave', '--price', 'ten', '--period-ms', '60000'], /--price must be a QOS amount/],
      [['register-service', '--suri', '//Dave', '--price', '0', '--period-ms', '60000'], /--price must be more than 0/],
      [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', 'x'], /--periods must be a whole number/],
      [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--credit-tier', '99'], /--credit-tier must look like/],
      [['status'], /missing --agreement/],
      [['nosuch'], /unknown command 'nosuch'/],
      [['confirm', '--suri', '//Eve', '--agreement', '0', '--period', '0', '--key', path.join(dir, 'absent.key')], /key file .* not found/],
    ]) {
      const r = await qos(...args);
      assert.equal(r.code, 1, `${args.join(' ')} exits 1`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
  });

  test('keygen writes a private key file and never overwrites one', async () => {
    const file = path.join(dir, 'client.key');
    const first = await qos('keygen', '--out', file);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(file, 'utf8').trim(), /^[0-9a-f]{64}$/);
    const again = await qos('keygen', '--out', file);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not overwriting/);
    fs.chmodSync(file, 0o644);
    const loose = await qos('confirm', '--suri', '//Eve', '--agreement', '0', '--period', '0', '--key', file);
    assert.match(loose.stderr, /accessible by group or others/);
  });

  test('an unreachable node is a clear error', async () => {
    const saved = url;
    url = 'ws://127.0.0.1:1';
    try {
      const r = await qos('services');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot connect to ws:\/\/127\.0\.0\.1:1/);
    } finally {
      url = saved;
    }
  });
});
