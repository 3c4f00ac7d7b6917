// The comparison report: one self-contained page, the modes side by side on shared axes (one
// chart per measure, every mode in it), the documented claims of mid-sourcing with their evidence
// and verdict, what left the client site, behaviour under the same faults, resources per node.
import { formatDuration } from '../../reference-impl/common/duration.js';
import { STYLE } from '../report/html.js';
import { barChart, esc, lineChart, type Series } from '../report/svg.js';
import type { Comparison } from './compare.js';
import type { ModeFigures } from './figures.js';

const COLORS = ['#1d3557', '#e76f51', '#2a9d8f', '#6d597a', '#e9c46a', '#9b2226'];
const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits }));
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : formatDuration(v));
const kb = (b: number) => `${num(b / 1000, 1)} kB`;

/** Share of messages whose sync delay is at most x ms, from the run's histogram (a CDF). */
function cdf(f: ModeFigures): [number, number][] {
  const total = f.syncDelayHistogram.reduce((n, b) => n + b.n, 0);
  if (!total) return [];
  let acc = 0;
  return [[0, 0], ...f.syncDelayHistogram.map((b): [number, number] => [b.toMs, (100 * (acc += b.n)) / total])];
}

export function renderComparison(c: Comparison): string {
  const modes = c.modes;
  const color = (i: number) => COLORS[i % COLORS.length];
  const series = (pick: (f: ModeFigures) => [number, number][]): Series[] => modes.map((f, i) => ({ name: f.mode, color: color(i), points: pick(f) }));
  const confirmed = c.claims.filter((x) => x.verdict === 'confirmed').length;
  const failedRuns = modes.filter((f) => f.verdict !== 'pass');
  const charts = [
    lineChart('Throughput (SMTP outcomes at the MXs per second), every mode', 'seconds since the delivery started', 'messages/s', series((f) => f.throughputSeries)),
    lineChart('Sync delay distribution (share of messages visible on the marketing instance within x ms of the MX\'s answer)', 'sync delay, ms', '% of messages', series(cdf)),
    barChart('Bytes that left the client site per 1,000 messages', 'mode', modes.map((f) => ({ label: f.mode, n: Math.round(f.boundary.outPer1000) }))),
    barChart('CPU seconds used at the client site', 'mode', modes.map((f) => ({ label: f.mode, n: Math.round(f.clientSite.cpuSeconds * 10) / 10 }))),
  ];
  const head = (cols: string[]) => `<tr>${cols.map((x) => `<th>${x}</th>`).join('')}</tr>`;
  const runLink = (f: ModeFigures) => `<a href="${esc(f.runDir)}/report.html">${esc(f.mode)}</a>`;

  const summary = modes
    .map(
      (f) =>
        `<tr><td>${runLink(f)}</td><td class="status-${f.verdict}">${f.verdict}${f.failedChecks.length ? ` (${esc(f.failedChecks.join(', '))})` : ''}</td><td class="num">${num(f.delivered)} / ${num(f.recipients)}</td><td class="num">${num(f.lost)}</td>` +
        `<td class="num">${num(f.throughput.messagesPerSecond, 1)} msg/s<br>${num(f.throughput.messagesPerHour)} /h</td><td class="num">${ms(f.syncDelayMs.p50)} / ${ms(f.syncDelayMs.p95)} / ${ms(f.syncDelayMs.max)}</td>` +
        `<td class="num">${kb(f.boundary.outPer1000)}<br><small>provider ${kb(f.boundary.outToProviderPer1000)}, Internet ${kb(f.boundary.outToInternetPer1000)}</small></td><td class="num">${kb(f.boundary.inPer1000)}</td>` +
        `<td>${f.clientSite.modules.length}: ${esc(f.clientSite.modules.join(', ') || 'none')}</td><td class="num">${ms(f.durationMs)}</td></tr>`,
    )
    .join('');

  const claims = c.claims
    .map((x) => `<tr class="claim"><td><b>${esc(x.id)}</b> <small>(${x.kind})</small><br>${esc(x.claim)}</td><td>${esc(x.evidence)}</td><td class="verdict-${x.verdict.replace(' ', '-')}">${x.verdict}</td></tr>`)
    .join('');

  const boundary = modes
    .map((f) =>
      f.boundary.links.length
        ? f.boundary.links
            .map(
              (l, k) =>
                `<tr>${k ? '' : `<td rowspan="${f.boundary.links.length}">${esc(f.mode)}</td>`}<td>${esc(l.link)}</td><td>${l.direction === 'out' ? 'opened from the client' : 'opened into the client'}</td><td>${l.peer}</td><td>${esc(l.protocol)}</td><td class="num">${l.port ?? '–'}</td><td class="num">${num(l.bytesOut)}</td><td class="num">${num(l.bytesIn)}</td><td>${l.columns === null ? '<i>not captured</i>' : esc(l.columns.join(', ') || 'none')}</td></tr>`,
            )
            .join('')
        : `<tr><td>${esc(f.mode)}</td><td colspan="8"><i>nothing crosses the client's boundary</i></td></tr>`,
    )
    .join('');

  const faultRows = modes
    .map((f) => {
      const rows = f.faults.map(
        (x) =>
          `<tr><td>${esc(f.mode)}</td><td><b>${esc(x.name)}</b> (${esc(x.kind)} on ${esc(x.target)})</td><td>${x.from.toFixed(1)} – ${x.to === null ? 'end' : x.to.toFixed(1)}</td><td class="num">${num(x.messages)}</td><td class="num">${num(x.messagesPerSecond, 1)}</td><td class="num">${ms(x.syncDelayP95Ms)}</td><td class="num">${num(x.soapFailures)}</td></tr>`,
      );
      const o = f.outsideFaults;
      if (f.faults.length) rows.push(`<tr><td>${esc(f.mode)}</td><td><i>outside every fault</i></td><td></td><td class="num">${num(o.messages)}</td><td class="num">${num(o.messagesPerSecond, 1)}</td><td class="num">${ms(o.syncDelayP95Ms)}</td><td class="num">${num(o.soapFailures)}</td></tr>`);
      for (const n of f.notApplicable) rows.push(`<tr><td>${esc(f.mode)}</td><td colspan="6"><i>not applicable in this mode:</i> ${esc(n)}</td></tr>`);
      return rows.join('');
    })
    .join('');

  const nodes = [...new Set(modes.flatMap((f) => f.resources.map((r) => r.node)))].sort();
  const resources = nodes
    .map(
      (n) =>
        `<tr><td>${esc(n)}</td>${modes
          .map((f) => {
            const r = f.resources.find((x) => x.node === n);
            return r ? `<td class="num">${num(r.cpuSeconds, 2)} s / ${num(r.peakRssMb)} MB <small>(${esc(r.site === 'marketing' ? 'client' : r.site === 'mid' ? 'provider' : r.site)})</small></td>` : '<td></td>';
          })
          .join('')}</tr>`,
    )
    .join('');

  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>midsim compare ${esc(c.scenario)}</title><style>${STYLE}
.verdict-confirmed{color:#1e7b34;font-weight:600}.verdict-not-confirmed{color:#b3261e;font-weight:600}.verdict-not-measured{color:#777}</style></head><body>
<h1>midsim compare: ${esc(c.scenario)} &middot; ${modes.map((f) => esc(f.mode)).join(' vs ')}</h1>
<div class="verdict ${c.verdict}" id="verdict">${c.verdict === 'pass' ? 'PASS' : 'FAIL'}: ${modes.length - failedRuns.length} of ${modes.length} runs passed their checks${failedRuns.length ? ` (failed: ${failedRuns.map((f) => esc(f.mode)).join(', ')})` : ''} &middot; ${confirmed} of ${c.claims.length} documented claims of mid-sourcing confirmed on this workload</div>
<p class="narrative">The same workload (${num(c.recipients)} recipients, seed ${c.seed}, time scale x${c.timeScale}) and the same fault timeline in each mode${c.profile ? `, hardware profile ${esc(c.profile)}` : ''}. Each run's own report is linked from its mode's name.</p>
<h2>Documented claims of mid-sourcing</h2><table id="claims">${head(['claim', 'measured evidence', 'verdict'])}${claims}</table>
<h2>Modes side by side</h2><table id="modes">${head(['mode', 'checks', 'delivered', 'lost', 'throughput', 'sync delay p50 / p95 / max', 'left the client per 1,000 messages', 'came in per 1,000', 'modules at the client site', 'duration'])}${summary}</table>
<h2>Charts</h2>${charts.join('\n')}
<h2>What left the client site</h2><p>Every link that crosses the client's boundary; the columns are the recipient columns whose imported values were found in the bytes that left.</p>
<table id="boundary">${head(['mode', 'link', 'connection', 'peer', 'protocol', 'port', 'bytes out', 'bytes in', 'recipient columns'])}${boundary}</table>
<h2>Behaviour under the same faults</h2>${faultRows ? `<table id="faults">${head(['mode', 'fault', 'window (s)', 'messages with their SMTP outcome in it', 'msg/s', 'sync delay p95', 'SOAP probes failed'])}${faultRows}</table>` : '<p>The scenario has no fault timeline.</p>'}
<h2>Resource use per node</h2><p>CPU seconds and peak resident memory of each node's process (PostgreSQL not included). The process runtime runs every node on one machine.</p>
<table id="resources">${head(['node', ...modes.map((f) => esc(f.mode))])}${resources}</table>
${c.profile ? `<h2>Hardware profile ${esc(c.profile)}: targets in each mode</h2><table id="profile">${head(['mode', 'targets'])}${modes.map((f) => `<tr><td>${esc(f.mode)}</td><td>${f.profileTargets.map((t) => `<span class="status-${t.ok === null ? 'none' : t.ok ? 'pass' : 'fail'}">${esc(t.line)}</span>`).join('<br>') || '–'}</td></tr>`).join('')}</table>` : ''}
<h2>Re-run</h2><p><code>${esc(c.command)}</code></p>
</body></html>
`;
}
