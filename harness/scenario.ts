// A scenario is data, validated once at the edge: mode, workload, schedules, (later) fault
// timeline and thresholds. It never names a runtime. Times are simulated time, played
// `timeScale` times faster than documented.
import { z } from 'zod';
import { MxRule } from '../reference-impl/common/config.js';
import { parseDuration } from '../reference-impl/common/duration.js';
import { parseWith } from '../reference-impl/common/errors.js';
import { Timeline } from './nemesis/schema.js';
import { MODES } from './topology/modes.js';
import { parseThresholds } from './thresholds/parse.js';
import { RecipientBehaviour, WorkloadDomains } from './workload/model.js';

const duration = z.string().superRefine((v, ctx) => {
  try {
    parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const DEFAULT_TEMPLATE = {
  from: 'Brand News <news@brand.example>',
  subject: 'Spring offers for you, <%= recipient.firstName %>',
  html: `<html><body><p>Hello <%= recipient.firstName %> <%= recipient.lastName %>,</p>
<p>Our shop in <%= recipient.city %> has new offers.</p>
<p><a href="https://brand.example/offers?utm=spring">See the offers</a> or <a href="https://brand.example/stores">find a store</a>.</p>
<p><a href="https://brand.example/unsubscribe">Unsubscribe</a></p></body></html>`,
  text: 'Hello <%= recipient.firstName %>, see https://brand.example/offers',
};

export const DEFAULT_DOMAINS = [
  { name: 'mail-a.test', weight: 4, dsn: { share: 0.01, delay: '3s' } },
  { name: 'mail-b.test', weight: 3, dsn: { share: 0.02, delay: '4s' } },
  { name: 'mail-c.test', weight: 2, reject: { userUnknown: 0.04 }, dsn: { share: 0.02, delay: '3s' } },
  { name: 'mail-d.test', weight: 1, defer: { share: 0.1, attempts: 1 }, dsn: { share: 0, delay: '3s' } },
];

export const Scenario = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  description: z.string().default(''),
  mode: z.enum(Object.keys(MODES) as [string, ...string[]]).default('mid-sourcing'),
  seed: z.number().int().min(0).default(1),
  timeScale: z.number().positive().max(100_000).default(1),
  workload: z
    .strictObject({
      recipients: z.number().int().min(1).max(10_000_000).default(1000),
      domains: WorkloadDomains.prefault(DEFAULT_DOMAINS),
      recipientBehaviour: RecipientBehaviour.prefault({ openRate: 0.2, clickRate: 0.05, delay: '2s' }),
      template: z.strictObject({ from: z.string(), subject: z.string(), html: z.string(), text: z.string().optional() }).default(DEFAULT_TEMPLATE),
    })
    .prefault({}),
  /** Sync workflow periods (documented defaults 10m / 1h / 1h; runs default to seconds). */
  sync: z
    .strictObject({ deliveryLogsPeriod: duration.default('2s'), trackingLogsPeriod: duration.default('2s'), countersPeriod: duration.default('2s') })
    .prefault({}),
  mxRules: z.array(MxRule).min(1).optional(),
  /** MTA back-off after a temporary failure (documented: 5s, 10s, 20s, 40s, 2min...). */
  retryDelays: z.array(duration).min(1).default(['5s', '10s', '20s', '40s', '2m']),
  partSize: z.number().int().positive().default(1000),
  /** How long to wait for everything to settle after the last message (wall time). */
  quiesceTimeout: duration.default('5m'),
  misconfig: z
    .strictObject({
      allFieldsToMid: z.boolean().optional(),
      marketingMta: z.boolean().optional(),
      /** The redirector follows any ?url= (an open redirect). */
      openRedirect: z.boolean().optional(),
      /** The mid relay stores a part sent twice twice (AppendDeliveryPart not idempotent). */
      nonIdempotentParts: z.boolean().optional(),
    })
    .optional(),
  /** k6-style gates on the run's metrics: { "syncDelay.p95": "< 30s", "lost": "== 0" } (harness/thresholds). */
  thresholds: z
    .record(z.string(), z.union([z.string(), z.array(z.string())]))
    .superRefine((v, ctx) => {
      try {
        parseThresholds(v, 'thresholds');
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    })
    .default({}),
  /** Faults to inject while the campaign runs (harness/nemesis/schema.ts). */
  timeline: Timeline,
  /** "Caught up": statuses visible within the sync period plus this bound, which covers the sync
   *  run's own work. Wall time (not scaled): that work is not a schedule. */
  catchUpBound: duration.default('3s'),
});
export type Scenario = z.output<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

/** Scenario files export `defineScenario({...})`: typed input, validated when run. */
export function defineScenario(s: ScenarioInput): ScenarioInput {
  return s;
}

/**
 * What the shipped fault scenarios share: 1,000 recipients in mid-sourcing mode, schedules played
 * 60 times faster, the log syncs every 2 simulated minutes (2 s of wall time).
 */
export const FAULT_SCENARIO_BASE = {
  mode: 'mid-sourcing',
  timeScale: 60,
  workload: { recipients: 1000 },
  sync: { deliveryLogsPeriod: '2m', trackingLogsPeriod: '2m', countersPeriod: '2m' },
} satisfies Partial<ScenarioInput>;

/** Any WAN has latency: 100 ms each way also spreads the part uploads over a few seconds. */
export const WAN_LATENCY_STEP = { name: 'WAN latency', at: '0s', link: 'instance->mid', fault: { kind: 'latency', latency: '100ms', jitter: '10ms', direction: 'both' } } as const;

export function parseScenario(input: unknown, where = 'scenario'): Scenario {
  return parseWith(Scenario, input, where);
}
