// Real firewall rules in a container's network namespace, set from the host (nsenter + the host's
// iptables: the image has neither). Rules die with the namespace, so the runtime applies them
// again when a container restarts. Needs root and a local Docker engine.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InfrastructureError } from '../types.js';

const run = promisify(execFile);
const POLICY = 'MIDSIM-POLICY';

export type BlockKind = 'drop' | 'reject';
export type Direction = 'upstream' | 'downstream' | 'both';
export interface Destination {
  ip: string;
  port: number;
}

export async function iptables(pid: number, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('nsenter', ['-t', String(pid), '-n', 'iptables', '-w', ...args]);
    return stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new InfrastructureError(`iptables ${args.join(' ')} in the namespace of pid ${pid} failed (needs root, nsenter, iptables and a local Docker engine): ${err.stderr?.trim() || err.message}`);
  }
}

const tag = (link: string) => `midsim-block:${link}`;

/**
 * The rules of a block on a link, as seen from its `from` node: 'reject' refuses new connections
 * and resets open ones (a TCP reset, ECONNREFUSED for the caller); 'drop' is a black hole in the
 * chosen direction (upstream: the requests; downstream: the answers), the caller waits and times out.
 */
export function blockRules(link: string, to: Destination, kind: BlockKind, direction: Direction = 'both'): string[][] {
  const comment = ['-m', 'comment', '--comment', tag(link)];
  const out = ['OUTPUT', '-p', 'tcp', '-d', to.ip, '--dport', String(to.port), ...comment];
  const back = ['INPUT', '-p', 'tcp', '-s', to.ip, '--sport', String(to.port), ...comment];
  if (kind === 'reject') return [[...out, '-j', 'REJECT', '--reject-with', 'tcp-reset']];
  const rules: string[][] = [];
  if (direction !== 'downstream') rules.push([...out, '-j', 'DROP']);
  if (direction !== 'upstream') rules.push([...back, '-j', 'DROP']);
  return rules;
}

export async function block(pid: number, link: string, to: Destination, kind: BlockKind, direction: Direction = 'both'): Promise<void> {
  // Inserted first, so a block wins over the port policy's exceptions.
  for (const r of blockRules(link, to, kind, direction)) await iptables(pid, ['-I', ...r]);
}

export async function unblock(pid: number, link: string): Promise<void> {
  // iptables -S quotes every comment.
  const rules = (await iptables(pid, ['-S'])).split('\n').filter((r) => r.startsWith('-A ') && r.includes(`--comment "${tag(link)}"`));
  for (const r of rules) await iptables(pid, ['-D', ...splitRule(r.slice(3))]);
}

/** iptables -S output back into arguments (comments are quoted). */
export function splitRule(rule: string): string[] {
  return [...rule.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** The port policy of one container: loopback, answers, its allowed destinations; any other connection is refused and counted. */
export function policyRules(allow: Destination[]): string[][] {
  return [
    ['-N', POLICY],
    ['-A', POLICY, '-o', 'lo', '-j', 'RETURN'],
    ['-A', POLICY, '-m', 'state', '--state', 'ESTABLISHED,RELATED', '-j', 'RETURN'],
    ...allow.map((d) => ['-A', POLICY, '-p', 'tcp', '-d', d.ip, '--dport', String(d.port), '-j', 'RETURN']),
    ['-A', POLICY, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ['-A', POLICY, '-j', 'REJECT', '--reject-with', 'icmp-port-unreachable'],
    ['-A', 'OUTPUT', '-j', POLICY],
  ];
}

export async function applyPolicy(pid: number, allow: Destination[]): Promise<void> {
  for (const r of policyRules(allow)) await iptables(pid, r);
}

/** Packets the policy refused: one per refused connection attempt (a reset needs no retry). */
export function parseRefused(listing: string): number {
  return listing
    .split('\n')
    .filter((l) => /\bREJECT\b/.test(l))
    .reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0] || 0), 0);
}

export async function refused(pid: number): Promise<number> {
  return parseRefused(await iptables(pid, ['-L', POLICY, '-v', '-x', '-n']));
}
