// polkadot.js apps compatibility: @polkadot/api with no custom type
// definitions connects to a --dev node and decodes its metadata.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { ApiPromise, WsProvider } from '@polkadot/api';

import { Node, stopAll, tempDir } from '../lib/node.mjs';

after(stopAll);

test('@polkadot/api reads the runtime metadata with no custom types', { timeout: 120_000 }, async (t) => {
  const node = await Node.start('pjs', ['--dev', '--tmp'], { logDir: tempDir('pjs') });
  t.after(() => node.stop('SIGKILL'));
  const api = await ApiPromise.create({ provider: new WsProvider(`ws://127.0.0.1:${node.rpcPort}`), noInitWarn: true });
  t.after(() => api.disconnect());

  assert.equal(api.runtimeVersion.specName.toString(), 'qos-ledger');
  const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
  for (const name of ['System', 'Timestamp', 'Aura', 'Grandpa', 'Balances', 'TransactionPayment', 'Sudo']) {
    assert.ok(pallets.includes(name), `pallet ${name} in metadata (${pallets.join(', ')})`);
  }
  // Every storage item of every pallet decodes with the metadata alone.
  let decoded = 0;
  for (const section of Object.keys(api.query)) {
    for (const [item, query] of Object.entries(api.query[section])) {
      const value = query.creator.meta.type.isPlain ? await query() : await query.entries();
      assert.notEqual(value, undefined, `${section}.${item}`);
      decoded += 1;
    }
  }
  assert.ok(decoded > 20, `decoded ${decoded} storage items`);
  const { data } = await api.query.system.account('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
  assert.ok(data.free.toBigInt() > 0n, 'Alice is endowed');
  assert.equal(api.registry.chainDecimals[0], 12);
  assert.equal(api.registry.chainTokens[0], 'QOS');
});
