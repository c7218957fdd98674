// The agents behind `qos watch`. The client's agent checks every recorded
// period of its agreements with its key and confirms it with the OTP, or
// contests it naming what failed; the owner's agent follows its services'
// periods. Both settle what a silent party left past a deadline.
//
// Progress is read from finalised chain state at every finalised block, never
// from a local file: an agent that restarts, or reconnects after its node
// went away, acts on exactly the periods that still need it. A period the
// agent has sent a transaction for is left alone until the chain shows its
// new state (or the transaction fails), so it is never acted on twice.
import { eventsOf, UserError } from './chain.mjs';
import * as ops from './operations.mjs';

/** Finalised blocks whose events an agent reads back after a gap. */
const MAX_EVENT_BACKLOG = 600;

/** What an agent does, and for whom. */
export const ROLES = ['client', 'owner'];

/**
 * Blocks before a contest window closes in which the client's agent still
 * contests but no longer counts on it: finality lags the best block by a
 * few, and a settlement per the verdict may already be on its way.
 */
const CONTEST_MARGIN_BLOCKS = 5;
/** After a transaction failed in its block, wait this long before sending it again. */
const RETRY_AFTER_FAILURE_MS = 60_000;
/** The chain lapses an unrecorded period itself in the first blocks after its record deadline; the agent asks only if it has not by then. */
const LAPSE_FALLBACK_AFTER_MS = 30_000;
/** After a transaction reached no block in time (it may still be in a pool), wait this long. */
const RETRY_AFTER_TIMEOUT_MS = 300_000;

/**
 * What an agent remembers between scans and across reconnections. Nothing
 * in it is needed for correctness after a restart (the chain says what is
 * left to do); it keeps the agent from sending the same transaction twice
 * while the finalised state catches up with it, and its output from
 * repeating itself.
 */
export function agentMemory() {
  return {
    /** `agreement/subject` → { key: `${state}:${action}`, retryAt } of the last transaction sent for it. */
    acted: new Map(),
    /** Lines already printed about a state, by `agreement/period/state`. */
    reported: new Set(),
    /** `agreement` → the held amount last warned about. */
    warned: new Map(),
    /** The last finalised block whose events were read, never lowered. */
    lastEventsBlock: null,
    /** Whether the last scan found the node syncing. */
    syncing: false,
    /** What the monitors said of a period whose block does not hold, by `agreement/period/state/diagnosis`. */
    diagnoses: new Map(),
  };
}

/**
 * One agent over one connection. `scan(hash)` does everything the chain
 * state at finalised block `hash` asks of it; `emit(line)` receives one
 * object per thing that happened (`event` names it).
 */
export class Agent {
  constructor({ api, pair, role, key = null, agreements = null, topUpPeriods = 0, payOutPeriods = 0, acceptBreaches = false, emit, memory = agentMemory() }) {
    if (!ROLES.includes(role)) throw new UserError(`role must be one of ${ROLES.join(', ')}`);
    if (role === 'client' && !key) throw new UserError('the client agent needs the OTP key (--key)');
    this.api = api;
    this.pair = pair;
    this.role = role;
    this.key = key;
    this.only = agreements ? new Set(agreements.map(String)) : null;
    this.topUpPeriods = BigInt(topUpPeriods);
    this.payOutPeriods = BigInt(payOutPeriods);
    this.acceptBreaches = acceptBreaches;
    this.emit = emit;
    this.memory = memory;
    const { slaVerification } = api.consts;
    if (!slaVerification?.contestWindow) throw new UserError('the node does not run the qos-ledger runtime (no slaVerification pallet)');
    this.contestWindow = slaVerification.contestWindow.toNumber();
    this.arbitrationWindow = slaVerification.arbitrationWindow.toNumber();
    this.recordDeadlineMs = slaVerification.recordDeadlineMs.toBigInt();
    this.maxReasonLen = slaVerification.maxReasonLen.toNumber();
  }

  /** Whether `info` is an agreement of this agent's signer, in its role. */
  isMine(info) {
    return (this.role === 'client' ? info.client : info.owner).toString() === this.pair.address;
  }

  /** The agreements this agent looks after, at `at`: `[[id, info]]`. */
  async agreementsAt(at) {
    if (this.only) {
      const found = [];
      for (const id of this.only) {
        const info = await at.query.slaVerification.agreements(id);
        if (info.isSome && this.isMine(info.unwrap())) found.push([BigInt(id), info.unwrap()]);
      }
      return found;
    }
    const entries = await at.query.slaVerification.agreements.entries();
    return entries.map(([k, v]) => [k.args[0].toBigInt(), v.unwrap()]).filter(([, info]) => this.isMine(info));
  }

