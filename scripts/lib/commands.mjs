// The qos CLI's commands. Each has a summary, options and `run(values,
// positionals)` that returns `{ text, ...data }` (data is what --json prints).
//
// Every bound the runtime puts on a call is checked here before anything is
// sent, with a one-line message: what needs no chain (URL syntax, SLA ranges
// and tiers, shares) before connecting, what needs the runtime's constants or
// state (URL length, reason length, offers) after connecting.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';

import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';

import { connect, signer, UserError } from './chain.mjs';
import { describeLine, watch } from './agent.mjs';
import { parseChainSpec } from './light-client.mjs';
import { verifyProof } from './merkle.mjs';
import { monitorKeysAt, writeMonitorKeys } from './monitor-keys.mjs';
import * as ops from './operations.mjs';
import { parseKeyText, reportHash } from './otp.mjs';
import { describeHarsherTerm, describeSlaError, INDICATORS, MAX_CREDIT_TIERS, toSlaTerms, validateSla, withinOffer } from './sla.mjs';
import { checkMonitorUrl, describeUrlError } from './url.mjs';
import { formatAmount, parseAmount } from './amounts.mjs';

export { formatAmount, parseAmount };

const runShell = promisify(execFile);

const need = (values, name) => {
  if (values[name] === undefined || values[name] === '') throw new UserError(`missing --${name}`);
  return values[name];
};

const integer = (values, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) => {
  const text = need(values, name);
  if (!/^\d+$/.test(text)) throw new UserError(`--${name} must be a whole number, got '${text}'`);
  const n = Number(text);
  if (n < min || n > max) throw new UserError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
};

const optionalInteger = (values, name, bounds) => (values[name] === undefined ? null : integer(values, name, bounds));

const suriOption = { suri: { type: 'string', help: 'secret URI of the signing account (e.g. //Alice on a dev chain)' } };

/**
 * An account given as an SS58 address, or as a dev secret URI (`//Ferdie`)
 * for dev chains; returns its SS58 address (prefix 42).
 */
export function accountArg(text, what) {
  if (String(text).startsWith('//')) return signer(text).address;
  try {
    return encodeAddress(decodeAddress(text), 42);
  } catch {
    throw new UserError(`${what} must be an SS58 address or a dev secret URI like //Ferdie, got '${text}'`);
  }
}

const sameAccount = (a, b) => Buffer.from(decodeAddress(a)).equals(Buffer.from(decodeAddress(b)));

/** Reads a 32-byte hex OTP key file, refusing group/other-readable files. */
export function readKeyFile(file) {
  let st;
  try {
    st = fs.statSync(file);
  } catch {
    throw new UserError(`key file ${file} not found`);
  }
  if (st.mode & 0o077) throw new UserError(`key file ${file} is accessible by group or others: chmod 600 ${file}`);
  try {
    return parseKeyText(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`key file ${file} ${e.message}`);
  }
}

/** The chain spec in `file` with `bootnodes` added (see parseChainSpec). */
function readChainSpec(file, bootnodes) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the chain spec ${file}: ${e.message}`);
  }
  return parseChainSpec(text, file, bootnodes);
}

function readJson(file, option) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read ${option} ${file}: ${e.message}`);
  }
}

/** SLA options, shared by create-agreement and set-offers. */
const slaOptions = {
  'min-availability': { type: 'string', help: 'least availability, permille (e.g. 999 = 99.9 %)' },
  'max-latency-p95': { type: 'string', help: 'highest p95 probe latency, ms' },
  'min-vcpus-milli': { type: 'string', help: 'fewest vCPUs (thousandths) on each instance' },
  'min-memory-mib': { type: 'string', help: 'least memory (MiB) on each instance' },
  'max-steal': { type: 'string', help: 'highest CPU steal, permille' },
  'min-healthy': { type: 'string', help: 'fewest healthy instances' },
  'credit-tier': { type: 'string', multiple: true, help: `availability tier BELOW:CREDIT%, mildest first (repeatable, at most ${MAX_CREDIT_TIERS})` },
  'other-credit': { type: 'string', help: 'credit % when another indicator is missed' },
  'sla-file': { type: 'string', help: 'the whole SLA as JSON instead of the options above' },
};

const INDICATOR_MAX = {
  'min-availability': 1000,
  'max-steal': 1000,
  'max-latency-p95': 2 ** 32 - 1,
  'min-vcpus-milli': 2 ** 32 - 1,
  'min-memory-mib': 2 ** 32 - 1,
  'min-healthy': 2 ** 32 - 1,
};

/** Refuses terms the pallet would refuse (`Sla::try_from`), naming the problem. */
function ensureValidSla(sla, where) {
  let error;
  try {
    error = validateSla(sla);
  } catch (e) {
    throw new UserError(`${where}: ${e.message}`);
  }
  if (error) throw new UserError(`${where}: ${describeSlaError(error)}`);
  return toSlaTerms(sla);
}

/**
 * The SLA of the SLA options (or of a JSON file with --sla-file), checked;
 * null when none of them is given.
 */
