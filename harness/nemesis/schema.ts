// The nemesis timeline of a scenario: faults on links (by name or role), on nodes, and on the
// simulated Internet's MXs, each starting at an offset or when the run reaches a point, and healed
// after a duration (or at the end of the run). Times are simulated time, like every schedule.
import { z } from 'zod';
import { parseDuration } from '../../reference-impl/common/duration.js';

const duration = z.string().superRefine((v, ctx) => {
  try {
    parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});
const direction = z.enum(['upstream', 'downstream', 'both']);

/** "1Mb/s", "512kb/s", "100KB/s" -> KB/s (Toxiproxy's bandwidth unit, 1 KB = 1000 bytes). */
export function parseRate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(k|K|M|G)?(b|B)\/s\s*$/.exec(text);
  if (!m) throw new Error(`invalid rate "${text}": expected e.g. "1Mb/s", "512kb/s" or "200KB/s"`);
  const scale = { k: 1e3, K: 1e3, M: 1e6, G: 1e9 }[m[2] as 'k'] ?? 1;
  const bytesPerSecond = (Number(m[1]) * scale) / (m[3] === 'b' ? 8 : 1);
  return bytesPerSecond / 1000;
}
const rate = z.string().superRefine((v, ctx) => {
  try {
    parseRate(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const LinkFault = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('latency'), latency: duration, jitter: duration.default('0ms'), direction: direction.default('upstream') }),
  z.strictObject({ kind: z.literal('bandwidth'), rate, direction: direction.default('both') }),
  /** Firewall block, black hole: packets vanish, callers wait and time out. */
  z.strictObject({ kind: z.literal('block'), direction: direction.default('both') }),
  /** Firewall reject: connections refused, open ones reset. */
  z.strictObject({ kind: z.literal('reject') }),
]);
export const NodeFault = z.strictObject({ kind: z.enum(['crash', 'pause']) });
export const MxFault = z.strictObject({ kind: z.enum(['tempfail', 'reject-all']) });

/** When a step starts: `at` after the delivery starts, or `when` a share of the messages got there. */
const trigger = {
  at: duration.optional(),
  when: z.strictObject({ event: z.enum(['prepared', 'transmitted', 'sent']), share: z.number().min(0).max(1) }).optional(),
  /** How long the fault lasts (simulated time); without it, until the end of the run. */
  for: duration.optional(),
  name: z.string().optional(),
};

export const Step = z
  .union([
    z.strictObject({ ...trigger, link: z.string().min(1), fault: LinkFault }),
    z.strictObject({ ...trigger, node: z.string().min(1), fault: NodeFault }),
    z.strictObject({ ...trigger, mx: z.string().min(1), fault: MxFault }),
  ])
  .superRefine((s, ctx) => {
    if ((s.at === undefined) === (s.when === undefined)) ctx.addIssue({ code: 'custom', message: 'a step needs exactly one of "at" or "when"' });
  });
export type Step = z.output<typeof Step>;
export const Timeline = z.array(Step).default([]);
