// Services with their offers, instances (each monitor's last seen state) and
// reputation; and, for owners, registering a service and adding instances.
import { formatAmount, parseAmount } from '../../../lib/amounts.mjs';
import * as ops from '../../../lib/operations.mjs';
import { describeSla } from '../../../lib/sla.mjs';
import { checkMonitorUrl, describeUrlError } from '../../../lib/url.mjs';
import { fill, h, table, when } from '../dom.mjs';
import { explain } from '../errors.mjs';
import { servicesOverview } from '../model.mjs';

export class ServicesView {
  constructor(app) {
    this.app = app;
    this.reports = new Map();
  }

  title() {
    return 'Services';
  }

  mount(container) {
    this.list = h('section', { 'aria-labelledby': 'services-h' }, h('h2', { id: 'services-h' }, 'Services'), h('p', {}, 'Reading…'));
    this.status = h('p', { role: 'status', 'aria-live': 'polite' });
    fill(container, h('h1', {}, 'Services and their record'), this.list, this.ownerForms(), this.status);
  }

  async update(at) {
    const services = await servicesOverview(at, { api: this.app.api, reports: this.reports });
    fill(
      this.list,
      h('h2', { id: 'services-h' }, 'Services'),
      services.length === 0
        ? h('p', {}, 'No service is registered yet.')
        : services.map((s) =>
            h(
              'article',
              { class: 'service', dataset: { service: s.service } },
              h('h3', {}, `Service ${s.service}`),
              h(
                'p',
                {},
                `Owner ${this.app.nameOf(s.owner)} · ${formatAmount(s.pricePerPeriod)} per ${s.periodMs / 1000} s period · ${s.capacity.vcpus_milli / 1000} vCPUs, ${s.capacity.memory_mib} MiB · ${s.openAgreements} open agreements`,
              ),
              h(
                'p',
                { class: 'reputation' },
                s.reputation.recorded === 0
                  ? 'Reputation: no recorded period yet.'
                  : `Reputation: ${((100 * s.reputation.met) / s.reputation.recorded).toFixed(1)} % of ${s.reputation.recorded} recorded periods met their SLA.`,
              ),
              table(
                'Offers',
                ['Offer', 'Promised', 'Credits', 'Arbiters'],
                s.offers.map((o, i) => {
                  const sla = describeSla(o.sla);
                  return [String(i), sla.indicators, sla.credits, o.arbiters.map((a) => this.app.nameOf(a)).join(', ') || 'none'];
                }),
              ),
              table(
                'Instances',
                ['Instance', 'Monitor', 'Last seen'],
                s.instances.map((i) => [
                  String(i.instance),
                  i.retiredAtMs === null ? i.url : `${i.url} (retired ${when(i.retiredAtMs)})`,
                  i.lastSeen
                    ? `${i.lastSeen.state} in agreement ${i.lastSeen.agreement} period ${i.lastSeen.period}, to ${when(i.lastSeen.endMs)}`
                    : 'not recorded yet',
                ]),
              ),
              s.agreements.length === 0
                ? h('p', {}, 'No agreement on this service yet.')
                : table(
                    'Agreements',
                    ['Agreement', 'Client', 'Status', 'Periods closed'],
                    s.agreements.map((a) => [
                      h('a', { href: `#/agreement/${a.id}` }, `agreement ${a.id}`),
                      this.app.nameOf(a.client),
                      a.status,
                      `${a.closedPeriods} of ${a.periods}`,
                    ]),
                  ),
            ),
          ),
    );
  }

  ownerForms() {
    const say = (text, error = false) => {
      this.status.className = error ? 'error' : 'notice';
      this.status.textContent = text;
    };
    const send = async (form, what, action) => {
      const account = this.app.account();
      if (!account) return say(`Choose an account to sign with before you ${what}. Nothing was sent.`, true);
      const button = form.querySelector('button');
      button.disabled = true;
      try {
        say(`${what}…`);
        say(await action(await account.signer(), new FormData(form)));
      } catch (e) {
        say(explain(e), true);
      } finally {
        button.disabled = false;
      }
    };
    const register = h(
      'form',
      {
        id: 'register-service',
        onsubmit: (ev) => {
          ev.preventDefault();
          send(ev.target, 'register a service', async (owner, data) => {
            const price = parseAmount(data.get('price'), 'price');
            const periodMs = Math.round(Number(data.get('period')) * 1000);
            const { minPeriodMs } = ops.limits(this.app.api);
            if (!(periodMs >= minPeriodMs)) throw new Error(`the period must be at least ${minPeriodMs / 1000} s`);
            const r = await ops.registerService(this.app.api, owner, {
              price,
              periodMs,
              vcpusMilli: Number(data.get('vcpus')) * 1000,
              memoryMib: Number(data.get('memory')),
            });
            return `Service ${r.service} registered (fee ${formatAmount(r.fee)}). Publish its offers with \`qos set-offers\`.`;
          });
        },
      },
      h('h3', {}, 'Register a service'),
      field('Price per period (QOS)', 'price', { type: 'text', inputmode: 'decimal', required: true, value: '10' }),
      field('Period (seconds)', 'period', { type: 'number', min: 1, step: 1, required: true, value: '60' }),
      field('vCPUs', 'vcpus', { type: 'number', min: 0.001, step: 0.001, required: true, value: '2' }),
      field('Memory (MiB)', 'memory', { type: 'number', min: 1, step: 1, required: true, value: '4096' }),
      h('button', { type: 'submit' }, 'Register'),
    );
    const add = h(
      'form',
      {
        id: 'add-instance',
        onsubmit: (ev) => {
          ev.preventDefault();
          send(ev.target, 'add an instance', async (owner, data) => {
            const url = String(data.get('url')).trim();
            const { maxUrlLen } = ops.limits(this.app.api);
            const problem = checkMonitorUrl(url, maxUrlLen);
            if (problem) throw new Error(`the monitor URL ${describeUrlError(problem, { maxUrlLen })}`);
            const service = BigInt(data.get('service'));
            const r = await ops.addInstance(this.app.api, owner, service, url);
            return `Instance ${r.instance} added to service ${service} (fee ${formatAmount(r.fee)}).`;
          });
        },
      },
      h('h3', {}, 'Add an instance'),
      field('Service', 'service', { type: 'number', min: 0, step: 1, required: true }),
      field("Monitor's base URL", 'url', { type: 'url', required: true, placeholder: 'http://10.0.0.5:9616' }),
      h('button', { type: 'submit' }, 'Add'),
    );
    return h('section', { class: 'owner', 'aria-labelledby': 'owner-h' }, h('h2', { id: 'owner-h' }, 'For owners'), register, add);
  }

  destroy() {}
}

function field(label, name, attributes) {
  const id = `f-${name}`;
  return h('p', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name, ...attributes }));
}
