// The qos CLI's commands. Each has a summary, options and `run(values,
// positionals)` that returns `{ text, ...data }` (data is what --json prints).
import crypto from 'node:crypto';
import fs from 'node:fs';

import { connect, UserError } from './chain.mjs';

const need = (values, name) => {
  if (values[name] === undefined || values[name] === '') throw new UserError(`missing --${name}`);
  return values[name];
};

/** Runs `fn(api)` on a connection that is always closed. */
async function withApi(values, fn) {
  const api = await connect(values.url);
  try {
    return await fn(api);
  } finally {
    await api.disconnect();
  }
}

export const commands = {
  keygen: {
    summary: 'client: write a new 32-byte OTP key (hex) to a file readable only by you',
    usage: '--out <file>',
    options: {
      out: { type: 'string', help: 'key file to create (refuses to overwrite)' },
    },
    async run(values) {
      const out = need(values, 'out');
      const key = crypto.randomBytes(32).toString('hex');
      try {
        fs.writeFileSync(out, `${key}\n`, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        throw new UserError(e.code === 'EEXIST' ? `${out} exists; not overwriting a key` : `cannot write ${out}: ${e.message}`);
      }
      fs.chmodSync(out, 0o600);
      return { text: `wrote a new OTP key to ${out} (mode 0600); install it in each of your service's monitors`, file: out };
    },
  },

  'insert-key': {
    summary: "operator: put a validator's acct (accounting) key into its keystore over RPC",
    usage: '--suri <secret> [--url ws://validator:9944]',
    options: {
      suri: { type: 'string', help: 'secret URI of the accounting key (sr25519)' },
      'key-type': { type: 'string', default: 'acct', help: 'key type (default acct)' },
    },
    async run(values) {
      const suri = need(values, 'suri');
      const keyType = values['key-type'];
      if (!/^[a-z]{4}$/.test(keyType)) throw new UserError(`--key-type must be four lowercase letters, got '${keyType}'`);
      const { Keyring } = await import('@polkadot/api');
      return withApi(values, async (api) => {
        const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);
        try {
          await api.rpc.author.insertKey(keyType, suri, pair.publicKey);
        } catch (e) {
          throw new UserError(`author_insertKey failed (start the node with --rpc-methods unsafe on a trusted interface): ${e.message}`);
        }
        const has = await api.rpc.author.hasKey(pair.publicKey, keyType);
        if (!has.isTrue) throw new UserError('the node did not keep the key');
        return { text: `inserted ${keyType} key ${pair.address}`, keyType, address: pair.address };
      });
    },
  },
};
