// The marketing instance's sync workflows in mid-sourcing mode: they bring back what happened at
// the mid (documented defaults: delivery counters every 10 min, delivery logs every hour, tracking
// logs every hour, 1000 per GetTrackingLogs request), hence the "slight delay" in reporting.
import { withTransaction, type Pool } from '../common/db.js';
import type { Logger } from '../common/log.js';
import {
  decodeCounters,
  decodeLogs,
  decodeTracking,
  DELIVERY_SCHEMA,
  TRACKING_SCHEMA,
  COUNTER_KEYS,
  type Batch,
  type DeliveryCounters,
} from '../common/mid-api.js';
import { qualify } from '../common/qualification.js';
import { applyFailure } from '../common/quarantine.js';
import type { MidClient } from './mid-client.js';

/** Sync calls are not retried: the workflow's next period is the retry (as scheduled workflows do). */
const ONCE = { retry: false };

export interface SyncContext {
  pool: Pool;
  mid: MidClient;
  instance: string;
  batchSize: number;
  softThreshold: number;
  log: Logger;
  /** Several mids: each has its own change streams, so its own cursors (names get this suffix). */
  cursorSuffix?: string;
}

async function readCursor(pool: Pool, name: string): Promise<string> {
  const r = await pool.query(`select position from sync_cursor where name = $1`, [name]);
  return r.rows[0]?.position ?? '';
}

/** Read a change stream batch after batch, applying each and saving the cursor in the same transaction. */
async function drain<T>(
  ctx: SyncContext,
  name: string,
  fetch: (cursor: string) => Promise<Batch<T>>,
  apply: (c: import('../common/db.js').PoolClient, rows: T[]) => Promise<void>,
): Promise<number> {
  name += ctx.cursorSuffix ?? '';
  let cursor = await readCursor(ctx.pool, name);
  let total = 0;
  for (;;) {
    const b = await fetch(cursor);
    await withTransaction(ctx.pool, async (c) => {
      if (b.rows.length) await apply(c, b.rows);
      await c.query(
        `insert into sync_cursor (name, position) values ($1, $2)
         on conflict (name) do update set position = excluded.position, updated_at = now()`,
        [name, b.cursor],
      );
    });
    total += b.rows.length;
    cursor = b.cursor;
    if (!b.more) return total;
  }
}

/** Delivery logs: final statuses and failure reasons, applied unchanged; failures feed the quarantine. */
export function syncDeliveryLogs(ctx: SyncContext): Promise<number> {
  return drain(
    ctx,
    'deliveryLogs',
    async (cursor) => {
      const r = await ctx.mid.call(DELIVERY_SCHEMA, 'GetDeliveryLogs', { instance: ctx.instance, cursor, count: ctx.batchSize }, ONCE);
      return decodeLogs(r.logs);
    },
    async (c, rows) => {
      const r = await c.query(
        `with v as (
           select * from unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[])
             as v(id, status, type, code, reason, text, reply, event_at, bounced_at)),
         old as (select b.id, b.status from broadlog b join v on v.id = b.id for update of b)
         update broadlog b set status = v.status, failure_type = v.type, failure_reason_code = v.code, failure_reason = v.reason,
                failure_text = v.text, reply_code = v.reply, event_at = v.event_at, bounced_at = v.bounced_at,
                visible_at = now(), first_visible_at = coalesce(b.first_visible_at, now())
           from v join old on old.id = v.id
          where b.id = v.id
          returning b.email, b.status, b.failure_reason_code, old.status as old_status`,
        [
          rows.map((x) => x.mktBroadLogId),
          rows.map((x) => x.status),
          rows.map((x) => x.failureType ?? null),
          rows.map((x) => x.reasonCode ?? null),
          rows.map((x) => x.reason ?? null),
          rows.map((x) => x.failureText ?? null),
          rows.map((x) => x.replyCode ?? null),
          rows.map((x) => x.eventAt),
          rows.map((x) => x.bouncedAt ?? null),
        ],
      );
      for (const u of r.rows) {
        if (u.status === 'failed' && u.old_status !== 'failed' && u.failure_reason_code !== null) {
          await applyFailure(c, u.email, qualify(u.failure_reason_code), ctx.softThreshold);
        }
      }
      if ((r.rowCount ?? 0) < rows.length) ctx.log.warn({ expected: rows.length, applied: r.rowCount }, 'delivery logs for unknown broadlog ids');
    },
  );
}

