// Small self-contained SVG charts: no script, no network, readable in any browser or file viewer.
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}
export interface Shade {
  from: number;
  to: number;
  label: string;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const W = 720;
const H = 240;
const PAD = { l: 56, r: 16, t: 16, b: 36 };

function ticks(max: number, n = 5): number[] {
  if (max <= 0) return [0];
  const step = Math.pow(10, Math.floor(Math.log10(max / n)));
  const nice = [1, 2, 5, 10].map((k) => k * step).find((s) => max / s <= n) ?? step * 10;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += nice) out.push(Number(v.toPrecision(6)));
  return out;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** A line chart; `shades` are fault windows drawn behind the lines. */
export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], shades: Shade[] = [], xMaxHint = 0): string {
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(xMaxHint, ...all.map((p) => p[0]), ...shades.map((s) => s.to), 1);
  const yMax = Math.max(...all.map((p) => p[1]), 1) * 1.1;
  const x = (v: number) => PAD.l + (v / xMax) * (W - PAD.l - PAD.r);
  const y = (v: number) => H - PAD.b - (v / yMax) * (H - PAD.t - PAD.b);
  const parts: string[] = [];
  for (const s of shades) {
    parts.push(`<rect class="fault" x="${x(s.from).toFixed(1)}" y="${PAD.t}" width="${Math.max(2, x(s.to) - x(s.from)).toFixed(1)}" height="${H - PAD.t - PAD.b}" fill="#f4a261" fill-opacity="0.25"><title>${esc(s.label)}</title></rect>`);
    // At the foot of the window: the legend is at the top.
    parts.push(`<text x="${(x(s.from) + 3).toFixed(1)}" y="${H - PAD.b - 4}" font-size="10" fill="#b5651d">${esc(s.label)}</text>`);
  }
  for (const t of ticks(yMax)) parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/><text x="${PAD.l - 6}" y="${(y(t) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#555">${fmt(t)}</text>`);
  for (const t of ticks(xMax, 8)) parts.push(`<text x="${x(t).toFixed(1)}" y="${H - PAD.b + 14}" font-size="10" text-anchor="middle" fill="#555">${fmt(t)}</text>`);
  for (const s of series) {
    if (!s.points.length) continue;
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    parts.push(`<path class="series" data-points="${s.points.length}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    if (s.points.length === 1) parts.push(`<circle cx="${x(s.points[0][0])}" cy="${y(s.points[0][1])}" r="3" fill="${s.color}"/>`);
  }
  const legend = series.map((s, i) => `<g transform="translate(${PAD.l + 10 + i * 120},${PAD.t + 2})"><rect width="10" height="3" y="4" fill="${s.color}"/><text x="14" y="9" font-size="10">${esc(s.name)}</text></g>`).join('');
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">
<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" stroke="#999"/><line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${H - PAD.b}" stroke="#999"/>
${parts.join('\n')}${legend}
<text x="${(W + PAD.l) / 2}" y="${H - 4}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>
<text transform="translate(12,${(H - PAD.b) / 2}) rotate(-90)" font-size="11" text-anchor="middle">${esc(yLabel)}</text>
</svg></figure>`;
}

/** A histogram of counts per bucket. */
export function barChart(title: string, xLabel: string, bars: { label: string; n: number }[]): string {
  const max = Math.max(1, ...bars.map((b) => b.n));
  const bw = (W - PAD.l - PAD.r) / Math.max(1, bars.length);
  const y = (v: number) => H - PAD.b - (v / max) * (H - PAD.t - PAD.b);
  const rects = bars
    .map((b, i) => `<rect class="bar" x="${(PAD.l + i * bw + 1).toFixed(1)}" y="${y(b.n).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${(H - PAD.b - y(b.n)).toFixed(1)}" fill="#457b9d"><title>${esc(b.label)}: ${b.n}</title></rect>`)
    .join('');
  const labels = bars.filter((_, i) => i % Math.ceil(bars.length / 8) === 0).map((b) => `<text x="${(PAD.l + bars.indexOf(b) * bw).toFixed(1)}" y="${H - PAD.b + 14}" font-size="10" fill="#555">${esc(b.label)}</text>`).join('');
  const yt = ticks(max).map((t) => `<text x="${PAD.l - 6}" y="${(y(t) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#555">${fmt(t)}</text>`).join('');
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">
<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" stroke="#999"/>${rects}${labels}${yt}
<text x="${(W + PAD.l) / 2}" y="${H - 4}" font-size="11" text-anchor="middle">${esc(xLabel)}</text></svg></figure>`;
}

export { esc };
