// An embedded smoldot light client as a @polkadot/api provider. With it the
// `qos` terminal and its agents verify the chain themselves — GRANDPA
// finality, and every storage read against the finalised state root by a
// Merkle proof — instead of believing an RPC node.
//
// polkadot.js's ScProvider speaks to a light client through the
// @substrate/connect interface; the adapter below gives it smoldot 3
// directly. (@substrate/connect's own client forbids plain TCP and non-local
// WebSocket peers in Node.js, which rules out a validator's usual address.)
//
// The same code runs in the dashboard's page, where smoldot's browser build
// dials the validators' WebSocket addresses.
import { UserError } from './chain.mjs';

/**
 * The chain spec in `text` (read from `file`, named in messages),
 * with `bootnodes` added (multiaddresses ending in `/p2p/<peer id>`). Adding
 * boot nodes does not change the chain: they are not part of its genesis.
 */
export function parseChainSpec(text, file, bootnodes = []) {
  let spec;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new UserError(`cannot read the chain spec ${file}: ${e.message}`);
  }
  if (!spec?.genesis?.raw) throw new UserError(`${file} is not a raw chain spec: export it with \`qos-ledger-node build-spec --chain <chain> --raw\``);
  for (const b of bootnodes) {
    if (!/\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(b)) throw new UserError(`--bootnode must be a multiaddress ending in /p2p/<peer id>, got '${b}'`);
  }
  spec.bootNodes = [...new Set([...(spec.bootNodes ?? []), ...bootnodes])];
  if (spec.bootNodes.length === 0) throw new UserError(`the chain spec ${file} names no boot nodes: pass --bootnode`);
  return spec;
}

/** A ScProvider over an embedded smoldot running `spec`; `terminate()` stops smoldot. */
export async function lightClientProvider(spec) {
  const [{ start, QueueFullError }, { ScProvider }] = await Promise.all([import('smoldot'), import('@polkadot/api')]);
  // smoldot's own log lines would mix with the terminal's output: errors only, to stderr.
  const client = start({ maxLogLevel: 1, logCallback: (_level, target, message) => console.error(`smoldot ${target}: ${message}`) });
  const Sc = {
    WellKnownChain: {},
    createScClient: () => ({
      addWellKnownChain: async () => {
        throw new UserError('well-known chains are not used here');
      },
      addChain: async (chainSpec, onResponse) => {
        const chain = await client.addChain({ chainSpec });
        (async () => {
          try {
            for await (const response of chain.jsonRpcResponses) onResponse(response);
          } catch {
            // The chain was removed.
          }
        })();
        return {
          remove: () => chain.remove(),
          sendJsonRpc: (text) => {
            try {
              chain.sendJsonRpc(text);
            } catch (e) {
              // ScProvider drops the chain on any error here; a full queue is
              // only a refusal of this one request.
              if (!(e instanceof QueueFullError)) throw e;
              onResponse(JSON.stringify({ jsonrpc: '2.0', id: JSON.parse(text).id, error: { code: -32000, message: 'light client busy' } }));
            }
          },
        };
      },
    }),
  };
  const provider = new ScProvider(Sc, JSON.stringify(spec));
  provider.terminate = () => client.terminate();
  return provider;
}
