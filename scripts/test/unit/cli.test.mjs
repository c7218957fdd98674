// The qos terminal refuses bad input before it contacts any node: every case
// runs against a URL where nothing listens, so a refusal that came after
// connecting would read "cannot connect" instead. No binary needed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'qos.mjs');
const NOWHERE = 'ws://127.0.0.1:1';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qos-ledger-cli-unit-'));

async function qos(...args) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args, '--url', NOWHERE], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `fn` over `items`, at most 8 CLI processes at a time. */
async function eachConcurrently(items, fn) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (queue.length) await fn(queue.shift());
    }),
  );
}

const tiers = (n) => Array.from({ length: n }, (_, i) => ['--credit-tier', `${999 - i}:${i + 1}`]).flat();
const write = (name, value) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const SLA = { qos: { min_availability_permille: 990 }, availability_tiers: [{ below_permille: 990, credit_percent: 10 }], other_breach_credit_percent: 0 };

test('bad input is refused with one line and exit 1, before connecting', async () => {
  const cases = [
    // Monitor URLs, as url.rs checks them.
    [['add-instance', '--suri', '//Dave', '--service', '0', '--monitor-url', 'http://10.0.0.5:9616/?x='], /carries a query \(\?\) or a fragment/],
    [['add-instance', '--suri', '//Dave', '--service', '0', '--monitor-url', 'http://user:pw@10.0.0.5'], /carries credentials/],
    [['replace-instance', '--suri', '//Dave', '--service', '0', '--instance', '0', '--monitor-url', 'ftp://10.0.0.5'], /does not start with http/],
    [
      ['replace-instance', '--suri', '//Dave', '--service', '0', '--instance', '0', '--monitor-url', 'http://10.0.0.5:65536'],
      /port that is not a number from 1 to 65535/,
    ],
    // SLA terms, as terms.rs validates them.
    [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', ...tiers(5)], /too many --credit-tier: at most 4/],
    [['set-offers', '--suri', '//Dave', '--service', '0', '--min-availability', '999', ...tiers(5)], /too many --credit-tier: at most 4/],
    [
      ['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--min-availability', '1001'],
      /--min-availability must be between 0 and 1000/,
    ],
    [
      ['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--credit-tier', '900:50', '--credit-tier', '990:10'],
      /strictly decreasing thresholds/,
    ],
    [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--min-healthy', '0'], /min_healthy_instances must be from 1 to 1024/],
    [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--other-credit', '101'], /--other-credit must be between 0 and 100/],
    [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--arbiter', 'nobody'], /--arbiter must be an SS58 address/],
    [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--max-price', '0'], /--max-price must be more than 0/],
    [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '0'], /--periods must be between 1/],
    [['set-offers', '--suri', '//Dave', '--service', '0'], /missing the offer/],
    [
      [
        'set-offers',
        '--suri',
        '//Dave',
        '--service',
        '0',
        '--offers-file',
        write('bad-tiers.json', [{ sla: { ...SLA, availability_tiers: [{ below_permille: 1001, credit_percent: 10 }] } }]),
      ],
      /offer 0: a permille value is above 1000/,
    ],
    [
      ['set-offers', '--suri', '//Dave', '--service', '0', '--offers-file', write('bad-arbiter.json', [{ sla: SLA, arbiters: ['nobody'] }])],
      /offer 0's arbiter must be an SS58 address/,
    ],
    [['set-offers', '--suri', '//Dave', '--service', '0', '--offers-file', write('not-json.json', '{')], /cannot read --offers-file/],
    [['set-offers', '--suri', '//Dave', '--service', '0', '--offers-file', write('ok.json', [{ sla: SLA }]), '--arbiter', '//Ferdie'], /not both/],
    // Shares and reasons.
    [
      ['resolve', '--suri', '//Alice', '--agreement', '0', '--period', '0', '--owner-permille', '1001'],
      /--owner-permille must be between 0 and 1000, got 1001/,
    ],
    [['resolve', '--suri', '//Alice', '--agreement', '0', '--period', '0', '--owner-percent', '100.5'], /--owner-percent must be between 0 and 100/],
    [['resolve', '--suri', '//Alice', '--agreement', '0', '--period', '0', '--owner-percent', '50', '--owner-permille', '500'], /not both/],
    [['resolve', '--suri', '//Alice', '--agreement', '0', '--period', '0'], /missing --owner-permille/],
    [['contest', '--suri', '//Eve', '--agreement', '0', '--period', '0'], /missing --reason/],
    [['escalate', '--suri', '//Eve', '--agreement', '0', '--period', '0'], /unknown command 'escalate'/],
    [['prune', '--suri', '//Eve'], /missing --agreement/],
    [['settle-overdue', '--suri', '//Eve', '--agreement', '0'], /missing --period/],
    // The dashboard's server.
    [['serve', '--port', '65536'], /--port must be between 0 and 65535/],
    [['serve', '--port', 'http'], /--port must be/],
    [['serve', '--bootnode', '/ip4/127.0.0.1/tcp/1/p2p/12D3KooW'], /--bootnode is for the light client/],
  ];
  await eachConcurrently(cases, async ([args, message]) => {
    const r = await qos(...args);
    assert.equal(r.code, 1, `${args.join(' ')} exits 1 (${r.stderr.trim()})`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.doesNotMatch(r.stderr, /cannot connect/);
  });
});

test('well-formed input gets as far as connecting', async () => {
  const cases = [
    ['add-instance', '--suri', '//Dave', '--service', '0', '--monitor-url', 'http://[fd00::1]:9616/tenant-7'],
    ['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--arbiter', '//Ferdie', ...tiers(4), '--min-availability', '999'],
    [
      'set-offers',
      '--suri',
      '//Dave',
      '--service',
      '0',
      '--offers-file',
      write('good.json', { offers: [{ sla: SLA, arbiters: ['//Ferdie'] }, { sla: { qos: {}, availability_tiers: [] } }] }),
    ],
    ['resolve', '--suri', '//Alice', '--agreement', '0', '--period', '0', '--owner-percent', '12.5', '--as-arbiter'],
    ['contest', '--suri', '//Eve', '--agreement', '0', '--period', '0', '--reason', 'the monitor of instance 1 was down, not the VM'],
  ];
  await eachConcurrently(cases, async (args) => {
    const r = await qos(...args);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot connect to ws:\/\/127\.0\.0\.1:1/, args.join(' '));
  });
});

test('every command has --help', async () => {
  const list = await qos('--help');
  const names = [...list.stdout.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]);
  for (const name of ['set-offers', 'replace-instance', 'contest', 'accept', 'settle-overdue', 'prune', 'deregister-service', 'offers']) {
    assert.ok(names.includes(name), `${name} listed`);
  }
  assert.ok(!names.includes('escalate'), 'escalate is gone');
  await eachConcurrently(names, async (name) => {
    const r = await qos(name, '--help');
    assert.equal(r.code, 0, `${name} --help`);
    assert.match(r.stdout, new RegExp(`^usage: node scripts/qos\\.mjs ${name}`));
  });
});
