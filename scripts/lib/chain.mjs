// Talking to a qos-ledger node with @polkadot/api and no custom types:
// connect, sign and send, turn dispatch errors into one-line messages.
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/** An error whose message is meant for the user as it is. */
export class UserError extends Error {}

/**
 * Connects to the RPC node at `target` (a ws:// URL), or starts an embedded
 * light client when `target` is `{ chainSpec }` (see light-client.mjs),
 * failing fast with a readable message.
 */
export async function connect(target, { timeoutMs = 15_000, lightClientTimeoutMs = 180_000 } = {}) {
  // Loaded on first use: the CLI's help and its refusals of bad input need
  // no @polkadot/api, which takes most of a second to load.
  const { ApiPromise, WsProvider } = await import('@polkadot/api');
  await cryptoWaitReady();
  if (typeof target === 'object') return connectLightClient(ApiPromise, target.chainSpec, lightClientTimeoutMs);
  const url = target;
  const provider = new WsProvider(url, false);
  const connected = new Promise((resolve, reject) => {
    provider.on('connected', resolve);
    provider.on('error', () => reject(new UserError(`cannot connect to ${url}`)));
  });
  provider.connect().catch(() => {});
  const timer = new Promise((_, reject) => setTimeout(() => reject(new UserError(`cannot connect to ${url} within ${timeoutMs} ms`)), timeoutMs));
  try {
    await Promise.race([connected, timer]);
  } catch (e) {
    await provider.disconnect().catch(() => {});
    throw e;
  }
  try {
    return await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
  } catch (e) {
    await provider.disconnect().catch(() => {});
    throw new UserError(`cannot use ${url}: ${e.message}`);
  }
}

/** A light client on `chainSpec`, once it has synced and found a peer. */
async function connectLightClient(ApiPromise, chainSpec, timeoutMs) {
  const { lightClientProvider } = await import('./light-client.mjs');
  const provider = await lightClientProvider(chainSpec);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new UserError(`the light client did not sync ${chainSpec.name} within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([provider.connect(), timeout]);
    const api = await Promise.race([ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true }), timeout]);
    const disconnect = api.disconnect.bind(api);
    api.disconnect = async () => {
      await disconnect().catch(() => {});
      provider.terminate();
    };
    return api;
  } catch (e) {
    await provider.disconnect().catch(() => {});
    provider.terminate();
    throw e instanceof UserError ? e : new UserError(`light client: ${e.message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** An sr25519 key pair from a secret URI such as `//Alice` or a mnemonic. */
export function signer(suri) {
  if (!suri) throw new UserError('no signer: pass --suri (e.g. //Alice on a dev chain)');
  try {
    return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);
  } catch (e) {
    throw new UserError(`invalid --suri: ${e.message}`);
  }
}

/** `Pallet.Error: docs` of a dispatch error. */
export function describeDispatchError(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}${docs.length ? `: ${docs.join(' ').trim()}` : ''}`;
  }
  return dispatchError.toString();
}

/**
 * Signs and sends `tx` from `pair`, waits until it is in a block, and returns
 * its events. A failed dispatch becomes a UserError naming the pallet error.
 * `pair` is a keyring pair, or `{ address, signer }` for an account whose
 * keys are elsewhere (a browser extension's injected signer).
 */
export function sendAndWait(api, tx, pair, { finalized = false } = {}) {
  const [account, options] = pair.signer ? [pair.address, { nonce: -1, signer: pair.signer }] : [pair, { nonce: -1 }];
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    tx.signAndSend(account, options, (result) => {
      const { status, dispatchError, events } = result;
      if (result.isError) {
        unsubscribe();
        reject(new UserError(`transaction ${status.type}`));
        return;
      }
      if (!(finalized ? status.isFinalized : status.isInBlock)) return;
      unsubscribe();
      if (dispatchError) {
        reject(new UserError(describeDispatchError(api, dispatchError)));
        return;
      }
      resolve({ blockHash: (finalized ? status.asFinalized : status.asInBlock).toHex(), events });
    })
      .then((u) => {
        unsubscribe = u;
      })
      .catch((e) => reject(new UserError(e.message)));
  });
}

/** Events of `section` from a send result, as `{ method, data }` with named fields. */
export function eventsOf(events, section) {
  return events
    .filter(({ event }) => event.section === section)
    .map(({ event }) => ({ method: event.method, data: event.data.toHuman ? namedData(event) : event.data }));
}

function namedData(event) {
  const names = event.meta.fields.map((f) => (f.name.isSome ? f.name.unwrap().toString() : null));
  const out = {};
  event.data.forEach((value, i) => {
    out[names[i] ?? String(i)] = value.toJSON();
  });
  return out;
}
