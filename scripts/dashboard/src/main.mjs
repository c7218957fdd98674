// The dashboard: connects, follows finalised blocks and keeps the open page
// current; the session bar holds the account to sign with and the client's key.
import './style.css';

import { availableAccounts } from './accounts.mjs';
import { defaultTarget, lightClientTarget, open } from './connection.mjs';
import { short } from './dom.mjs';
import { explain } from './errors.mjs';
import { KeyFileError, loadKeyFile } from './key.mjs';
import { AgreementView } from './views/agreement.mjs';
import { EvidenceView } from './views/evidence.mjs';
import { ServicesView } from './views/services.mjs';

const $ = (id) => document.getElementById(id);

const state = {
  api: null,
  accounts: [],
  names: new Map(),
  key: null,
  view: null,
  finalized: null,
  unsubscribe: null,
  errorSticky: false,
  rendering: Promise.resolve(),
};

const app = {
  get api() {
    return state.api;
  },
  account: () => state.accounts.find((a) => a.id === $('account').value) ?? null,
  key: () => state.key,
  nameOf: (address) => state.names.get(address) ?? short(address, 5),
};

/**
 * Shows `text` in the alert bar (or clears it). A sticky message — about
 * something the user did, such as a key file — stays until the next one;
 * any other (the chain unreachable) is cleared by the next good refresh.
 */
function showError(text, { sticky = false } = {}) {
  const el = $('error');
  el.textContent = text ?? '';
  el.hidden = !text;
  state.errorSticky = Boolean(text) && sticky;
}

const setStatus = (text) => {
  $('chain-status').textContent = text;
};

// ---- views

function viewFor(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'agreement' && /^\d+$/.test(parts[1] ?? '')) {
    if (parts[2] === 'period' && /^\d+$/.test(parts[3] ?? '')) return new EvidenceView(app, parts[1], parts[3]);
    return new AgreementView(app, parts[1]);
  }
  return new ServicesView(app);
}

function route() {
  state.view?.destroy();
  state.view = viewFor(location.hash);
  document.title = `${state.view.title()} · qos-ledger`;
  state.view.mount($('view'));
  refresh();
}

/** Brings the open view to the last finalised block; one refresh at a time, the newest wins. */
function refresh() {
  const view = state.view;
  state.rendering = state.rendering.then(async () => {
    if (!state.api || !state.finalized || view !== state.view) return;
    try {
      const at = await state.api.at(state.finalized.hash);
      await view.update(at);
      if (!state.errorSticky) showError(null);
    } catch (e) {
      showError(explain(e));
    }
  });
}

// ---- connection

async function connectTo(target) {
  state.unsubscribe?.();
  await state.api?.disconnect().catch(() => {});
  state.api = null;
  state.finalized = null;
  setStatus(typeof target === 'string' ? `connecting to ${target}…` : 'starting the light client (it syncs from the chain’s peers)…');
  let describe;
  try {
    ({ api: state.api, describe } = await open(target));
  } catch (e) {
    setStatus('not connected');
    showError(explain(e));
    return;
  }
  await loadAccounts();
  let last = null;
  state.unsubscribe = await state.api.rpc.chain.subscribeFinalizedHeads(async (header) => {
    const number = header.number.toNumber();
    const hash = header.hash.toHex();
    state.finalized = { number, hash };
    setStatus(`${describe} · finalised #${number}`);
    if (state.view?.noteEvents) {
      // Every finalised block since the last one, for the settlements they hold.
      for (let n = last === null ? number : last + 1; n <= number; n += 1) {
        try {
          const at = await state.api.at(n === number ? hash : await state.api.rpc.chain.getBlockHash(n));
          state.view.noteEvents(await at.query.system.events());
        } catch {
          // A block the node no longer has state for: its money follows from the rules.
        }
      }
    }
    last = number;
    refresh();
  });
}

async function loadAccounts() {
  const select = $('account');
  const previous = select.value;
  try {
    state.accounts = await availableAccounts(state.api);
  } catch (e) {
    state.accounts = [];
    showError(`Cannot list accounts: ${explain(e)}`);
  }
  state.names = new Map(state.accounts.map((a) => [a.address, a.name.replace(/ \(dev account\)$/, '')]));
  select.replaceChildren(new Option(state.accounts.length ? 'choose an account' : 'no account (install the polkadot.js extension)', ''));
  for (const a of state.accounts) select.append(new Option(`${a.name} — ${short(a.address, 4)}`, a.id));
  const wanted = new URLSearchParams(location.search).get('account');
  select.value = state.accounts.some((a) => a.id === previous) ? previous : (state.accounts.find((a) => a.id === `dev:${wanted}`)?.id ?? '');
}

// ---- the client's key

async function loadKey(file) {
  const status = $('key-status');
  state.key = null;
  try {
    const key = await loadKeyFile(file);
    let warning = null;
    if (state.view instanceof AgreementView) {
      const opens = await state.view.keyOpensAnyPeriod(key);
      if (opens === false) {
        // Kept: if the owner altered every recorded period, this may still be the right key.
        warning = `${file.name} opens the commitment of none of this agreement's recorded periods: it is not this agreement's key, or every recorded period was altered. Confirming is refused until a period checks out with it; nothing is sent.`;
        status.textContent = `${file.name}: opens none of the recorded periods`;
      } else {
        status.textContent = opens
          ? `${file.name}: opens this agreement's recorded periods`
          : `${file.name} loaded (no period recorded yet to check it against)`;
      }
    } else {
      status.textContent = `${file.name} loaded`;
    }
    state.key = key;
    status.className = warning ? 'bad' : 'good';
    showError(warning, { sticky: true });
    refresh();
  } catch (e) {
    status.textContent = 'no key loaded';
    status.className = '';
    showError(e instanceof KeyFileError ? e.message : explain(e), { sticky: true });
  } finally {
    $('key-file').value = '';
  }
}

// ---- wiring

$('connect').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const url = $('endpoint').value.trim();
  if (!/^wss?:\/\//.test(url)) {
    showError(`"${url}" is not a node address: give a ws:// or wss:// URL, or pick a chain spec file for the light client.`);
    return;
  }
  connectTo(url);
});
$('chain-spec-file').addEventListener('change', async (ev) => {
  const file = ev.target.files[0];
  if (!file) return;
  try {
    await connectTo(await lightClientTarget(file));
  } catch (e) {
    showError(explain(e));
  }
});
$('key-file').addEventListener('change', (ev) => {
  if (ev.target.files[0]) loadKey(ev.target.files[0]);
});
$('account').addEventListener('change', () => refresh());
$('open-agreement').addEventListener('submit', (ev) => {
  ev.preventDefault();
  location.hash = `#/agreement/${$('agreement-id').value}`;
});
window.addEventListener('hashchange', route);

route();
defaultTarget(location).then(
  (target) => {
    if (typeof target === 'string') $('endpoint').value = target;
    return connectTo(target);
  },
  (e) => showError(explain(e)),
);
