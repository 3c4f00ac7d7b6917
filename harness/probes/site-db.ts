// Read-only access to a site's database, for probes: counts while the run goes, rows at the end.
import pg from 'pg';

export type StatusCounts = Record<string, number>;

export class SiteDb {
  private readonly pool: pg.Pool;
  constructor(
    readonly site: 'marketing' | 'mid',
    url: string,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    this.pool.on('error', () => {});
  }

  async statusCounts(): Promise<StatusCounts> {
    const r = await this.pool.query(`select status, count(*)::int as n from broadlog group by status`);
    return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
  }

  async trackingCount(): Promise<number> {
    const r = await this.pool.query(`select count(*)::int as n from tracking_log`);
    return r.rows[0].n;
  }

  async bouncedCount(): Promise<number> {
    const r = await this.pool.query(`select count(*)::int as n from broadlog where bounced_at is not null`);
    return r.rows[0].n;
  }

  /** Every row of a query, a page at a time, ordered by `id` (keyset pagination: bounded memory). */
  async *rows(sql: string, params: unknown[] = [], page = 5000): AsyncGenerator<Record<string, unknown>> {
    let after = 0;
    for (;;) {
      const r = await this.pool.query(`select * from (${sql}) q where q.id > $${params.length + 1} order by q.id limit ${page}`, [...params, after]);
      for (const row of r.rows) yield row;
      if (r.rows.length < page) return;
      after = r.rows[r.rows.length - 1].id as number;
    }
  }

  query(sql: string, params: unknown[] = []) {
    return this.pool.query(sql, params);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
