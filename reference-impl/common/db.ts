import { createHash } from 'node:crypto';
import pg from 'pg';
import { EXECUTION_SQL, MARKETING_SQL, MID_SQL } from './schema.js';

// int8 and numeric as JS numbers: ids and counts here stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(url: string, max = 8): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // A dropped connection (database restarted, link cut) must not crash the module: the next
  // query gets a fresh connection or a clear error.
  pool.on('error', () => {});
  return pool;
}

export async function withTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    const r = await fn(c);
    await c.query('commit');
    return r;
  } catch (e) {
    await c.query('rollback').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

export type Site = 'marketing' | 'mid';

/** Create the site's tables if needed. Every module of a site may call it; a lock serialises them. */
export async function ensureSchema(pool: pg.Pool, site: Site): Promise<void> {
  const sql = [EXECUTION_SQL, site === 'marketing' ? MARKETING_SQL : MID_SQL];
  const version = createHash('sha256').update(sql.join('\n')).digest('hex');
  await withTransaction(pool, async (c) => {
    await c.query('select pg_advisory_xact_lock(7777001)');
    // Once the schema is in place, a module starting later (a second MTA, a node restarted after a
    // crash) runs no DDL: its table locks would deadlock with the modules already at work.
    await c.query('create table if not exists midsim_schema (version text primary key)');
    if ((await c.query('select 1 from midsim_schema where version = $1', [version])).rowCount) return;
    for (const q of sql) await c.query(q);
    await c.query('insert into midsim_schema (version) values ($1) on conflict do nothing', [version]);
  });
}

/** Wait until the database answers, for modules started before their database is ready. */
export async function waitForDatabase(pool: pg.Pool, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await pool.query('select 1');
      return;
    } catch (e) {
      if (Date.now() > until) throw new Error(`database not reachable after ${timeoutMs}ms: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * A position in a table's change stream: (transaction id, row id). Rows are read in that order,
 * only from transactions older than every transaction still running, so a row committed late by
 * a slow transaction can never fall behind a position already handed out.
 */
export interface ChangeCursor {
  xid: string;
  id: number;
}
export const START: ChangeCursor = { xid: '0', id: 0 };

export function encodeCursor(c: ChangeCursor): string {
  return `${c.xid}:${c.id}`;
}
export function decodeCursor(s: string | undefined | null): ChangeCursor {
  if (!s) return START;
  const m = /^(\d+):(\d+)$/.exec(s);
  if (!m) throw new Error(`invalid change cursor "${s}": expected "<xid>:<id>"`);
  return { xid: m[1], id: Number(m[2]) };
}

/** SQL condition "changed after the cursor in $1/$2 and safe to read"; callers order by mod_xid, id. */
export function changedSince(alias = ''): string {
  const p = alias ? `${alias}.` : '';
  return `(${p}mod_xid, ${p}id) > ($1::xid8, $2::bigint) and ${p}mod_xid < pg_snapshot_xmin(pg_current_snapshot())`;
}
