// Deliveries on the marketing instance: creation (template, tracked links), preparation (one
// broadlog row per target recipient, carrying only the fields the template uses) and, in
// mid-sourcing mode, the split into delivery parts for the mid.
import { z } from 'zod';
import { withTransaction, type Pool } from '../common/db.js';
import { parseWith } from '../common/errors.js';
import { extractLinks, RECIPIENT_FIELDS, templateFields, type Template } from '../common/template.js';
import { FIRST_LINK_URL_ID } from '../common/tracking.js';

export const NewDelivery = z.object({
  label: z.string().min(1),
  template: z.object({
    from: z.string().min(3),
    subject: z.string().min(1),
    html: z.string().min(1),
    text: z.string().optional(),
  }),
  /** The recipients it targets: those whose address matches this SQL LIKE pattern (default: all). */
  target: z.object({ emailLike: z.string().min(1) }).optional(),
});

export async function createDelivery(pool: Pool, body: unknown): Promise<{ id: number; fields: string[]; urls: number }> {
  const d = parseWith(NewDelivery, body, 'delivery');
  const fields = templateFields(d.template); // validates the personalisation fields
  const links = extractLinks(d.template.html);
  return withTransaction(pool, async (c) => {
    const r = await c.query(`insert into delivery (label, template, target) values ($1, $2, $3) returning id`, [
      d.label,
      JSON.stringify(d.template),
      d.target ? JSON.stringify(d.target) : null,
    ]);
    const id = r.rows[0].id as number;
    if (links.length) {
      await c.query(
        `insert into delivery_url (delivery_id, url_id, url) select $1, * from unnest($2::int[], $3::text[])`,
        [id, links.map((_, i) => FIRST_LINK_URL_ID + i), links],
      );
    }
    return { id, fields, urls: links.length };
  });
}

/** The jsonb expression that copies the given recipient fields into a broadlog row. */
function fieldsExpression(fields: string[]): string {
  const args = fields.map((f) => `'${f}', r.${RECIPIENT_FIELDS[f]}`); // names come from the fixed table above
  return args.length ? `jsonb_build_object(${args.join(', ')})` : `'{}'::jsonb`;
}

/**
 * Prepare a delivery in one transaction: target = every recipient not in quarantine (and matching
 * the delivery's target, when it has one); each gets a broadlog row. On-premise rows are `pending`
 * for the local MTA; mid-sourcing rows are `prepared` and grouped into delivery parts. Preparing
 * twice does nothing.
 */
export async function prepareDelivery(
  pool: Pool,
  deliveryId: number,
  opts: { mode: 'mid-sourcing' | 'on-premise'; partSize: number; partFields: 'template' | 'all'; localMta?: boolean },
): Promise<{ prepared: number; parts: number }> {
  return withTransaction(pool, async (c) => {
    const d = await c.query(`select template, state, target from delivery where id = $1 for update`, [deliveryId]);
    if (!d.rowCount) throw new NotFound(`delivery ${deliveryId} does not exist`);
    if (d.rows[0].state !== 'edition') {
      const n = await c.query(`select count(*) as n from broadlog where delivery_id = $1`, [deliveryId]);
      return { prepared: n.rows[0].n as number, parts: 0 };
    }
    const template = d.rows[0].template as Template;
    const fields = opts.partFields === 'all' ? Object.keys(RECIPIENT_FIELDS) : templateFields(template);
    const status = opts.mode === 'on-premise' || opts.localMta ? 'pending' : 'prepared';
    const ins = await c.query(
      `insert into broadlog (delivery_id, recipient_id, email, data, status)
       select $1, r.id, r.email, ${fieldsExpression(fields)}, $2 from recipient r
        where not exists (select 1 from quarantine q where q.email = r.email and q.status in ('quarantine', 'denylisted'))
          and ($3::text is null or r.email like $3)
        order by r.id`,
      [deliveryId, status, (d.rows[0].target as { emailLike?: string } | null)?.emailLike ?? null],
    );
    let parts = 0;
    if (opts.mode === 'mid-sourcing') {
      const p = await c.query(
        `insert into delivery_part (delivery_id, part_index, first_broadlog_id, last_broadlog_id, count)
         select $1, k, min(id), max(id), count(*) from
           (select id, (row_number() over (order by id) - 1) / $2 as k from broadlog where delivery_id = $1) t
         group by k`,
        [deliveryId, opts.partSize],
      );
      parts = p.rowCount ?? 0;
    }
    await c.query(`update delivery set state = 'running' where id = $1`, [deliveryId]);
    return { prepared: ins.rowCount ?? 0, parts };
  });
}

export class NotFound extends Error {}

export async function deliveryStatus(pool: Pool, deliveryId: number): Promise<Record<string, unknown>> {
  const d = await pool.query(`select id, label, state, created_at from delivery where id = $1`, [deliveryId]);
  if (!d.rowCount) throw new NotFound(`delivery ${deliveryId} does not exist`);
  const s = await pool.query(`select status, count(*) as n from broadlog where delivery_id = $1 group by status`, [deliveryId]);
  const p = await pool.query(
    `select count(*) as total, count(accepted_at) as accepted, coalesce(sum(attempts), 0) as attempts from delivery_part where delivery_id = $1`,
    [deliveryId],
  );
  const t = await pool.query(`select kind, count(*) as n from tracking_log where delivery_id = $1 group by kind`, [deliveryId]);
  const c = await pool.query(`select counters, synced_at from delivery_counter where delivery_id = $1`, [deliveryId]);
  return {
    ...d.rows[0],
    broadlog: Object.fromEntries(s.rows.map((r) => [r.status, r.n])),
    parts: p.rows[0],
    tracking: Object.fromEntries(t.rows.map((r) => [r.kind, r.n])),
    counters: c.rows[0] ?? null,
  };
}
