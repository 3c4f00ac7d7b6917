// The target: where the system under test listens, as a JSON file. The conformance checks reach
// the system only through what it names. The reference implementation started by the harness is
// the default target; `midsim conformance --target file.json` points the catalogue at another.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, parseWith } from '../../reference-impl/common/errors.js';
import { SOAP_PATH } from '../../reference-impl/common/soap.js';
import type { RunningTopology } from '../runtime/types.js';
import { MID_OPERATOR } from '../topology/options.js';

const pgUrl = z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL');
const hostPort = z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port');

export const Target = z.strictObject({
  name: z.string().min(1),
  /** The deployment mode the target runs. */
  mode: z.string().min(1),
  /** true only for the reference implementation the harness started (reference-only checks). */
  reference: z.boolean().default(false),
  marketing: z.strictObject({
    /** The marketing instance's name, as the mid knows it (delivery.client). */
    instance: z.string().min(1).default('marketing'),
    db: pgUrl,
    /** The web module (forms). */
    webUrl: z.url().optional(),
  }),
  /** The mid-sourcing server (mid-sourcing mode only). */
  mid: z
    .strictObject({
      soapUrl: z.url(),
      login: z.string().default('mid'),
      password: z.string(),
      db: pgUrl,
      /** The largest SOAP request it accepts; a larger one must get a Fault. */
      maxBodyBytes: z.number().int().positive().default(16 * 1024 * 1024),
    })
    .optional(),
  tracking: z.strictObject({ baseUrl: z.url() }),
  inMail: z.strictObject({
    smtp: hostPort,
    /** The instance name in the Message-IDs it recognises (the execution site's). */
    instance: z.string().min(1),
    maxMessageBytes: z.number().int().positive().default(10 * 1024 * 1024),
  }),
  /** Contradiction C1: the soft error that quarantines an address (5: the followed reading; 6: the other). */
  softQuarantineAt: z.number().int().positive().default(5),
  /** A recipient domain whose mail the target may send and the world discards (probe parts). */
  probeDomain: z.string().min(1),
});
export type Target = z.output<typeof Target>;

export function loadTarget(file: string): Target {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`--target ${file}: ${(e as Error).message}`);
  }
  return parseWith(Target, raw, `target ${file}`);
}

/** The database of the site that sends (the mid in mid-sourcing, the marketing instance otherwise). */
export function executionDb(t: Target): string {
  return t.mid?.db ?? t.marketing.db;
}

/** The reference implementation as a target: its direct endpoints (not through the fault proxy). */
export function referenceTarget(running: RunningTopology, mode: string, probeDomain: string): Target {
  const url = (node: string, role: string, path = '') => {
    const a = running.endpoint(node, role);
    return `http://${a.host}:${a.port}${path}`;
  };
  const hasMid = running.topology.facts.executionSite === 'mid';
  const smtp = running.endpoint('bounce-handler', 'smtp');
  return parseWith(
    Target,
    {
      name: 'reference',
      mode,
      reference: true,
      marketing: { instance: 'marketing', db: running.databaseUrl('marketing-db', 'marketing'), webUrl: url('app-server', 'web') },
      mid: hasMid ? { soapUrl: url('mid-relay', 'web', SOAP_PATH), ...MID_OPERATOR, db: running.databaseUrl('mid-db', 'mid') } : undefined,
      tracking: { baseUrl: url('redirector', 'http') },
      inMail: { smtp: `${smtp.host}:${smtp.port}`, instance: hasMid ? 'mid' : 'marketing' },
      probeDomain,
    },
    'reference target',
  );
}
