// The authorized-keys file of a monitor (monitor/src/auth.rs): the
// accounting nodes bound on chain, and the agreement's client and owner.
// Read at the finalised head, so it holds on a light client as on a node.
import fs from 'node:fs';
import path from 'node:path';

import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';

import { signer, UserError } from './chain.mjs';

const accountHex = (address) => u8aToHex(decodeAddress(address));

/**
 * The file's contents: `accountingKeys` as 0x-hex sr25519 keys, `client` and
 * `owner` as SS58 addresses (or null), `source` saying which chain and block.
 */
export function monitorKeysFile({ agreement, accountingKeys, client = null, owner = null, source = undefined }) {
  return {
    agreement: Number(agreement),
    accounting_keys: [...accountingKeys].sort(),
    client: client === null ? null : accountHex(client),
    owner: owner === null ? null : accountHex(owner),
    ...(source ? { source } : {}),
  };
}

/**
 * The accounting keys of dev validators named `names` (`Alice`, …): their
 * `//Name` sr25519 keys, which the dev presets and zombienet put in their
 * keystores as `acct`. For a file written before such a network exists.
 */
export async function devAccountingKeys(names) {
  await cryptoWaitReady();
  return names.map((name) => u8aToHex(signer(`//${name}`).publicKey));
}

/** The file for `agreement` as the finalised chain has it. */
export async function monitorKeysAt(api, agreement) {
  const hash = await api.rpc.chain.getFinalizedHead();
  const [at, header] = await Promise.all([api.at(hash), api.rpc.chain.getHeader(hash)]);
  const stored = await at.query.slaVerification.agreements(agreement);
  if (stored.isNone) throw new UserError(`agreement ${agreement} not found (in finalised block #${header.number.toNumber()})`);
  const a = stored.unwrap();
  const bound = await at.query.metricsBlocks.accountingKeys();
  return monitorKeysFile({
    agreement,
    accountingKeys: bound.map(([, key]) => key.toHex()),
    client: a.client.toString(),
    owner: a.owner.toString(),
    source: { genesis: api.genesisHash.toHex(), block: header.number.toNumber(), block_hash: hash.toHex() },
  });
}

/** Whether two files name the same keys (their source may differ). */
export function sameKeys(a, b) {
  const strip = ({ source, ...keys }) => JSON.stringify(keys);
  return strip(a) === strip(b);
}

/**
 * Writes `contents` to `file` atomically (a monitor reloading mid-write
 * never reads half a file), mode 0644: public data, writable by its owner
 * only, which the monitor checks. Returns false (and writes nothing) when
 * the file already names the same keys.
 */
export function writeMonitorKeys(file, contents) {
  try {
    if (sameKeys(JSON.parse(fs.readFileSync(file, 'utf8')), contents)) return false;
  } catch {}
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o644 });
  fs.chmodSync(temporary, 0o644);
  fs.renameSync(temporary, file);
  return true;
}
