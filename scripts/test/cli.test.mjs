// The qos terminal as a user runs it: real processes against a --dev node,
// readable output, one-line errors and non-zero exits for bad input.
// test/unit/cli.test.mjs covers more of the refusals that need no node.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';

import { signer } from '../lib/chain.mjs';
import { Node, repoRoot, stopAll, tempDir } from '../lib/node.mjs';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'scripts', 'qos.mjs');
/** Where nothing listens: a refusal that comes back from here came before connecting. */
const NOWHERE = 'ws://127.0.0.1:1';
let node;
let url;
const dir = tempDir('cli');
await cryptoWaitReady();
const ferdie = signer('//Ferdie').address;
/** What the tests below share: the service and agreement the first one makes. */
const made = {};

async function qos(...args) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args, ...(url ? ['--url', url] : [])], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs `fn` with the CLI pointed at `target`. */
async function against(target, fn) {
  const saved = url;
  url = target;
  try {
    return await fn();
  } finally {
    url = saved;
  }
}

const json = (r) => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

before(async () => {
  node = await Node.start('cli-dev', ['--dev', '--tmp'], { logDir: dir });
  url = `ws://127.0.0.1:${node.rpcPort}`;
});
after(stopAll);

describe('qos terminal', { timeout: 240_000 }, () => {
  test('an owner registers a service and offers an SLA; a client rents it on that offer', async () => {
    const { service } = json(await qos('register-service', '--suri', '//Dave', '--price', '2.5', '--period-ms', '60000', '--json'));
    made.service = String(service);
    const offers = json(
      await qos(
        'set-offers',
        '--suri',
        '//Dave',
        '--service',
        made.service,
        '--min-availability',
        '990',
        '--credit-tier',
        '990:10',
        '--credit-tier',
        '900:50',
        '--other-credit',
        '10',
        '--arbiter',
        '//Ferdie',
        '--json',
      ),
    );
    assert.deepEqual(offers.offers[0].arbiters, [ferdie]);
    const added = json(await qos('add-instance', '--suri', '//Dave', '--service', made.service, '--monitor-url', 'http://127.0.0.1:9616', '--json'));
    assert.equal(added.instance, 0);

    const list = await qos('services');
    assert.match(list.stdout, /2\.5 QOS/);
    assert.match(list.stdout, /http:\/\/127\.0\.0\.1:9616/);
    const listed = json(await qos('offers', '--service', made.service, '--json'));
    assert.equal(listed.offers.length, 1);
    assert.equal(listed.offers[0].sla.qos.min_availability_permille, 990);
    assert.deepEqual(listed.offers[0].sla.availability_tiers, [
      { below_permille: 990, credit_percent: 10 },
      { below_permille: 900, credit_percent: 50 },
    ]);

    // The offer's terms, the service's price as the limit, Ferdie as arbiter.
    const created = json(await qos('create-agreement', '--suri', '//Eve', '--service', made.service, '--periods', '3', '--arbiter', '//Ferdie', '--json'));
    made.agreement = String(created.agreement);
    assert.equal(created.offer, 0);
    assert.equal(created.arbiter, ferdie);
    assert.ok(BigInt(created.accountingFee) > 0n, 'an accounting fee was burned');
    assert.equal(created.accountingFee, created.burned);
    const status = json(await qos('status', '--agreement', made.agreement, '--json'));
    assert.equal(status.rows.length, 3);
    assert.equal(status.held, '7.5 QOS', 'price x periods on hold');
    assert.ok(status.rows.every((r) => r.state === 'awaiting metrics'));
    assert.equal(status.agreement.status, 'Active');
    assert.equal(status.agreement.arbiter, ferdie);
    assert.equal(status.agreement.offer, 0);
    const text = await qos('status', '--agreement', made.agreement);
    assert.match(text.stdout, /offer 0, arbiter 5CiPPseX/);

    // Terms easier on the owner than the offer, and no arbiter.
    const easier = json(
      await qos(
        'create-agreement',
        '--suri',
        '//Eve',
        '--service',
        made.service,
        '--periods',
        '3',
        '--offer',
        '0',
        '--max-price',
        '3',
        '--min-availability',
        '900',
        '--credit-tier',
        '900:10',
        '--json',
      ),
    );
    made.second = String(easier.agreement);
    assert.equal(BigInt(easier.agreement), BigInt(created.agreement) + 1n);
    assert.equal(easier.arbiter, null);
  });

  // Right after the first test: the second agreement's first period is still running.
  test('a client cancels: the periods not started are refunded', async () => {
    const r = json(await qos('cancel', '--suri', '//Eve', '--agreement', made.second, '--json'));
    assert.equal(r.refunded_periods, 2, 'the running period is still owed');
    const status = json(await qos('status', '--agreement', made.second, '--json'));
    assert.equal(status.agreement.status, 'Cancelled');
    assert.equal(status.rows.length, 1);
  });

  test('an owner replaces and retires an instance and deregisters a service', async () => {
    const { service } = json(await qos('register-service', '--suri', '//Dave', '--price', '1', '--period-ms', '40000', '--json'));
    const id = String(service);
    json(await qos('add-instance', '--suri', '//Dave', '--service', id, '--monitor-url', 'http://127.0.0.1:9700', '--json'));
    const replaced = json(
      await qos('replace-instance', '--suri', '//Dave', '--service', id, '--instance', '0', '--monitor-url', 'https://vm-2.example:9443/monitor', '--json'),
    );
    assert.ok(replaced.fromMs > 0);
    const services = json(await qos('services', '--json')).services;
    const instance = services.find((s) => String(s.service) === id).instances[0];
    assert.equal(instance.url, 'https://vm-2.example:9443/monitor');
    assert.deepEqual(
      instance.urls.map((u) => u.url),
      ['http://127.0.0.1:9700', 'https://vm-2.example:9443/monitor'],
    );
    const retired = json(await qos('retire-instance', '--suri', '//Dave', '--service', id, '--instance', '0', '--json'));
    assert.ok(retired.atMs >= replaced.fromMs);
    const again = await qos('retire-instance', '--suri', '//Dave', '--service', id, '--instance', '0');
    assert.match(again.stderr, /^qos: slaVerification\.InstanceRetired/);
    // A service with an open agreement stays; one without goes.
    const busy = await qos('deregister-service', '--suri', '//Dave', '--service', made.service);
    assert.match(busy.stderr, /^qos: slaVerification\.ServiceHasOpenAgreements/);
    json(await qos('deregister-service', '--suri', '//Dave', '--service', id, '--json'));
    const left = json(await qos('services', '--json')).services;
    assert.ok(!left.some((s) => String(s.service) === id), 'the deregistered service is gone');
  });

  test('dispatch errors come back as one named line', async () => {
    const a = made.agreement;
    for (const [args, error] of [
      [['add-instance', '--suri', '//Ferdie', '--service', made.service, '--monitor-url', 'http://x'], 'NotServiceOwner'],
      [['contest', '--suri', '//Ferdie', '--agreement', a, '--period', '0', '--reason', 'not mine'], 'NotParty'],
      [['contest', '--suri', '//Eve', '--agreement', a, '--period', '0', '--reason', 'too early'], 'PeriodAwaitingMetrics'],
      [['accept', '--suri', '//Eve', '--agreement', a, '--period', '0'], 'NotServiceOwner'],
      [['accept', '--suri', '//Dave', '--agreement', a, '--period', '0'], 'PeriodAwaitingMetrics'],
      [['settle-overdue', '--suri', '//Ferdie', '--agreement', a, '--period', '0'], 'DeadlineNotReached'],
      [['settle-overdue', '--suri', '//Ferdie', '--agreement', a, '--period', '1'], 'EarlierPeriodOpen'],
      [['prune', '--suri', '//Ferdie', '--agreement', a], 'AgreementNotFinished'],
      // Ferdie is the agreement's arbiter; Bob is not; sudo (Alice) always is.
      [['resolve', '--suri', '//Ferdie', '--as-arbiter', '--agreement', a, '--period', '0', '--owner-permille', '500'], 'PeriodAwaitingMetrics'],
      [['resolve', '--suri', '//Bob', '--as-arbiter', '--agreement', a, '--period', '0', '--owner-permille', '500'], 'NotArbiter'],
      [['resolve', '--suri', '//Alice', '--agreement', a, '--period', '0', '--owner-percent', '50'], 'PeriodAwaitingMetrics'],
      [['resolve', '--suri', '//Ferdie', '--as-arbiter', '--agreement', made.second, '--period', '0', '--owner-permille', '500'], 'NotArbiter'],
    ]) {
      const r = await qos(...args);
      assert.equal(r.code, 1, `${args.join(' ')} exits 1`);
      assert.match(r.stderr, new RegExp(`^qos: slaVerification\\.${error}`), args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
    // The escrow's pay-out: nothing is settled yet, and a third party may not move it.
    for (const [suri, error] of [
      ['//Eve', 'NothingOwed'],
      ['//Ferdie', 'NotEscrowParty'],
    ]) {
      const r = await qos('pay-out', '--suri', suri, '--agreement', a);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^qos: escrowRelease\\.${error}`), `pay-out by ${suri}`);
    }
  });

  test('bad input is refused before anything is sent', async () => {
    const plainSpec = path.join(dir, 'plain-spec.json');
    fs.writeFileSync(plainSpec, JSON.stringify({ name: 'Local Testnet', genesis: { runtimeGenesis: {} } }));
    const rawSpec = path.join(dir, 'raw-spec.json');
    fs.writeFileSync(rawSpec, JSON.stringify({ name: 'Local Testnet', bootNodes: [], genesis: { raw: { top: {}, childrenDefault: {} } } }));
    // Refused without the chain: the CLI never reaches the address.
    await against(NOWHERE, async () => {
      for (const [args, message] of [
        [['register-service', '--suri', '//Dave', '--price', 'ten', '--period-ms', '60000'], /--price must be a QOS amount/],
        [['register-service', '--suri', '//Dave', '--price', '0', '--period-ms', '60000'], /--price must be more than 0/],
        [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', 'x'], /--periods must be a whole number/],
        [['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--credit-tier', '99'], /--credit-tier must look like/],
        [['add-instance', '--suri', '//Dave', '--service', '0', '--monitor-url', 'http://127.0.0.1:9616/?agreement=7'], /carries a query \(\?\)/],
        [
          [
            'create-agreement',
            '--suri',
            '//Eve',
            '--service',
            '0',
            '--periods',
            '1',
            ...['999:1', '998:2', '997:3', '996:4', '995:5'].flatMap((t) => ['--credit-tier', t]),
          ],
          /too many --credit-tier: at most 4/,
        ],
        [['resolve', '--suri', '//Alice', '--agreement', '0', '--period', '0', '--owner-permille', '1001'], /--owner-permille must be between 0 and 1000/],
        [
          ['create-agreement', '--suri', '//Eve', '--service', '0', '--periods', '1', '--min-availability', '1001'],
          /--min-availability must be between 0 and 1000/,
        ],
        [['status'], /missing --agreement/],
        [['nosuch'], /unknown command 'nosuch'/],
        [['escalate', '--suri', '//Eve', '--agreement', '0', '--period', '0'], /unknown command 'escalate'/],
        [['confirm', '--suri', '//Eve', '--agreement', '0', '--period', '0', '--key', path.join(dir, 'absent.key')], /key file .* not found/],
        [['status', '--agreement', '0', '--chain-spec', path.join(dir, 'absent.json')], /cannot read the chain spec/],
        [['status', '--agreement', '0', '--chain-spec', plainSpec], /is not a raw chain spec: export it with `qos-ledger-node build-spec/],
        [['status', '--agreement', '0', '--chain-spec', rawSpec], /names no boot nodes: pass --bootnode/],
        [
          ['status', '--agreement', '0', '--chain-spec', rawSpec, '--bootnode', '/ip4/127.0.0.1/tcp/30333'],
          /--bootnode must be a multiaddress ending in \/p2p\/<peer id>/,
        ],
        [
          ['status', '--agreement', '0', '--bootnode', '/ip4/127.0.0.1/tcp/30333/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'],
          /--bootnode is for the light client/,
        ],
        [['watch', '--suri', '//Eve'], /missing --key: the client's agent checks every period/],
        [['watch', '--suri', '//Eve', '--key', path.join(dir, 'absent.key')], /key file .* not found/],
        [['watch', '--suri', '//Dave', '--owner', '--key', path.join(dir, 'absent.key')], /give --key \(the client\) or --owner, not both/],
        [['watch', '--suri', '//Dave', '--owner', '--agreement', 'seven'], /--agreement must be a whole number/],
        [['watch', '--suri', '//Dave', '--owner', '--top-up-periods', '2'], /--top-up-periods is for the client/],
        [['watch', '--suri', '//Eve', '--key', path.join(dir, 'absent.key'), '--pay-out-periods', '2'], /--pay-out-periods is for the owner/],
      ]) {
        const r = await qos(...args);
        assert.equal(r.code, 1, `${args.join(' ')} exits 1`);
        assert.match(r.stderr, message);
        assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
      }
    });

    // Refused with what only the chain knows (its offers, constants and
    // prices), before anything is signed.
    const s = made.service;
    const offersFile = path.join(dir, 'five-offers.json');
    fs.writeFileSync(offersFile, JSON.stringify(Array.from({ length: 5 }, () => ({ sla: { qos: {}, availability_tiers: [] } }))));
    for (const [args, message] of [
      [
        ['create-agreement', '--suri', '//Eve', '--service', s, '--periods', '1', '--min-availability', '995', '--credit-tier', '990:10'],
        /^qos: terms harsher than offer 0: min_availability_permille \(--min-availability\) 995 is harsher than the offer's 990/,
      ],
      [
        ['create-agreement', '--suri', '//Eve', '--service', s, '--periods', '1', '--min-availability', '990', '--max-latency-p95', '100'],
        /^qos: terms harsher than offer 0: max_latency_p95_ms \(--max-latency-p95\) 100 is not checked by the offer/,
      ],
      [
        ['create-agreement', '--suri', '//Eve', '--service', s, '--periods', '1', '--min-availability', '990', '--credit-tier', '990:20'],
        /^qos: terms harsher than offer 0: availability_tiers/,
      ],
      [
        ['create-agreement', '--suri', '//Eve', '--service', s, '--periods', '1', '--min-availability', '990', '--other-credit', '11'],
        /^qos: terms harsher than offer 0: other_breach_credit_percent/,
      ],
      [['create-agreement', '--suri', '//Eve', '--service', s, '--periods', '1', '--arbiter', '//Bob'], /is not an arbiter of offer 0/],
      [['create-agreement', '--suri', '//Eve', '--service', s, '--periods', '1', '--offer', '3'], /has no offer 3 \(it has 1\)/],
      [['create-agreement', '--suri', '//Eve', '--service', s, '--periods', '1', '--max-price', '2'], /price 2\.5 QOS is above --max-price 2 QOS/],
      [['create-agreement', '--suri', '//Eve', '--service', '999', '--periods', '1'], /service 999 not found/],
      [['register-service', '--suri', '//Dave', '--price', '1', '--period-ms', '30000'], /--period-ms must be at least 40000/],
      [
        ['add-instance', '--suri', '//Dave', '--service', s, '--monitor-url', `http://127.0.0.1:9616/${'a'.repeat(300)}`],
        /is too long \(more than \d+ bytes\)/,
      ],
      [['contest', '--suri', '//Eve', '--agreement', made.agreement, '--period', '0', '--reason', 'x'.repeat(1000)], /--reason is 1000 bytes; at most \d+/],
      [['set-offers', '--suri', '//Dave', '--service', s, '--offers-file', offersFile], /too many offers: at most \d+, got 5/],
    ]) {
      const r = await qos(...args);
      assert.equal(r.code, 1, `${args.join(' ')} exits 1`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
    // None of them made an agreement or changed the offers.
    const next = BigInt(made.second) + 1n;
    assert.match((await qos('status', '--agreement', String(next))).stderr, /agreement \d+ not found/);
    assert.equal(json(await qos('offers', '--service', s, '--json')).offers.length, 1);
  });

  test("monitor-keys writes the monitor's authorized keys from the finalised chain, and only when they change", async () => {
    const file = path.join(dir, 'authorized-keys.json');
    const hex = (address) => `0x${Buffer.from(decodeAddress(address)).toString('hex')}`;
    // Alice's off-chain worker binds her accounting key (her //Alice sr25519 key) in the first blocks.
    let first;
    for (let tries = 0; tries < 30; tries += 1) {
      first = json(await qos('monitor-keys', '--agreement', made.agreement, '--out', file, '--json'));
      if (first.accounting_keys.length > 0) break;
      fs.rmSync(file, { force: true });
      await new Promise((r) => setTimeout(r, 1_000));
    }
    assert.deepEqual(first.accounting_keys, [hex(signer('//Alice').address)]);
    assert.equal(first.client, hex(signer('//Eve').address));
    assert.equal(first.owner, hex(signer('//Dave').address));
    assert.equal(first.written, true);
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(onDisk.accounting_keys, first.accounting_keys);
    assert.equal(onDisk.agreement, Number(made.agreement));
    assert.ok(onDisk.source.block > 0 && /^0x[0-9a-f]{64}$/.test(onDisk.source.genesis));
    assert.equal(fs.statSync(file).mode & 0o777, 0o644, 'public, writable by its owner only (the monitor refuses others)');
    const again = await qos('monitor-keys', '--agreement', made.agreement, '--out', file);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already names 1 accounting key\(s\), the client and the owner of agreement \d+ .*; unchanged/);
    const missing = await qos('monitor-keys', '--agreement', '999', '--out', file);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /agreement 999 not found/);
  });

  test('monitor-keys --follow rewrites the file when it no longer matches the chain, and runs --on-change', async () => {
    const file = path.join(dir, 'followed-keys.json');
    const marker = path.join(dir, 'reloads.txt');
    const follower = spawn(
      process.execPath,
      [cli, 'monitor-keys', '--agreement', made.agreement, '--out', file, '--follow', '--on-change', `echo reload >> ${marker}`, '--url', url],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    follower.stdout.on('data', (d) => {
      output += d;
    });
    follower.stderr.on('data', (d) => {
      output += d;
    });
    const until = async (what, check) => {
      for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setTimeout(r, 200));
      assert.ok(check(), `${what}; output: ${output}`);
    };
    const reloads = () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').split('\n').filter(Boolean).length : 0);
    try {
      await until('the file written at start, --on-change run once', () => fs.existsSync(file) && reloads() === 1);
      const first = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(first.agreement, Number(made.agreement));
      // Someone empties the file: the next finalised block puts the keys back.
      fs.writeFileSync(file, '{}');
      await until('the file rewritten from the chain', () => reloads() === 2);
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).accounting_keys, first.accounting_keys);
      // Unchanged keys: no rewrite, no reload, block after block.
      await new Promise((r) => setTimeout(r, 7_000));
      assert.equal(reloads(), 2, output);
    } finally {
      follower.kill('SIGTERM');
    }
    const [code] = await once(follower, 'exit');
    assert.equal(code, 0, output);
    assert.match(output, /wrote 1 accounting key\(s\), the client and the owner of agreement \d+/);
    const refused = await qos('monitor-keys', '--agreement', made.agreement, '--out', file, '--on-change', 'true');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /--on-change needs --follow/);
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
    await against(NOWHERE, async () => {
      const r = await qos('services');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot connect to ws:\/\/127\.0\.0\.1:1/);
    });
  });
});
