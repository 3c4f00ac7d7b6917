// Module configuration, one section per module, named after the product's serverConf.xml nodes
// where one exists (web, mta, inMail, stat); a node's config file holds the sections it needs.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { ConfigError, parseWith } from './errors.js';

const duration = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  try {
    parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});
const port = z.number().int().min(0).max(65535);
const hostPort = z.object({ host: z.string().min(1), port });
const pgUrl = z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL');

export const Db = z.object({ url: pgUrl, poolSize: z.number().int().positive().default(8) });
export const Control = z.object({ host: z.string().default('127.0.0.1'), port: port.default(8005) });

/** Shared by the MTA (domain -> rule, per-connection cap) and the stat server (the quotas). */
export const MxRule = z.object({
  name: z.string().min(1),
  /** Domain patterns: "example.com", "*.example.com" or "*" for the default rule. */
  domains: z.array(z.string().min(1)).min(1),
  maxConnections: z.number().int().positive().default(10),
  maxMessagesPerConnection: z.number().int().positive().default(100),
  /** Hourly quota, spread by the stat server over 12 five-minute periods. */
  maxMessagesPerHour: z.number().int().positive().default(1_000_000),
});
export type MxRule = z.output<typeof MxRule>;
export const DEFAULT_MX_RULES: MxRule[] = [
  { name: 'default', domains: ['*'], maxConnections: 10, maxMessagesPerConnection: 100, maxMessagesPerHour: 1_000_000 },
];

const Quarantine = z.object({
  /** Documented: soft errors count towards quarantine, threshold 5 (some pages say the 6th error). */
  softThreshold: z.number().int().positive().default(5),
});

/** The marketing instance's account on a mid-sourcing server (an external account in the product). */
const MidAccount = z.object({
  soapUrl: z.url(),
  login: z.string().default('mid'),
  password: z.string(),
  /** Recipients per AppendDeliveryPart call. */
  partSize: z.number().int().positive().default(1000),
  /** AppendDeliveryPart calls in flight at once. */
  concurrency: z.number().int().positive().default(2),
  timeout: duration.default('30s'),
  /** Back-off between attempts of a failed SOAP call (simulated time). */
  retryDelays: z.array(duration).default(['1s', '2s', '5s', '10s', '30s']),
});

export const Web = z.object({
  host: z.string().default('127.0.0.1'),
  port: port.default(8080),
  db: Db,
  /** mid-sourcing: MTA and inMail are disabled here and delivery parts go to the mid by SOAP. */
  mode: z.enum(['mid-sourcing', 'on-premise']),
  mid: MidAccount.optional(),
  /** Several mid-sourcing servers (alternating routing): delivery parts go to each in turn and
   *  the sync workflows bring the logs back from all of them. Replaces `mid`. */
  mids: z.array(MidAccount).min(1).optional(),
  sync: z
    .object({
      /** Documented defaults: counters every 10 min, delivery and tracking logs every hour. */
      countersPeriod: duration.default('10m'),
      deliveryLogsPeriod: duration.default('1h'),
      trackingLogsPeriod: duration.default('1h'),
      /** Rows per GetDeliveryLogs / GetTrackingLogs request (documented: 1000 tracking logs). */
      batchSize: z.number().int().positive().default(1000),
    })
    .prefault({}),
  /** "template": only the fields the template references leave the instance (the product's rule).
   *  "all": every recipient column does; a deliberate misconfiguration that checks must catch. */
  partFields: z.enum(['template', 'all']).default('template'),
  /** Deliberate misconfiguration: in mid-sourcing mode, also queue messages for a local MTA
   *  (the product's "MTA enabled on the marketing instance"). Checks must catch it. */
  localMta: z.boolean().default(false),
  quarantine: Quarantine.prefault({}),
});
export type Web = z.output<typeof Web>;

export const Mid = z.object({
  host: z.string().default('127.0.0.1'),
  port: port.default(8080),
  db: Db,
  operators: z.array(z.object({ login: z.string().min(1), password: z.string() })).min(1),
  maxBodyBytes: z.number().int().positive().default(16 * 1024 * 1024),
  sessionTtl: duration.default('24h'),
  /** Deliberate misconfiguration for conformance tests: store a resubmitted part again. */
  unsafeNonIdempotentParts: z.boolean().default(false),
});
export type Mid = z.output<typeof Mid>;

