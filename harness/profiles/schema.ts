// A hardware profile is data (fixtures/hardware-profiles/<name>.json), validated once here: the
// documented machines and which nodes run on each, the WAN link, and the targets that count as
// "meets the profile". Figures come from the product's hardware recommendations and sizing notes.
import { z } from 'zod';
import { parseWith } from '../../reference-impl/common/errors.js';

export const Cpu = z.strictObject({
  sockets: z.number().int().min(1).default(1),
  /** Cores per socket. */
  cores: z.number().int().min(1),
  ghz: z.number().positive().max(10),
});

export const Machine = z.strictObject({
  cpu: Cpu,
  memoryMb: z.number().int().min(64),
  /** Documented storage; recorded in the report, not enforced. */
  disk: z.string().optional(),
  /** Topology nodes that run on this machine (they split it: docker quotas are per container). */
  nodes: z.array(z.string().min(1)).min(1),
});

export const LinkLimit = z
  .strictObject({
    /** Per connection, as Toxiproxy's bandwidth toxic, in both directions. */
    bandwidthMbps: z.number().positive().optional(),
    /** Round trip added by the link: half on the way out, half on the way back. */
    rttMs: z.number().int().min(0).optional(),
  })
  .refine((l) => l.bandwidthMbps !== undefined || l.rttMs !== undefined, 'a link limit needs bandwidthMbps or rttMs');

export const METRICS = {
  messagesPerHour: 'messages per hour (SMTP outcomes at the MXs)',
  syncDelayP95Ms: 'sync delay p95 (ms, wall time)',
  smtpMbpsPer10kPerHour: 'SMTP bandwidth per 10,000 messages per hour (Mb/s)',
} as const;

export const Target = z
  .strictObject({
    metric: z.enum(Object.keys(METRICS) as [keyof typeof METRICS, ...(keyof typeof METRICS)[]]),
    min: z.number().optional(),
    max: z.number().optional(),
    /** Where the figure comes from (the documentation's words, or midsim's own choice). */
    source: z.string().min(1),
  })
  .refine((t) => t.min !== undefined || t.max !== undefined, 'a target needs min or max');

export const HardwareProfile = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  description: z.string().min(1),
  source: z.string().min(1),
  /** The deployment mode the profile describes. */
  mode: z.enum(['mid-sourcing', 'on-premise']).optional(),
  machines: z.record(z.string().min(1), Machine).refine((m) => Object.keys(m).length > 0, 'at least one machine'),
  /** Limits per link role ("instance->mid") or link name. */
  links: z.record(z.string().min(1), LinkLimit).default({}),
  targets: z.array(Target).default([]),
}).superRefine((p, ctx) => {
  const seen = new Map<string, string>();
  for (const [machine, m] of Object.entries(p.machines)) {
    for (const n of m.nodes) {
      if (seen.has(n)) ctx.addIssue({ code: 'custom', path: ['machines', machine, 'nodes'], message: `node "${n}" is also on machine "${seen.get(n)}"` });
      seen.set(n, machine);
    }
  }
});
export type HardwareProfile = z.output<typeof HardwareProfile>;
export type HardwareProfileInput = z.input<typeof HardwareProfile>;
export type Target = z.output<typeof Target>;

export function parseProfile(raw: unknown, where = 'hardware profile'): HardwareProfile {
  return parseWith(HardwareProfile, raw, where);
}
