#!/usr/bin/env node
// Start one module by name: node dist/reference-impl/main.js <module> --config <file>
// Exit codes: 2 bad usage or config (the message names the field), 3 could not start
// (port taken, database unreachable), 0 after a clean stop on SIGTERM/SIGINT.
import { loadNodeConfig } from './common/config.js';
import { ConfigError } from './common/errors.js';
import { createLogger } from './common/log.js';
import type { ModuleStart, RunningModule } from './common/module.js';
import { stopWithParent } from './common/parent-watch.js';

export const MODULES: Record<string, () => Promise<{ start: ModuleStart }>> = {
  'app-server': () => import('./app-server/index.js'),
  'mid-relay': () => import('./mid-relay/index.js'),
  mta: () => import('./mta/index.js'),
  'bounce-handler': () => import('./bounce-handler/index.js'),
  redirector: () => import('./redirector/index.js'),
  'stat-server': () => import('./stat-server/index.js'),
};

const USAGE = `usage: main.js <module> --config <file>\nmodules: ${Object.keys(MODULES).join(', ')}`;

async function main(argv: string[]): Promise<number> {
  const [name, flag, file] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = MODULES[name];
  if (!load) {
    console.error(`unknown module "${name}"\n${USAGE}`);
    return 2;
  }
  if (flag !== '--config' || !file) {
    console.error(`missing --config <file>\n${USAGE}`);
    return 2;
  }
  let running: RunningModule;
  const config = (() => {
    try {
      return loadNodeConfig(file);
    } catch (e) {
      console.error((e as Error).message);
      return null;
    }
  })();
  if (!config) return 2;
  const log = createLogger(name, config.instance, config.logLevel);
  try {
    const { start } = await load();
    running = await start(config, log);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 2;
    }
    log.fatal({ err: e }, `cannot start ${name}`);
    console.error(`cannot start ${name}: ${(e as Error).message}`);
    return 3;
  }
  log.info({ pid: process.pid }, `${name} started`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, `${name} stopping`);
      const force = setTimeout(() => resolve(0), 10_000);
      force.unref();
      await running.stop().catch((e) => log.error({ err: e }, 'error while stopping'));
      clearTimeout(force);
      resolve(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    stopWithParent();
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(3);
  },
);
