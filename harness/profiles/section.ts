// The report's hardware section, a fold over the history (the runtime's hardware.* events) and the
// metrics: what was enforced, what each node used, and a verdict per target of the profile.
import type { HistoryEvent } from '../probes/history.js';
import type { HardwareProfile } from './schema.js';
import { profileVerdicts, type ProfileMetrics, type Verdict } from './verdicts.js';

export interface NodeUsage {
  node: string;
  machine?: string;
  /** null: no limit. CPU in host cores, memory in MB. */
  limits: { cpus: number | null; memoryMb: number | null };
  /** CPU in % of one host core (mean over the run, peak over one sampling interval); memory in MB. */
  used: { cpuMeanPct: number; cpuPeakPct: number; memoryPeakMb: number; samples: number };
}

export interface HardwareSection {
  profile: string | null;
  enforced: boolean;
  note: string;
  scaling?: string;
  nodes?: NodeUsage[];
  links?: { link: string; bandwidthMbps?: number; rttMs?: number }[];
  verdicts?: Verdict[];
}

export const PROCESS_NOTE = 'The process runtime does not enforce CPU, memory or link limits: every node shares this machine.';

export async function hardwareSection(o: {
  profile: HardwareProfile | null;
  runtime: string;
  events: AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>;
  metrics: ProfileMetrics;
}): Promise<HardwareSection> {
  const nodes: NodeUsage[] = [];
  const links: NonNullable<HardwareSection['links']> = [];
  let scaling: string | undefined;
  for await (const e of o.events) {
    if (e.type === 'hardware.node') nodes.push({ node: String(e.node), machine: e.machine as string | undefined, limits: e.limits as NodeUsage['limits'], used: e.used as NodeUsage['used'] });
    else if (e.type === 'hardware.link') links.push({ link: String(e.link), bandwidthMbps: e.bandwidthMbps as number | undefined, rttMs: e.rttMs as number | undefined });
    else if (e.type === 'hardware.scaling') scaling = String(e.note);
  }
  const enforced = o.runtime === 'docker' && o.profile !== null;
  const name = o.profile?.name ?? null;
  const note =
    o.runtime !== 'docker'
      ? PROCESS_NOTE + (name ? ` The targets of profile ${name} are compared all the same.` : '')
      : name
        ? `The docker runtime enforced profile ${name}: CPU and memory quotas per container, scaled to this host, and the link limits in the fault proxy.`
        : 'No hardware profile: the containers ran without CPU or memory quotas; what each used is measured all the same.';
  return {
    profile: name,
    enforced,
    note,
    ...(scaling ? { scaling } : {}),
    ...(nodes.length ? { nodes } : {}),
    ...(links.length ? { links } : {}),
    ...(o.profile ? { verdicts: profileVerdicts(o.profile, { metrics: o.metrics }) } : {}),
  };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const num = (x: number | null | undefined, unit = '') => (x === null || x === undefined ? 'none' : `${Math.round(x * 100) / 100}${unit}`);

/** The section as HTML, for report.html. */
export function renderHardware(h: HardwareSection): string {
  const parts = [`<p>${esc(h.note)}</p>`];
  if (h.scaling) parts.push(`<p>${esc(h.scaling)}</p>`);
  if (h.verdicts?.length) {
    parts.push(`<ul id="profile-verdicts">${h.verdicts.map((v) => `<li class="${v.ok === false ? 'fail' : v.ok ? 'pass' : ''}">${esc(v.line)}</li>`).join('')}</ul>`);
  }
  if (h.nodes?.length) {
    parts.push(
      `<table id="hardware"><tr><th>node</th><th>machine</th><th>CPU limit (cores)</th><th>memory limit</th><th>CPU used, mean</th><th>CPU used, peak</th><th>memory used, peak</th></tr>${h.nodes
        .map((n) => `<tr><td>${esc(n.node)}</td><td>${esc(n.machine ?? '')}</td><td class="num">${num(n.limits.cpus)}</td><td class="num">${num(n.limits.memoryMb, ' MB')}</td><td class="num">${num(n.used.cpuMeanPct, '%')}</td><td class="num">${num(n.used.cpuPeakPct, '%')}</td><td class="num">${num(n.used.memoryPeakMb, ' MB')}</td></tr>`)
        .join('')}</table><p>CPU in % of one host core; memory without the page cache.</p>`,
    );
  }
  if (h.links?.length) parts.push(`<p>Link limits: ${h.links.map((l) => esc(`${l.link}: ${l.bandwidthMbps ? `${l.bandwidthMbps} Mb/s per connection` : ''}${l.bandwidthMbps && l.rttMs !== undefined ? ', ' : ''}${l.rttMs !== undefined ? `${l.rttMs} ms round trip` : ''}`)).join('; ')}</p>`);
  return parts.join('\n');
}
