// The zombienet network and test files, read by zombienet's own parsers (its
// TOML reader runs on the `toml` 3.0.0 that package.json's override installs):
// what they say is what the fault tests in zombienet/ rely on. The tests
// themselves run with `npm run test:zombienet`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

import { checkNames } from '../../zombienet/checks.mjs';
import { repoRoot } from '../lib/node.mjs';

const require = createRequire(import.meta.url);
const { readNetworkConfig } = require('@zombienet/utils');
const dsl = require('@zombienet/dsl-parser-wrapper');

const dir = path.join(repoRoot, 'zombienet');

test('the network file parses to four validators with an accounting key each', () => {
  process.env.QOS_NODE_BIN = '/opt/qos/qos-ledger-node';
  const config = readNetworkConfig(path.join(dir, 'four-validators.toml'));
  assert.equal(config.settings.provider, 'native');
  assert.equal(config.relaychain.chain, 'local-four');
  assert.equal(config.relaychain.default_command, '/opt/qos/qos-ledger-node');
  assert.deepEqual(config.relaychain.default_keystore_key_types, ['aura', 'gran', 'acct_sr']);
  assert.deepEqual(
    config.relaychain.nodes.map((n) => [n.name, n.validator]),
    [
      ['alice', true],
      ['bob', true],
      ['charlie', true],
      ['dave', true],
    ],
  );
});

test('without QOS_NODE_BIN the network runs qos-ledger-node from the PATH', () => {
  delete process.env.QOS_NODE_BIN;
  const config = readNetworkConfig(path.join(dir, 'four-validators.toml'));
  assert.equal(config.relaychain.default_command, 'qos-ledger-node');
});

test('the test file parses, uses the network file and calls only existing checks', () => {
  const parsed = JSON.parse(dsl.parse_to_json(fs.readFileSync(path.join(dir, 'accounting-faults.zndsl'), 'utf8')));
  assert.equal(parsed.network, './four-validators.toml');
  const scripts = parsed.assertions.filter((a) => a.parsed.fn === 'CustomJs').map((a) => a.parsed.args);
  assert.ok(scripts.length >= 6);
  for (const { file_path: file, custom_args: args } of scripts) {
    assert.equal(file, './qos.js');
    const name = args.split(',')[0];
    assert.ok(checkNames.includes(name), `unknown check ${name}`);
  }
  const nodes = new Set(parsed.assertions.map((a) => a.parsed.args.node_name));
  assert.deepEqual([...nodes].sort(), ['alice', 'bob', 'charlie', 'dave']);
  assert.ok(parsed.assertions.some((a) => a.parsed.fn === 'Restart' && a.parsed.args.node_name === 'charlie'));
});
