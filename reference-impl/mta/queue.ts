// The MTA's view of the site database: it claims pending broadlog rows with a lease (several MTAs
// share one queue; a crashed MTA's claims return to the queue when the lease runs out), keeps the
// leases alive while it works, and records every outcome in batches.
import { withTransaction, type Pool } from '../common/db.js';
import type { Logger } from '../common/log.js';
import type { Qualification } from '../common/qualification.js';
import { applyFailure } from '../common/quarantine.js';
import type { Template } from '../common/template.js';
import type { DeliveryInfo } from './compose.js';

export interface Claimed {
  broadLogId: number;
  deliveryId: number;
  email: string;
  data: Record<string, unknown>;
  tries: number;
  preparedAt: number;
  claimedAt: number;
}

export type Outcome =
  | { kind: 'sent'; id: number; replyCode: string }
  | { kind: 'failed'; id: number; q: Qualification; text: string; replyCode: string }
  | { kind: 'retry'; id: number; at: number; text: string; replyCode: string; indeterminate: boolean }
  /** Given back untried (paused by a quota or by the stat server). */
  | { kind: 'release'; id: number; at: number };

export class Queue {
  private pending: Outcome[] = [];
  private flushing: Promise<void> | null = null;
  private readonly deliveries = new Map<number, Promise<DeliveryInfo>>();
  stats = { claimed: 0, sent: 0, failed: 0, retried: 0, released: 0, leaseLost: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly me: string,
    private readonly leaseMs: number,
    private readonly softThreshold: number,
    private readonly log: Logger,
  ) {}

  /** Claim up to n messages due now, and messages whose previous claim ran out (a dead MTA's). */
  async claim(n: number): Promise<Claimed[]> {
    const r = await this.pool.query(
      `with c as (
         select id from broadlog
          where (status = 'pending' and next_try_at <= now()) or (status = 'sending' and claim_until < now())
          order by next_try_at, id limit $1 for update skip locked)
       update broadlog b set status = 'sending', claimed_by = $2, claim_until = now() + $3 * interval '1 millisecond',
              tries = b.tries + 1, indeterminate = b.indeterminate + (case when b.status = 'sending' then 1 else 0 end)
         from c where b.id = c.id
       returning b.id, b.delivery_id, b.email, b.data, b.tries, b.prepared_at`,
      [n, this.me, this.leaseMs],
    );
    const now = Date.now();
    this.stats.claimed += r.rowCount ?? 0;
    return r.rows.map((x) => ({
      broadLogId: x.id,
      deliveryId: x.delivery_id,
      email: x.email,
      data: x.data,
      tries: x.tries,
      preparedAt: (x.prepared_at as Date).getTime(),
      claimedAt: now,
    }));
  }

  private renewedAt = 0;

  /** Whether this MTA still surely holds its claim on m (with a margin for clock and latency). */
  leaseHolds(m: Claimed): boolean {
    return Date.now() < Math.max(m.claimedAt, this.renewedAt) + this.leaseMs * 0.8;
  }

  /** Extend the leases of everything this MTA holds. */
  async renewLeases(): Promise<void> {
    const at = Date.now();
    await this.pool.query(
      `update broadlog set claim_until = now() + $2 * interval '1 millisecond' where claimed_by = $1 and status = 'sending'`,
      [this.me, this.leaseMs],
    );
    this.renewedAt = at;
  }

  delivery(id: number): Promise<DeliveryInfo> {
    let d = this.deliveries.get(id);
    if (!d) {
      d = (async () => {
        const t = await this.pool.query(`select template from delivery where id = $1`, [id]);
        const u = await this.pool.query(`select url_id, url from delivery_url where delivery_id = $1`, [id]);
        return { id, template: t.rows[0].template as Template, urlIds: new Map(u.rows.map((x) => [x.url as string, x.url_id as number])) };
      })();
      d.catch(() => this.deliveries.delete(id));
      this.deliveries.set(id, d);
    }
    return d;
  }

  record(o: Outcome): void {
    this.pending.push(o);
    if (this.pending.length >= 200) void this.flush();
  }

