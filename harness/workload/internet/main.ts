#!/usr/bin/env node
// The Internet node as a program: node dist/harness/workload/internet/main.js --config <file.json>
// Prints one JSON line on stdout once listening:
//   {"ready":true,"control":{"host","port"},"domains":{"<name>":{"host","port"}}}
// Exit codes: 2 bad usage or config (the message names the field), 3 could not start (port
// taken...), 0 after a clean stop on SIGTERM/SIGINT.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../../reference-impl/common/errors.js';
import { loadInternetConfig } from './config.js';
import { createInternetLogger, startInternet } from './index.js';
import { stopWithParent } from '../../../reference-impl/common/parent-watch.js';

const USAGE = 'usage: main.js --config <file.json>';

/** The config file named on the command line; a ConfigError with the usage otherwise. */
export function parseArgs(argv: string[]): { configFile: string } {
  if (argv.length === 2 && argv[0] === '--config' && argv[1]) return { configFile: argv[1] };
  const eq = argv.length === 1 ? /^--config=(.+)$/.exec(argv[0]) : null;
  if (eq) return { configFile: eq[1] };
  throw new ConfigError(`expected --config <file.json>, got ${JSON.stringify(argv)}\n${USAGE}`);
}

export interface ProgramIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves with the signal name when it is time to stop. */
  stopRequested: Promise<string>;
}

/** Run the node until asked to stop; the exit code. */
export async function runProgram(argv: string[], io: ProgramIo): Promise<number> {
  let config;
  try {
    config = loadInternetConfig(parseArgs(argv).configFile);
  } catch (e) {
    io.err((e as Error).message);
    return 2;
  }
  const log = createInternetLogger(config.logLevel);
  let running;
  try {
    running = await startInternet(config, log);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return 2;
    }
    io.err(`cannot start the internet node: ${(e as Error).message}`);
    return 3;
  }
  io.out(JSON.stringify({ ready: true, control: running.control, domains: running.domains }));
  const signal = await io.stopRequested;
  log.info({ signal }, 'stopping');
  await running.stop();
  return 0;
}

function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const stopRequested = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  stopWithParent();
  // A stop that hangs must not keep the node alive: the runtime waits for the exit.
  void stopRequested.then(() => setTimeout(() => process.exit(0), 8000).unref());
  runProgram(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stopRequested,
  }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(3);
    },
  );
}
