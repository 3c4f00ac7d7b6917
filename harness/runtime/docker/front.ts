#!/usr/bin/env node
// The web front of a container that holds a web module: the architecture documentation puts a web
// server on 80/443 that relays to the web module on 8080. This program is that relay (plain TCP on
// 80, TLS terminated on 443 when the image has a certificate), and it runs the module as its child:
//   node front.js --http 80 --https 443 --to 8080 -- node main.js app-server --config f.json
// It forwards SIGTERM/SIGINT to the module and exits with the module's code, so that a module that
// dies takes its container down with it, as a crashed server would.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

const TLS_DIR = '/app/tls';

export interface FrontArgs {
  http?: number;
  https?: number;
  to: number;
  command: string[];
}

export function parseFrontArgs(argv: string[]): FrontArgs {
  const sep = argv.indexOf('--');
  const flags = sep < 0 ? argv : argv.slice(0, sep);
  const command = sep < 0 ? [] : argv.slice(sep + 1);
  const a: Partial<FrontArgs> = { command };
  for (let i = 0; i < flags.length; i += 2) {
    const v = Number(flags[i + 1]);
    if (!Number.isInteger(v) || v <= 0 || v > 65535) throw new Error(`${flags[i]} needs a port, got "${flags[i + 1]}"`);
    if (flags[i] === '--http') a.http = v;
    else if (flags[i] === '--https') a.https = v;
    else if (flags[i] === '--to') a.to = v;
    else throw new Error(`unknown flag ${flags[i]}`);
  }
  if (!a.to || !command.length) throw new Error('usage: front.js [--http 80] [--https 443] --to 8080 -- <command...>');
  return a as FrontArgs;
}

/** Pipe a client connection to the web module, half-closes carried, errors closing both sides. */
function relay(client: Socket, port: number): void {
  const upstream = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.pipe(upstream);
  upstream.pipe(client);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
}

async function main(): Promise<void> {
  const a = parseFrontArgs(process.argv.slice(2));
  if (a.http) await listen(createServer({ allowHalfOpen: true }, (c) => relay(c, a.to)), a.http);
  if (a.https && existsSync(`${TLS_DIR}/cert.pem`)) {
    const tls = createTlsServer({ key: readFileSync(`${TLS_DIR}/key.pem`), cert: readFileSync(`${TLS_DIR}/cert.pem`), allowHalfOpen: true }, (c) => relay(c, a.to));
    await listen(tls, a.https);
  }
  const child = spawn(a.command[0], a.command.slice(1), { stdio: 'inherit' });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 9 : 1)));
}

if (process.argv[1]?.endsWith('front.js')) {
  main().catch((e: Error) => {
    process.stderr.write(`front: ${e.message}\n`);
    process.exit(3);
  });
}
