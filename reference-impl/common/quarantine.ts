// The quarantine: addresses that the site stops sending to. Documented: a Hard error quarantines
// the address at once; Soft errors are counted and the address is quarantined when the count
// reaches the threshold (5 by default); Ignored errors (auto-replies) change nothing. A
// denylisted address (reason 8, a complaint) is recorded as such rather than as quarantined.
// Statuses follow the product's: valid (errors counted, still sent to), quarantine, denylisted.
import type { Pool, PoolClient } from './db.js';
import type { Qualification } from './qualification.js';

export const QUARANTINED = ['quarantine', 'denylisted'];

/** Apply one failure of `email` to the quarantine table, inside the caller's transaction. */
export async function applyFailure(
  c: PoolClient,
  email: string,
  q: Qualification,
  softThreshold: number,
): Promise<{ status: string; errorCount: number }> {
  // Stored as given: the marketing instance matches it against recipient emails as they are.
  const address = email.trim();
  if (q.type === 'Ignored') {
    const r = await c.query('select status, error_count from quarantine where email = $1', [address]);
    return r.rows[0] ? { status: r.rows[0].status, errorCount: r.rows[0].error_count } : { status: 'valid', errorCount: 0 };
  }
  const hardStatus = q.reasonCode === 8 ? 'denylisted' : 'quarantine';
  // One statement, so that two failures of the same address at once count twice. A quarantined
  // or denylisted address stays so; a Hard error after Soft ones quarantines it at once.
  const r = await c.query(
    `insert into quarantine as q (email, status, error_count, type, reason_code, reason, updated_at)
     values ($1, case when $2 = 'Hard' then $5 when 1 >= $6 then 'quarantine' else 'valid' end, 1, $2, $3, $4, now())
     on conflict (email) do update set
       error_count = q.error_count + 1,
       status = case
         when q.status = 'denylisted' then 'denylisted'
         when $2 = 'Hard' then $5
         when q.status = 'quarantine' or q.error_count + 1 >= $6 then 'quarantine'
         else 'valid' end,
       type = excluded.type, reason_code = excluded.reason_code, reason = excluded.reason, updated_at = now()
     returning status, error_count`,
    [address, q.type, q.reasonCode, q.reason, hardStatus, softThreshold],
  );
  return { status: r.rows[0].status, errorCount: r.rows[0].error_count };
}

export async function isQuarantined(c: PoolClient | Pool, email: string): Promise<boolean> {
  const r = await c.query('select 1 from quarantine where email = $1 and status = any($2)', [email.trim(), QUARANTINED]);
  return (r.rowCount ?? 0) > 0;
}
