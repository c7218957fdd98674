// What a load run runs on: the local validators (also the accounting
// nodes) and the monitor fleet, started the way the chain tests start them.
import crypto from 'node:crypto';

import { devAccountingKeys } from '../lib/monitor-keys.mjs';
import { Node, stopAll, waitFor } from '../lib/node.mjs';
import { Fleet } from './fleet.mjs';

/** Dev validators by count: the chain preset that has exactly them as authorities. */
const CHAINS = {
  1: { chain: 'dev', names: ['Alice'] },
  3: { chain: 'local', names: ['Alice', 'Bob', 'Charlie'] },
};

const nodeKey = () => crypto.randomBytes(32).toString('hex');

/**
 * Starts `validators` validators and the fleet. `nodeArgs` are extra node
 * options (e.g. a larger transaction pool). Returns `{ nodes, names,
 * accountingKeys, fleet, seed, stop() }`.
 */
export async function startHarness({ validators = 3, outagePermille = 0, samplingIntervalMs = null, dir, nodeArgs = [], log = () => {} }) {
  const spec = CHAINS[validators];
  if (!spec) throw new Error(`--validators ${validators}: the dev presets have ${Object.keys(CHAINS).join(' or ')} validators`);
  const nodes = [];
  let fleet = null;
  const stop = async () => {
    await fleet?.stop().catch(() => {});
    await Promise.all(nodes.map((n) => n.stop('SIGINT').catch(() => {})));
    await stopAll();
  };
  try {
    const common = ['--chain', spec.chain, '--validator', '--tmp', '--rpc-cors', 'all', '--rpc-max-connections', '1000', ...nodeArgs];
    const [first, ...others] = spec.names.map((n) => n.toLowerCase());
    const boot = await Node.start(first, [...common, `--${first}`, '--node-key', nodeKey()], { logDir: dir });
    nodes.push(boot);
    const bootnode = `/ip4/127.0.0.1/tcp/${boot.p2pPort}/p2p/${await boot.rpc('system_localPeerId')}`;
    for (const name of others) {
      nodes.push(await Node.start(name, [...common, `--${name}`, '--node-key', nodeKey(), '--bootnodes', bootnode], { logDir: dir }));
    }
    log(`${nodes.length} validator(s) on ${spec.chain}: ${nodes.map((n) => `${n.name} ws://127.0.0.1:${n.rpcPort}`).join(', ')}`);
    // A dev validator's accounting (`acct`) key is the sr25519 key of its name.
    const accountingKeys = await devAccountingKeys(spec.names);
    const seed = `0x${crypto.randomBytes(32).toString('hex')}`;
    fleet = await Fleet.start({ seed, accountingKeys, outagePermille, samplingIntervalMs, dir });
    log(`monitor fleet on ${fleet.url} (pid ${fleet.pid}), outage ${outagePermille} ‰`);
    if (nodes.length > 1) {
      await waitFor(
        'the validators to peer',
        async () => (await Promise.all(nodes.map((n) => n.rpc('system_health')))).every((h) => h.peers >= nodes.length - 1),
        60_000,
      );
    }
    return { nodes, names: spec.names, accountingKeys, fleet, seed, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
