// midsim up as a person uses it: start it, read the endpoints it prints, use a few of them, press
// Ctrl-C (SIGINT), and find nothing left running.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '../paths.js';

const out = mkdtempSync(join(tmpdir(), 'midsim-up-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every process below `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) found.push(c), walk(c);
  };
  walk(pid);
  return found;
}
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

it('prints every endpoint, serves them until Ctrl-C, then leaves nothing running', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'bin/midsim.js'), 'up', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let text = '';
  child.stdout.on('data', (b) => (text += b));
  let err = '';
  child.stderr.on('data', (b) => (err += b));
  const until = Date.now() + 90_000;
  while (!text.includes('ready: press Ctrl-C')) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`no endpoints printed:\n${text}\n${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = (re: RegExp) => re.exec(text)?.[1] ?? '';
  // The app server, the tracking server, the fault proxy's Toxiproxy API and a database answer.
  const status = await (await fetch(url(/app server .*?(http:\S+\/api\/status)/))).json();
  expect(status).toMatchObject({ instance: 'marketing', mode: 'mid-sourcing' });
  expect(await (await fetch(url(/tracking .*?(http:\S+\/r\/test)/))).text()).toMatch(/<redir status='OK'/);
  const proxies = await (await fetch(url(/Toxiproxy API: (http:\S+\/proxies)/))).json();
  expect(Object.keys(proxies)).toContain('instance->mid:soap');
  const db = new pg.Client({ connectionString: url(/database +mid-db: (postgres:\S+)/) });
  await db.connect();
  expect((await db.query('select count(*)::int as n from broadlog')).rows[0].n).toBe(0);
  await db.end();
  for (const line of ['SOAP', 'sink', 'inMail', 'stat server', 'database    marketing-db']) expect(text).toContain(line);

  const pids = descendants(child.pid!);
  expect(pids.length).toBeGreaterThan(8); // nodes, PostgreSQL servers and the fault proxy
  child.kill('SIGINT');
  expect(await exited).not.toBeNull();
  await new Promise((r) => setTimeout(r, 500));
  expect(pids.filter(alive)).toEqual([]);
  expect(err).toMatch(/stopped; logs and configs are in/);
  expect(existsSync(join(out, 'logs', 'app-server.log'))).toBe(true);
});
