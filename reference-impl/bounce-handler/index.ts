// inMail, the bounce handler: the mailbox that bounces come back to. Documented: asynchronous
// bounces (DSN mails) arrive later, are parsed and qualified, the delivery log gets the failure
// and the quarantine counts it. Each message is read, classified, then recorded in one
// transaction; if the database fails the sender is told to retry (451), so nothing is lost.
import type { Server } from 'node:http';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { section } from '../common/config.js';
import { startControl } from '../common/control.js';
import { createPool, ensureSchema, waitForDatabase, withTransaction, type PoolClient } from '../common/db.js';
import { closeServer } from '../common/http.js';
import type { MessageRef } from '../common/message-id.js';
import type { ModuleStart } from '../common/module.js';
import { qualify } from '../common/qualification.js';
import { applyFailure } from '../common/quarantine.js';
import { classifyBounce, type BounceRecipient, type BounceResult } from './classify.js';

interface Metrics {
  received: number;
  bounces: number;
  matched: number;
  unmatched: number;
  notBounce: number;
  /** failures recorded on a broadlog row, by reason code */
  perReason: Record<string, number>;
  /** a second report about an already failed row */
  duplicates: number;
  oversize: number;
  /** messages answered 451 because the database failed */
  tempFailures: number;
}

export const start: ModuleStart = async (config, log) => {
  const cfg = section(config, 'inMail');
  const pool = createPool(cfg.db.url, cfg.db.poolSize);
  await waitForDatabase(pool);
  await ensureSchema(pool, cfg.site);
  const metrics: Metrics = {
    received: 0,
    bounces: 0,
    matched: 0,
    unmatched: 0,
    notBounce: 0,
    perReason: {},
    duplicates: 0,
    oversize: 0,
    tempFailures: 0,
  };

  const record = async (result: BounceResult): Promise<void> => {
    // Only our own messages: a Message-ID of another instance is someone else's broadlog.
    const refs = result.messageRefs.filter((r) => r.instance === config.instance);
    const outcomes = await withTransaction(pool, async (c) => {
      const out: Outcome[] = [];
      for (const ref of refs) out.push(await recordOne(c, ref, result, cfg.quarantine.softThreshold));
      return out;
    });
    // Counted once committed: a rolled-back attempt is retried by the sender.
    for (const o of outcomes) {
      if (o === 'duplicate') metrics.duplicates++;
      else if (typeof o === 'number') metrics.perReason[o] = (metrics.perReason[o] ?? 0) + 1;
    }
    log.debug({ kind: result.kind, refs, outcomes, recipients: result.recipients.map((r) => [r.recipient, r.action, r.reasonCode]) }, 'bounce');
    if (outcomes.some((o) => o !== 'no row')) metrics.matched++;
    else {
      metrics.unmatched++;
      log.info({ kind: result.kind, refs: result.messageRefs, recipients: result.recipients.map((r) => r.recipient) }, 'bounce for no known message');
    }
  };

  const server = new SMTPServer({
    name: cfg.hostName,
    banner: 'inMail',
    size: cfg.maxMessageBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    onData(stream, _session, callback) {
      readBounded(stream, cfg.maxMessageBytes).then(async (raw) => {
        if (!raw) {
          metrics.oversize++;
          return callback(smtpError(552, `message exceeds the maximum size of ${cfg.maxMessageBytes} bytes`));
        }
        metrics.received++;
        let result: BounceResult;
        try {
          result = await classifyBounce(raw);
        } catch (e) {
          log.warn({ err: (e as Error).message }, 'unreadable message, taken as not a bounce');
          result = { bounce: false, kind: 'none', recipients: [], messageRefs: [] };
        }
        if (!result.bounce) {
          metrics.notBounce++;
          return callback();
        }
        try {
          await record(result);
          metrics.bounces++;
          callback();
        } catch (e) {
          metrics.tempFailures++;
          log.error({ err: (e as Error).message }, 'cannot record bounce, asking the sender to retry');
          callback(smtpError(451, 'temporary failure, please try again later'));
        }
      }, (e: Error) => callback(smtpError(451, e.message)));
    },
  });
  server.on('error', (e) => log.warn({ err: e.message }, 'SMTP session error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  log.info({ host: cfg.host, port: cfg.port }, 'inMail listening');

  let control: Server;
  try {
    control = await startControl(config.control.host, config.control.port, 'bounce-handler', {
      health: () => ({ smtp: `${cfg.host}:${cfg.port}` }),
      metrics: () => ({ ...metrics, perReason: { ...metrics.perReason } }),
    });
  } catch (e) {
    await new Promise<void>((r) => server.close(() => r()));
    await pool.end();
    throw e;
  }

  return {
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      await closeServer(control);
      await pool.end();
    },
  };
};

/** What one bounce did to one broadlog row: its new failure reason, or why nothing changed. */
type Outcome = number | 'no row' | 'no failure' | 'duplicate';

/**
 * Record one bounce on one broadlog row: the row fails with the bounce's qualification and the
 * address's quarantine is updated; a row already failed is left alone (a second report about the
 * same message must not count twice).
 */
async function recordOne(c: PoolClient, ref: MessageRef, result: BounceResult, softThreshold: number): Promise<Outcome> {
  const row = await c.query<{ email: string }>('select email from broadlog where id = $1 and delivery_id = $2 for update', [ref.broadLogId, ref.deliveryId]);
  if (!row.rows[0]) return 'no row';
  const failure = failureFor(result.recipients, row.rows[0].email);
  if (!failure || failure.reasonCode === null) return 'no failure'; // delivered, delayed or ignored
  const q = qualify(failure.reasonCode);
  const updated = await c.query(
    `update broadlog set status = 'failed', failure_type = $3, failure_reason_code = $4, failure_reason = $5, failure_text = $6,
            reply_code = $7, bounced_at = now(), event_at = now(), visible_at = now(), first_visible_at = coalesce(first_visible_at, now())
      where id = $1 and delivery_id = $2 and status <> 'failed'`,
    [ref.broadLogId, ref.deliveryId, q.type, q.reasonCode, q.reason, failure.diagnostic || q.reason, failure.replyCode || null],
  );
  if (!updated.rowCount) return 'duplicate';
  await applyFailure(c, row.rows[0].email, q, softThreshold);
  return q.reasonCode;
}

/** The failure a bounce reports for the row's address; or its only failure (our messages have one recipient). */
function failureFor(recipients: BounceRecipient[], email: string): BounceRecipient | undefined {
  const failures = recipients.filter((r) => r.action === 'failed' && (r.type === 'Hard' || r.type === 'Soft'));
  return failures.find((r) => r.recipient.toLowerCase() === email.toLowerCase()) ?? (failures.length === 1 ? failures[0] : undefined);
}

/** The message, or null when it is larger than `limit` (the rest is read and dropped). */
function readBounded(stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    stream.on('end', () => resolve(stream.sizeExceeded || size > limit ? null : Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}
