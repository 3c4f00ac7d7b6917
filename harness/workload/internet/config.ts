// The Internet node's configuration, validated once at the edge (errors name the field).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, parseWith } from '../../../reference-impl/common/errors.js';
import { DomainBehaviour, Duration, RecipientBehaviour } from '../model.js';

const Port = z.number().int().min(0).max(65535);
const Host = z.string().min(1);

export const InternetConfig = z.strictObject({
  /** The workload seed: every decision is a stable hash of it and the recipient. */
  seed: z.number().int(),
  /** One MX sink per recipient domain. Port 0 picks a free port. */
  domains: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        host: Host.default('127.0.0.1'),
        port: Port.default(0),
        behaviour: DomainBehaviour.prefault({}),
      }),
    )
    .min(1)
    .superRefine((ds, ctx) => {
      const seen = new Set<string>();
      ds.forEach((d, i) => {
        if (seen.has(d.name.toLowerCase())) {
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate domain "${d.name}"` });
        }
        seen.add(d.name.toLowerCase());
      });
    }),
  /** Where DSNs go: the mid-sourcing site's inMail (bounce handler). */
  bounceIntake: z.strictObject({ host: Host, port: Port.min(1) }),
  /** Several sending sites (one inMail each): where DSNs to a bounce address of each domain go. */
  bounceIntakes: z.record(z.string().min(1), z.strictObject({ host: Host, port: Port.min(1) })).default({}),
  recipients: RecipientBehaviour.prefault({}),
  control: z.strictObject({ host: Host.default('127.0.0.1'), port: Port.default(0) }).prefault({}),
  /** EHLO name of the DSN sender. */
  hostName: Host.default('mx.internet.test'),
  /** Delays (dsn.delay, recipients.delay, DSN retry back-off) are simulated time, run this many times faster. */
  timeScale: z.number().positive().default(1),
  /** Back-off between attempts of a DSN that inMail did not take (simulated time). */
  dsnRetryDelays: z.array(Duration).default(['1s', '2s', '5s', '10s', '30s']),
  /** Outgoing HTTP requests of recipients in flight at once, and their timeout (wall clock). */
  recipientConcurrency: z.number().int().positive().default(16),
  recipientTimeout: Duration.default('10s'),
  /** Events kept until the harness reads them; beyond, the oldest are dropped and counted. */
  eventBufferSize: z.number().int().positive().default(100_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type InternetConfig = z.output<typeof InternetConfig>;
export type InternetConfigInput = z.input<typeof InternetConfig>;

export function parseInternetConfig(raw: unknown): InternetConfig {
  return parseWith(InternetConfig, raw, 'config');
}

export function loadInternetConfig(file: string): InternetConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  return parseInternetConfig(raw);
}
