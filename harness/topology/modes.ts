// The deployment modes, each a few lines of data: which modules run at which site and which links
// join them. Module configs are built here from the runtime's addresses; no module code changes.
import type { NodeConfigInput } from '../../reference-impl/common/config.js';
import type { LinkSpec, ModuleNode, NodeSpec, Resolver, Topology } from './types.js';
import { HOST_NAMES, MID_OPERATOR, type TopologyOptions } from './options.js';

/** Documented ports (architecture documentation): web 80/443 -> web module 8080, local control 8005, SMTP 25, stat 7777, PostgreSQL 5432. */
export const PORTS = { web: 8080, http: 80, control: 8005, smtp: 25, stat: 7777, pg: 5432 };

type ExecSite = 'marketing' | 'mid';

function link(from: string, to: string, port: string, protocol: LinkSpec['protocol'], role: string, name = `${from}->${to}:${port}`, crossesClientBoundary = false): LinkSpec {
  return { name, role, from, to, port, protocol, crossesClientBoundary };
}

function base(r: Resolver, instance: string, o: TopologyOptions): Pick<NodeConfigInput, 'instance' | 'timeScale' | 'control' | 'logLevel'> {
  return { instance, timeScale: o.timeScale, control: r.listen('control'), logLevel: (o.logLevel ?? 'info') as NodeConfigInput['logLevel'] };
}

