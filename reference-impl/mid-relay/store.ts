// What the mid-sourcing server keeps: deliveries received from marketing instances, their
// messages as broadLogMid rows (the MTA sends them from there), and the change streams the
// marketing instance's sync workflows read back.
import { changedSince, decodeCursor, encodeCursor, withTransaction, type Pool } from '../common/db.js';
import type { Batch, DeliveryCounters, DeliveryLogRow, DeliveryPart, TrackingLogRow } from '../common/mid-api.js';
import { BROADLOG_MID_UNIQUE_DROP_SQL, BROADLOG_MID_UNIQUE_SQL } from '../common/schema.js';

export interface AppendResult {
  stored: number;
  /** The part had been received before: nothing was stored again. */
  duplicate: boolean;
}

/** The unique index idempotent parts rely on; the deliberately unsafe relay does without it. */
export async function ensurePartUniqueness(pool: Pool, idempotent: boolean): Promise<void> {
  await pool.query(idempotent ? BROADLOG_MID_UNIQUE_SQL : BROADLOG_MID_UNIQUE_DROP_SQL);
}

export async function appendDeliveryPart(pool: Pool, part: DeliveryPart, idempotent: boolean): Promise<AppendResult> {
  return withTransaction(pool, async (c) => {
    const seen = await c.query(
      `insert into received_part (client, mkt_delivery_id, part_index, count) values ($1, $2, $3, $4)
       on conflict do nothing returning part_index`,
      [part.instance, part.mktDeliveryId, part.partIndex, part.recipients.length],
    );
    if (seen.rowCount === 0 && idempotent) return { stored: 0, duplicate: true };
    const d = await c.query(
      `insert into delivery (label, template, client, mkt_delivery_id, state) values ($1, $2, $3, $4, 'running')
       on conflict (client, mkt_delivery_id) do update set label = excluded.label returning id`,
      [part.label, JSON.stringify(part.template), part.instance, part.mktDeliveryId],
    );
    const deliveryId = d.rows[0].id as number;
    if (part.urls.length) {
      await c.query(
        `insert into delivery_url (delivery_id, url_id, url, label)
         select $1, * from unnest($2::int[], $3::text[], $4::text[]) on conflict do nothing`,
        [deliveryId, part.urls.map((u) => u.id), part.urls.map((u) => u.url), part.urls.map((u) => u.label ?? null)],
      );
    }
    const r = await c.query(
      `insert into broadlog (delivery_id, mkt_broadlog_id, email, data, status)
       select $1, * , 'pending' from unnest($2::bigint[], $3::text[], $4::jsonb[])
       ${idempotent ? 'on conflict (delivery_id, mkt_broadlog_id) do nothing' : ''}`,
      [
        deliveryId,
        part.recipients.map((x) => x.mktBroadLogId),
        part.recipients.map((x) => x.email),
        part.recipients.map((x) => JSON.stringify({ ...x.fields, email: x.email })),
      ],
    );
    return { stored: r.rowCount ?? 0, duplicate: seen.rowCount === 0 };
  });
}

/** Rows of a change stream "after the cursor", read in (transaction id, row id) order. */
const CHANGED = changedSince('x');

function nextCursor(rows: { xid: string; id: number }[], from: string, count: number): { cursor: string; more: boolean } {
  const last = rows[rows.length - 1];
  return { cursor: last ? encodeCursor({ xid: last.xid, id: last.id }) : encodeCursor(decodeCursor(from)), more: rows.length === count };
}

/**
 * broadLogMid rows of this client's deliveries that reached a final status since the cursor,
 * mapped back to the marketing side by mktBroadLogId. A row that becomes final later is written by
 * a newer transaction than any cursor handed out, so filtering on the status loses nothing.
 */
export async function deliveryLogsSince(pool: Pool, client: string, cursor: string, count: number): Promise<Batch<DeliveryLogRow>> {
  const from = decodeCursor(cursor);
  const r = await pool.query(
    `select x.id, x.mod_xid::text as xid, x.mkt_broadlog_id, x.status, x.failure_type, x.failure_reason_code,
            x.failure_reason, x.failure_text, x.reply_code, x.event_at, x.bounced_at
       from broadlog x join delivery d on d.id = x.delivery_id
      where ${CHANGED} and d.client = $4 and x.status in ('sent', 'failed', 'ignored')
      order by x.mod_xid, x.id limit $3`,
    [from.xid, from.id, count, client],
  );
  const rows = r.rows.map(
    (b): DeliveryLogRow => ({
      mktBroadLogId: b.mkt_broadlog_id,
      status: b.status,
      failureType: b.failure_type ?? undefined,
      reasonCode: b.failure_reason_code ?? undefined,
      reason: b.failure_reason ?? undefined,
      failureText: b.failure_text ?? undefined,
      replyCode: b.reply_code ?? undefined,
      eventAt: (b.event_at as Date).toISOString(),
      bouncedAt: b.bounced_at ? (b.bounced_at as Date).toISOString() : undefined,
    }),
  );
  return { rows, ...nextCursor(r.rows, cursor, count) };
}

/** Opens and clicks recorded by the redirector since the cursor (documented batches of 1000). */
export async function trackingLogsSince(pool: Pool, client: string, cursor: string, count: number): Promise<Batch<TrackingLogRow>> {
  const from = decodeCursor(cursor);
  const r = await pool.query(
    `select x.id, x.mod_xid::text as xid, b.mkt_broadlog_id, d.mkt_delivery_id, x.url_id, x.kind, x.at, x.user_agent
       from tracking_log x join broadlog b on b.id = x.broadlog_id join delivery d on d.id = x.delivery_id
      where ${CHANGED} and d.client = $4
      order by x.mod_xid, x.id limit $3`,
    [from.xid, from.id, count, client],
  );
  const rows = r.rows.map(
    (t): TrackingLogRow => ({
      id: t.id,
      mktBroadLogId: t.mkt_broadlog_id,
      mktDeliveryId: t.mkt_delivery_id,
      urlId: t.url_id,
      kind: t.kind,
      at: (t.at as Date).toISOString(),
      userAgent: t.user_agent ?? undefined,
    }),
  );
  return { rows, ...nextCursor(r.rows, cursor, count) };
}

/** Delivery counters: statuses only. Opens and clicks travel with the tracking logs, not here. */
export async function deliveryCounters(pool: Pool, client: string, mktDeliveryIds: number[]): Promise<DeliveryCounters[]> {
  const r = await pool.query(
    `select d.mkt_delivery_id,
            count(b.id) as processed,
            count(*) filter (where b.status in ('pending', 'sending')) as pending,
            count(*) filter (where b.status = 'sent') as sent,
            count(*) filter (where b.status = 'failed') as failed,
            count(*) filter (where b.status = 'failed' and b.failure_type = 'Hard') as hard,
            count(*) filter (where b.status = 'failed' and b.failure_type = 'Soft') as soft,
            count(*) filter (where b.status = 'ignored') as ignored
       from delivery d left join broadlog b on b.delivery_id = d.id
      where d.client = $1 and d.mkt_delivery_id = any($2::bigint[])
      group by d.mkt_delivery_id order by d.mkt_delivery_id`,
    [client, mktDeliveryIds],
  );
  return r.rows.map((c) => ({
    mktDeliveryId: c.mkt_delivery_id,
    processed: c.processed,
    pending: c.pending,
    sent: c.sent,
    failed: c.failed,
    hard: c.hard,
    soft: c.soft,
    ignored: c.ignored,
  }));
}
