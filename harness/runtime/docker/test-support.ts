// Helpers of the containers tests: a fresh run directory (its name is the run's label), what a run
// left on the engine, and a probe run inside a node's container (its network namespace, its
// firewall rules, the run network's names).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { dockerClient, findLeftovers } from './cleanup.js';
import { LABEL_NODE, LABEL_RUN } from './labels.js';

export function runDir(prefix = 'midsim-ct-'): { dir: string; run: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, run: basename(dir) };
}

/** Containers and networks still on the engine with this run's label. */
export async function leftoversOf(run: string): Promise<string[]> {
  const found = await findLeftovers(await dockerClient(), { run });
  return [...found.containers.map((c) => `container ${c.node} ${c.state}`), ...found.networks.map((n) => `network ${n.name}`)];
}

export interface ConnectOutcome {
  outcome: 'connected' | 'timeout' | string;
  ms: number;
}

/**
 * Open a TCP connection from inside a node's container (docker exec, the image's node), waiting at
 * most timeoutMs: 'connected', 'timeout' (no answer: a black hole) or the error code (ECONNREFUSED).
 */
export async function connectFrom(run: string, node: string, host: string, port: number, timeoutMs = 2000): Promise<ConnectOutcome> {
  const docker = await dockerClient();
  const [c] = await docker.listContainers({ filters: JSON.stringify({ label: [`${LABEL_RUN}=${run}`, `${LABEL_NODE}=${node}`] }) });
  if (!c) throw new Error(`no running container for node ${node} of run ${run}`);
  const script = `const t=Date.now();const s=require('net').connect(${port},${JSON.stringify(host)});s.setTimeout(${timeoutMs});
const done=(o)=>{console.log(JSON.stringify({outcome:o,ms:Date.now()-t}));s.destroy();process.exit(0)};
s.on('connect',()=>done('connected'));s.on('timeout',()=>done('timeout'));s.on('error',(e)=>done(e.code||e.message));`;
  const exec = await docker.getContainer(c.Id).exec({ Cmd: ['node', '-e', script], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  docker.modem.demuxStream(stream, out, out);
  await new Promise((resolve) => stream.on('end', resolve));
  const line = text.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ConnectOutcome;
  } catch {
    throw new Error(`probe in ${node} printed: ${text}`);
  }
}
