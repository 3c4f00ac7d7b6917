// Building blocks of the deployment modes: the sites and their links. Module configs are built
// here from the runtime's addresses; a mode is a few lines that put these blocks together.
import type { NodeConfigInput } from '../../reference-impl/common/config.js';
import type { LinkSpec, ModuleNode, NodeSpec, Resolver } from './types.js';
import { HOST_NAMES, MID_OPERATOR, type TopologyOptions } from './options.js';

/** Documented ports (architecture documentation): web 80/443 -> web module 8080, local control 8005, SMTP 25, stat 7777, PostgreSQL 5432. */
export const PORTS = { web: 8080, http: 80, control: 8005, smtp: 25, stat: 7777, pg: 5432 };

type ExecSite = 'marketing' | 'mid';

/** A site's public host name; each further mid-sourcing server has its own (mid-2.provider.example). */
export function hostOf(site: ExecSite, suffix = ''): string {
  return site === 'mid' && suffix ? HOST_NAMES.mid.replace(/^mid/, `mid${suffix}`) : HOST_NAMES[site];
}

export function link(from: string, to: string, port: string, protocol: LinkSpec['protocol'], role: string, name = `${from}->${to}:${port}`, crossesClientBoundary = false): LinkSpec {
  return { name, role, from, to, port, protocol, crossesClientBoundary };
}

export function base(r: Resolver, instance: string, o: TopologyOptions): Pick<NodeConfigInput, 'instance' | 'timeScale' | 'control' | 'logLevel'> {
  return { instance, timeScale: o.timeScale, control: r.listen('control'), logLevel: (o.logLevel ?? 'info') as NodeConfigInput['logLevel'] };
}

/** The execution modules (MTA, inMail, redirector, stat server) of one site and their links. */
export function executionSite(site: ExecSite, db: string, o: TopologyOptions, suffix = '', mtaCount = 1): { nodes: NodeSpec[]; links: LinkSpec[] } {
  const n = (x: string) => `${x}${suffix}`;
  const mtaNames = Array.from({ length: mtaCount }, (_, i) => n(i ? `mta-${i + 1}` : 'mta'));
  const links: LinkSpec[] = [
    link(n('bounce-handler'), db, 'pg', 'pg', 'inmail->db'),
    link(n('redirector'), db, 'pg', 'pg', 'redirector->db'),
    link('internet', n('bounce-handler'), 'smtp', 'smtp', 'internet->inmail', `internet->inmail${suffix}`, site === 'marketing'),
    link('internet', n('redirector'), 'http', 'http', 'internet->redirector', `internet->redirector${suffix}`, site === 'marketing'),
  ];
  const nodes: NodeSpec[] = [
    { name: n('stat-server'), site, kind: 'module', module: 'stat-server', ports: { stat: PORTS.stat, control: PORTS.control },
      config: (r) => ({ ...base(r, site, o), stat: { ...r.listen('stat'), mxRules: o.mxRules, stateFile: r.stateFile(n('stat-server')) } }) },
    { name: n('redirector'), site, kind: 'module', module: 'redirector', ports: { http: PORTS.http, control: PORTS.control },
      config: (r) => ({ ...base(r, site, o), redirection: { site, ...r.listen('http'), db: { url: r.database(`${n('redirector')}->${db}:pg`, site) }, unsafeOpenRedirect: !!o.misconfig?.openRedirect } }) },
    { name: n('bounce-handler'), site, kind: 'module', module: 'bounce-handler', ports: { smtp: PORTS.smtp, control: PORTS.control },
      config: (r) => ({ ...base(r, site, o), inMail: { site, ...r.listen('smtp'), hostName: hostOf(site, suffix), db: { url: r.database(`${n('bounce-handler')}->${db}:pg`, site) } } }) },
  ];
  // Several MTAs share the site's queue (leased claims) and one stat server (shared quotas).
  for (const mta of mtaNames) {
    const m = mtaNode(site, db, o, mta, suffix);
    nodes.push(m.node);
    links.push(...m.links);
  }
  return { nodes, links };
}

