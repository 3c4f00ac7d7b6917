// JUnit XML, the format CI systems read: one test case per check, threshold or requirement. It is
// derived from result.json / conformance.json, never the other way round.

export interface JUnitCase {
  name: string;
  classname: string;
  status: 'pass' | 'fail' | 'error' | 'skipped';
  /** One line: why it failed or was skipped. */
  message?: string;
  /** Longer text for a failure (the check's detail). */
  detail?: string;
  timeMs?: number;
  /** Shown by CI systems that read test case properties (source of a requirement, mode...). */
  properties?: Record<string, string>;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
  timestamp?: string;
  properties?: Record<string, string>;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Escaped for XML text and attributes; characters XML 1.0 cannot carry are dropped. */
export function xmlEscape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const attrs = (a: Record<string, string | number | undefined>) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

function properties(p: Record<string, string> | undefined, indent: string): string {
  if (!p || !Object.keys(p).length) return '';
  const lines = Object.entries(p).map(([name, value]) => `${indent}  <property${attrs({ name, value })}/>`);
  return `${indent}<properties>\n${lines.join('\n')}\n${indent}</properties>\n`;
}

function testCase(c: JUnitCase): string {
  const head = `    <testcase${attrs({ name: c.name, classname: c.classname, time: ((c.timeMs ?? 0) / 1000).toFixed(3) })}`;
  let body = properties(c.properties, '      ');
  if (c.status === 'fail') body += `      <failure${attrs({ message: c.message ?? 'failed', type: 'failure' })}>${xmlEscape(c.detail ?? c.message ?? '')}</failure>\n`;
  if (c.status === 'error') body += `      <error${attrs({ message: c.message ?? 'error', type: 'error' })}>${xmlEscape(c.detail ?? c.message ?? '')}</error>\n`;
  if (c.status === 'skipped') body += `      <skipped${attrs({ message: c.message })}/>\n`;
  return body ? `${head}>\n${body}    </testcase>` : `${head}/>`;
}

export function renderJUnit(suites: JUnitSuite[], name = 'midsim'): string {
  const count = (s: JUnitSuite[], st: JUnitCase['status']) => s.reduce((n, x) => n + x.cases.filter((c) => c.status === st).length, 0);
  const time = (cs: JUnitCase[]) => (cs.reduce((t, c) => t + (c.timeMs ?? 0), 0) / 1000).toFixed(3);
  const all = suites.flatMap((s) => s.cases);
  const body = suites.map((s) => {
    const head = `  <testsuite${attrs({
      name: s.name,
      tests: s.cases.length,
      failures: count([s], 'fail'),
      errors: count([s], 'error'),
      skipped: count([s], 'skipped'),
      time: time(s.cases),
      timestamp: s.timestamp,
    })}>`;
    return [head, properties(s.properties, '    ').trimEnd(), ...s.cases.map(testCase), '  </testsuite>'].filter(Boolean).join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name, tests: all.length, failures: count(suites, 'fail'), errors: count(suites, 'error'), skipped: count(suites, 'skipped'), time: time(all) })}>`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}

/** What `midsim run` reports: its checks and its gate results (thresholds, baseline). */
export interface RunForJUnit {
  scenario: string;
  mode: string;
  runtime?: string;
  seed?: number;
  startedAt?: string;
  command?: string;
  checks: { id: string; title?: string; status: 'pass' | 'fail'; detail: string }[];
  quiesce?: { ok: boolean; detail: string };
}

/** One suite for a run: a case per check and per threshold/baseline comparison, and one for settling. */
export function runToJUnit(run: RunForJUnit, gates: { id: string; title?: string; status: 'pass' | 'fail'; detail: string }[] = []): string {
  const classname = `midsim.run.${run.scenario}.${run.mode}`;
  const asCase = (c: { id: string; title?: string; status: 'pass' | 'fail'; detail: string }, kind: string): JUnitCase => ({
    name: c.title ? `${c.id}: ${c.title}` : c.id,
    classname,
    status: c.status,
    message: c.status === 'fail' ? c.detail.split('\n')[0].slice(0, 300) : undefined,
    detail: c.detail,
    properties: { kind, detail: c.detail },
  });
  const cases = [...run.checks.map((c) => asCase(c, 'check')), ...gates.map((g) => asCase(g, g.id.startsWith('baseline:') ? 'baseline' : 'threshold'))];
  if (run.quiesce) {
    cases.unshift({
      name: 'settled: the run settled before its final state was read',
      classname,
      status: run.quiesce.ok ? 'pass' : 'fail',
      message: run.quiesce.ok ? undefined : run.quiesce.detail,
      detail: run.quiesce.detail,
      properties: { kind: 'run' },
    });
  }
  const props: Record<string, string> = { scenario: run.scenario, mode: run.mode };
  if (run.runtime) props.runtime = run.runtime;
  if (run.seed !== undefined) props.seed = String(run.seed);
  if (run.command) props.command = run.command;
  return renderJUnit([{ name: `${run.scenario} (${run.mode})`, timestamp: run.startedAt, cases, properties: props }]);
}