/** The execution modules (MTA, inMail, redirector, stat server) of one site and their links. */
function executionSite(site: ExecSite, db: string, o: TopologyOptions, suffix = ''): { nodes: NodeSpec[]; links: LinkSpec[] } {
  const n = (x: string) => `${x}${suffix}`;
  const host = HOST_NAMES[site];
  const mta = n('mta');
  const links: LinkSpec[] = [
    link(mta, db, 'pg', 'pg', 'mta->db'),
    link(n('bounce-handler'), db, 'pg', 'pg', 'inmail->db'),
    link(n('redirector'), db, 'pg', 'pg', 'redirector->db'),
    link(mta, n('stat-server'), 'stat', 'stat', 'mta->stat', `${mta}->stat`),
    ...o.domains.map((d) => link(mta, 'internet', `smtp:${d.name}`, 'smtp', 'mta->internet', `${mta}->internet:${d.name}`, site === 'marketing')),
    link('internet', n('bounce-handler'), 'smtp', 'smtp', 'internet->inmail', `internet->inmail${suffix}`, site === 'marketing'),
    link('internet', n('redirector'), 'http', 'http', 'internet->redirector', `internet->redirector${suffix}`, site === 'marketing'),
  ];
  const mtaNode: ModuleNode = {
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
  const nodes: NodeSpec[] = [
    { name: n('stat-server'), site, kind: 'module', module: 'stat-server', ports: { stat: PORTS.stat, control: PORTS.control },
      config: (r) => ({ ...base(r, site, o), stat: { ...r.listen('stat'), mxRules: o.mxRules, stateFile: r.stateFile(n('stat-server')) } }) },
    { name: n('redirector'), site, kind: 'module', module: 'redirector', ports: { http: PORTS.http, control: PORTS.control },
      config: (r) => ({ ...base(r, site, o), redirection: { site, ...r.listen('http'), db: { url: r.database(`${n('redirector')}->${db}:pg`, site) } } }) },
    { name: n('bounce-handler'), site, kind: 'module', module: 'bounce-handler', ports: { smtp: PORTS.smtp, control: PORTS.control },
      config: (r) => ({ ...base(r, site, o), inMail: { site, ...r.listen('smtp'), hostName: host, db: { url: r.database(`${n('bounce-handler')}->${db}:pg`, site) } } }) },
    mtaNode,
  ];
  return { nodes, links };
}

function internet(o: TopologyOptions, suffix = ''): NodeSpec {
  return {
    name: 'internet',
    site: 'internet',
    kind: 'internet',
    ports: { control: PORTS.control, ...Object.fromEntries(o.domains.map((d) => [`smtp:${d.name}`, PORTS.smtp])) },
    config: (r) => ({
      seed: o.seed,
      domains: o.domains.map(({ name, weight: _weight, ...behaviour }) => ({ name, ...r.listen(`smtp:${name}`), behaviour })),
      bounceIntake: r.link(`internet->inmail${suffix}`),
      recipients: o.recipientBehaviour,
      control: r.listen('control'),
    }),
  };
}

function appServer(mode: 'mid-sourcing' | 'on-premise', o: TopologyOptions): ModuleNode {
  return {
    name: 'app-server',
    site: 'marketing',
    kind: 'module',
    module: 'app-server',
    ports: { web: PORTS.web, control: PORTS.control },
    config: (r) => {
      const soap = mode === 'mid-sourcing' ? r.link('instance->mid:soap') : null;
      return {
        ...base(r, 'marketing', o),
        web: {
          ...r.listen('web'),
          mode,
          db: { url: r.database('app-server->marketing-db:pg', 'marketing') },
          mid: soap ? { soapUrl: `http://${soap.host}:${soap.port}/`, ...MID_OPERATOR, partSize: o.partSize } : undefined,
          sync: o.sync,
          partFields: o.misconfig?.allFieldsToMid ? 'all' : 'template',
          localMta: mode === 'mid-sourcing' && !!o.misconfig?.marketingMta,
        },
      };
    },
  };
}

const pg = (name: string, site: 'marketing' | 'mid', db: string): NodeSpec => ({ name, site, kind: 'postgres', ports: { pg: PORTS.pg }, databases: [db] });

export function midSourcing(o: TopologyOptions): Topology {
  const exec = executionSite('mid', 'mid-db', o);
  const nodes: NodeSpec[] = [
    pg('marketing-db', 'marketing', 'marketing'),
    pg('mid-db', 'mid', 'mid'),
    { name: 'mid-relay', site: 'mid', kind: 'module', module: 'mid-relay', ports: { web: PORTS.web, control: PORTS.control },
      config: (r) => ({ ...base(r, 'mid', o), mid: { ...r.listen('web'), db: { url: r.database('mid-relay->mid-db:pg', 'mid') }, operators: [MID_OPERATOR] } }) },
    appServer('mid-sourcing', o),
    ...exec.nodes,
    internet(o),
  ];
  const links: LinkSpec[] = [
    link('app-server', 'marketing-db', 'pg', 'pg', 'app->db'),
    link('app-server', 'mid-relay', 'web', 'soap', 'instance->mid', 'instance->mid:soap', true),
    link('mid-relay', 'mid-db', 'pg', 'pg', 'relay->db'),
    ...exec.links,
  ];
  if (o.misconfig?.marketingMta) {
    // A deliberately wrong deployment: the marketing instance's own MTA is running.
    const rogue = executionSite('marketing', 'marketing-db', o, '-marketing');
    nodes.push(...rogue.nodes);
    links.push(...rogue.links);
  }
  return { mode: 'mid-sourcing', nodes, links, facts: { marketingHostName: HOST_NAMES.marketing, executionSite: 'mid', clientUplink: 'instance->mid:soap' } };
}

export function onPremise(o: TopologyOptions): Topology {
  const exec = executionSite('marketing', 'marketing-db', o);
  return {
    mode: 'on-premise',
    nodes: [pg('marketing-db', 'marketing', 'marketing'), appServer('on-premise', o), ...exec.nodes, internet(o)],
    links: [link('app-server', 'marketing-db', 'pg', 'pg', 'app->db'), ...exec.links],
    facts: { marketingHostName: HOST_NAMES.marketing, executionSite: 'marketing' },
  };
}

export const MODES: Record<string, (o: TopologyOptions) => Topology> = {
  'mid-sourcing': midSourcing,
  'on-premise': onPremise,
};
