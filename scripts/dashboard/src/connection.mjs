// Where the page reads the chain: an RPC node by WebSocket, or an embedded
// smoldot light client that checks finality and storage proofs itself, so
// the page trusts no RPC node. The same `connect` as the `qos` terminal.
import { connect } from '../../lib/chain.mjs';

// The light client's module (and smoldot with it) loads only when used.
const parseChainSpec = async (...args) => (await import('../../lib/light-client.mjs')).parseChainSpec(...args);

/**
 * What `qos serve` tells the page (`config.json`): `{ rpc }` or
 * `{ chainSpec }`. A `?rpc=ws://…` in the page's address wins.
 */
export async function defaultTarget(location) {
  const rpc = new URLSearchParams(location.search).get('rpc');
  if (rpc) return rpc;
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok) {
      const config = await res.json();
      if (config.chainSpec) return { chainSpec: await parseChainSpec(JSON.stringify(config.chainSpec), 'served by qos serve') };
      if (config.rpc) return config.rpc;
    }
  } catch {
    // No config served (a static host): the default node below.
  }
  return `ws://${location.hostname || '127.0.0.1'}:9944`;
}

/** A light-client target from a chain spec file the user picked. */
export async function lightClientTarget(file) {
  return { chainSpec: await parseChainSpec(await file.text(), file.name) };
}

/** Connects to `target`; `describe` says where, for the status line. */
export async function open(target) {
  const api = await connect(target);
  return { api, describe: typeof target === 'string' ? target : `light client on ${target.chainSpec.name}` };
}
