/** A line chart as inline SVG, built from numbers only. */
import { html, type SafeHtml } from "../http/html.ts";

export interface ChartPoint {
  t: number;
  v: number;
}

export function lineChart(title: string, unit: string, points: readonly ChartPoint[]): SafeHtml {
  const width = 560;
  const height = 160;
  const pad = 32;
  if (points.length === 0) {
    return html`<figure class="chart"><figcaption>${title}</figcaption><p class="muted">no data yet</p></figure>`;
  }
  const t0 = points[0]?.t ?? 0;
  const t1 = points.at(-1)?.t ?? t0;
  const vs = points.map((p) => p.v);
  const vmin = Math.min(0, ...vs);
  // A flat series still gets a visible scale of at least one unit.
  const vmax = Math.max(...vs, vmin + 1);
  const x = (t: number) => pad + ((t - t0) / Math.max(1, t1 - t0)) * (width - 2 * pad);
  const y = (v: number) => height - pad - ((v - vmin) / (vmax - vmin)) * (height - 2 * pad);
  const last = points.at(-1)?.v ?? 0;
  const path = points
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
    .join(" ");
  return html`<figure class="chart" data-chart="${title}">
<figcaption>${title}: <strong class="chart-last">${format(last)}</strong> ${unit}</figcaption>
<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}">
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" class="axis"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" class="axis"/>
<text x="2" y="${pad}" class="tick">${format(vmax)}</text>
<text x="2" y="${height - pad}" class="tick">${format(vmin)}</text>
<path d="${path}" class="series"/>
<circle cx="${x(points.at(-1)?.t ?? t0).toFixed(1)}" cy="${y(last).toFixed(1)}" r="3" class="last"/>
</svg>
</figure>`;
}

function format(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}