  /** Does what the finalised state at block `hash` asks; returns the number of transactions sent. */
  async scan(hash) {
    // A node still catching up serves old state and old nonces: report, do not act.
    const syncing = (await this.api.rpc.system.health()).isSyncing.isTrue;
    if (syncing !== this.memory.syncing) {
      this.memory.syncing = syncing;
      this.emit({ event: syncing ? 'syncing' : 'synced' });
    }
    if (syncing) return 0;
    const at = await this.api.at(hash);
    const number = (await this.api.rpc.chain.getHeader(hash)).number.toNumber();
    const nowMs = (await at.query.timestamp.now()).toBigInt();
    let sent = 0;
    const agreements = await this.agreementsAt(at);
    await this.emitSettlements(hash, number, new Set(agreements.map(([id]) => id)));
    for (const [agreement, info] of agreements) {
      const records = await at.query.slaVerification.periods.entries(agreement);
      for (const [k, value] of records.sort((a, b) => a[0].args[1].toNumber() - b[0].args[1].toNumber())) {
        const period = k.args[1].toNumber();
        if (await this.onPeriod(at, number, agreement, info.service.toNumber(), period, value.unwrap())) sent += 1;
      }
      if (this.role === 'client' && (await this.onUnrecorded(agreement, info, nowMs))) sent += 1;
      if (await this.onEscrow(at, agreement)) sent += 1;
    }
    return sent;
  }

  /**
   * One `settled` line per period of `mine` settled in the finalised blocks
   * after the last one read (at most MAX_EVENT_BACKLOG back), with the money
   * it moved, whoever settled it. A block that cannot be read stops the
   * walk there; the next scan resumes from it.
   */
  async emitSettlements(hash, number, mine) {
    const last = this.memory.lastEventsBlock;
    if (last !== null && number <= last) return;
    const from = last === null ? number : Math.max(last + 1, number - MAX_EVENT_BACKLOG);
    // Walked back by parent hash: a light client answers chain_getBlockHash
    // for the best block only.
    const blocks = [[number, hash]];
    while (blocks.at(-1)[0] > from) {
      const [n, h] = blocks.at(-1);
      blocks.push([n - 1, (await this.api.rpc.chain.getHeader(h)).parentHash]);
    }
    for (const [n, blockHash] of blocks.reverse()) {
      const records = await (await this.api.at(blockHash)).query.system.events();
      for (const { method, data } of eventsOf(records, 'slaVerification')) {
        if (method !== 'PeriodSettled' || !mine.has(BigInt(data.agreement))) continue;
        this.emit({
          event: 'settled',
          agreement: BigInt(data.agreement),
          period: Number(data.period),
          closure: data.closure,
          credit: Number(data.credit_percent),
          toOwner: BigInt(data.to_owner),
          toClient: BigInt(data.to_client),
          block: n,
        });
      }
      this.memory.lastEventsBlock = n;
    }
  }

  /**
   * Sends `fn()` about `subject` (a period, or the escrow) of `agreement`
   * once per state and action; emits what came of it. A transaction that
   * failed in its block is sent again after RETRY_AFTER_FAILURE_MS, one that
   * reached no block after RETRY_AFTER_TIMEOUT_MS, if the state is unchanged.
   */
  async act(agreement, subject, stateText, action, fn, line) {
    const id = `${agreement}/${subject}`;
    const key = `${stateText}:${action}`;
    const previous = this.memory.acted.get(id);
    if (previous?.key === key && (previous.retryAt === null || Date.now() < previous.retryAt)) return false;
    this.memory.acted.set(id, { key, retryAt: null });
    try {
      const outcome = await withTimeout(fn(), TX_TIMEOUT_MS, action);
      if (outcome?.mismatch) {
        this.memory.acted.set(id, { key, retryAt: Date.now() + RETRY_AFTER_FAILURE_MS });
        this.emit({ event: 'failed', action, agreement, ...line, error: 'the chain counted the OTP as a mismatch' });
      } else {
        this.emit({ event: action, agreement, ...line, ...summarize(outcome) });
      }
    } catch (e) {
      const timedOut = e instanceof TxTimeout;
      this.memory.acted.set(id, { key, retryAt: Date.now() + (timedOut ? RETRY_AFTER_TIMEOUT_MS : RETRY_AFTER_FAILURE_MS) });
      this.emit({ event: 'failed', action, agreement, ...line, error: e.message });
    }
    return true;
  }

