// A period's evidence: every report as the monitor signed it (decoded), its
// hash computed in this page, and its Merkle inclusion proof checked in this
// page against the block's reports_root.
import { definitions, fill, h, short, table, when } from '../dom.mjs';
import { periodEvidence } from '../model.mjs';

export class EvidenceView {
  constructor(app, agreement, period) {
    this.app = app;
    this.agreement = BigInt(agreement);
    this.period = Number(period);
    this.done = false;
    this.reports = new Map();
  }

  title() {
    return `Agreement ${this.agreement}, period ${this.period}: evidence`;
  }

  mount(container) {
    this.body = h('div', {}, h('p', {}, 'Reading the metrics block…'));
    fill(container, h('h1', {}, this.title()), h('p', {}, h('a', { href: `#/agreement/${this.agreement}` }, `← agreement ${this.agreement}`)), this.body);
  }

  async update(at) {
    // A recorded metrics block never changes: read it once.
    if (this.done) return;
    const evidence = await periodEvidence(at, this.agreement, this.period, { api: this.app.api, reports: this.reports });
    if (!evidence) {
      fill(this.body, h('p', {}, `Period ${this.period} has no metrics block yet; this page fills in once it is recorded.`));
      return;
    }
    // Reports the node did not serve are asked for again on a later refresh.
    this.done = evidence.reports.every((r) => r.fields);
    fill(
      this.body,
      definitions([
        ['Metrics block', `#${evidence.sequence}, hash ${short(evidence.blockHash)} (previous ${short(evidence.prevHash)})`],
        ['Recorded by', `${this.app.nameOf(evidence.accountingNode)} in chain block #${evidence.recordedAt}`],
        ['Reports root', h('code', {}, evidence.root)],
        ['Missing', evidence.missing.length ? evidence.missing.map((m) => `instance ${m.instance} (${m.reason})`).join(', ') : 'none'],
      ]),
      evidence.reports.map((r) =>
        h(
          'section',
          { class: 'report', dataset: { instance: r.instance, proof: r.proof.checked ? 'checked' : 'failed' } },
          h(
            'h2',
            {},
            r.fields
              ? `Instance ${r.instance}: ${(r.availabilityPermille / 10).toFixed(1)} % available`
              : `Instance ${r.instance}: report not served by this node`,
          ),
          h(
            'p',
            { class: r.proof.checked ? 'good' : 'bad' },
            r.proof.checked
              ? `✓ Inclusion proof checked in this page: ${r.proof.steps} step${r.proof.steps === 1 ? '' : 's'} from the report's hash to the reports root.`
              : `✗ Inclusion proof refused: ${r.proof.reason}.`,
          ),
          definitions([['Report hash (SHA-256 of its SCALE bytes, computed here)', h('code', {}, r.hash)]]),
          r.fields
            ? table(
                'Decoded report',
                ['Field', 'Value'],
                Object.entries(r.fields).map(([k, v]) => [k, k === 'window' ? `${when(v.fromMs)} – ${when(v.toMs)}` : String(v)]),
              )
            : h(
                'p',
                { class: 'hint' },
                `The chain keeps the report's hash; the report itself is in the body of chain block #${evidence.recordedAt}, which this node does not serve. Connect to a node that keeps block bodies to read it.`,
              ),
        ),
      ),
    );
  }

  destroy() {}
}