/** One MTA of a site: its node and its links to the site database, the stat server and the MXs. */
function mtaNode(site: ExecSite, db: string, o: TopologyOptions, mta: string, suffix: string): { node: ModuleNode; links: LinkSpec[] } {
  const n = (x: string) => `${x}${suffix}`;
  const host = hostOf(site, suffix);
  const links: LinkSpec[] = [
    link(mta, db, 'pg', 'pg', 'mta->db'),
    link(mta, n('stat-server'), 'stat', 'stat', 'mta->stat', `${mta}->stat`),
    ...o.domains.map((d) => link(mta, 'internet', `smtp:${d.name}`, 'smtp', 'mta->internet', `${mta}->internet:${d.name}`, site === 'marketing')),
  ];
  const node: ModuleNode = {
    name: mta,
    site,
    kind: 'module',
    module: 'mta',
    ports: { control: PORTS.control },
    config: (r) => ({
      ...base(r, site, o),
      mta: {
        site,
        db: { url: r.database(`${mta}->${db}:pg`, site) },
        statServer: r.link(`${mta}->stat`),
        hostName: host,
        transportMap: Object.fromEntries(o.domains.map((d) => { const a = r.link(`${mta}->internet:${d.name}`); return [d.name, `${a.host}:${a.port}`]; })),
        mxRules: o.mxRules,
        bounceAddress: `bounce@${host}`,
        trackingBaseUrl: `http://${r.link(`internet->redirector${suffix}`).host}:${r.link(`internet->redirector${suffix}`).port}`,
        retryDelays: o.retryDelays,
      },
    }),
  };
  return { node, links };
}

/** The simulated Internet; `moreIntakes` are the bounce handlers of further sending sites (by their suffix). */
export function internet(o: TopologyOptions, suffix = '', moreIntakes: string[] = []): NodeSpec {
  return {
    name: 'internet',
    site: 'internet',
    kind: 'internet',
    ports: { control: PORTS.control, ...Object.fromEntries(o.domains.map((d) => [`smtp:${d.name}`, PORTS.smtp])) },
    config: (r) => ({
      seed: o.seed,
      domains: o.domains.map(({ name, weight: _weight, ...behaviour }) => ({ name, ...r.listen(`smtp:${name}`), behaviour })),
      bounceIntake: r.link(`internet->inmail${suffix}`),
      bounceIntakes: Object.fromEntries(moreIntakes.map((s) => [hostOf('mid', s), r.link(`internet->inmail${s}`)])),
      recipients: o.recipientBehaviour,
      control: r.listen('control'),
    }),
  };
}

/** The marketing instance; in mid-sourcing mode it reaches its mid(s) through `uplinks`. */
export function appServer(mode: 'mid-sourcing' | 'on-premise', o: TopologyOptions, uplinks = ['instance->mid:soap']): ModuleNode {
  return {
    name: 'app-server',
    site: 'marketing',
    kind: 'module',
    module: 'app-server',
    ports: { web: PORTS.web, control: PORTS.control },
    config: (r) => {
      const accounts = mode === 'mid-sourcing' ? uplinks.map((l) => ({ soapUrl: `http://${r.link(l).host}:${r.link(l).port}/`, ...MID_OPERATOR, partSize: o.partSize })) : [];
      return {
        ...base(r, 'marketing', o),
        web: {
          ...r.listen('web'),
          mode,
          db: { url: r.database('app-server->marketing-db:pg', 'marketing') },
          ...(accounts.length > 1 ? { mids: accounts } : { mid: accounts[0] }),
          sync: o.sync,
          partFields: o.misconfig?.allFieldsToMid ? 'all' : 'template',
          localMta: mode === 'mid-sourcing' && !!o.misconfig?.marketingMta,
        },
      };
    },
  };
}

export const pg = (name: string, site: 'marketing' | 'mid', db: string): NodeSpec => ({ name, site, kind: 'postgres', ports: { pg: PORTS.pg }, databases: [db] });


/** The mid-sourcing server's SOAP endpoint and its database link. */
export function midRelay(o: TopologyOptions, name = 'mid-relay', db = 'mid-db'): ModuleNode {
  return {
    name,
    site: 'mid',
    kind: 'module',
    module: 'mid-relay',
    ports: { web: PORTS.web, control: PORTS.control },
    config: (r) => ({ ...base(r, 'mid', o), mid: { ...r.listen('web'), db: { url: r.database(`${name}->${db}:pg`, 'mid') }, operators: [MID_OPERATOR], unsafeNonIdempotentParts: !!o.misconfig?.nonIdempotentParts } }),
  };
}
