import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres } from '../../harness/testing/pg.js';
import type { PostgresServer } from '../../harness/runtime/postgres.js';
import { createPool, ensureSchema, withTransaction, type Pool } from './db.js';
import { qualify } from './qualification.js';
import { applyFailure, isQuarantined } from './quarantine.js';

describe('quarantine on real PostgreSQL', () => {
  let pg: PostgresServer;
  let pool: Pool;
  beforeAll(async () => {
    pg = await startTestPostgres('mid');
    pool = createPool(pg.url('mid'));
    await ensureSchema(pool, 'mid');
  });
  afterAll(async () => {
    await pool?.end();
    await pg?.stop();
  });

  const apply = (email: string, code: number, threshold = 5) => withTransaction(pool, (c) => applyFailure(c, email, qualify(code), threshold));

  it('quarantines at once on a Hard error', async () => {
    expect(await apply('gone@x.test', 1)).toEqual({ status: 'quarantine', errorCount: 1 });
    expect(await isQuarantined(pool, 'gone@x.test')).toBe(true);
  });

  it('counts Soft errors and quarantines when the count reaches the threshold', async () => {
    for (let i = 1; i < 5; i++) expect(await apply('full@x.test', 5)).toEqual({ status: 'valid', errorCount: i });
    expect(await isQuarantined(pool, 'full@x.test')).toBe(false);
    expect(await apply('full@x.test', 5)).toEqual({ status: 'quarantine', errorCount: 5 });
    expect(await isQuarantined(pool, 'full@x.test')).toBe(true);
    // a threshold of 1 quarantines on the first Soft error
    expect(await apply('once@x.test', 3, 1)).toEqual({ status: 'quarantine', errorCount: 1 });
  });

  it('denylists on a complaint (reason 8) and keeps the address denylisted', async () => {
    expect(await apply('angry@x.test', 8)).toEqual({ status: 'denylisted', errorCount: 1 });
    expect(await apply('angry@x.test', 5)).toEqual({ status: 'denylisted', errorCount: 2 });
    expect(await isQuarantined(pool, 'angry@x.test')).toBe(true);
    const row = await pool.query('select type, reason_code, reason from quarantine where email = $1', ['angry@x.test']);
    expect(row.rows[0]).toEqual({ type: 'Soft', reason_code: 5, reason: 'Mailbox full' });
  });

  it('changes nothing on an Ignored error', async () => {
    expect(await apply('away@x.test', 25)).toEqual({ status: 'valid', errorCount: 0 });
    expect((await pool.query('select 1 from quarantine where email = $1', ['away@x.test'])).rowCount).toBe(0);
  });

  it('counts concurrent failures of one address exactly', async () => {
    await Promise.all(Array.from({ length: 8 }, () => apply('busy@x.test', 5, 100)));
    const row = await pool.query('select error_count from quarantine where email = $1', ['busy@x.test']);
    expect(row.rows[0].error_count).toBe(8);
  });

  it('rolls back with the caller’s transaction', async () => {
    await expect(
      withTransaction(pool, async (c) => {
        await applyFailure(c, 'rollback@x.test', qualify(1), 5);
        throw new Error('caller fails');
      }),
    ).rejects.toThrow('caller fails');
    expect(await isQuarantined(pool, 'rollback@x.test')).toBe(false);
  });
});