  /** Write what is pending; only rows still claimed by this MTA are touched. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => (this.pending.length ? this.flush() : undefined));
    if (!this.pending.length) return Promise.resolve();
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.write(batch)
      .catch((e) => {
        // Keep them for the next flush: the database may be back by then.
        this.log.error({ err: (e as Error).message, outcomes: batch.length }, 'cannot record outcomes, will retry');
        this.pending.unshift(...batch);
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  get backlog(): number {
    return this.pending.length;
  }

  private async write(batch: Outcome[]): Promise<void> {
    const of = <K extends Outcome['kind']>(k: K) => batch.filter((o): o is Extract<Outcome, { kind: K }> => o.kind === k);
    const sent = of('sent');
    const failed = of('failed');
    const retry = of('retry');
    const release = of('release');
    await withTransaction(this.pool, async (c) => {
      let touched = 0;
      if (sent.length) {
        const r = await c.query(
          `update broadlog b set status = 'sent', reply_code = v.reply, event_at = now(), visible_at = now(),
                  first_visible_at = coalesce(b.first_visible_at, now()), claimed_by = null, claim_until = null
             from unnest($2::bigint[], $3::text[]) as v(id, reply)
            where b.id = v.id and b.claimed_by = $1 and b.status = 'sending'`,
          [this.me, sent.map((o) => o.id), sent.map((o) => o.replyCode)],
        );
        touched += r.rowCount ?? 0;
      }
      if (failed.length) {
        const r = await c.query(
          `update broadlog b set status = 'failed', failure_type = v.type, failure_reason_code = v.code, failure_reason = v.reason,
                  failure_text = v.text, reply_code = v.reply, event_at = now(), visible_at = now(),
                  first_visible_at = coalesce(b.first_visible_at, now()), claimed_by = null, claim_until = null
             from unnest($2::bigint[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[]) as v(id, type, code, reason, text, reply)
            where b.id = v.id and b.claimed_by = $1 and b.status = 'sending'
            returning b.id, b.email`,
          [this.me, failed.map((o) => o.id), failed.map((o) => o.q.type), failed.map((o) => o.q.reasonCode), failed.map((o) => o.q.reason), failed.map((o) => o.text), failed.map((o) => o.replyCode)],
        );
        touched += r.rowCount ?? 0;
        const byId = new Map(failed.map((o) => [o.id, o.q]));
        for (const row of r.rows) await applyFailure(c, row.email, byId.get(row.id)!, this.softThreshold);
      }
      if (retry.length) {
        const r = await c.query(
          `update broadlog b set status = 'pending', next_try_at = to_timestamp(v.at / 1000.0), failure_text = v.text, reply_code = v.reply,
                  indeterminate = b.indeterminate + (case when v.indet then 1 else 0 end), claimed_by = null, claim_until = null
             from unnest($2::bigint[], $3::float8[], $4::text[], $5::text[], $6::bool[]) as v(id, at, text, reply, indet)
            where b.id = v.id and b.claimed_by = $1 and b.status = 'sending'`,
          [this.me, retry.map((o) => o.id), retry.map((o) => o.at), retry.map((o) => o.text), retry.map((o) => o.replyCode), retry.map((o) => o.indeterminate)],
        );
        touched += r.rowCount ?? 0;
      }
      if (release.length) {
        const r = await c.query(
          `update broadlog b set status = 'pending', next_try_at = to_timestamp(v.at / 1000.0), tries = greatest(b.tries - 1, 0),
                  claimed_by = null, claim_until = null
             from unnest($2::bigint[], $3::float8[]) as v(id, at)
            where b.id = v.id and b.claimed_by = $1 and b.status = 'sending'`,
          [this.me, release.map((o) => o.id), release.map((o) => o.at)],
        );
        touched += r.rowCount ?? 0;
      }
      if (touched < batch.length) {
        this.stats.leaseLost += batch.length - touched;
        this.log.warn({ lost: batch.length - touched }, 'outcomes for messages whose lease had passed to another MTA');
      }
    });
    this.stats.sent += sent.length;
    this.stats.failed += failed.length;
    this.stats.retried += retry.length;
    this.stats.released += release.length;
  }
}
