import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, ensureSchema, changedSince } from '../../reference-impl/common/db.js';
import { startTestPostgres } from './pg.js';
import type { PostgresServer } from '../runtime/postgres.js';

describe('site schema on real PostgreSQL', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startTestPostgres('marketing', 'mid');
  });
  afterAll(async () => pg?.stop());

  it('installs both sites idempotently and reads changes by transaction order', async () => {
    for (const site of ['marketing', 'mid'] as const) {
      const pool = createPool(pg.url(site));
      await ensureSchema(pool, site);
      await ensureSchema(pool, site);
      await pool.query(`insert into delivery (label, template) values ('d', '{}')`);
      await pool.query(`insert into broadlog (delivery_id, email, status) values (1, 'a@x.test', 'pending'), (1, 'b@x.test', 'pending')`);
      const first = await pool.query(`select id, mod_xid::text as xid from broadlog where ${changedSince()} order by mod_xid, id`, ['0', 0]);
      expect(first.rows.map((r) => r.id)).toEqual([1, 2]);
      const last = first.rows[1];
      await pool.query(`update broadlog set status = 'sent' where id = 1`);
      const next = await pool.query(`select id from broadlog where ${changedSince()} order by mod_xid, id`, [last.xid, last.id]);
      expect(next.rows.map((r) => r.id)).toEqual([1]);
      await pool.end();
    }
  });
});