const site = z.enum(['marketing', 'mid']).default('mid');

export const Mta = z.object({
  /** The site whose database holds the broadlog queue this MTA sends. */
  site,
  db: Db,
  /** The MTA refuses to start without a stat server (documented). */
  statServer: hostPort,
  /** Name in EHLO and in Message-IDs: the sending site's public host name. */
  hostName: z.string().min(1),
  sourceIp: z.string().default('127.0.0.1'),
  /** Where each recipient domain's MX is (the simulated Internet): "domain" -> "host:port". */
  transportMap: z.record(z.string(), z.string().regex(/^[^:]+:\d+$/, 'expected host:port')),
  mxRules: z.array(MxRule).min(1).default(DEFAULT_MX_RULES),
  /** Envelope sender; bounces come back to this address's domain (inMail). */
  bounceAddress: z.string().default('bounce@mid.example.net'),
  trackingBaseUrl: z.url(),
  /** Back-off after a temporary failure (documented: 5s, 10s, 20s, 40s, 2min...), then validity. */
  retryDelays: z.array(duration).default(['5s', '10s', '20s', '40s', '2m', '5m', '10m', '30m', '1h']),
  validity: duration.default('5d'),
  batchSize: z.number().int().positive().default(200),
  pollInterval: duration.default('200ms'),
  /** A claimed message not finished within the lease is given to another MTA. */
  claimLease: duration.default('2m'),
  smtpTimeout: duration.default('30s'),
  quarantine: Quarantine.prefault({}),
});
export type Mta = z.output<typeof Mta>;

export const InMail = z.object({
  /** The site whose database holds the broadlog rows the bounces are about (usually the mid). */
  site,
  host: z.string().default('127.0.0.1'),
  port: port.default(25),
  db: Db,
  hostName: z.string().default('inmail.localhost'),
  maxMessageBytes: z.number().int().positive().default(10 * 1024 * 1024),
  quarantine: Quarantine.prefault({}),
});
export type InMail = z.output<typeof InMail>;

export const Redirection = z.object({
  site,
  host: z.string().default('127.0.0.1'),
  port: port.default(80),
  db: Db,
  /** Tracking log rows are written in small batches; this bounds how long one waits. */
  flushInterval: duration.default('100ms'),
  /** Deliberate misconfiguration for conformance tests: follow any ?url= (an open redirect). */
  unsafeOpenRedirect: z.boolean().default(false),
});
export type Redirection = z.output<typeof Redirection>;

export const Stat = z.object({
  host: z.string().default('127.0.0.1'),
  port: port.default(7777),
  mxRules: z.array(MxRule).min(1).default(DEFAULT_MX_RULES),
  /** The hourly quota is spread over this many periods (documented: 12 of five minutes). */
  periodsPerHour: z.number().int().positive().default(12),
  /** Keeps the current period's counts across restarts (see stat-server/README.md). */
  stateFile: z.string().optional(),
});
export type Stat = z.output<typeof Stat>;

export const NodeConfig = z.object({
  /** Name of this instance (e.g. "marketing", "mid"); used in logs, EHLO and Message-IDs. */
  instance: z.string().min(1),
  timeScale: z.number().positive().default(1),
  control: Control.prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  web: Web.optional(),
  mid: Mid.optional(),
  mta: Mta.optional(),
  inMail: InMail.optional(),
  redirection: Redirection.optional(),
  stat: Stat.optional(),
});
export type NodeConfig = z.output<typeof NodeConfig>;
export type NodeConfigInput = z.input<typeof NodeConfig>;

export function loadNodeConfig(file: string): NodeConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  return parseWith(NodeConfig, raw, '');
}

/** The section a module needs, or a ConfigError naming it. */
export function section<K extends 'web' | 'mid' | 'mta' | 'inMail' | 'redirection' | 'stat'>(
  config: NodeConfig,
  key: K,
): NonNullable<NodeConfig[K]> {
  const s = config[key];
  if (!s) throw new ConfigError(`config: section "${key}" is missing`);
  return s as NonNullable<NodeConfig[K]>;
}