/** Tracking logs: opens and clicks recorded at the mid, stored once each (by the mid's row id). */
export function syncTrackingLogs(ctx: SyncContext): Promise<number> {
  return drain(
    ctx,
    'trackingLogs',
    async (cursor) => {
      const r = await ctx.mid.call(TRACKING_SCHEMA, 'GetTrackingLogs', { instance: ctx.instance, cursor, count: ctx.batchSize }, ONCE);
      return decodeTracking(r.trackingLogs);
    },
    async (c, rows) => {
      await c.query(
        `insert into tracking_log (broadlog_id, delivery_id, url_id, kind, at, user_agent, source_id, source_mid, synced_at)
         select v.*, $8, now() from unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::timestamptz[], $6::text[], $7::bigint[]) as v
         on conflict (source_mid, source_id) do nothing`,
        [
          rows.map((x) => x.mktBroadLogId),
          rows.map((x) => x.mktDeliveryId),
          rows.map((x) => x.urlId),
          rows.map((x) => x.kind),
          rows.map((x) => x.at),
          rows.map((x) => x.userAgent ?? null),
          rows.map((x) => x.id),
          ctx.cursorSuffix ?? '',
        ],
      );
    },
  );
}

/** Delivery counters of the deliveries still running, summed over the mids (a delivery split
 *  across several is one delivery here). They carry no opens or clicks. */
export async function syncCounters(ctxs: SyncContext[]): Promise<number> {
  const ctx = ctxs[0];
  const ids = (await ctx.pool.query(`select id from delivery where state = 'running'`)).rows.map((r) => r.id as number);
  if (!ids.length) return 0;
  const byDelivery = new Map<number, DeliveryCounters>();
  for (const c of ctxs) {
    const r = await c.mid.call(DELIVERY_SCHEMA, 'GetDeliveryCounters', { instance: ctx.instance, deliveries: ids.join(',') }, ONCE);
    for (const k of decodeCounters(r.counters)) {
      const sum = byDelivery.get(k.mktDeliveryId);
      if (!sum) byDelivery.set(k.mktDeliveryId, k);
      else for (const key of COUNTER_KEYS) sum[key] += k[key];
    }
  }
  const counters = [...byDelivery.values()];
  for (const k of counters) {
    await ctx.pool.query(
      `insert into delivery_counter (delivery_id, counters, synced_at) values ($1, $2, now())
       on conflict (delivery_id) do update set counters = excluded.counters, synced_at = excluded.synced_at`,
      [k.mktDeliveryId, JSON.stringify(k)],
    );
  }
  return counters.length;
}

/** A workflow run on a period (simulated time, scaled), or on demand; runs never overlap. */
export class Workflow {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  lastRun: { at: string; rows: number; error?: string } | null = null;

  constructor(
    readonly name: string,
    private readonly periodMs: number,
    private readonly body: () => Promise<number>,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runNow()
        .catch(() => {})
        .finally(() => this.schedule());
    }, this.periodMs);
  }

  /** Run now (or join the run in progress) and return how many rows it brought. */
  runNow(): Promise<number> {
    this.running ??= this.body()
      .then((rows) => {
        this.lastRun = { at: new Date().toISOString(), rows };
        return rows;
      })
      .catch((e) => {
        this.lastRun = { at: new Date().toISOString(), rows: 0, error: (e as Error).message };
        if (!this.stopped) this.log.warn({ workflow: this.name, err: (e as Error).message }, 'sync workflow failed');
        throw e;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }
}
