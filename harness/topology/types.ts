// A topology is (mode, options) turned into nodes and links. Every link between two nodes is
// named and goes through the fault proxy, so it can be slowed, cut or counted. A topology says
// nothing about how nodes run: the runtime (process or docker) decides that.
import type { NodeConfigInput } from '../../reference-impl/common/config.js';

export type Site = 'marketing' | 'mid' | 'internet';
export type ModuleName = 'app-server' | 'mid-relay' | 'mta' | 'bounce-handler' | 'redirector' | 'stat-server';
export type Protocol = 'http' | 'soap' | 'smtp' | 'pg' | 'stat';

export interface Address {
  host: string;
  port: number;
}

/** What a node's configuration may ask of the runtime. */
export interface Resolver {
  /** Where this node listens for the given port role. */
  listen(role: string): Address;
  /** Where this node reaches another node: the near end of the named link. */
  link(name: string): Address;
  /** A postgres:// URL to a database through the named link. */
  database(link: string, database: string): string;
  /** A file that survives a restart of the node (its state). */
  stateFile(name: string): string;
}

interface BaseNode {
  name: string;
  site: Site;
  /** Port roles and the documented port of each (architecture documentation). */
  ports: Record<string, number>;
}
export interface ModuleNode extends BaseNode {
  kind: 'module';
  module: ModuleName;
  config(r: Resolver): NodeConfigInput;
}
export interface PostgresNode extends BaseNode {
  kind: 'postgres';
  databases: string[];
}
export interface InternetNode extends BaseNode {
  kind: 'internet';
  config(r: Resolver): Record<string, unknown>;
}
export type NodeSpec = ModuleNode | PostgresNode | InternetNode;

export interface LinkSpec {
  /** e.g. "instance->mid:soap", "mta->internet:a.test" */
  name: string;
  /** Family of links that faults can target by role: "instance->mid", "mta->internet", "mta->stat"... */
  role: string;
  from: string;
  to: string;
  /** Port role on the `to` node. */
  port: string;
  protocol: Protocol;
  /** Crosses the client site's boundary (the WAN link to the provider, or to the Internet). */
  crossesClientBoundary: boolean;
}

export interface Topology {
  mode: string;
  nodes: NodeSpec[];
  links: LinkSpec[];
  /** Names the checks need: the marketing instance's host name as it would say EHLO, etc. */
  facts: {
    marketingHostName: string;
    executionSite: 'marketing' | 'mid';
    /** The link whose bytes leave the client for the provider, if any. */
    clientUplink?: string;
    /** Hosted: the link through which the client's people and tools reach the instance (the harness uses it too). */
    clientAccess?: string;
    /** Several mids: every link from the instance to a mid (clientUplink is the first). */
    clientUplinks?: string[];
    /** Where the execution site's broadlog lives, when not the one mid-db (several mids). */
    executionDatabases?: { node: string; database: string }[];
  };
}

export function nodeByName(t: Topology, name: string): NodeSpec {
  const n = t.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`topology ${t.mode} has no node "${name}"`);
  return n;
}
