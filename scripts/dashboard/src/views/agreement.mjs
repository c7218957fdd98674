// An agreement: its terms, the escrow, a row per period (live as blocks
// finalise), the charts, and the client's confirmation with the OTP key.
import { formatAmount } from '../../../lib/amounts.mjs';
import { UserError } from '../../../lib/chain.mjs';
import * as ops from '../../../lib/operations.mjs';
import { describeSla } from '../../../lib/sla.mjs';
import { seriesOf, timeChart } from '../charts.mjs';
import { definitions, fill, h, table, when } from '../dom.mjs';
import { explain } from '../errors.mjs';
import { agreementOverview } from '../model.mjs';

const money = (v) => (v === null || v === undefined ? '-' : formatAmount(v));

export class AgreementView {
  /** `app`: `{ api, nameOf(address), account(), key(), onKeyRefused(message) }`. */
  constructor(app, agreement) {
    this.app = app;
    this.agreement = BigInt(agreement);
    this.blocks = new Map();
    this.reports = new Map();
    this.settlements = new Map();
    this.overview = null;
    this.charts = [];
    this.message = null;
    // Periods whose confirmation is on its way: their buttons stay disabled
    // across re-renders, so a second click cannot send a second OTP.
    this.confirming = new Set();
  }

  title() {
    return `Agreement ${this.agreement}`;
  }

  mount(container) {
    this.terms = h('section', { 'aria-labelledby': 'terms-h' });
    this.rows = h('section', { 'aria-labelledby': 'periods-h' });
    this.chartBox = h('section', { class: 'charts', 'aria-labelledby': 'charts-h' });
    this.availability = h('div', { class: 'chart', id: 'chart-availability', role: 'img', 'aria-label': 'availability per period and instance' });
    this.latency = h('div', { class: 'chart', id: 'chart-latency', role: 'img', 'aria-label': 'p95 latency per period and instance' });
    fill(
      this.chartBox,
      h('h2', { id: 'charts-h' }, 'Availability and latency per period'),
      h('p', { class: 'hint' }, 'One point per recorded period and instance; breached periods shaded red.'),
      this.availability,
      this.latency,
    );
    fill(container, h('h1', {}, this.title()), this.terms, this.rows, this.chartBox);
  }

  /** Notes the PeriodSettled events of a finalised block (the money of arbitrated periods). */
  noteEvents(events) {
    for (const { event } of events) {
      if (event.section !== 'slaVerification' || event.method !== 'PeriodSettled') continue;
      const data = Object.fromEntries(event.meta.fields.map((f, i) => [f.name.unwrap().toString(), event.data[i].toJSON()]));
      if (BigInt(data.agreement) === this.agreement) this.settlements.set(Number(data.period), data);
    }
  }

  async update(at) {
    try {
      this.overview = await agreementOverview(at, this.agreement, {
        api: this.app.api,
        blocks: this.blocks,
        reports: this.reports,
        settlements: this.settlements,
      });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      fill(this.terms, h('p', { class: 'error' }, `There is no agreement ${this.agreement} on this chain (it may have been pruned).`));
      return;
    }
    this.renderTerms();
    this.renderPeriods();
    this.renderCharts();
  }

  renderTerms() {
    const o = this.overview;
    const t = o.terms;
    const sla = describeSla(t.sla);
    const name = (a) => this.app.nameOf(a);
    fill(
      this.terms,
      h('h2', { id: 'terms-h' }, 'Terms and escrow'),
      definitions([
        ['Status', t.status],
        ['Service', h('a', { href: `#/services` }, `service ${t.service}`)],
        ['Client', name(o.client)],
        ['Owner', name(o.owner)],
        ['Arbiter', t.arbiter ? name(t.arbiter) : 'none'],
        ['Price', `${formatAmount(BigInt(t.pricePerPeriod))} per ${Number(t.periodMs) / 1000} s period, ${t.periods} periods from ${when(t.startMs)}`],
        ['SLA', `${sla.indicators}; credits: ${sla.credits}`],
        ['Escrow', `${formatAmount(o.escrow.held)} held of ${formatAmount(o.escrow.total)}, ${o.escrow.periodsDue} periods due`],
        ['Settled, not paid out', `${formatAmount(o.escrow.owedToOwner)} to the owner, ${formatAmount(o.escrow.owedToClient)} back to the client`],
      ]),
    );
  }

