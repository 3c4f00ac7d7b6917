// The Internet node as a program: arguments, config errors, the ready line, a clean stop.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, runProgram } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'midsim-internet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, config: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

const good = {
  seed: 3,
  domains: [
    { name: 'a.example', port: 0 },
    { name: 'b.example', port: 0 },
  ],
  bounceIntake: { host: '127.0.0.1', port: 1 },
  logLevel: 'silent',
};

function io() {
  const out: string[] = [];
  const err: string[] = [];
  let stop!: (signal: string) => void;
  const stopRequested = new Promise<string>((r) => (stop = r));
  return { out, err, stop, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), stopRequested } };
}

describe('internet main', () => {
  it('parses its arguments', () => {
    expect(parseArgs(['--config', 'x.json'])).toEqual({ configFile: 'x.json' });
    expect(parseArgs(['--config=x.json'])).toEqual({ configFile: 'x.json' });
    expect(() => parseArgs([])).toThrow(/usage/);
    expect(() => parseArgs(['--config'])).toThrow(/usage/);
    expect(() => parseArgs(['x.json'])).toThrow(/usage/);
  });

  it('exits 2 on bad usage or config, naming the field', async () => {
    const a = io();
    expect(await runProgram([], a.io)).toBe(2);
    const b = io();
    expect(await runProgram(['--config', join(dir, 'missing.json')], b.io)).toBe(2);
    expect(b.err.join('\n')).toMatch(/cannot read config/);
    const c = io();
    expect(await runProgram(['--config', configFile('bad.json', { ...good, domains: [{ name: 'a', behaviour: { defer: { share: 2 } } }] })], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/config\.domains\.0\.behaviour\.defer\.share/);
    expect(c.out).toEqual([]);
  });

  it('exits 3 when a port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const x = io();
    expect(await runProgram(['--config', configFile('taken.json', { ...good, domains: [{ name: 'a', port: 0 }, { name: 'b', port }] })], x.io)).toBe(3);
    expect(x.err.join('\n')).toMatch(/EADDRINUSE/);
    await new Promise((r) => taken.close(r));
  });

  it('prints the ready line, serves, and stops cleanly', async () => {
    const x = io();
    const exit = runProgram(['--config', configFile('good.json', good)], x.io);
    await expect.poll(() => x.out.length).toBe(1);
    const ready = JSON.parse(x.out[0]);
    expect(ready).toMatchObject({ ready: true, control: { host: '127.0.0.1' }, domains: { 'a.example': { host: '127.0.0.1' } } });
    expect(ready.domains['b.example'].port).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${ready.control.port}/health`);
    expect(health.status).toBe(200);
    x.stop('SIGTERM');
    expect(await exit).toBe(0);
    await expect(fetch(`http://127.0.0.1:${ready.control.port}/health`)).rejects.toThrow();
  });

  // The built program (npm test builds first; skipped when dist/ is absent).
  const built = resolve('dist/harness/workload/internet/main.js');
  it.skipIf(!existsSync(built))('runs as a child process and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [built, '--config', configFile('child.json', good)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const firstLine = await new Promise<string>((res, rej) => {
      createInterface({ input: child.stdout! }).once('line', res);
      child.once('exit', (code) => rej(new Error(`exited ${code} before the ready line`)));
    });
    const ready = JSON.parse(firstLine);
    expect(ready.ready).toBe(true);
    expect((await fetch(`http://127.0.0.1:${ready.control.port}/health`)).status).toBe(200);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