function slaFromOptions(values) {
  if (values['sla-file']) return ensureValidSla(readJson(values['sla-file'], '--sla-file'), `--sla-file ${values['sla-file']}`);
  const given = Object.keys(slaOptions).some((name) => values[name] !== undefined);
  if (!given) return null;
  const tierTexts = values['credit-tier'] ?? [];
  if (tierTexts.length > MAX_CREDIT_TIERS)
    throw new UserError(`too many --credit-tier: at most ${MAX_CREDIT_TIERS} availability tiers, got ${tierTexts.length}`);
  const tiers = tierTexts.map((t) => {
    const m = /^(\d+):(\d+)$/.exec(t);
    if (!m) throw new UserError(`--credit-tier must look like BELOW_PERMILLE:CREDIT_PERCENT (e.g. 999:10), got '${t}'`);
    return { below_permille: Number(m[1]), credit_percent: Number(m[2]) };
  });
  const qos = Object.fromEntries(INDICATORS.map(({ field, option }) => [field, optionalInteger(values, option, { max: INDICATOR_MAX[option] })]));
  const sla = { qos, availability_tiers: tiers, other_breach_credit_percent: optionalInteger(values, 'other-credit', { max: 100 }) ?? 0 };
  return ensureValidSla(sla, 'SLA');
}

/** The offers of an --offers-file: `[{ sla, arbiters }]` (or `{ offers: [...] }`), checked. */
function offersFromFile(file) {
  const json = readJson(file, '--offers-file');
  const list = Array.isArray(json) ? json : json?.offers;
  if (!Array.isArray(list)) throw new UserError(`--offers-file ${file} must hold a JSON list of offers ({ "sla": ..., "arbiters": [...] })`);
  return list.map((offer, i) => {
    if (!offer || typeof offer !== 'object' || !offer.sla) throw new UserError(`--offers-file ${file}: offer ${i} has no "sla"`);
    const arbiters = offer.arbiters ?? [];
    if (!Array.isArray(arbiters)) throw new UserError(`--offers-file ${file}: offer ${i}'s "arbiters" must be a list`);
    return { sla: ensureValidSla(offer.sla, `--offers-file ${file}: offer ${i}`), arbiters: arbiters.map((a) => accountArg(a, `offer ${i}'s arbiter`)) };
  });
}

/** Refuses a monitor URL the pallet would refuse; the length needs the runtime's `maxUrlLen`. */
function ensureMonitorUrl(url, maxUrlLen = null) {
  const reason = checkMonitorUrl(url, maxUrlLen);
  if (reason) throw new UserError(`--monitor-url ${JSON.stringify(url)} ${describeUrlError(reason, { maxUrlLen })}`);
  return url;
}

/** The owner's share of a disputed period, in permille, from --owner-permille or --owner-percent. */
function ownerShare(values) {
  const [permille, percent] = [values['owner-permille'], values['owner-percent']];
  if (permille !== undefined && percent !== undefined) throw new UserError('give --owner-permille or --owner-percent, not both');
  if (permille !== undefined) return integer(values, 'owner-permille', { max: 1000 });
  if (percent === undefined) throw new UserError('missing --owner-permille (or --owner-percent)');
  if (!/^\d+(\.\d)?$/.test(percent)) throw new UserError(`--owner-percent must be a number with at most one decimal, got '${percent}'`);
  const share = Math.round(Number(percent) * 10);
  if (share > 1000) throw new UserError(`--owner-percent must be between 0 and 100, got ${percent}`);
  return share;
}

function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n');
}

const { toHex } = ops;

/** "X to the owner, Y back to the client" of a PeriodSettled event. */
const settledText = (s) =>
  `${formatAmount(s.to_owner)} to the owner, ${formatAmount(s.to_client)} back to the client (${s.closure}, credit ${s.credit_percent} %)`;

/** An SLA in one line: its checked indicators, tiers and other credit. */
function slaText(sla) {
  const s = toSlaTerms(sla);
  const checked = INDICATORS.filter(({ field }) => s.qos[field] !== null).map(({ field }) => `${field}=${s.qos[field]}`);
  const tiers = s.availability_tiers.map((t) => `<${t.below_permille}‰:${t.credit_percent}%`).join(' ');
  return `${checked.join(' ') || 'nothing checked'}; tiers ${tiers || 'none'}; other ${s.other_breach_credit_percent}%`;
}

/**
 * Where the chain is read: the RPC node of --url, or an embedded light
 * client on the chain spec of --chain-spec (with --bootnode peers).
 */
function chainTarget(values) {
  if (values['chain-spec']) return { chainSpec: readChainSpec(values['chain-spec'], values.bootnode ?? []) };
  if (values.bootnode?.length) throw new UserError('--bootnode is for the light client: give --chain-spec too');
  return values.url;
}

/** Runs `fn(api)` on a connection that is always closed. */
async function withApi(values, fn) {
  const api = await connect(chainTarget(values));
  try {
    return await fn(api);
  } finally {
    await api.disconnect();
  }
}

