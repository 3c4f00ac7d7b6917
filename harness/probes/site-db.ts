// Read-only access to a site's database, for probes: counts while the run goes, rows at the end.
import pg from 'pg';

export type StatusCounts = Record<string, number>;

export class SiteDb {
  /** One pool per database: a site with several mids reads all of their databases as one. */
  private readonly pools: pg.Pool[];
  constructor(
    readonly site: 'marketing' | 'mid',
    url: string | string[],
  ) {
    this.pools = (Array.isArray(url) ? url : [url]).map((u) => {
      const p = new pg.Pool({ connectionString: u, max: 2 });
      p.on('error', () => {});
      return p;
    });
  }

  private async each<T>(f: (p: pg.Pool) => Promise<T>): Promise<T[]> {
    return Promise.all(this.pools.map(f));
  }

  async statusCounts(): Promise<StatusCounts> {
    const out: StatusCounts = {};
    for (const r of await this.each((p) => p.query(`select status, count(*)::int as n from broadlog group by status`))) {
      for (const x of r.rows) out[x.status] = (out[x.status] ?? 0) + x.n;
    }
    return out;
  }

  private async count(sql: string): Promise<number> {
    return (await this.each((p) => p.query(sql))).reduce((n, r) => n + r.rows[0].n, 0);
  }

  trackingCount(): Promise<number> {
    return this.count(`select count(*)::int as n from tracking_log`);
  }

  bouncedCount(): Promise<number> {
    return this.count(`select count(*)::int as n from broadlog where bounced_at is not null`);
  }

  /** Every row of a query, a page at a time, ordered by `id` (keyset pagination: bounded memory), database after database. */
  async *rows(sql: string, params: unknown[] = [], page = 5000): AsyncGenerator<Record<string, unknown>> {
    for (const pool of this.pools) {
      let after = 0;
      for (;;) {
        const r = await pool.query(`select * from (${sql}) q where q.id > $${params.length + 1} order by q.id limit ${page}`, [...params, after]);
        for (const row of r.rows) yield row;
        if (r.rows.length < page) break;
        after = r.rows[r.rows.length - 1].id as number;
      }
    }
  }

  /** A query on the (first) database. */
  query(sql: string, params: unknown[] = []) {
    return this.pools[0].query(sql, params);
  }

  async close(): Promise<void> {
    await this.each((p) => p.end());
  }
}
