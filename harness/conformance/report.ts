// The catalogue's outputs, all derived from conformance.json: the text matrix the CLI prints,
// junit.xml (one case per requirement and mode, its source in the properties) and the HTML matrix.
import { renderJUnit, xmlEscape as esc, type JUnitCase } from '../report/junit.js';
import type { BounceScore } from '../checks/bounce-score.js';
import type { Cell, ConformanceResult } from './run.js';

const cellOf = (r: ConformanceResult, id: string, mode: string): Cell | undefined => r.cells.find((c) => c.requirement === id && c.mode === mode);
const MARK = { pass: 'pass', fail: 'FAIL', 'n.a.': 'n.a.' } as const;

export function renderMatrix(r: ConformanceResult): string {
  const w = Math.max(...r.modes.map((m) => m.length), 5);
  const head = `${'requirement'.padEnd(12)} ${r.modes.map((m) => m.padEnd(w)).join(' ')}  text`;
  const rows = r.requirements.map((q) => `${q.id.padEnd(12)} ${r.modes.map((m) => MARK[cellOf(r, q.id, m)?.status ?? 'n.a.'].padEnd(w)).join(' ')}  ${q.text}`);
  const failed = r.cells.filter((c) => c.status === 'fail');
  const count = (s: string) => r.cells.filter((c) => c.status === s).length;
  return [
    head,
    ...rows,
    '',
    ...failed.map((c) => `FAIL ${c.requirement} (${c.mode}): ${c.detail}`),
    ...(r.unchecked ?? []).map((m) => `FAIL mode ${m}: no requirement of the catalogue applies to it, nothing was checked`),
    `${r.verdict.toUpperCase()}: ${r.requirements.length} requirements x ${r.modes.length} mode(s): ${count('pass')} pass, ${count('fail')} fail, ${count('n.a.')} n.a.`,
  ].join('\n');
}

export function conformanceToJUnit(r: ConformanceResult): string {
  const suites = r.modes.map((mode) => ({
    name: `conformance (${mode})`,
    timestamp: r.startedAt,
    properties: { target: r.target, runtime: r.runtime, mode },
    cases: r.requirements.map((q): JUnitCase => {
      const c = cellOf(r, q.id, mode);
      const status = c?.status === 'pass' ? 'pass' : c?.status === 'fail' ? 'fail' : 'skipped';
      return {
        name: `${q.id}: ${q.text}`,
        classname: `midsim.conformance.${mode}`,
        status,
        message: status === 'pass' ? undefined : (c?.detail ?? 'not run').slice(0, 300),
        detail: c?.detail,
        timeMs: c?.timeMs,
        properties: { source: q.source, modes: q.modes.join(','), detail: c?.detail ?? '' },
      };
    }),
  }));
  return renderJUnit(suites, 'midsim conformance');
}

function bounceTable(r: ConformanceResult): string {
  const c = r.cells.find((x) => x.requirement === 'MS-QUAL-01' && x.data);
  const s = c?.data as Pick<BounceScore, 'perReason' | 'accuracy' | 'recipients'> | undefined;
  if (!s) return '';
  const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
  const rows = Object.entries(s.perReason)
    .sort((a, b) => b[1].support - a[1].support)
    .map(([reason, x]) => `<tr><td>${esc(reason)}</td><td class="num">${x.support}</td><td class="num">${x.predicted}</td><td class="num">${pct(x.precision)}</td><td class="num">${pct(x.recall)}</td></tr>`)
    .join('');
  return `<h2>Bounce qualification (MS-QUAL-01)</h2><p>reasonCode accuracy ${pct(s.accuracy)} over ${s.recipients} labelled failed recipients.</p>
<table id="bounces"><tr><th>reason code</th><th>labelled</th><th>predicted</th><th>precision</th><th>recall</th></tr>${rows}</table>`;
}

export function renderConformanceHtml(r: ConformanceResult): string {
  const head = r.modes.map((m) => `<th>${esc(m)}</th>`).join('');
  const rows = r.requirements
    .map((q) => {
      const cells = r.modes
        .map((m) => {
          const c = cellOf(r, q.id, m);
          const s = c?.status ?? 'n.a.';
          return `<td class="s-${s === 'n.a.' ? 'na' : s}" title="${esc(c?.detail ?? '')}">${MARK[s]}</td>`;
        })
        .join('');
      const details = r.modes.map((m) => cellOf(r, q.id, m)).filter((c) => c && c.status !== 'n.a.').map((c) => `<div><b>${esc(c!.mode)}</b>: ${esc(c!.detail)}</div>`).join('');
      return `<tr id="${esc(q.id)}"><td><b>${esc(q.id)}</b></td><td>${esc(q.text)}<div class="src">${esc(q.source)}</div><details><summary>evidence</summary>${details}</details></td>${cells}</tr>`;
    })
    .join('\n');
  const contradictions = r.contradictions
    .map(
      (c) => `<tr><td><b>${esc(c.id)}</b> ${esc(c.topic)}</td><td>${c.readings.map((x) => `<div>${esc(x.reading)} <span class="src">(${esc(x.source)})</span></div>`).join('')}</td><td><b>${esc(c.follows)}</b>: ${esc(c.why)}${c.config ? `<div class="src">Other reading: ${esc(c.config)}</div>` : ''}${c.requirement ? `<div class="src">Checked by ${esc(c.requirement)}</div>` : ''}</td></tr>`,
    )
    .join('');
  const count = (s: string) => r.cells.filter((c) => c.status === s).length;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>midsim conformance</title><style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
.s-pass{background:#d8f3dc}.s-fail{background:#ffccd5;font-weight:bold}.s-na{color:#888}.src{color:#555;font-size:12px}.verdict{font-size:20px;padding:8px;font-weight:bold}.pass{background:#d8f3dc}.fail{background:#ffccd5}.num{text-align:right}
</style></head><body>
<h1>midsim conformance: ${esc(r.target)} target, ${esc(r.runtime)} runtime</h1>
<div class="verdict ${r.verdict}" id="verdict">${r.verdict.toUpperCase()}: ${r.requirements.length} requirements x ${r.modes.length} mode(s): ${count('pass')} pass, ${count('fail')} fail, ${count('n.a.')} n.a.</div>
<table id="matrix"><tr><th>id</th><th>requirement and source</th>${head}</tr>
${rows}</table>
${bounceTable(r)}
<h2>Where the documentation contradicts itself</h2><table id="contradictions"><tr><th>topic</th><th>readings</th><th>the reference follows</th></tr>${contradictions}</table>
<p class="src">Started ${esc(r.startedAt)}, ${(r.durationMs / 1000).toFixed(1)} s. ${Object.entries(r.runs).map(([m, x]) => (x ? `${esc(m)} campaign: ${esc(x.dir)} (${esc(x.verdict)})` : '')).join(' ')}</p>
</body></html>
`;
}
