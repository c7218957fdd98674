// The qos CLI's commands. Each has a summary, options and `run(values,
// positionals)` that returns `{ text, ...data }` (data is what --json prints).
import crypto from 'node:crypto';
import fs from 'node:fs';

import { connect, signer, UserError } from './chain.mjs';
import * as qos from './qos.mjs';

const UNIT = 10n ** 12n;

/** "12.5" QOS -> plancks (12 decimals); refuses anything that is not a positive amount. */
export function parseAmount(text, what = 'amount') {
  if (!/^\d+(\.\d{1,12})?$/.test(String(text))) throw new UserError(`${what} must be a QOS amount like 10 or 0.5, got '${text}'`);
  const [whole, frac = ''] = String(text).split('.');
  const value = BigInt(whole) * UNIT + BigInt(frac.padEnd(12, '0'));
  if (value === 0n) throw new UserError(`${what} must be more than 0`);
  return value;
}

/** Plancks -> "12.5 QOS". */
export function formatAmount(plancks) {
  const signed = BigInt(plancks);
  if (signed < 0n) return `-${formatAmount(-signed)}`;
  const v = signed;
  const whole = v / UNIT;
  const frac = (v % UNIT).toString().padStart(12, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} QOS`;
}

const integer = (values, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) => {
  const text = need(values, name);
  if (!/^\d+$/.test(text)) throw new UserError(`--${name} must be a whole number, got '${text}'`);
  const n = Number(text);
  if (n < min || n > max) throw new UserError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
};

const suriOption = { suri: { type: 'string', help: 'secret URI of the signing account (e.g. //Alice on a dev chain)' } };

/** Reads a 32-byte hex OTP key file, refusing group/other-readable files. */
export function readKeyFile(file) {
  let st;
  try {
    st = fs.statSync(file);
  } catch {
    throw new UserError(`key file ${file} not found`);
  }
  if (st.mode & 0o077) throw new UserError(`key file ${file} is accessible by group or others: chmod 600 ${file}`);
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new UserError(`key file ${file} must hold 64 hex digits (32 bytes)`);
  return Buffer.from(text, 'hex');
}

/** The SLA of the create-agreement options (or a JSON file with --sla-file). */
function slaFromOptions(values) {
  if (values['sla-file']) {
    try {
      return JSON.parse(fs.readFileSync(values['sla-file'], 'utf8'));
    } catch (e) {
      throw new UserError(`cannot read --sla-file: ${e.message}`);
    }
  }
  const opt = (name) => (values[name] === undefined ? null : integer(values, name));
  const tiers = (values['credit-tier'] ?? []).map((t) => {
    const m = /^(\d+):(\d+)$/.exec(t);
    if (!m) throw new UserError(`--credit-tier must look like BELOW_PERMILLE:CREDIT_PERCENT (e.g. 999:10), got '${t}'`);
    return { below_permille: Number(m[1]), credit_percent: Number(m[2]) };
  });
  return {
    qos: {
      min_availability_permille: opt('min-availability'),
      max_latency_p95_ms: opt('max-latency-p95'),
      min_vcpus_milli: opt('min-vcpus-milli'),
      min_memory_mib: opt('min-memory-mib'),
      max_cpu_steal_permille: opt('max-steal'),
      min_healthy_instances: opt('min-healthy'),
    },
    credits: { availability_tiers: tiers, other_breach_credit_percent: values['other-credit'] === undefined ? 0 : integer(values, 'other-credit', { max: 100 }) },
  };
}

function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n');
}

const need = (values, name) => {
  if (values[name] === undefined || values[name] === '') throw new UserError(`missing --${name}`);
  return values[name];
};

const toHex = (v) => `0x${qos.toBuf(v).toString('hex')}`;

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
  'register-service': {
    summary: 'owner: register a service (price per period, period length, promised capacity)',
    usage: '--suri <owner> --price <QOS> --period-ms <ms> [--vcpus-milli N --memory-mib N]',
    options: {
      ...suriOption,
      price: { type: 'string', help: 'price of one period in QOS (e.g. 10 or 0.5)' },
      'period-ms': { type: 'string', help: 'length of a billing period in milliseconds' },
      'vcpus-milli': { type: 'string', default: '1000', help: 'vCPUs per instance, in thousandths (default 1000)' },
      'memory-mib': { type: 'string', default: '1024', help: 'memory per instance in MiB (default 1024)' },
    },
    async run(values) {
      const price = parseAmount(need(values, 'price'), '--price');
      const periodMs = integer(values, 'period-ms', { min: 1 });
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { service } = await qos.registerService(api, pair, {
          price,
          periodMs,
          vcpusMilli: integer(values, 'vcpus-milli'),
          memoryMib: integer(values, 'memory-mib'),
        });
        return { text: `registered service ${service}`, service };
      });
    },
  },

  'add-instance': {
    summary: "owner: add an instance (VM/container) to a service, with its monitor's URL",
    usage: '--suri <owner> --service <id> --monitor-url http://host:port',
    options: { ...suriOption, service: { type: 'string' }, 'monitor-url': { type: 'string', help: "base URL of the instance's qos-monitor" } },
    async run(values) {
      const service = integer(values, 'service');
      const url = need(values, 'monitor-url');
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { instance } = await qos.addInstance(api, pair, service, url);
        return { text: `added instance ${instance} to service ${service}`, service, instance };
      });
    },
  },

  'retire-instance': {
    summary: 'owner: retire an instance; it is no longer pulled nor expected',
    usage: '--suri <owner> --service <id> --instance <id>',
    options: { ...suriOption, service: { type: 'string' }, instance: { type: 'string' } },
    async run(values) {
      const service = integer(values, 'service');
      const instance = integer(values, 'instance');
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        await qos.retireInstance(api, pair, service, instance);
        return { text: `retired instance ${instance} of service ${service}`, service, instance };
      });
    },
  },

  services: {
    summary: 'list the registered services and their instances',
    options: {},
    async run(values) {
      return withApi(values, async (api) => {
        const services = [];
        for (const [key, value] of await api.query.slaVerification.services.entries()) {
          const id = key.args[0].toString();
          const s = value.unwrap();
          const monitors = (await api.query.slaVerification.monitorUrls.entries(id)).map(([k, url]) => ({
            instance: k.args[1].toNumber(),
            url: Buffer.from(url.unwrap ? url.unwrap() : url).toString(),
          }));
          services.push({ service: id, owner: s.owner.toString(), price: formatAmount(s.pricePerPeriod.toBigInt()), period_ms: s.periodMs.toNumber(), monitors });
        }
        const rows = services.flatMap((s) => (s.monitors.length ? s.monitors : [{ instance: '-', url: '-' }]).map((m) => ({ ...s, instance: m.instance, url: m.url })));
        return { text: rows.length ? table(rows, ['service', 'owner', 'price', 'period_ms', 'instance', 'url']) : 'no services', services };
      });
    },
  },

  'create-agreement': {
    summary: 'client: rent a service for a number of periods; price x periods goes on hold as escrow',
    usage: '--suri <client> --service <id> --periods N [--min-availability 999 --credit-tier 999:10 ...]',
    options: {
      ...suriOption,
      service: { type: 'string' },
      periods: { type: 'string', help: 'number of billing periods' },
      'min-availability': { type: 'string', help: 'least availability, permille (e.g. 999 = 99.9 %)' },
      'max-latency-p95': { type: 'string', help: 'highest p95 probe latency, ms' },
      'min-vcpus-milli': { type: 'string', help: 'fewest vCPUs (thousandths) on each instance' },
      'min-memory-mib': { type: 'string', help: 'least memory (MiB) on each instance' },
      'max-steal': { type: 'string', help: 'highest CPU steal, permille' },
      'min-healthy': { type: 'string', help: 'fewest healthy instances' },
      'credit-tier': { type: 'string', multiple: true, help: 'availability tier BELOW:CREDIT%, mildest first (repeatable)' },
      'other-credit': { type: 'string', help: 'credit % when another indicator is missed' },
      'sla-file': { type: 'string', help: 'the whole SLA as JSON instead of the options above' },
    },
    async run(values) {
      const service = integer(values, 'service');
      const periods = integer(values, 'periods', { min: 1 });
      const sla = slaFromOptions(values);
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { agreement, startMs } = await qos.createAgreement(api, pair, { service, sla, periods });
        return { text: `created agreement ${agreement}, periods start at ${new Date(startMs).toISOString()}`, agreement, startMs };
      });
    },
  },

  status: {
    summary: 'client/owner: per-period table of an agreement (verdict, state, credit, OTP attempts)',
    usage: '--agreement <id>',
    options: { agreement: { type: 'string' } },
    async run(values) {
      const agreement = integer(values, 'agreement');
      return withApi(values, async (api) => {
        const { rows, agreement: info } = await qos.agreementStatus(api, agreement);
        const escrow = await api.query.escrowRelease.escrows(agreement);
        const held = escrow.isSome ? formatAmount(escrow.unwrap().held.toBigInt()) : '0 QOS';
        const shown = rows.map((r) => ({
          ...r,
          credit: typeof r.credit === 'number' ? `${r.credit} %` : r.credit,
          'to owner': r.toOwner === null ? (r.state === 'Resolved' ? 'arbiter split' : '-') : formatAmount(r.toOwner),
          'to client': r.toClient === null ? (r.state === 'Resolved' ? 'arbiter split' : '-') : formatAmount(r.toClient),
        }));
        const text = `agreement ${agreement} (${info.status}): escrow held ${held}\n${table(shown, ['period', 'state', 'verdict', 'credit', 'otpAttempts', 'to owner', 'to client'])}`;
        return { text, agreement: info, rows, held };
      });
    },
  },

  confirm: {
    summary: "client: check a period's metrics block with your key and release its payment with the OTP",
    usage: '--suri <client> --agreement <id> --period <n> --key <key-file> [--force]',
    options: {
      ...suriOption,
      agreement: { type: 'string' },
      period: { type: 'string' },
      key: { type: 'string', help: 'the OTP key file (from keygen)' },
      force: { type: 'boolean', default: false, help: 'submit the OTP even if it does not check out (counts as a wrong attempt)' },
    },
    async run(values) {
      const agreement = BigInt(integer(values, 'agreement'));
      const period = integer(values, 'period');
      const key = readKeyFile(need(values, 'key'));
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const block = await qos.metricsBlock(api, agreement, period);
        if (!block) throw new UserError(`no metrics block for agreement ${agreement} period ${period} yet`);
        const check = qos.checkMetricsBlock(block, key, agreement, period);
        if (!check.ok && !values.force) {
          throw new UserError(`not confirming period ${period}: ${check.problems.join('; ')}. The payment stays in escrow; escalate to the arbiter (or --force to spend an OTP attempt)`);
        }
        const result = await qos.confirmPeriod(api, pair, agreement, period, check.otp);
        if (result.settled) {
          const s = result.settled;
          return { text: `period ${period} settled: ${formatAmount(s.to_owner)} to the owner, ${formatAmount(s.to_client)} back to you (credit ${s.credit_percent} %)`, ...result };
        }
        if (result.disputed) return { text: `wrong OTP: period ${period} is now disputed (${JSON.stringify(result.disputed.cause)})`, ...result };
        return { text: `wrong OTP (attempt ${result.mismatch?.attempts}); the payment stays in escrow`, ...result };
      });
    },
  },

  'verify-report': {
    summary: "client: check one instance's report against its metrics block with a Merkle inclusion proof",
    usage: '--agreement <id> --period <n> --instance <id>',
    options: { agreement: { type: 'string' }, period: { type: 'string' }, instance: { type: 'string' } },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const period = integer(values, 'period');
      const instance = integer(values, 'instance');
      return withApi(values, async (api) => {
        const proof = await api.provider.send('qos_reportInclusionProof', [agreement, period, instance]);
        if (!proof) throw new UserError(`no report of instance ${instance} in agreement ${agreement} period ${period}`);
        const stored = await qos.metricsBlock(api, agreement, period);
        const root = toHex(proof.block.reports_root);
        if (!stored || toHex(stored.reportsRoot) !== root) throw new UserError('the proof is for a block that is not the one on chain');
        const ok = qos.verifyProof(root, toHex(proof.report_hash), proof.proof);
        if (!ok) throw new UserError(`the proof does not lead from the report's hash to reports_root ${root}`);
        return { text: `report of instance ${instance} is in the metrics block (root ${root}, ${proof.proof.length} proof steps)`, ok, root, report: proof.report };
      });
    },
  },

  cancel: {
    summary: 'client: cancel an agreement; periods not started are refunded at once',
    usage: '--suri <client> --agreement <id>',
    options: { ...suriOption, agreement: { type: 'string' } },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { data } = await qos.cancelAgreement(api, pair, agreement);
        return { text: `cancelled agreement ${agreement}: ${data?.refunded_periods} periods refunded (${formatAmount(data?.refunded ?? 0)})`, ...data };
      });
    },
  },

  escalate: {
    summary: 'client or owner: send an unconfirmed period to the arbiter after the confirm window',
    usage: '--suri <client|owner> --agreement <id> --period <n>',
    options: { ...suriOption, agreement: { type: 'string' }, period: { type: 'string' } },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const period = integer(values, 'period');
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        await qos.escalate(api, pair, agreement, period);
        return { text: `period ${period} of agreement ${agreement} is disputed; the arbiter decides`, agreement, period };
      });
    },
  },

  resolve: {
    summary: 'arbiter (sudo): settle a disputed period with a split',
    usage: '--suri <sudo> --agreement <id> --period <n> --owner-percent <0..100>',
    options: { ...suriOption, agreement: { type: 'string' }, period: { type: 'string' }, 'owner-percent': { type: 'string' } },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const period = integer(values, 'period');
      const share = integer(values, 'owner-percent', { max: 100 });
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { data } = await qos.resolveDispute(api, pair, agreement, period, share);
        return { text: `resolved: ${formatAmount(data?.to_owner ?? 0)} to the owner, ${formatAmount(data?.to_client ?? 0)} to the client`, ...data };
      });
    },
  },

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