  async onPeriod(at, number, agreement, service, period, record) {
    const state = ops.periodStateText(record.state);
    const id = `${agreement}/${period}`;
    if (record.state.isClosed) {
      this.memory.acted.delete(id);
      for (const name of ['Recorded', 'Confirmed']) this.memory.reported.delete(`${id}/${name}`);
      return false;
    }
    const verdict = ops.verdictOf(record);
    const breached = record.verdict.isSome && record.verdict.unwrap().isBreached;
    const contestClosesAt = record.recordedAt.toNumber() + this.contestWindow;
    const settle = () => ops.settleOverdue(this.api, this.pair, agreement, period);
    if (record.state.isDisputed) {
      if (number < record.state.asDisputed.since.toNumber() + this.arbitrationWindow) return false;
      return this.act(agreement, period, state, 'settled-overdue', settle, { period, rule: 'arbitration window over: default split' });
    }
    const report = () => {
      const seen = `${id}/${state}`;
      if (this.memory.reported.has(seen)) return;
      this.memory.reported.add(seen);
      this.emit({ event: 'recorded', agreement, period, state, verdict: verdict.text, credit: verdict.credit, failing: verdict.failing });
    };
    if (this.role === 'owner') {
      report();
      if (breached && !record.ownerAccepted.isTrue && number < contestClosesAt) {
        // A breach the monitors contradict is contested, never accepted.
        const diagnosed = `${id}/${state}/refutation`;
        if (!this.memory.diagnoses.has(diagnosed)) {
          const block = await at.query.metricsBlocks.metricsBlocks(agreement, period);
          this.memory.diagnoses.set(diagnosed, block.isSome ? await ops.findRefutation(at, block.unwrap(), agreement, period, service, this.pair) : []);
        }
        const refutation = this.memory.diagnoses.get(diagnosed);
        if (refutation.length) {
          const reason = truncate(`contested by the owner's agent: ${refutation.join('; ')}`, this.maxReasonLen);
          return this.act(agreement, period, state, 'contested', () => ops.contestPeriod(this.api, this.pair, agreement, period, reason), {
            period,
            verdict: verdict.text,
            problems: refutation,
          });
        }
      }
      // Accept what the client confirmed, so the breach is paid at once.
      if (breached && record.state.isConfirmed && !record.ownerAccepted.isTrue && this.acceptBreaches) {
        return this.act(agreement, period, state, 'accepted', () => ops.acceptVerdict(this.api, this.pair, agreement, period), {
          period,
          verdict: verdict.text,
          credit: verdict.credit,
          failing: verdict.failing,
        });
      }
      if (number >= contestClosesAt) {
        return this.act(agreement, period, state, 'settled-overdue', settle, { period, rule: 'contest window over: paid per the verdict' });
      }
      return false;
    }
    // The client.
    if (record.state.isConfirmed) {
      // A breach the client confirmed: the credit is the client's once the owner's window closes.
      if (number < contestClosesAt) return false;
      return this.act(agreement, period, state, 'settled-overdue', settle, { period, rule: 'contest window over: credited per the verdict' });
    }
    const block = await at.query.metricsBlocks.metricsBlocks(agreement, period);
    if (block.isNone) return false;
    const check = await ops.checkMetricsBlock(block.unwrap(), this.key, agreement, period);
    if (check.ok) {
      return this.act(agreement, period, state, 'confirmed', () => ops.confirmPeriod(this.api, this.pair, agreement, period, check.otp), {
        period,
        verdict: verdict.text,
        credit: verdict.credit,
      });
    }
    // Never confirm, and never settle per the verdict, what does not hold.
    // Which instance's report fails is asked of the monitors once per state.
    const diagnosed = `${id}/${state}/diagnosis`;
    if (!this.memory.diagnoses.has(diagnosed)) {
      this.memory.diagnoses.set(diagnosed, await ops.findAlteredReports(at, block.unwrap(), this.key, agreement, period, service, this.pair));
    }
    check.problems.unshift(...this.memory.diagnoses.get(diagnosed));
    if (number >= contestClosesAt) {
      const seen = `${id}/too-late`;
      if (!this.memory.reported.has(seen)) {
        this.memory.reported.add(seen);
        this.emit({ event: 'too-late', agreement, period, problems: check.problems });
      }
      return false;
    }
    if (number + CONTEST_MARGIN_BLOCKS >= contestClosesAt) {
      this.emit({ event: 'warning', agreement, period, error: `contesting ${contestClosesAt - number} blocks before the window closes` });
    }
    const reason = truncate(`refused by the client's agent: ${check.problems.join('; ')}`, this.maxReasonLen);
    return this.act(agreement, period, state, 'contested', () => ops.contestPeriod(this.api, this.pair, agreement, period, reason), {
      period,
      verdict: verdict.text,
      problems: check.problems,
    });
  }

