// report.html: one self-contained file (no network needed): the verdict first, then the numbers,
// the charts (fault windows shaded), the checks, the links and the port map.
import { formatDuration } from '../../reference-impl/common/duration.js';
import type { RunResult } from './result.js';
import { barChart, esc, lineChart, type Shade } from './svg.js';
import { renderHardware } from '../profiles/section.js';
import { renderPortPolicy } from './port-policy.js';

const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits }));
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : formatDuration(v));

export function shadesOf(r: RunResult): Shade[] {
  const end = r.series.throughput.length ? r.series.throughput[r.series.throughput.length - 1][0] : 0;
  return r.faults.map((f) => ({ from: Math.max(0, f.from), to: f.to ?? end, label: f.name }));
}

export const STYLE = `body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
.verdict{font-size:20px;padding:12px 16px;border-radius:6px;margin:12px 0}
.pass{background:#e6f4ea;color:#1e7b34}.fail{background:#fde8e8;color:#b3261e}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f6f6}.num{text-align:right;font-variant-numeric:tabular-nums}
.status-pass{color:#1e7b34;font-weight:600}.status-fail{color:#b3261e;font-weight:600}
figure.chart{margin:12px 0}figcaption{font-weight:600;font-size:13px;margin-bottom:4px}svg{max-width:100%;height:auto;border:1px solid #eee}
.narrative{background:#f7f7fb;padding:10px 14px;border-left:4px solid #457b9d}code{background:#f3f3f3;padding:1px 4px}`;

export function renderReport(r: RunResult): string {
  const m = r.metrics;
  const shades = shadesOf(r);
  const failed = r.checks.filter((c) => c.status === 'fail');
  const charts = [
    lineChart('Throughput (SMTP outcomes at the MXs per second)', 'seconds since the delivery started', 'messages/s', [{ name: 'messages/s', color: '#1d3557', points: r.series.throughput }], shades),
    lineChart(
      'Sync delay over time (MX reply -> status visible on the marketing instance)',
      'seconds since the delivery started (by the time of the message\'s SMTP outcome)',
      'ms',
      [
        { name: 'p50', color: '#2a9d8f', points: r.series.syncDelay.map((b) => [b.t, b.p50]) },
        { name: 'p95', color: '#e76f51', points: r.series.syncDelay.map((b) => [b.t, b.p95]) },
        { name: 'max', color: '#9b2226', points: r.series.syncDelay.map((b) => [b.t, b.max]) },
      ],
      shades,
    ),
    lineChart('Queue depth at the execution site (messages waiting or being sent)', 'seconds since the delivery started', 'messages', [{ name: 'queued', color: '#6d597a', points: r.series.queueDepth }], shades),
    ...(r.series.soapRtt.length
      ? [lineChart('SOAP round trip of the link to the mid (probe)', 'seconds since the delivery started', 'ms', [{ name: 'round trip', color: '#264653', points: r.series.soapRtt }], shades)]
      : []),
    barChart('Sync delay per message (histogram)', 'ms', r.series.syncDelayHistogram.map((b) => ({ label: `${b.fromMs}`, n: b.n }))),
  ];
  const rows = (pairs: [string, string][]) => pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td class="num">${v}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>midsim ${esc(r.scenario)} (${esc(r.mode)})</title><style>${STYLE}</style></head><body>
<h1>midsim run: ${esc(r.scenario)} &middot; ${esc(r.mode)} &middot; ${esc(r.runtime)} runtime</h1>
<div class="verdict ${r.verdict}" id="verdict">${r.verdict === 'pass' ? 'PASS' : 'FAIL'}: ${r.checks.length - failed.length} of ${r.checks.length} checks passed${failed.length ? ` (failed: ${failed.map((c) => esc(c.id)).join(', ')})` : ''}${gateSummary(r)}${r.quiesce.ok ? '' : ' &middot; the run did not quiesce'}</div>
<p class="narrative">${esc(r.narrative)}</p>
<h2>Numbers</h2><table id="metrics">${rows([
    ['recipients', num(m.recipients)],
    ['delivered', num(m.delivered)],
    ['failed hard / soft / ignored', `${num(m.failed.hard)} / ${num(m.failed.soft)} / ${num(m.failed.ignored)}`],
    ['lost', num(m.lost)],
    ['duplicates (indeterminate apart)', `${num(m.duplicates)} (${num(m.indeterminate)} indeterminate outcomes)`],
    ['delivery parts submitted again', num(m.partsResubmitted)],
    ['async bounces', num(m.bounces)],
    ['opens / clicks visible on marketing', `${num(m.opens)} / ${num(m.clicks)}`],
    ['throughput', `${num(m.throughput.messagesPerSecond, 1)} msg/s = ${num(m.throughput.messagesPerHour)} msg/h (wall clock)`],
    ['sync delay p50 / p95 / p99 / max', `${ms(m.syncDelayMs.p50)} / ${ms(m.syncDelayMs.p95)} / ${ms(m.syncDelayMs.p99)} / ${ms(m.syncDelayMs.max)} (wall) &middot; x${r.timeScale} simulated: ${ms(m.syncDelayMs.p95 === null ? null : m.syncDelayMs.p95 * r.timeScale)} p95`],
    ['client uplink bytes per message / SMTP bytes per message', `${num(m.bandwidth.uplinkBytesPerMessage)} / ${num(m.bandwidth.smtpBytesPerMessage)} (ratio ${num(m.bandwidth.ratio, 3)})`],
    ['duration', ms(r.durationMs)],
  ])}</table>
<h2>Charts</h2>${charts.join('\n')}
${r.faults.length ? faultTable(r) : ''}
<h2>Checks</h2><table id="checks"><tr><th>check</th><th>status</th><th>detail</th></tr>${r.checks
    .map((c) => `<tr><td><b>${esc(c.id)}</b><br>${esc(c.title)}</td><td class="status-${c.status}">${c.status}</td><td>${esc(c.detail)}</td></tr>`)
    .join('')}</table>
${gateTable(r)}
<h2>Links</h2><table id="links"><tr><th>link</th><th>protocol</th><th>crosses the client boundary</th><th>bytes up</th><th>bytes down</th></tr>${r.links
    .map((l) => `<tr><td>${esc(l.name)}</td><td>${esc(l.protocol)}</td><td>${l.crossesClientBoundary ? 'yes' : ''}</td><td class="num">${num(m.links[l.name]?.bytesUp)}</td><td class="num">${num(m.links[l.name]?.bytesDown)}</td></tr>`)
    .join('')}</table>
<h2>Ports</h2><p>${r.runtime === 'process' ? 'The process runtime remaps the documented ports to free loopback ports:' : 'Each container listens on its documented port:'}</p>
<table id="ports"><tr><th>node</th><th>role</th><th>documented</th><th>actual</th></tr>${r.ports.map((p) => `<tr><td>${esc(p.node)}</td><td>${esc(p.role)}</td><td class="num">${p.documented}</td><td class="num">${p.actual}</td></tr>`).join('')}</table>
<h2>Hardware</h2>${renderHardware(r.hardware)}
${r.portPolicy ? `<h2>Port policy</h2>${renderPortPolicy(r.portPolicy)}` : ''}
<h2>Run</h2><table>${rows([
    ['seed', String(r.seed)],
    ['time scale', `x${r.timeScale}`],
    ['started', esc(r.startedAt)],
    ['re-run', `<code>${esc(r.command)}</code>`],
    ['versions', esc(Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', '))],
  ])}</table>
