// The runtime every chain starts from is the production one, and it stays
// small: every light client downloads it, every chain spec carries it, and
// a runtime upgrade must fit it in one block.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { blake2AsU8a } from '@polkadot/util-crypto';

import { nodeBinary } from '../lib/node.mjs';

/**
 * The bound on the compressed runtime, in bytes. It was 4.78 MB while the
 * node was built with `runtime-benchmarks` (frame-system-benchmarking
 * embeds a 4.25 MB test runtime); today it is about 0.47 MB. The bound
 * leaves room to grow and stays well under 1 MB.
 */
const MAX_COMPRESSED_RUNTIME_BYTES = 600_000;

const targetDir = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache', 'qos-ledger', 'target');
const wbuild = path.join(targetDir, 'release', 'wbuild', 'qos-ledger-runtime');

/** The `:code` of the dev chain's genesis, as the node binary embeds it. */
function genesisCode() {
  const spec = JSON.parse(execFileSync(nodeBinary(), ['build-spec', '--chain', 'dev', '--raw'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }));
  const code = spec.genesis.raw.top['0x3a636f6465'];
  assert.ok(code, 'the raw dev chain spec has a :code entry');
  return Buffer.from(code.slice(2), 'hex');
}

/** The payload of custom section `name` of the Wasm module `wasm`. */
function customSection(wasm, name) {
  const leb = (at) => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return [value, at];
    }
  };
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, payload] = leb(at + 1);
    if (id === 0) {
      const [len, nameAt] = leb(payload);
      if (wasm.subarray(nameAt, nameAt + len).toString() === name) return wasm.subarray(nameAt + len, payload + size);
    }
    at = payload + size;
  }
  return null;
}

test(`the genesis runtime is the built production runtime, at most ${MAX_COMPRESSED_RUNTIME_BYTES} bytes compressed`, () => {
  const code = genesisCode();
  const built = fs.readFileSync(path.join(wbuild, 'qos_ledger_runtime.compact.compressed.wasm'));
  assert.ok(code.equals(built), 'the node embeds the runtime scripts/build.sh built');
  console.log(`# compressed runtime: ${code.length} bytes`);
  assert.ok(code.length <= MAX_COMPRESSED_RUNTIME_BYTES, `the compressed runtime is ${code.length} bytes, over the bound of ${MAX_COMPRESSED_RUNTIME_BYTES}`);
});

test('the production runtime offers no benchmarking API', () => {
  const wasm = fs.readFileSync(path.join(wbuild, 'qos_ledger_runtime.compact.wasm'));
  const apis = customSection(wasm, 'runtime_apis');
  assert.ok(apis && apis.length % 12 === 0, 'the runtime lists its APIs (8-byte id, 4-byte version each)');
  const ids = [];
  for (let i = 0; i < apis.length; i += 12) ids.push(Buffer.from(apis.subarray(i, i + 8)).toString('hex'));
  const id = (name) => Buffer.from(blake2AsU8a(name, 64)).toString('hex');
  assert.ok(ids.includes(id('MetricsBlocksApi')), 'the list is read right: MetricsBlocksApi is in it');
  assert.ok(!ids.includes(id('Benchmark')), 'no Benchmark API in the runtime the chains run');
});
