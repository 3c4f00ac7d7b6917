import { afterEach, describe, expect, it } from 'vitest';
import { parseFlags, run } from './main.js';
import type { FaultProxyServer } from './server.js';

describe('fault proxy program', () => {
  let server: FaultProxyServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reads its flags, with Toxiproxy\'s port by default', () => {
    expect(parseFlags([])).toEqual({ host: '127.0.0.1', port: 8474, captureDir: undefined, help: false });
    expect(parseFlags(['--host', '0.0.0.0', '--port', '0', '--capture-dir', '/tmp/c'])).toEqual({
      host: '0.0.0.0',
      port: 0,
      captureDir: '/tmp/c',
      help: false,
    });
  });

  it('refuses bad flags with a clear message and exit code 2', async () => {
    for (const argv of [['--port', 'http'], ['--port', '70000'], ['--bogus'], ['extra'], ['--host']]) {
      const errors: string[] = [];
      const result = await run(argv, { stdout: () => {}, stderr: (l) => errors.push(l) });
      expect(result.exitCode).toBe(2);
      expect(errors.join('')).toMatch(/^fault proxy: .+\nusage: /);
    }
  });

  it('prints one {"listening": ...} line once ready', async () => {
    const lines: string[] = [];
    const result = await run(['--port', '0'], { stdout: (l) => lines.push(l), stderr: () => {} });
    server = result.server;
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual([`{"listening":{"host":"127.0.0.1","port":${server!.port}}}\n`]);
    expect((await fetch(`${server!.url}/version`)).status).toBe(200);
  });

  it('exits 3 when the port is taken', async () => {
    const first = await run(['--port', '0'], { stdout: () => {}, stderr: () => {} });
    server = first.server;
    const second = await run(['--port', String(server!.port)], { stdout: () => {}, stderr: () => {} });
    expect(second.exitCode).toBe(3);
  });
});
