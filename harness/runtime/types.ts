// The runtime interface: both the process and the docker runtime start a topology and hand back
// the same handle, so scenarios and checks cannot tell them apart.
import type { Address, Topology } from '../topology/types.js';
import type { NewEvent } from '../probes/history.js';
import type { HardwareProfile } from '../profiles/schema.js';

export interface LinkEndpoint {
  /** Name of the fault proxy that carries the link (Toxiproxy API). */
  proxy: string;
  /** The near end: where the `from` node connects. */
  listen: Address;
  /** The far end: the `to` node's port. */
  upstream: Address;
}

export interface PortRecord {
  node: string;
  role: string;
  documented: number;
  actual: number;
}

export interface RunningTopology {
  runtime: 'process' | 'docker';
  topology: Topology;
  runDir: string;
  /** Where the harness itself reaches a node's port (direct, not through a link). */
  endpoint(node: string, role: string): Address;
  /** postgres:// URL the harness uses to read a site's database (direct). */
  databaseUrl(node: string, database: string): string;
  links: Record<string, LinkEndpoint>;
  /** The fault proxy's Toxiproxy API base URL. */
  toxiproxyUrl: string;
  ports: PortRecord[];
  /**
   * A firewall fault on a link, until unblock(): 'drop' is a black hole (packets vanish, callers
   * wait and time out), 'reject' refuses connections (ECONNREFUSED) and resets open ones.
   * `direction` applies to drop: upstream (requests), downstream (answers) or both (default).
   * The process runtime does it in the fault proxy; the docker runtime with iptables.
   */
  block(link: string, kind: 'drop' | 'reject', direction?: 'upstream' | 'downstream' | 'both'): Promise<void>;
  unblock(link: string): Promise<void>;
  /** Node faults: crash (SIGKILL), stop, pause (SIGSTOP), resume (SIGCONT), restart. */
  signal(node: string, signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void>;
  restart(node: string): Promise<void>;
  /** Process ids per node, for resource sampling (process runtime). */
  pids(): Record<string, number>;
  /** After stop(): what the runtime enforced and measured, as history events (docker: hardware.node, hardware.link, hardware.scaling, firewall.policy). */
  observations?(): NewEvent[];
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  runDir: string;
  /** Progress lines ("starting mid-relay..."). */
  say?: (line: string) => void;
  /** Use this Toxiproxy (or compatible) server instead of starting midsim's own. */
  toxiproxyUrl?: string;
  /** A hardware profile to enforce (docker: CPU and memory quotas, link limits); the process runtime enforces none. */
  profile?: HardwareProfile;
  /** Capture the bytes of every link that crosses the client's boundary, not only the uplink (process runtime). */
  captureBoundary?: boolean;
  /** Apply the mode's port policy as firewall rules at the client's site (docker only). */
  portPolicy?: boolean;
}

export interface Runtime {
  start(topology: Topology, opts: RuntimeOptions): Promise<RunningTopology>;
}

/** The runtime could not bring the topology up: exit code 3. */
export class InfrastructureError extends Error {
  override name = 'InfrastructureError';
}
