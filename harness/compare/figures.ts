// What one mode's run measured, in the terms the comparison needs: throughput, the sync delay
// distribution, what crossed the client's boundary (bytes per 1,000 messages, which ports, which
// recipient columns), behaviour under the scenario's faults, resource use per node.
import { join } from 'node:path';
import { capturePath } from '../faults/capture.js';
import { readHistory } from '../probes/history.js';
import type { NodeResources } from '../probes/resources.js';
import type { Metrics, Percentiles } from '../report/metrics.js';
import type { RunResult } from '../report/result.js';
import type { Scenario } from '../scenario.js';
import type { Topology } from '../topology/types.js';
import { scanColumns } from './columns.js';

export interface BoundaryLink {
  link: string;
  /** out: opened from the client's site (or by its people); in: opened from outside into it. */
  direction: 'out' | 'in';
  /** The far side: the provider (WAN) or the Internet. */
  peer: 'provider' | 'internet';
  protocol: string;
  /** The documented port the connection goes to. */
  port: number | null;
  /** Bytes that left the client on this link, and that came in. */
  bytesOut: number;
  bytesIn: number;
  /** Recipient columns found in the bytes that left (null: not captured). */
  columns: string[] | null;
}

export interface FormsProbe {
  /** HTTP status of the subscription form at the app server, and the site it runs at. */
  appServer: { status: number; site: string };
  /** HTTP status of the same path at each mid-sourcing server. */
  mids: { node: string; status: number }[];
}

export interface ModeFigures {
  mode: string;
  /** The run's directory, relative to the comparison's. */
  runDir: string;
  verdict: 'pass' | 'fail';
  failedChecks: string[];
  recipients: number;
  delivered: number;
  lost: number;
  durationMs: number;
  throughput: { messagesPerSecond: number | null; messagesPerHour: number | null };
  throughputSeries: [number, number][];
  syncDelayMs: Percentiles;
  syncDelayHistogram: Metrics['series']['syncDelayHistogram'];
  boundary: { links: BoundaryLink[]; outPer1000: number; inPer1000: number; outToProviderPer1000: number; outToInternetPer1000: number };
  /** Nodes at the client's site: what the client runs and keeps highly available. */
  clientSite: { nodes: string[]; modules: string[]; executionModules: string[]; cpuSeconds: number; peakRssMb: number };
  resources: (NodeResources & { node: string; site: string })[];
  faults: RunResult['faults'];
  outsideFaults: Metrics['outsideFaults'];
  /** Timeline steps that target something this mode does not have (not applied). */
  notApplicable: string[];
  forms: FormsProbe | null;
  /** The hardware profile's targets as judged in this mode's run (empty without a profile). */
  profileTargets: { line: string; ok: boolean | null }[];
}

const EXECUTION = new Set(['mta', 'bounce-handler', 'redirector', 'stat-server']);

export async function figuresOf(o: {
  result: RunResult & { runDir: string };
  relDir: string;
  scenario: Scenario;
  topology: Topology;
  notApplicable: string[];
  forms: FormsProbe | null;
}): Promise<ModeFigures> {
  const { result: r, topology: t, scenario: s } = o;
  const m = r.metrics;
  const siteOf = new Map<string, string>(t.nodes.map((n) => [n.name, n.site]));
  siteOf.set('client', 'marketing'); // the client's people and tools (hosted mode's access link)
  const atClient = (node: string) => siteOf.get(node) === 'marketing';
  const per1000 = (b: number) => (r.metrics.recipients ? (b * 1000) / r.metrics.recipients : 0);

  const links: BoundaryLink[] = [];
  for (const l of r.links.filter((x) => x.crossesClientBoundary)) {
    const direction = atClient(l.from) ? 'out' : 'in';
    const bytes = m.links[l.name] ?? { bytesUp: 0, bytesDown: 0 };
    const spec = t.links.find((x) => x.name === l.name);
    const port = r.ports.find((p) => p.node === l.to && p.role === spec?.port)?.documented ?? null;
    const file = capturePath(join(r.runDir, 'capture'), l.name, direction === 'out' ? 'upstream' : 'downstream');
    const scan = await scanColumns(file, s.seed, s.workload.recipients, s.workload.domains);
    links.push({
      link: l.name,
      direction,
      peer: l.from === 'internet' || l.to === 'internet' ? 'internet' : 'provider',
      protocol: l.protocol,
      port,
      bytesOut: direction === 'out' ? bytes.bytesUp : bytes.bytesDown,
      bytesIn: direction === 'out' ? bytes.bytesDown : bytes.bytesUp,
      columns: scan ? scan.columns : null,
    });
  }
  const sum = (f: (l: BoundaryLink) => number, only?: (l: BoundaryLink) => boolean) => links.filter((l) => !only || only(l)).reduce((n, l) => n + f(l), 0);

  let resources: Record<string, NodeResources> = {};
  for await (const e of readHistory(join(r.runDir, 'history.ndjson'))) if (e.type === 'resources.final') resources = e.nodes as Record<string, NodeResources>;
  const clientNodes = t.nodes.filter((n) => n.site === 'marketing');
  const modules = clientNodes.flatMap((n) => (n.kind === 'module' ? [n.name] : []));
  const res = Object.entries(resources).map(([node, x]) => ({ node, site: siteOf.get(node) ?? '?', ...x }));
  const clientRes = res.filter((x) => x.site === 'marketing');

  return {
    mode: r.mode,
    runDir: o.relDir,
    verdict: r.verdict,
    failedChecks: r.checks.filter((c) => c.status !== 'pass').map((c) => c.id),
    recipients: m.recipients,
    delivered: m.delivered,
    lost: m.lost,
    durationMs: r.durationMs,
    throughput: { messagesPerSecond: m.throughput.messagesPerSecond, messagesPerHour: m.throughput.messagesPerHour },
    throughputSeries: r.series.throughput,
    syncDelayMs: m.syncDelayMs,
    syncDelayHistogram: r.series.syncDelayHistogram,
    boundary: {
      links,
      outPer1000: per1000(sum((l) => l.bytesOut)),
      inPer1000: per1000(sum((l) => l.bytesIn)),
      outToProviderPer1000: per1000(sum((l) => l.bytesOut, (l) => l.peer === 'provider')),
      outToInternetPer1000: per1000(sum((l) => l.bytesOut, (l) => l.peer === 'internet')),
    },
    clientSite: {
      nodes: clientNodes.map((n) => n.name),
      modules,
      executionModules: clientNodes.flatMap((n) => (n.kind === 'module' && EXECUTION.has(n.module) ? [n.name] : [])),
      cpuSeconds: clientRes.reduce((n, x) => n + x.cpuSeconds, 0),
      peakRssMb: clientRes.reduce((n, x) => n + x.peakRssMb, 0),
    },
    resources: res,
    faults: r.faults,
    outsideFaults: m.outsideFaults,
    notApplicable: o.notApplicable,
    forms: o.forms,
    profileTargets: (r.hardware.verdicts ?? []).map((v) => ({ line: v.line, ok: v.ok })),
  };
}
