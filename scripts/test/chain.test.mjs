// The chain foundation, on the real node binary: block production and
// finality on a dev chain, a multi-validator local testnet on loopback, and a
// restart on the same database.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { bestNumber, finalizedNumber, Node, stopAll, tempDir, waitFor } from '../lib/node.mjs';

after(stopAll);

const nodeKey = () => crypto.randomBytes(32).toString('hex');

describe('qos-ledger-node', { timeout: 240_000 }, () => {
  test('a --dev --tmp node produces and finalizes blocks', async (t) => {
    const dir = tempDir('dev');
    const node = await Node.start('dev', ['--dev', '--tmp'], { logDir: dir });
    t.after(() => node.stop('SIGKILL'));

    const version = await node.rpc('state_getRuntimeVersion');
    assert.equal(version.specName, 'qos-ledger');
    await waitFor('finalized block #3 on the dev node', async () => (await finalizedNumber(node.rpcPort)) >= 3, 60_000);
    assert.ok((await bestNumber(node.rpcPort)) >= 3);
  });

  // GRANDPA needs more than two thirds of the voters: with local_testnet's
  // three authorities that is all three, so Charlie runs too.
  test('local_testnet validators on loopback peer and all see finality advance', async (t) => {
    const dir = tempDir('local');
    const common = ['--chain', 'local', '--validator', '--tmp'];
    const alice = await Node.start('alice', [...common, '--alice', '--node-key', nodeKey()], { logDir: dir });
    t.after(() => alice.stop('SIGKILL'));
    const peerId = await alice.rpc('system_localPeerId');
    const bootnode = `/ip4/127.0.0.1/tcp/${alice.p2pPort}/p2p/${peerId}`;
    const others = [];
    for (const name of ['bob', 'charlie']) {
      const node = await Node.start(name, [...common, `--${name}`, '--node-key', nodeKey(), '--bootnodes', bootnode], {
        logDir: dir,
      });
      t.after(() => node.stop('SIGKILL'));
      others.push(node);
    }
    const nodes = [alice, ...others];

    await waitFor(
      'every node to have two peers',
      async () => {
        const health = await Promise.all(nodes.map((n) => n.rpc('system_health')));
        return health.every((h) => h.peers >= 2);
      },
      60_000,
    );
    const start = await Promise.all(nodes.map((n) => finalizedNumber(n.rpcPort)));
    await waitFor(
      'finality to advance by 3 blocks on every node',
      async () => {
        const now = await Promise.all(nodes.map((n) => finalizedNumber(n.rpcPort)));
        return now.every((f, i) => f >= start[i] + 3);
      },
      120_000,
    ).catch((e) => {
      throw new Error(`${e.message}\n--- alice log ---\n${alice.tail()}`);
    });
    // The three agree on what is final.
    const heads = await Promise.all(nodes.map(async (n) => n.rpc('chain_getBlockHash', [await finalizedNumber(alice.rpcPort)])));
    assert.equal(new Set(heads).size, 1);
  });

  test('a node restarted on the same --base-path keeps its chain', async (t) => {
    const dir = tempDir('restart');
    const args = ['--dev', '--base-path', path.join(dir, 'data')];
    const first = await Node.start('dev-first', args, { logDir: dir });
    t.after(() => first.stop('SIGKILL'));
    await waitFor('block #4 before the restart', async () => (await bestNumber(first.rpcPort)) >= 4, 60_000);
    const before = await bestNumber(first.rpcPort);
    const hashBefore = await first.rpc('chain_getBlockHash', [before]);
    await first.stop('SIGINT');

    const second = new Node('dev-second', { args, logDir: dir, p2pPort: first.p2pPort, rpcPort: first.rpcPort });
    await second.spawn();
    t.after(() => second.stop('SIGKILL'));
    const after = await bestNumber(second.rpcPort);
    assert.ok(after >= before, `best block after restart (${after}) < before (${before})`);
    assert.equal(await second.rpc('chain_getBlockHash', [before]), hashBefore, 'the same block at the same height');
    await waitFor('new blocks after the restart', async () => (await bestNumber(second.rpcPort)) > after, 30_000);
  });
});
