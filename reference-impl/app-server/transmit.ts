// Mid-sourcing: send each prepared delivery part to the mid with AppendDeliveryPart. A part is
// marked accepted only once the mid has answered; a part whose answer was lost is sent again and
// the mid stores it once (AppendDeliveryPart is idempotent).
import { withTransaction, type Pool } from '../common/db.js';
import type { Logger } from '../common/log.js';
import { DELIVERY_SCHEMA, encodePart, type DeliveryPart } from '../common/mid-api.js';
import type { Template } from '../common/template.js';
import { MidRefused, type MidClient } from './mid-client.js';

export async function transmitDelivery(
  pool: Pool,
  mids: MidClient[],
  deliveryId: number,
  opts: { instance: string; concurrency: number; log: Logger },
): Promise<void> {
  const d = await pool.query(`select label, template from delivery where id = $1`, [deliveryId]);
  const { label, template } = d.rows[0] as { label: string; template: Template };
  const urls = (await pool.query(`select url_id as id, url from delivery_url where delivery_id = $1 order by url_id`, [deliveryId])).rows;
  const parts = (
    await pool.query(
      `select part_index, first_broadlog_id, last_broadlog_id, (select count(*) from delivery_part where delivery_id = $1) as total
         from delivery_part where delivery_id = $1 and accepted_at is null order by part_index`,
      [deliveryId],
    )
  ).rows;
  let next = 0;
  const worker = async () => {
    while (next < parts.length) {
      const p = parts[next++];
      const rows = await pool.query(
        `select id, email, data from broadlog where delivery_id = $1 and id between $2 and $3 order by id`,
        [deliveryId, p.first_broadlog_id, p.last_broadlog_id],
      );
      const part: DeliveryPart = {
        instance: opts.instance,
        mktDeliveryId: deliveryId,
        partIndex: p.part_index,
        partCount: p.total,
        label,
        template,
        urls,
        recipients: rows.rows.map((r) => ({
          mktBroadLogId: r.id,
          email: r.email,
          fields: Object.fromEntries(Object.entries(r.data as Record<string, unknown>).map(([k, v]) => [k, v == null ? '' : String(v)])),
        })),
      };
      // Each submission is counted: a part sent again after a lost answer shows attempts > 1.
      const counted = () => pool.query(`update delivery_part set attempts = attempts + 1 where delivery_id = $1 and part_index = $2`, [deliveryId, p.part_index]).then(() => undefined);
      try {
        // Alternating routing: with several mids, part i goes to mid i mod n (the same one on a resume).
        const mid = mids[p.part_index % mids.length];
        await mid.call(DELIVERY_SCHEMA, 'AppendDeliveryPart', { part: encodePart(part) }, { retry: true, onAttempt: counted });
      } catch (e) {
        if (e instanceof MidRefused) {
          opts.log.error({ delivery: deliveryId, part: p.part_index, err: e.message }, 'the mid refused a delivery part');
          await pool.query(`update delivery set state = 'failed' where id = $1`, [deliveryId]);
        }
        throw e;
      }
      await withTransaction(pool, async (c) => {
        await c.query(`update delivery_part set accepted_at = now() where delivery_id = $1 and part_index = $2`, [deliveryId, p.part_index]);
        await c.query(
          `update broadlog set status = 'transmitted', transmitted_at = now()
            where delivery_id = $1 and id between $2 and $3 and status = 'prepared'`,
          [deliveryId, p.first_broadlog_id, p.last_broadlog_id],
        );
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, parts.length) }, worker));
}
