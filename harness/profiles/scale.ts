// A documented machine (say 2x quad-core 3 GHz) does not fit a 2-core test host, so a profile is
// scaled: its machines together get a share of this host (half by default: the provider's nodes,
// the simulated Internet and the harness need the rest), each in proportion to its documented
// capacity in GHz x cores. A profile that fits is not scaled up. Memory is scaled the same way only
// when the machines would not fit in that share of the host's memory. Nodes on one machine split
// it evenly: docker quotas are per container.
import type { HardwareProfile } from './schema.js';

export interface HostCapacity {
  cpus: number;
  /** Clock of one host core (GHz); an assumption when the docker host is remote. */
  ghz: number;
  memoryMb: number;
}

export interface NodeQuota {
  node: string;
  machine: string;
  /** CPU quota in host cores (docker --cpus). */
  cpus: number;
  memoryMb: number;
}

export interface Scaling {
  cpuFactor: number;
  memoryFactor: number;
  hostShare: number;
  host: HostCapacity;
  quotas: NodeQuota[];
  /** The profile's nodes that are not in the topology (left out). */
  absent: string[];
  /** One paragraph for the report: how the documented figures became these quotas. */
  note: string;
}

export const DEFAULT_HOST_SHARE = 0.5;

export function ghzCores(cpu: { sockets: number; cores: number; ghz: number }): number {
  return cpu.sockets * cpu.cores * cpu.ghz;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function scaleProfile(p: HardwareProfile, host: HostCapacity, topologyNodes: string[], hostShare = DEFAULT_HOST_SHARE): Scaling {
  const present = new Set(topologyNodes);
  const machines = Object.entries(p.machines)
    .map(([name, m]) => ({ name, m, nodes: m.nodes.filter((n) => present.has(n)) }))
    .filter((x) => x.nodes.length > 0);
  const absent = Object.values(p.machines).flatMap((m) => m.nodes.filter((n) => !present.has(n)));
  const demand = machines.reduce((s, x) => s + ghzCores(x.m.cpu), 0);
  const capacity = host.cpus * host.ghz * hostShare;
  const cpuFactor = demand > 0 ? Math.min(1, capacity / demand) : 1;
  const memoryDemand = machines.reduce((s, x) => s + x.m.memoryMb, 0);
  const memoryFactor = memoryDemand > 0 ? Math.min(1, (host.memoryMb * hostShare) / memoryDemand) : 1;
  const quotas: NodeQuota[] = machines.flatMap((x) =>
    x.nodes.map((node) => ({
      node,
      machine: x.name,
      cpus: Math.max(0.01, round((ghzCores(x.m.cpu) * cpuFactor) / host.ghz / x.nodes.length)),
      memoryMb: Math.max(64, Math.floor((x.m.memoryMb * memoryFactor) / x.nodes.length)),
    })),
  );
  const note =
    `CPU: the profile's machines add up to ${round(demand, 1)} GHz x cores; this host has ${host.cpus} cores at ${round(host.ghz, 2)} GHz, ` +
    `of which ${Math.round(hostShare * 100)}% (${round(capacity, 1)} GHz x cores) goes to them, so every documented machine gets ` +
    `${round(cpuFactor, 3)} of its capacity, converted to host cores at ${round(host.ghz, 2)} GHz. ` +
    `Memory: ${memoryDemand} MB documented, ${memoryFactor < 1 ? `scaled by ${round(memoryFactor, 3)} to fit ${Math.round(hostShare * 100)}% of this host's ${host.memoryMb} MB` : 'as documented'}. ` +
    `Nodes on one machine split it evenly (quotas are per container); disks are not modelled.` +
    (absent.length ? ` Not in this topology: ${absent.join(', ')}.` : '');
  return { cpuFactor, memoryFactor, hostShare, host, quotas, absent, note };
}
