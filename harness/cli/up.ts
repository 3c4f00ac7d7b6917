// midsim up: start a topology and keep it running, printing every endpoint, so that a person can
// explore it (browser, swaks, psql) and inject faults by hand through the Toxiproxy API. Ctrl-C
// (or SIGTERM) stops every node, the databases and the fault proxy.
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { REPORTS } from '../paths.js';
import { onInterrupt } from '../run/interrupt.js';
import { topologyOptions } from '../run/run.js';
import { loadScenario } from '../run/scenarios.js';
import { RUNTIMES } from '../runtime/index.js';
import type { RunningTopology } from '../runtime/types.js';
import { MODES } from '../topology/modes.js';

interface UpFlags {
  mode?: string;
  scenario: string;
  runtime: string;
  out?: string;
}

/** Where a person reaches each service, one line each (the harness's own view: direct, not through the links). */
export function endpointLines(r: RunningTopology): string[] {
  const t = r.topology;
  const at = (node: string, role: string) => {
    const a = r.endpoint(node, role);
    return `${a.host}:${a.port}`;
  };
  const lines: string[] = [];
  for (const n of t.nodes) {
    if (n.kind === 'postgres') {
      for (const db of n.databases) lines.push(`database    ${n.name}: ${r.databaseUrl(n.name, db)}   (psql '<url>')`);
      continue;
    }
    if (n.kind === 'internet') {
      for (const role of Object.keys(n.ports).filter((p) => p.startsWith('smtp:'))) lines.push(`sink        MX of ${role.slice(5)}: smtp://${at(n.name, role)}   (swaks --server ${at(n.name, role)} --to someone@${role.slice(5)})`);
      lines.push(`internet    events and stats: http://${at(n.name, 'control')}/events, /stats`);
      continue;
    }
    const site = n.site === 'marketing' ? 'client' : n.site === 'mid' ? 'provider' : n.site;
    if (n.module === 'app-server') {
      const web = t.facts.clientAccess ? `${r.links[t.facts.clientAccess].listen.host}:${r.links[t.facts.clientAccess].listen.port}` : at(n.name, 'web');
      lines.push(`app server  ${n.name} (${site}): http://${web}/api/status, web form http://${web}/forms/subscribe`);
    } else if (n.module === 'mid-relay') lines.push(`SOAP        ${n.name} (${site}): http://${at(n.name, 'web')}/nl/jsp/soaprouter.jsp (WSDL: ?wsdl)`);
    else if (n.module === 'redirector') lines.push(`tracking    ${n.name} (${site}): http://${at(n.name, 'http')}/r/test`);
    else if (n.module === 'bounce-handler') lines.push(`inMail      ${n.name} (${site}): smtp://${at(n.name, 'smtp')}`);
    else if (n.module === 'stat-server') lines.push(`stat server ${n.name} (${site}): tcp://${at(n.name, 'stat')}`);
    else if (n.module === 'mta') lines.push(`MTA         ${n.name} (${site}): control http://${at(n.name, 'control')}/metrics`);
  }
  lines.push(`fault proxy Toxiproxy API: ${r.toxiproxyUrl}/proxies   (e.g. curl -X POST ${r.toxiproxyUrl}/proxies/<link>/toxics -d '{"type":"latency","attributes":{"latency":500}}')`);
  for (const [name, l] of Object.entries(r.links)) lines.push(`link        ${name}: ${l.listen.host}:${l.listen.port} -> ${l.upstream.host}:${l.upstream.port}`);
  return lines;
}

export async function upCommand(f: UpFlags): Promise<number> {
  const scenario = await loadScenario(f.scenario, { mode: f.mode });
  const runtime = RUNTIMES[f.runtime];
  if (!runtime) throw new ConfigError(`--runtime: unknown runtime "${f.runtime}" (known: ${Object.keys(RUNTIMES).join(', ')})`);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const runDir = f.out ?? join(REPORTS, `${stamp}-up-${scenario.mode}`);
  mkdirSync(runDir, { recursive: true });
  const say = (l: string) => process.stderr.write(`${l}\n`);
  const topology = MODES[scenario.mode](topologyOptions(scenario));
  // The runtime stops everything on Ctrl-C (its own interrupt handler) before the process exits;
  // then the databases' files go too: an explored topology leaves only its logs and configs.
  onInterrupt(async () => {
    say('stopping...');
  });
  process.once('exit', () => {
    rmSync(join(runDir, 'pg'), { recursive: true, force: true });
    process.stderr.write(`stopped; logs and configs are in ${relative(process.cwd(), runDir) || '.'}\n`);
  });
  const running = await runtime.start(topology, { runDir, say });
  console.log([`midsim up: ${scenario.mode} mode on the ${running.runtime} runtime; logs in ${relative(process.cwd(), runDir) || '.'}/logs`, ...endpointLines(running), 'ready: press Ctrl-C to stop everything'].join('\n'));
  await new Promise(() => {}); // until Ctrl-C or SIGTERM: the interrupt handler stops and exits
  return 0;
}