  /** A period the chain never recorded lapses `RecordDeadlineMs` after its window settled (refunded to the client): the chain does it, the agent only if the chain has not. */
  async onUnrecorded(agreement, info, nowMs) {
    const next = info.nextToRecord.toNumber();
    if (next >= info.periods.toNumber() || info.status.isFinished) return false;
    const windowEnd = info.startMs.toBigInt() + BigInt(next + 1) * info.periodMs.toBigInt();
    if (nowMs < windowEnd + BigInt(ops.REPORT_SETTLE_MS) + this.recordDeadlineMs + BigInt(LAPSE_FALLBACK_AFTER_MS)) return false;
    return this.act(agreement, next, 'unrecorded', 'settled-overdue', () => ops.settleOverdue(this.api, this.pair, agreement, next), {
      period: next,
      rule: 'no metrics block by the record deadline: refunded',
    });
  }

  /** Warns once per held amount when the escrow cannot pay the next period; tops up when told to. */
  async onEscrow(at, agreement) {
    const found = await at.query.escrowRelease.escrows(agreement);
    if (found.isNone) return false;
    const escrow = found.unwrap();
    const price = escrow.periodPrice.toBigInt();
    const owedToOwner = escrow.owedToOwner.toBigInt();
    if (this.role === 'owner') {
      // Settled periods are owed on hold; one pay-out moves many of them.
      if (this.payOutPeriods === 0n || owedToOwner === 0n || owedToOwner < this.payOutPeriods * price) return false;
      return this.act(agreement, 'escrow', `owed ${owedToOwner}`, 'paid-out', () => ops.payOut(this.api, this.pair, agreement), {});
    }
    // What pays the periods due is what is held and not yet owed to anyone.
    const held = escrow.held.toBigInt() - owedToOwner - escrow.owedToClient.toBigInt();
    const due = BigInt(escrow.periodsDue.toNumber());
    if (due === 0n || held >= price) return false;
    if (this.memory.warned.get(agreement) !== held) {
      this.memory.warned.set(agreement, held);
      this.emit({ event: 'escrow-low', agreement, held, nextDue: price });
    }
    if (this.topUpPeriods === 0n) return false;
    const amount = (this.topUpPeriods < due ? this.topUpPeriods : due) * price - held;
    return this.act(agreement, 'escrow', `held ${held}`, 'topped-up', () => ops.topUp(this.api, this.pair, agreement, amount), { amount });
  }
}

function truncate(text, max) {
  const bytes = Buffer.from(text);
  return bytes.length <= max
    ? text
    : `${bytes
        .subarray(0, max - 3)
        .toString('utf8')
        .replace(/\uFFFD$/, '')}...`;
}

/** The money an outcome moved, for one line of output. */
function summarize(outcome) {
  if (!outcome) return {};
  const out = {};
  if (outcome.settled) {
    out.toOwner = BigInt(outcome.settled.to_owner);
    out.toClient = BigInt(outcome.settled.to_client);
    out.closure = outcome.settled.closure;
  }
  if (outcome.paid) {
    out.toOwner = BigInt(outcome.paid.to_owner);
    out.toClient = BigInt(outcome.paid.to_client);
  }
  if (outcome.pending) out.pendingToOwner = BigInt(outcome.pending.owed);
  if (outcome.disputed) out.disputed = true;
  if (outcome.lapsed) out.lapsed = true;
  if (outcome.mismatch) out.mismatch = true;
  if (outcome.fee !== undefined) out.fee = outcome.fee;
  return out;
}

/** How long a transaction may take to reach a block before the agent gives up on it and tries again later. */
const TX_TIMEOUT_MS = 60_000;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

