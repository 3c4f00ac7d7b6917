// Standalone fault proxy, for `midsim toxiproxy` or by hand:
//   node dist/harness/faults/main.js [--host 127.0.0.1] [--port 8474] [--capture-dir DIR]
// Prints {"listening":{"host":...,"port":...}} on stdout once ready; stops on SIGTERM/SIGINT.
// Exit codes: 0 stopped cleanly, 2 bad flags, 3 cannot listen (midsim's infrastructure error).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_API_PORT, startFaultProxy, type FaultProxyOptions, type FaultProxyServer } from './server.js';
import { stopWithParent } from '../../reference-impl/common/parent-watch.js';

const USAGE = 'usage: main.js [--host 127.0.0.1] [--port 8474] [--capture-dir DIR]';

export class UsageError extends Error {}

export function parseFlags(argv: string[]): FaultProxyOptions & { help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'capture-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = values.port === undefined ? DEFAULT_API_PORT : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) {
    throw new UsageError(`--port must be a port number (0-65535), got "${values.port}"`);
  }
  if (values.host === '') throw new UsageError('--host must not be empty');
  if (values['capture-dir'] === '') throw new UsageError('--capture-dir must not be empty');
  return { host: values.host ?? '127.0.0.1', port, captureDir: values['capture-dir'], help: values.help ?? false };
}

export interface Output {
  stdout(line: string): void;
  stderr(line: string): void;
}

/**
 * Parse the flags and start the server; returns the exit code to use if it could not start
 * (2: bad flags, 3: cannot listen) or the running server.
 */
export async function run(argv: string[], out: Output): Promise<{ exitCode: number; server?: FaultProxyServer }> {
  let flags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    out.stderr(`fault proxy: ${(error as Error).message}\n${USAGE}\n`);
    return { exitCode: 2 };
  }
  if (flags.help) {
    out.stdout(`${USAGE}\n`);
    return { exitCode: 0 };
  }
  try {
    const server = await startFaultProxy(flags);
    out.stdout(JSON.stringify({ listening: { host: server.host, port: server.port } }) + '\n');
    return { exitCode: 0, server };
  } catch (error) {
    out.stderr(`fault proxy: cannot listen on ${flags.host}:${flags.port}: ${(error as Error).message}\n`);
    return { exitCode: 3 };
  }
}

async function main(): Promise<void> {
  const { exitCode, server } = await run(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(line),
    stderr: (line) => process.stderr.write(line),
  });
  if (!server) {
    process.exitCode = exitCode;
    return;
  }
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  stopWithParent();
}

// Run only when executed, not when imported (tests import parseFlags).
function invokedDirectly(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  void main();
}