/** The owner's agent pays out once this many periods' price is owed: one transfer per ten settled periods. */
const DEFAULT_PAY_OUT_PERIODS = 10;

const agreementPeriodOptions = { agreement: { type: 'string' }, period: { type: 'string' } };

/**
 * `monitor-keys --follow`: rewrites `out` at every finalised block that
 * changes the keys (a validator joined, left or rotated its accounting
 * key), runs `--on-change` after each rewrite, and logs one line each time,
 * until SIGINT or SIGTERM.
 */
async function followMonitorKeys(values, agreement, out, write, what) {
  const onChange = values['on-change'];
  return withApi(values, async (api) => {
    let busy = Promise.resolve();
    const refresh = async () => {
      const contents = await monitorKeysAt(api, agreement);
      if (!write(contents)) return;
      console.log(`wrote ${what(contents)} to ${out}`);
      if (onChange) {
        try {
          await runShell('sh', ['-c', onChange]);
        } catch (e) {
          console.error(`--on-change failed: ${e.stderr?.trim() || e.message}`);
        }
      }
    };
    await refresh();
    const unsubscribe = await api.rpc.chain.subscribeFinalizedHeads(() => {
      busy = busy.then(refresh).catch((e) => console.error(`monitor-keys: ${e.message}`));
    });
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    unsubscribe();
    await busy;
    return undefined;
  });
}

