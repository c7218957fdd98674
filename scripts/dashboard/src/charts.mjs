// Per-agreement charts with uPlot: availability and p95 latency per period
// and per instance, the breached periods shaded.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const PALETTE = ['#1f6feb', '#d97706', '#059669', '#9333ea', '#db2777', '#0891b2', '#65a30d', '#dc2626'];
const BREACH_FILL = 'rgba(220, 38, 38, 0.12)';

/** Shades the span of each breached period (x values are window ends in seconds). */
function breachBands(getBreaches) {
  return (u) => {
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    ctx.fillStyle = BREACH_FILL;
    for (const { fromS, toS } of getBreaches()) {
      const x0 = u.valToPos(fromS, 'x', true);
      const x1 = u.valToPos(toS, 'x', true);
      ctx.fillRect(Math.min(x0, x1), top, Math.max(2, Math.abs(x1 - x0)), height);
    }
    ctx.restore();
  };
}

/**
 * The series of an agreement overview: x = each recorded period's window
 * end, one y series per covered instance. A missing report counts as 0 %
 * available (the SLA counts it as down), with no latency; a report the
 * node did not serve (null figures) has no point.
 */
export function seriesOf(overview) {
  const recorded = overview.periods.filter((p) => p.reports.length > 0 || p.missing.length > 0);
  const x = recorded.map((p) => p.window.toMs / 1000);
  const availability = overview.instances.map((i) =>
    recorded.map((p) => {
      const r = p.reports.find((rep) => rep.instance === i);
      if (r) return r.availabilityPermille === null ? null : r.availabilityPermille / 10;
      return p.missing.some((m) => m.instance === i && m.reason !== 'Retired') ? 0 : null;
    }),
  );
  const latency = overview.instances.map((i) => recorded.map((p) => p.reports.find((rep) => rep.instance === i)?.latencyP95Ms ?? null));
  const breaches = recorded.filter((p) => p.credit > 0).map((p) => ({ fromS: p.window.fromMs / 1000, toS: p.window.toMs / 1000, period: p.period }));
  // The whole term on the x axis, so that the first points sit where they belong.
  const term = overview.periods.length ? [overview.periods[0].window.fromMs / 1000, overview.periods.at(-1).window.toMs / 1000] : null;
  return { x, availability, latency, breaches, term, periods: recorded.map((p) => p.period) };
}

/**
 * A chart in `container`; `update(series)` redraws it with new data. `yRange`
 * fixes the y axis (`[0, 100]` for a percentage); otherwise it runs from 0 to
 * a little above the highest value.
 */
export function timeChart(container, { title, unit, pick, instances, yRange = null }) {
  let breaches = [];
  let term = null;
  const opts = {
    title,
    width: Math.max(280, container.clientWidth || 600),
    height: 220,
    scales: {
      x: { time: true, range: (_u, min, max) => term ?? [min, max] },
      y: { range: (_u, _min, max) => yRange ?? [0, Math.max(1, Math.ceil((max ?? 0) * 1.15))] },
    },
    axes: [{}, { label: unit, size: 60 }],
    series: [
      { label: 'window end' },
      ...instances.map((i, n) => ({
        label: `instance ${i}`,
        stroke: PALETTE[n % PALETTE.length],
        width: 2,
        points: { show: true, size: 7 },
        spanGaps: false,
      })),
    ],
    hooks: { drawClear: [breachBands(() => breaches)] },
  };
  const plot = new uPlot(opts, [[], ...instances.map(() => [])], container);
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, container.clientWidth), height: 220 }));
  resize.observe(container);
  return {
    update(series) {
      breaches = series.breaches;
      term = series.term;
      plot.setData([series.x, ...pick(series)]);
      container.dataset.points = String(series.x.length);
      container.dataset.breaches = series.breaches.map((b) => b.period).join(',');
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