  renderPeriods() {
    const o = this.overview;
    const isClient = this.app.account()?.address === o.client;
    const rows = o.periods.map((p) => {
      const recorded = p.state !== 'awaiting metrics';
      const tr = h(
        'tr',
        { dataset: { period: p.period, state: p.state, verdict: p.verdict, ...(recorded ? { recorded: '' } : {}) } },
        h('th', { scope: 'row' }, String(p.period)),
        h('td', {}, `${when(p.window.fromMs)} – ${new Date(p.window.toMs).toLocaleTimeString()}`),
        h('td', { class: p.credit > 0 && recorded ? 'bad' : recorded ? 'good' : '' }, p.verdict),
        h('td', { class: 'num' }, recorded ? `${p.credit} %` : '-'),
        h('td', {}, p.state),
        h('td', {}, p.otpState),
        h('td', { class: 'num', dataset: { field: 'to-owner' } }, money(p.toOwner)),
        h('td', { class: 'num', dataset: { field: 'to-client' } }, money(p.toClient)),
        h('td', {}, p.accountingNode ? this.app.nameOf(p.accountingNode) : '-', p.firstPull ? ` (after ${this.app.nameOf(p.firstPull)}'s partial pull)` : ''),
        h('td', {}, this.actions(p, recorded, isClient)),
      );
      return tr;
    });
    const { message } = this;
    fill(
      this.rows,
      h('h2', { id: 'periods-h' }, 'Periods'),
      message ? h('p', { class: message.error ? 'error' : 'notice', role: message.error ? 'alert' : 'status' }, message.text) : null,
      table(null, ['Period', 'Window', 'Verdict', 'Credit', 'State', 'OTP', 'To owner', 'To client', 'Recorded by', ''], rows, { id: 'periods' }),
    );
  }

  actions(p, recorded, isClient) {
    if (!recorded) return '';
    const evidence = h('a', { href: `#/agreement/${this.agreement}/period/${p.period}` }, 'Evidence');
    if (!p.awaitingClient || !isClient) return evidence;
    const busy = this.confirming.has(p.period);
    const button = h(
      'button',
      {
        type: 'button',
        dataset: { confirm: p.period },
        disabled: busy,
        title: this.app.key() ? `confirm period ${p.period} with the OTP from your key` : 'load your key file first',
        onclick: () => this.confirm(p.period),
      },
      busy ? 'Confirming…' : 'Confirm',
    );
    return [button, ' ', evidence];
  }

  /** The client's confirmation: check the block with the key in this page, then send the OTP. */
  async confirm(period) {
    const key = this.app.key();
    const account = this.app.account();
    const say = (text, error = false) => {
      this.message = { text, error };
      this.renderPeriods();
    };
    if (!key) return say(`Load your key file (the one your monitors hold) before confirming period ${period}. Nothing was sent.`, true);
    if (!account || account.address !== this.overview.client)
      return say(`Sign as the agreement's client (${this.app.nameOf(this.overview.client)}) to confirm. Nothing was sent.`, true);
    if (this.confirming.has(period)) return;
    this.confirming.add(period);
    this.renderPeriods();
    try {
      const api = this.app.api;
      const block = await ops.metricsBlock(api, this.agreement, period);
      const check = await ops.checkMetricsBlock(block, key, this.agreement, period);
      if (!check.ok) return say(`Not confirming period ${period}: ${check.problems.join('; ')}. Nothing was sent; the payment stays in escrow.`, true);
      say(`Confirming period ${period}…`);
      const result = await ops.confirmPeriod(api, await account.signer(), this.agreement, period, check.otp);
      if (result.settled)
        say(
          `Period ${period} settled: ${formatAmount(BigInt(result.settled.to_owner))} to the owner, ${formatAmount(BigInt(result.settled.to_client))} back to you.`,
        );
      else if (result.confirmed) say(`Period ${period} confirmed; the breach waits for the owner to accept or contest it.`);
      else say(`The chain did not take the OTP for period ${period} (${result.mismatch ? 'mismatch' : 'no change'}).`, true);
    } catch (e) {
      say(explain(e), true);
    } finally {
      this.confirming.delete(period);
      this.renderPeriods();
    }
  }

  renderCharts() {
    const series = seriesOf(this.overview);
    if (this.charts.length === 0) {
      const instances = this.overview.instances;
      this.charts = [
        timeChart(this.availability, { title: 'Availability (%)', unit: '%', instances, pick: (s) => s.availability, yRange: [0, 100] }),
        timeChart(this.latency, { title: 'p95 latency (ms)', unit: 'ms', instances, pick: (s) => s.latency }),
      ];
    }
    for (const c of this.charts) c.update(series);
  }

  /** Whether `key` opens the commitment of at least one recorded period (null: none recorded yet). */
  async keyOpensAnyPeriod(key) {
    const recorded = this.overview?.periods.filter((p) => p.state !== 'awaiting metrics') ?? [];
    if (recorded.length === 0) return null;
    for (const p of recorded) {
      const block = this.blocks.get(p.period) ?? (await ops.metricsBlock(this.app.api, this.agreement, p.period));
      if (block && (await ops.checkMetricsBlock(block, key, this.agreement, p.period)).ok) return true;
    }
    return false;
  }

  destroy() {
    for (const c of this.charts) c.destroy();
  }
}
