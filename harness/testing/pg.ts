// For integration tests: one real PostgreSQL server under a temporary directory, removed on stop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../runtime/ports.js';
import { startPostgres, type PostgresServer } from '../runtime/postgres.js';

export async function startTestPostgres(...databases: string[]): Promise<PostgresServer> {
  const root = mkdtempSync(join(tmpdir(), 'midsim-pg-'));
  const server = await startPostgres({ dataDir: join(root, 'data'), port: await freePort() });
  for (const db of databases) await server.createDatabase(db);
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