/** A transaction that reached no block in time; it may still be in a pool. */
class TxTimeout extends UserError {}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TxTimeout(`${what}: no block within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs an agent on one connection: scans at every new finalised head
 * (heads that arrive during a scan are coalesced into the newest), until
 * `signal` aborts (resolves) or the connection drops (rejects).
 */
function followFinalized(api, agent, signal, emit) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    let latest = null;
    let running = false;
    let unsubscribe = null;
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      unsubscribe?.();
      signal.removeEventListener('abort', onAbort);
      api.off('disconnected', onDrop);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish();
    const onDrop = () => finish(new UserError('connection to the node lost'));
    signal.addEventListener('abort', onAbort, { once: true });
    api.on('disconnected', onDrop);
    const pump = async () => {
      if (running) return;
      running = true;
      while (latest && !done) {
        const hash = latest;
        latest = null;
        try {
          await agent.scan(hash);
        } catch (e) {
          if (!api.isConnected) {
            finish(new UserError(`connection to the node lost: ${e.message}`));
            break;
          }
          emit({ event: 'error', error: e.message });
        }
      }
      running = false;
    };
    api.rpc.chain
      .subscribeFinalizedHeads((header) => {
        latest = header.hash;
        pump();
      })
      .then((u) => {
        unsubscribe = u;
        if (done) u();
      })
      .catch((e) => finish(new UserError(e.message)));
  });
}

/**
 * Runs the agent `options` describe against `target` (an RPC node's URL,
 * or `{ chainSpec }` for an embedded light client) until
 * `signal` aborts. A lost connection is retried with backoff (1 s doubling
 * to 30 s); what the agent remembers (the transactions in flight, what it
 * already reported) carries over to the next connection.
 */
export async function watch({ target, connect, signal, emit, ...options }) {
  const url = typeof target === 'object' ? `light client (${target.chainSpec.name})` : target;
  let backoff = FIRST_BACKOFF_MS;
  const memory = agentMemory();
  while (!signal.aborted) {
    let api = null;
    try {
      api = await connect(target);
    } catch (e) {
      emit({ event: 'disconnected', url, error: e.message, retryInMs: backoff });
    }
    if (api) {
      // Not a connection problem: a wrong node or wrong options end the agent.
      let agent;
      try {
        agent = new Agent({ api, emit, memory, ...options });
      } catch (e) {
        await api.disconnect().catch(() => {});
        throw e;
      }
      backoff = FIRST_BACKOFF_MS;
      emit({ event: 'connected', url, role: agent.role, account: agent.pair.address });
      try {
        await followFinalized(api, agent, signal, emit);
      } catch (e) {
        emit({ event: 'disconnected', url, error: e.message, retryInMs: backoff });
      } finally {
        await api.disconnect().catch(() => {});
      }
    }
    if (signal.aborted) break;
    await sleep(backoff, signal);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

/** One line of text for an agent's output object. */
export function describeLine(line, formatAmount) {
  const where = line.period === undefined ? `agreement ${line.agreement}` : `agreement ${line.agreement} period ${line.period}`;
  const money = line.toOwner !== undefined ? `: ${formatAmount(line.toOwner)} to the owner, ${formatAmount(line.toClient)} to the client` : '';
  switch (line.event) {
    case 'connected':
      return `connected to ${line.url} as the ${line.role} ${line.account}`;
    case 'disconnected':
      return `no connection to ${line.url} (${line.error}); retrying in ${line.retryInMs / 1000} s`;
    case 'confirmed':
      return `${where}: confirmed with the OTP (${line.verdict})`;
    case 'contested':
      return `${where}: REFUSED and contested: ${line.problems.join('; ')}`;
    case 'accepted':
      return `${where}: accepted the breach (${line.verdict}, credit ${line.credit} %)${money}`;
    case 'recorded':
      return `${where}: recorded ${line.verdict}${line.failing.length ? ` (failing instances ${line.failing.join(', ')})` : ''}, ${line.state}`;
    case 'settled':
      return `${where}: settled ${line.closure}, credit ${line.credit} %${money}`;
    case 'settled-overdue':
      return `${where}: settled past its deadline (${line.rule})${money}`;
    case 'escrow-low':
      return `${where}: ESCROW LOW: ${formatAmount(line.held)} held, the next period needs ${formatAmount(line.nextDue)}`;
    case 'paid-out':
      return `${where}: paid out${money}${line.pendingToOwner ? ` (${formatAmount(line.pendingToOwner)} stays owed: the owner's account cannot receive it)` : ''}`;
    case 'topped-up':
      return `${where}: topped up the escrow by ${formatAmount(line.amount)}`;
    case 'stopped':
      return 'stopped';
    case 'syncing':
      return 'the node is syncing: acting again once it has caught up';
    case 'synced':
      return 'the node has caught up';
    case 'too-late':
      return `${where}: the reports do not hold (${line.problems.join('; ')}) but the contest window has closed`;
    case 'warning':
      return `${where}: ${line.error}`;
    case 'error':
      return `error: ${line.error}`;
    case 'failed':
      return `${where}: ${line.action} failed: ${line.error} (tried again later if still needed)`;
    default:
      return `${line.event}: ${line.error ?? JSON.stringify(line, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`;
  }
}