export const commands = {
  'register-service': {
    summary: 'owner: register a service (price per period, period length, promised capacity)',
    usage: '--suri <owner> --price <QOS> --period-ms <ms> [--vcpus-milli N --memory-mib N]',
    options: {
      ...suriOption,
      price: { type: 'string', help: 'price of one period in QOS (e.g. 10 or 0.5)' },
      'period-ms': { type: 'string', help: "length of a billing period in milliseconds (at least the runtime's minPeriodMs)" },
      'vcpus-milli': { type: 'string', default: '1000', help: 'vCPUs per instance, in thousandths (default 1000)' },
      'memory-mib': { type: 'string', default: '1024', help: 'memory per instance in MiB (default 1024)' },
    },
    async run(values) {
      const price = parseAmount(need(values, 'price'), '--price');
      const periodMs = integer(values, 'period-ms', { min: 1, max: 24 * 60 * 60 * 1000 });
      const vcpusMilli = integer(values, 'vcpus-milli', { max: 2 ** 32 - 1 });
      const memoryMib = integer(values, 'memory-mib', { max: 2 ** 32 - 1 });
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { minPeriodMs, minPricePerPeriod } = ops.limits(api);
        if (periodMs < minPeriodMs) throw new UserError(`--period-ms must be at least ${minPeriodMs} on this chain, got ${periodMs}`);
        if (price < minPricePerPeriod) throw new UserError(`--price must be at least ${formatAmount(minPricePerPeriod)} on this chain`);
        const { service } = await ops.registerService(api, pair, { price, periodMs, vcpusMilli, memoryMib });
        return { text: `registered service ${service}; publish its offers with set-offers and add instances with add-instance`, service };
      });
    },
  },

  'set-offers': {
    summary: 'owner: publish the offers of a service (each an SLA and the arbiters you accept), replacing the ones before',
    usage: '--suri <owner> --service <id> (--offers-file offers.json | [SLA options] [--arbiter <account> ...])',
    options: {
      ...suriOption,
      service: { type: 'string' },
      'offers-file': { type: 'string', help: 'JSON list of offers: [{ "sla": {...}, "arbiters": ["5F…" | "//Ferdie"] }]' },
      ...slaOptions,
      arbiter: { type: 'string', multiple: true, help: 'an arbiter you accept for the one offer of the SLA options (repeatable)' },
    },
    async run(values) {
      const service = integer(values, 'service');
      let offers;
      if (values['offers-file']) {
        if (slaFromOptions(values) || values.arbiter) throw new UserError('give --offers-file or the SLA options and --arbiter, not both');
        offers = offersFromFile(values['offers-file']);
      } else {
        const sla = slaFromOptions(values);
        if (!sla) throw new UserError('missing the offer: --offers-file, or the SLA options (e.g. --min-availability 999 --credit-tier 999:10)');
        offers = [{ sla, arbiters: (values.arbiter ?? []).map((a) => accountArg(a, '--arbiter')) }];
      }
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { maxOffers, maxArbiters } = ops.limits(api);
        if (offers.length > maxOffers) throw new UserError(`too many offers: at most ${maxOffers}, got ${offers.length}`);
        offers.forEach((o, i) => {
          if (o.arbiters.length > maxArbiters) throw new UserError(`offer ${i} names ${o.arbiters.length} arbiters; at most ${maxArbiters}`);
        });
        const { offers: count } = await ops.setOffers(api, pair, service, offers);
        return { text: `service ${service} now has ${count} offer(s)`, service, offers };
      });
    },
  },

  'add-instance': {
    summary: "owner: add an instance (VM/container) to a service, with its monitor's base URL",
    usage: '--suri <owner> --service <id> --monitor-url http://host:port',
    options: {
      ...suriOption,
      service: { type: 'string' },
      'monitor-url': { type: 'string', help: "base URL of the instance's qos-monitor (no query, fragment or credentials)" },
    },
    async run(values) {
      const service = integer(values, 'service');
      const url = ensureMonitorUrl(need(values, 'monitor-url'));
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        ensureMonitorUrl(url, ops.limits(api).maxUrlLen);
        const { instance } = await ops.addInstance(api, pair, service, url);
        return { text: `added instance ${instance} to service ${service}`, service, instance };
      });
    },
  },

  'replace-instance': {
    summary: 'owner: give an instance a new monitor URL (e.g. a replaced VM); windows starting from now on use it',
    usage: '--suri <owner> --service <id> --instance <id> --monitor-url http://host:port',
    options: {
      ...suriOption,
      service: { type: 'string' },
      instance: { type: 'string' },
      'monitor-url': { type: 'string', help: 'base URL of the new qos-monitor' },
    },
    async run(values) {
      const service = integer(values, 'service');
      const instance = integer(values, 'instance', { max: 2 ** 32 - 1 });
      const url = ensureMonitorUrl(need(values, 'monitor-url'));
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        ensureMonitorUrl(url, ops.limits(api).maxUrlLen);
        const { fromMs } = await ops.replaceInstance(api, pair, service, instance, url);
        return {
          text: `instance ${instance} of service ${service} is pulled from ${url} for windows from ${new Date(fromMs).toISOString()} on; install the client's key in the new monitor`,
          service,
          instance,
          fromMs,
        };
      });
    },
  },

  'retire-instance': {
    summary: 'owner: retire an instance; it counts as down from now on in the agreements that cover it',
    usage: '--suri <owner> --service <id> --instance <id>',
    options: { ...suriOption, service: { type: 'string' }, instance: { type: 'string' } },
    async run(values) {
      const service = integer(values, 'service');
      const instance = integer(values, 'instance', { max: 2 ** 32 - 1 });
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { atMs } = await ops.retireInstance(api, pair, service, instance);
        return { text: `retired instance ${instance} of service ${service} at ${new Date(atMs).toISOString()}`, service, instance, atMs };
      });
    },
  },

  'deregister-service': {
    summary: 'owner: deregister a service with no open agreement; its deposit is returned',
    usage: '--suri <owner> --service <id>',
    options: { ...suriOption, service: { type: 'string' } },
    async run(values) {
      const service = integer(values, 'service');
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        await ops.deregisterService(api, pair, service);
        return { text: `deregistered service ${service}; its deposit is returned`, service };
      });
    },
  },

  services: {
    summary: 'list the registered services and their instances',
    options: {},
    async run(values) {
      return withApi(values, async (api) => {
        const services = [];
        for (const [key] of await api.query.slaVerification.services.entries()) {
          const id = key.args[0].toBigInt();
          const s = await ops.serviceOf(api, id);
          const [offers, instances] = await Promise.all([ops.offersOf(api, id), ops.instancesOf(api, id)]);
          services.push({ ...s, price: formatAmount(s.pricePerPeriod), offers: offers.length, instances });
        }
        services.sort((a, b) => (a.service < b.service ? -1 : 1));
        const rows = services.flatMap((s) =>
          (s.instances.length ? s.instances : [{ instance: '-', url: '-', retiredAtMs: null }]).map((i) => ({
            service: s.service,
            owner: s.owner,
            price: s.price,
            period_ms: s.periodMs,
            offers: s.offers,
            instance: i.instance,
            url: i.url,
            retired: i.retiredAtMs === null ? '' : new Date(i.retiredAtMs).toISOString(),
          })),
        );
        return {
          text: rows.length ? table(rows, ['service', 'owner', 'price', 'period_ms', 'offers', 'instance', 'url', 'retired']) : 'no services',
          services,
        };
      });
    },
  },

  offers: {
    summary: "list a service's offers: the SLA of each and the arbiters it accepts",
    usage: '--service <id>',
    options: { service: { type: 'string' } },
    async run(values) {
      const service = integer(values, 'service');
      return withApi(values, async (api) => {
        if (!(await ops.serviceOf(api, service))) throw new UserError(`service ${service} not found`);
        const offers = await ops.offersOf(api, service);
        const rows = offers.map((o, i) => ({ offer: i, sla: slaText(o.sla), arbiters: o.arbiters.join(', ') || '(last-resort arbiter only)' }));
        return { text: rows.length ? table(rows, ['offer', 'sla', 'arbiters']) : `service ${service} has no offers`, service, offers };
      });
    },
  },

  'create-agreement': {
    summary: 'client: rent a service on one of its offers for a number of periods; price x periods goes on hold as escrow',
    usage: "--suri <client> --service <id> --periods N [--offer K] [--max-price QOS] [--arbiter <account>] [SLA options, default: the offer's terms]",
    options: {
      ...suriOption,
      service: { type: 'string' },
      periods: { type: 'string', help: 'number of billing periods' },
      offer: { type: 'string', default: '0', help: 'index of the offer (default 0); see the offers command' },
      'max-price': { type: 'string', help: "the most you pay per period, in QOS (default: the service's current price)" },
      arbiter: { type: 'string', help: "one of the offer's arbiters (default: none, only the last-resort arbiter)" },
      ...slaOptions,
    },
    async run(values) {
      const service = integer(values, 'service');
      const periods = integer(values, 'periods', { min: 1, max: 2 ** 32 - 1 });
      const offer = integer(values, 'offer', { max: 2 ** 32 - 1 });
      const asked = slaFromOptions(values);
      const maxPrice = values['max-price'] === undefined ? null : parseAmount(values['max-price'], '--max-price');
      const arbiter = values.arbiter === undefined ? null : accountArg(values.arbiter, '--arbiter');
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { maxPeriods } = ops.limits(api);
        if (periods > maxPeriods) throw new UserError(`--periods must be at most ${maxPeriods} on this chain, got ${periods}`);
        const info = await ops.serviceOf(api, service);
        if (!info) throw new UserError(`service ${service} not found`);
        const offers = await ops.offersOf(api, service);
        const offered = offers[offer];
        if (!offered) throw new UserError(`service ${service} has no offer ${offer} (it has ${offers.length})`);
        const sla = asked ?? offered.sla;
        const harsher = withinOffer(sla, offered.sla);
        if (harsher) throw new UserError(`terms harsher than offer ${offer}: ${describeHarsherTerm(harsher, sla, offered.sla)}`);
        if (arbiter && !offered.arbiters.some((a) => sameAccount(a, arbiter))) {
          throw new UserError(`${arbiter} is not an arbiter of offer ${offer} (it names ${offered.arbiters.join(', ') || 'none'})`);
        }
        const { vcpus_milli: vcpus, memory_mib: memory } = info.capacity;
        if ((sla.qos.min_vcpus_milli ?? 0) > vcpus || (sla.qos.min_memory_mib ?? 0) > memory) {
          throw new UserError(`the SLA asks for more than the service promises per instance (${vcpus} milli-vCPUs, ${memory} MiB)`);
        }
        // The agreement covers the service's instances that are not retired.
        const active = (await api.query.slaVerification.activeInstances(service)).length;
        if (active === 0) throw new UserError(`service ${service} has no instance to monitor`);
        if ((sla.qos.min_healthy_instances ?? 0) > active) {
          throw new UserError(`min_healthy_instances (--min-healthy) ${sla.qos.min_healthy_instances} is more than the service's ${active} instance(s)`);
        }
        const limit = maxPrice ?? info.pricePerPeriod;
        if (info.pricePerPeriod > limit)
          throw new UserError(`the service's price ${formatAmount(info.pricePerPeriod)} is above --max-price ${formatAmount(limit)}`);
        const created = await ops.createAgreement(api, pair, { service, offer, sla, periods, maxPrice: limit, arbiter });
        const text = `created agreement ${created.agreement} on offer ${offer}${arbiter ? ` with arbiter ${arbiter}` : ''}: ${formatAmount(created.pricePerPeriod * BigInt(periods))} on hold, accounting fee ${formatAmount(created.accountingFee)} burned; periods start at ${new Date(created.startMs).toISOString()}`;
        return { text, ...created };
      });
    },
  },

  status: {
    summary: 'client/owner: per-period table of an agreement (state, verdict, credit, OTP attempts, money moved)',
    usage: '--agreement <id> [--scan-blocks N]',
    options: {
      agreement: { type: 'string' },
      'scan-blocks': { type: 'string', default: '256', help: "recent blocks searched for an arbiter's split (default 256; 0: none)" },
    },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const scanBlocks = integer(values, 'scan-blocks', { max: 100_000 });
      return withApi(values, async (api) => {
        const { rows, agreement: info } = await ops.agreementStatus(api, agreement, { scanBlocks });
        const escrow = await api.query.escrowRelease.escrows(agreement);
        const held = escrow.isSome ? formatAmount(escrow.unwrap().held.toBigInt()) : '0 QOS';
        const money = (r, v) => (v !== null ? formatAmount(v) : r.state === 'Closed(Arbitrated)' ? 'arbiter split' : '-');
        const shown = rows.map((r) => ({
          ...r,
          credit: r.credit === null ? '-' : `${r.credit} %`,
          'owner accepted': r.ownerAccepted ? 'yes' : '',
          'to owner': money(r, r.toOwner),
          'to client': money(r, r.toClient),
        }));
        const header = `agreement ${agreement} (${info.status}) on service ${info.service} offer ${info.offer}, arbiter ${info.arbiter ?? 'last resort only'}: escrow held ${held}`;
        const text = `${header}\n${table(shown, ['period', 'state', 'verdict', 'credit', 'otpAttempts', 'owner accepted', 'to owner', 'to client'])}`;
        return { text, agreement: info, rows, held };
      });
    },
  },

  confirm: {
    summary: "client: check a period's metrics block with your key and release its payment with the OTP",
    usage: '--suri <client> --agreement <id> --period <n> --key <key-file> [--force]',
    options: {
      ...suriOption,
      ...agreementPeriodOptions,
      key: { type: 'string', help: 'the OTP key file (from keygen)' },
      force: { type: 'boolean', default: false, help: 'submit the OTP even if it does not check out (counts as a wrong attempt)' },
    },
    async run(values) {
      const agreement = BigInt(integer(values, 'agreement'));
      const period = integer(values, 'period', { max: 2 ** 32 - 1 });
      const key = readKeyFile(need(values, 'key'));
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const block = await ops.metricsBlock(api, agreement, period);
        if (!block) throw new UserError(`no metrics block for agreement ${agreement} period ${period} yet`);
        const check = await ops.checkMetricsBlock(block, key, agreement, period);
        if (!check.ok && !values.force) {
          throw new UserError(
            `not confirming period ${period}: ${check.problems.join('; ')}. The payment stays in escrow; contest it for the arbiter (qos contest --reason ...), or --force to spend an OTP attempt`,
          );
        }
        const result = await ops.confirmPeriod(api, pair, agreement, period, check.otp);
        if (result.settled) return { text: `period ${period} settled: ${settledText(result.settled)}`, ...result };
        if (result.confirmed)
          return {
            text: `OTP matched: the breach of period ${period} is confirmed; it is paid once the owner accepts the verdict or its contest window closes`,
            ...result,
          };
        if (result.disputed)
          return { text: `wrong OTP: period ${period} is now disputed (${JSON.stringify(result.disputed.cause)}); the arbiter decides`, ...result };
        return { text: `wrong OTP (attempt ${result.mismatch?.attempts}); the payment stays in escrow`, ...result };
      });
    },
  },

  contest: {
    summary: "client or owner: contest a period's verdict within the contest window; the arbiter decides",
    usage: '--suri <client|owner> --agreement <id> --period <n> --reason <text>',
    options: { ...suriOption, ...agreementPeriodOptions, reason: { type: 'string', help: "why, for the arbiter (at most the runtime's maxReasonLen bytes)" } },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const period = integer(values, 'period', { max: 2 ** 32 - 1 });
      const reason = need(values, 'reason');
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { maxReasonLen } = ops.limits(api);
        const length = Buffer.byteLength(reason, 'utf8');
        if (length > maxReasonLen) throw new UserError(`--reason is ${length} bytes; at most ${maxReasonLen}`);
        const result = await ops.contestPeriod(api, pair, agreement, period, reason);
        return { text: `period ${period} of agreement ${agreement} is contested and disputed; the arbiter decides`, agreement, period, ...result };
      });
    },
  },

  accept: {
    summary: 'owner: accept a breached verdict (waive your contest); paid at once if the client confirmed it',
    usage: '--suri <owner> --agreement <id> --period <n>',
    options: { ...suriOption, ...agreementPeriodOptions },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const period = integer(values, 'period', { max: 2 ** 32 - 1 });
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const result = await ops.acceptVerdict(api, pair, agreement, period);
        const text = result.settled
          ? `accepted; period ${period} settled: ${settledText(result.settled)}`
          : `accepted the verdict of period ${period}; it is paid as soon as the client confirms`;
        return { text, agreement, period, ...result };
      });
    },
  },

  'pay-out': {
    summary: 'client or owner: pay out what settled periods owe (owner shares and client credits) in one transfer',
    usage: '--suri <client|owner> --agreement <id>',
    options: { ...suriOption, agreement: agreementPeriodOptions.agreement },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const result = await ops.payOut(api, pair, agreement);
        const paid = result.paid
          ? `${formatAmount(BigInt(result.paid.to_owner))} to the owner, ${formatAmount(BigInt(result.paid.to_client))} back to the client`
          : 'nothing moved';
        const pending = result.pending ? `; ${formatAmount(BigInt(result.pending.owed))} stays owed to the owner, whose account cannot receive it yet` : '';
        const closed = result.closed ? '; the escrow is closed' : '';
        return { text: `agreement ${agreement}: paid out ${paid}${pending}${closed}`, agreement, ...result };
      });
    },
  },

  watch: {
    summary: 'client or owner: an agent that follows finalised blocks and acts on every period (confirm with the OTP, contest, settle overdue)',
    usage: '--suri <account> (--key <client.key> | --owner) [--agreement <id> ...] [--top-up-periods N] [--pay-out-periods N] [--accept-breaches]',
    options: {
      ...suriOption,
      key: { type: 'string', help: "the client's OTP key file (the client's agent)" },
      owner: { type: 'boolean', help: "run the owner's agent for the signer's services" },
      agreement: { type: 'string', multiple: true, help: 'only these agreements (default: every agreement of the signer)' },
      'top-up-periods': { type: 'string', help: 'client: keep the escrow able to pay this many periods' },
      'pay-out-periods': {
        type: 'string',
        help: `owner: pay out once this many periods' price is owed (default ${DEFAULT_PAY_OUT_PERIODS}; 0: only when the agreement ends)`,
      },
      'accept-breaches': { type: 'boolean', help: 'owner: accept every breached verdict at once' },
    },
    async run(values) {
      const role = values.owner ? 'owner' : 'client';
      if (values.owner && values.key) throw new UserError('give --key (the client) or --owner, not both');
      if (role === 'client' && !values.key) throw new UserError("missing --key: the client's agent checks every period with the OTP key (or pass --owner)");
      if (role === 'client' && values['accept-breaches']) throw new UserError('--accept-breaches is for the owner (--owner)');
      if (role === 'owner' && values['top-up-periods'] !== undefined) throw new UserError('--top-up-periods is for the client');
      if (role === 'client' && values['pay-out-periods'] !== undefined) throw new UserError('--pay-out-periods is for the owner (--owner)');
      const key = role === 'client' ? readKeyFile(values.key) : null;
      const agreements = (values.agreement ?? []).map((text) => {
        if (!/^\d+$/.test(text)) throw new UserError(`--agreement must be a whole number, got '${text}'`);
        return text;
      });
      const topUpPeriods = optionalInteger(values, 'top-up-periods', { max: 2 ** 32 - 1 }) ?? 0;
      const payOutPeriods = role === 'owner' ? (optionalInteger(values, 'pay-out-periods', { max: 2 ** 32 - 1 }) ?? DEFAULT_PAY_OUT_PERIODS) : 0;
      const pair = signer(values.suri);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // stdout carries the agent's lines only (one JSON object each with
      // --json); whatever a library prints goes to stderr.
      const print = (text) => process.stdout.write(`${text}\n`);
      console.log = (...args) => console.error(...args);
      const emit = (line) => {
        if (values.json) print(JSON.stringify({ at: new Date().toISOString(), ...line }, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
        else print(`${new Date().toISOString()} ${describeLine(line, formatAmount)}`);
      };
      try {
        await watch({
          target: chainTarget(values),
          connect,
          signal: controller.signal,
          emit,
          pair,
          role,
          key,
          agreements: agreements.length ? agreements : null,
          topUpPeriods,
          payOutPeriods,
          acceptBreaches: Boolean(values['accept-breaches']),
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      emit({ event: 'stopped' });
      return undefined;
    },
  },

  'verify-report': {
    summary: "client: check one instance's report against its metrics block with a Merkle inclusion proof",
    usage: '--agreement <id> --period <n> --instance <id>',
    options: { ...agreementPeriodOptions, instance: { type: 'string' } },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const period = integer(values, 'period', { max: 2 ** 32 - 1 });
      const instance = integer(values, 'instance', { max: 2 ** 32 - 1 });
      return withApi(values, async (api) => {
        // The runtime API rather than the node's qos_* RPC: it answers on
        // any node, a light client included, from the chain's own state.
        const answer = await api.call.metricsBlocksApi.reportInclusionProof(agreement, period, instance);
        if (answer.isNone) throw new UserError(`no report of instance ${instance} in agreement ${agreement} period ${period}`);
        const proof = answer.unwrap();
        const stored = await ops.metricsBlock(api, agreement, period);
        const root = toHex(proof.block.reportsRoot);
        if (!stored || toHex(stored.reportsRoot) !== root) throw new UserError('the proof is for a block that is not the one on chain');
        const ok = verifyProof(root, toHex(proof.reportHash), proof.proof.toJSON());
        if (!ok) throw new UserError(`the proof does not lead from the report's hash to reports_root ${root}`);
        const text = `report of instance ${instance} is in the metrics block (root ${root}, ${proof.proof.length} proof steps)`;
        // The chain stores the reports' hashes only: the report itself is
        // read from the body of the chain block that recorded the metrics
        // block, which not every node serves. The proof holds without it.
        let report;
        try {
          report = (await ops.metricsBlockReports(api, stored)).find((r) => r.instance.toNumber() === instance);
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          return { text: `${text}; the report itself could not be read: ${e.message}`, ok, root, report: null };
        }
        if (!report || toHex(reportHash(report.toU8a())) !== toHex(proof.reportHash)) {
          throw new UserError(`the report of instance ${instance} recorded in chain block #${stored.recordedAt} is not the one the proof is for`);
        }
        return { text, ok, root, report: report.toJSON() };
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
        const { data } = await ops.cancelAgreement(api, pair, agreement);
        return { text: `cancelled agreement ${agreement}: ${data?.refunded_periods} periods refunded (${formatAmount(data?.refunded ?? 0)})`, ...data };
      });
    },
  },

  resolve: {
    summary: "arbiter: settle a disputed period with a split (sudo, or the agreement's arbiter with --as-arbiter)",
    usage: '--suri <sudo|arbiter> --agreement <id> --period <n> (--owner-permille <0..1000> | --owner-percent <0..100>) [--as-arbiter]',
    options: {
      ...suriOption,
      ...agreementPeriodOptions,
      'owner-permille': { type: 'string', help: "the owner's share of the period's price, permille (0..1000)" },
      'owner-percent': { type: 'string', help: "the owner's share in percent (0..100, one decimal)" },
      'as-arbiter': { type: 'boolean', default: false, help: "sign as the agreement's named arbiter instead of through sudo" },
    },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const period = integer(values, 'period', { max: 2 ** 32 - 1 });
      const share = ownerShare(values);
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const { settled } = await ops.resolveDispute(api, pair, agreement, period, share, { viaSudo: !values['as-arbiter'] });
        if (!settled) throw new UserError('the dispute was not settled (no PeriodSettled event)');
        return { text: `resolved period ${period} (${share} ‰ to the owner): ${settledText(settled)}`, ...settled };
      });
    },
  },

  'settle-overdue': {
    summary: "anyone: apply a period's deadline rule once it passed (deemed accepted, default split, or lapse)",
    usage: '--suri <anyone> --agreement <id> --period <n>',
    options: { ...suriOption, ...agreementPeriodOptions },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const period = integer(values, 'period', { max: 2 ** 32 - 1 });
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const result = await ops.settleOverdue(api, pair, agreement, period);
        let text = `period ${period} of agreement ${agreement} is settled`;
        if (result.settled) text = `period ${period} settled: ${settledText(result.settled)}`;
        else if (result.lapsed) text = `period ${period} lapsed without a metrics block: ${formatAmount(result.lapsed.refunded)} back to the client`;
        return { text, agreement, period, ...result };
      });
    },
  },

  prune: {
    summary: 'anyone: remove a finished agreement after its retention; the client gets its deposit back',
    usage: '--suri <anyone> --agreement <id>',
    options: { ...suriOption, agreement: { type: 'string' } },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const pair = signer(values.suri);
      return withApi(values, async (api) => {
        const result = await ops.pruneAgreement(api, pair, agreement);
        const text = result.pruned
          ? `pruned agreement ${agreement}; the client's deposit is returned`
          : `removed ${result.removed} stored items of agreement ${agreement}; run prune again to finish`;
        return { text, agreement, ...result };
      });
    },
  },

  serve: {
    summary: 'anyone: serve the web dashboard (services, agreements, charts, evidence; confirm periods from the page)',
    usage: '[--port 8080] [--host 127.0.0.1] [--url ws://node:9944 | --chain-spec raw.json [--bootnode <addr>]]',
    options: {
      port: { type: 'string', default: '8080', help: 'TCP port to listen on (default 8080)' },
      host: { type: 'string', default: '127.0.0.1', help: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)' },
    },
    async run(values) {
      const port = integer(values, 'port', { max: 65_535 });
      const target = chainTarget(values);
      // The page connects from the reader's browser: --url must be an
      // address the browser reaches; with --chain-spec the page runs its own
      // light client (the validators need WebSocket listen addresses).
      const config = typeof target === 'string' ? { rpc: target } : { chainSpec: target.chainSpec };
      const { serveDashboard } = await import('./dashboard-server.mjs');
      const server = await serveDashboard({ host: values.host, port, config });
      const where = config.rpc ? `the node at ${config.rpc}` : `an in-page light client on ${config.chainSpec.name}`;
      console.log(`dashboard on ${server.url} (reads ${where}); Ctrl-C stops it`);
      await new Promise((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      return undefined;
    },
  },

  'monitor-keys': {
    summary: "client: write a monitor's authorized-keys file (accounting nodes on chain, client, owner) from the finalised chain",
    usage: '--agreement <id> --out <file> [--follow [--on-change "systemctl reload qos-monitor"]] [--chain-spec raw.json --bootnode <addr>]',
    options: {
      agreement: { type: 'string' },
      out: { type: 'string', help: "the monitor's authorized_keys file; rewritten only when the keys change (then: systemctl reload qos-monitor)" },
      follow: { type: 'boolean', default: false, help: 'keep running: rewrite the file whenever a finalised block changes the keys' },
      'on-change': { type: 'string', help: 'with --follow: a shell command run after each rewrite (e.g. systemctl reload qos-monitor)' },
    },
    async run(values) {
      const agreement = integer(values, 'agreement');
      const out = need(values, 'out');
      if (values['on-change'] !== undefined && !values.follow) throw new UserError('--on-change needs --follow');
      const write = (contents) => {
        try {
          return writeMonitorKeys(out, contents);
        } catch (e) {
          throw new UserError(`cannot write ${out}: ${e.message}`);
        }
      };
      const what = (contents) =>
        `${contents.accounting_keys.length} accounting key(s), the client and the owner of agreement ${agreement} (finalised block #${contents.source.block})`;
      if (values.follow) return followMonitorKeys(values, agreement, out, write, what);
      return withApi(values, async (api) => {
        const contents = await monitorKeysAt(api, agreement);
        const written = write(contents);
        const text = written
          ? `wrote ${what(contents)} to ${out}; tell the monitor to read it: systemctl reload qos-monitor (SIGHUP)`
          : `${out} already names ${what(contents)}; unchanged`;
        return { text, written, ...contents };
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