</body></html>
`;
}

/** Thresholds and the baseline comparison: failed gates fail the run like failed checks. */
function gateSummary(r: RunResult): string {
  const gates = r.gates ?? [];
  const failed = gates.filter((g) => g.status === 'fail');
  return gates.length ? ` &middot; ${gates.length - failed.length} of ${gates.length} gates passed${failed.length ? ` (failed: ${failed.map((g) => esc(g.id)).join(', ')})` : ''}` : '';
}
function gateTable(r: RunResult): string {
  if (!r.gates?.length) return '';
  return `<h2>Gates (thresholds, baseline)</h2><table id="gates"><tr><th>gate</th><th>status</th><th>detail</th></tr>${r.gates
    .map((g) => `<tr><td><b>${esc(g.id)}</b><br>${esc(g.title)}</td><td class="status-${g.status}">${g.status}</td><td>${esc(g.detail)}</td></tr>`)
    .join('')}</table>`;
}

function faultTable(r: RunResult): string {
  const o = r.metrics.outsideFaults;
  const row = (name: string, when: string, w: RunResult['metrics']['outsideFaults']) =>
    `<tr><td>${name}</td><td>${when}</td><td class="num">${num(w.messages)}</td><td class="num">${num(w.messagesPerSecond, 1)}</td><td class="num">${ms(w.syncDelayP95Ms)}</td><td class="num">${ms(w.soapRttP50Ms)}</td><td class="num">${num(w.soapFailures)}</td></tr>`;
  return `<h2>Faults</h2><table id="faults"><tr><th>fault</th><th>window (s since the delivery started)</th><th>messages with their SMTP outcome in it</th><th>msg/s</th><th>sync delay p95</th><th>SOAP round trip p50</th><th>SOAP probes failed</th></tr>
${r.faults.map((f) => row(`<b>${esc(f.name)}</b> (${esc(f.kind)} on ${esc(f.target)})`, `${f.from.toFixed(1)} – ${f.to === null ? 'end' : f.to.toFixed(1)}`, f)).join('')}
${row('<i>outside every fault</i>', '', o)}</table>`;
}
