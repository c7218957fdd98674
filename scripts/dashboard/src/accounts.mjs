// Who signs: the accounts of the polkadot.js browser extension (or any
// extension speaking its injected-accounts protocol) and, on a development
// or local chain only, the well-known dev accounts.
import { Keyring } from '@polkadot/keyring';

const DEV_ACCOUNTS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

/**
 * `[{ id, name, address, signer() }]`: `signer()` gives what
 * `sendAndWait` signs with (a keyring pair, or `{ address, signer }` of an
 * extension).
 */
export async function availableAccounts(api) {
  const accounts = [];
  const chainType = await api.rpc.system.chainType();
  if (chainType.isDevelopment || chainType.isLocal) {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    for (const name of DEV_ACCOUNTS) {
      const pair = keyring.addFromUri(`//${name}`);
      accounts.push({ id: `dev:${name}`, name: `${name} (dev account)`, address: pair.address, signer: async () => pair });
    }
  }
  if (typeof window !== 'undefined' && window.injectedWeb3 && Object.keys(window.injectedWeb3).length > 0) {
    const { web3Accounts, web3Enable, web3FromAddress } = await import('@polkadot/extension-dapp');
    const extensions = await web3Enable('qos-ledger dashboard');
    if (extensions.length > 0) {
      for (const a of await web3Accounts({ ss58Format: 42 })) {
        accounts.push({
          id: `ext:${a.meta.source}:${a.address}`,
          name: `${a.meta.name ?? a.address.slice(0, 8)} (${a.meta.source})`,
          address: a.address,
          signer: async () => ({ address: a.address, signer: (await web3FromAddress(a.address)).signer }),
        });
      }
    }
  }
  return accounts;
}
