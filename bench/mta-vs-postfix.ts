// The reference MTA alone against Postfix's smtp-source, both sending into the same Postfix
// smtp-sink, same message size, same number of connections, in the same run. Printed, not asserted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, ensureSchema } from '../reference-impl/common/db.js';
import { extractLinks } from '../reference-impl/common/template.js';
import { composeMessage } from '../reference-impl/mta/compose.js';
import { program } from '../harness/paths.js';
import { reservePort } from '../harness/runtime/ports.js';
import { DEFAULT_TEMPLATE } from '../harness/scenario.js';
import { startTestPostgres } from '../harness/testing/pg.js';
import { which } from './proc.js';

export interface MtaBench {
  messages: number;
  connections: number;
  messageBytes: number;
  mtaPerSecond: number;
  smtpSourcePerSecond: number;
  /** MTA / smtp-source (1 = as fast as Postfix's own load generator). */
  ratio: number;
}

const DOMAIN = 'sink.test';

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start(cmd: string, args: string[]): { proc: ChildProcess; done: Promise<number | null> } {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err = (err + d).slice(-2000)));
  const done = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      if (code) process.stderr.write(`${cmd} exited ${code}: ${err}\n`);
      resolve(code);
    }),
  );
  return { proc, done };
}

export async function benchMtaVsPostfix(o: { messages?: number; connections?: number; log?: (l: string) => void } = {}): Promise<MtaBench | null> {
  const { messages = 20_000, connections = 4, log = console.log } = o;
  const sinkBin = which('smtp-sink');
  const sourceBin = which('smtp-source');
  if (!sinkBin || !sourceBin) {
    log('mta-vs-postfix: skipped, Postfix is not installed (apt-get install postfix: smtp-sink, smtp-source)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'midsim-bench-'));
  const pg = await startTestPostgres('mid');
  const children: ChildProcess[] = [];
  try {
    const pool = createPool(pg.url('mid'));
    await ensureSchema(pool, 'mid');
    const links = extractLinks(DEFAULT_TEMPLATE.html);
    const d = await pool.query(`insert into delivery (label, template) values ('bench', $1) returning id`, [JSON.stringify(DEFAULT_TEMPLATE)]);
    const deliveryId = d.rows[0].id as number;
    await pool.query(`insert into delivery_url (delivery_id, url_id, url) select $1, * from unnest($2::int[], $3::text[])`, [deliveryId, links.map((_, i) => i + 2), links]);
    const data = { firstName: 'Ann', lastName: 'Martin', city: 'Lyon' };
    await pool.query(
      `insert into broadlog (delivery_id, email, data, status) select $1, 'r' || g || '@${DOMAIN}', $2, 'pending' from generate_series(0, $3 - 1) g`,
      [deliveryId, JSON.stringify(data), messages],
    );
    const compose = { instance: 'mid', hostName: 'mid.provider.example', trackingBaseUrl: 'http://t.example', bounceAddress: 'bounce@mid.provider.example' };
    const sample = await composeMessage({ id: deliveryId, template: DEFAULT_TEMPLATE, urlIds: new Map(links.map((l, i) => [l, i + 2])) }, { broadLogId: 1, email: `r0@${DOMAIN}`, data }, compose);
    const messageBytes = sample.length;

    // One Postfix smtp-sink for both senders (as root it must drop privileges).
    const sinkPort = await reservePort();
    const asRoot = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
    const sink = start(sinkBin, [...asRoot, `127.0.0.1:${sinkPort}`, '1024']);
    children.push(sink.proc);
    await new Promise((r) => setTimeout(r, 300));

    // The reference MTA and its stat server, as the programs a run starts.
    const statPort = await reservePort();
    const rules = [{ name: 'default', domains: ['*'], maxConnections: connections, maxMessagesPerConnection: 100_000, maxMessagesPerHour: 1_000_000_000 }];
    const conf = (name: string, c: object) => {
      const f = join(dir, `${name}.json`);
      writeFileSync(f, JSON.stringify({ instance: 'mid', logLevel: 'warn', ...c }));
      return f;
    };
    const statControl = await reservePort();
    const stat = start(process.execPath, [program('reference-impl/main.js'), 'stat-server', '--config', conf('stat', { control: { port: statControl }, stat: { port: statPort, mxRules: rules, stateFile: join(dir, 'stat-state.json') } })]);
    children.push(stat.proc);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${statControl}/health`).catch(() => null))?.ok === true, 15_000, 'the stat server');
    const t0 = Date.now();
    const mtaControl = await reservePort();
    const mta = start(process.execPath, [
      program('reference-impl/main.js'), 'mta', '--config',
      conf('mta', { control: { port: mtaControl }, mta: { db: { url: pg.url('mid') }, statServer: { host: '127.0.0.1', port: statPort }, hostName: compose.hostName, transportMap: { [DOMAIN]: `127.0.0.1:${sinkPort}` }, mxRules: rules, trackingBaseUrl: compose.trackingBaseUrl, bounceAddress: compose.bounceAddress, batchSize: 1000 } }),
    ]);
    children.push(mta.proc);
    await waitFor(async () => (await pool.query(`select count(*)::int as n from broadlog where status in ('sent', 'failed')`)).rows[0].n >= messages, 600_000, 'the MTA to send everything');
    const mtaSeconds = (Date.now() - t0) / 1000;
    const failed = (await pool.query(`select count(*)::int as n from broadlog where status = 'failed'`)).rows[0].n;
    if (failed) log(`mta-vs-postfix: warning, ${failed} messages failed`);
    await pool.end();

    // Postfix's own load generator: same sink, same size, same connection count, connections reused.
    const t1 = Date.now();
    const source = start(sourceBin, ['-d', '-s', String(connections), '-m', String(messages), '-l', String(messageBytes), '-f', compose.bounceAddress, '-t', `r@${DOMAIN}`, `127.0.0.1:${sinkPort}`]);
    const code = await source.done;
    if (code !== 0) throw new Error(`smtp-source failed with code ${code}`);
    const sourceSeconds = (Date.now() - t1) / 1000;

    const r: MtaBench = {
      messages,
      connections,
      messageBytes,
      mtaPerSecond: messages / mtaSeconds,
      smtpSourcePerSecond: messages / sourceSeconds,
      ratio: messages / mtaSeconds / (messages / sourceSeconds),
    };
    log(`mta-vs-postfix: ${messages} messages of ${messageBytes} bytes over ${connections} connections into Postfix smtp-sink`);
    log(`  reference MTA (claims, stat tokens, compose, SMTP, outcomes in PostgreSQL): ${r.mtaPerSecond.toFixed(0)} msg/s`);
    log(`  Postfix smtp-source (SMTP only):                                        ${r.smtpSourcePerSecond.toFixed(0)} msg/s`);
    log(`  ratio MTA / smtp-source: ${r.ratio.toFixed(2)}`);
    return r;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
