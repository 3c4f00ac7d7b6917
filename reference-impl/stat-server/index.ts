// The stat server module (the product's port 7777): message tokens and SMTP connection slots per
// MX rule, shared by all MTAs. Section `stat` of the node config; see README.md for the protocol.
import { section, type NodeConfig } from '../common/config.js';
import { startControl } from '../common/control.js';
import { TimeScale } from '../common/duration.js';
import { ConfigError } from '../common/errors.js';
import { closeServer } from '../common/http.js';
import type { Logger } from '../common/log.js';
import type { ModuleStart, RunningModule } from '../common/module.js';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { LedgerState } from './quota.js';
import { StatServer } from './server.js';

export interface RunningStatServer extends RunningModule {
  /** Bound ports, useful when the config asks for port 0. */
  port: number;
  controlPort: number;
}

export async function startStatServer(config: NodeConfig, log: Logger): Promise<RunningStatServer> {
  const stat = section(config, 'stat');
  const names = stat.mxRules.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ConfigError(`config: stat.mxRules: MX rule "${dup}" is defined twice`);

  const state = stat.stateFile ? stateFile(stat.stateFile, log) : null;
  const server = new StatServer({
    mxRules: stat.mxRules,
    periodsPerHour: stat.periodsPerHour,
    timeScale: new TimeScale(config.timeScale),
    log,
    saved: state?.saved,
    save: state?.save,
  });
  const port = await server.listen(stat.host, stat.port);
  let control;
  try {
    control = await startControl(config.control.host, config.control.port, 'stat', {
      health: () => server.health(),
      metrics: () => server.metrics(),
    });
  } catch (e) {
    await server.close();
    throw e;
  }
  const controlPort = (control.address() as { port: number }).port;
  log.info({ host: stat.host, port, controlPort, periodMs: server.periodMs, granting: server.health().granting }, 'stat server listening');
  let stopped: Promise<void> | undefined;
  return {
    port,
    controlPort,
    stop: () => (stopped ??= Promise.all([server.close(), closeServer(control)]).then(() => undefined)),
  };
}

export const start: ModuleStart = startStatServer;

/**
 * The state file keeps the current period's counts across restarts: a restarted server resumes
 * them (quotas hold) instead of holding every grant until the next period. It is written before
 * each grant is answered. A missing file means a first start.
 */
function stateFile(file: string, log: Logger): { saved: LedgerState | 'fresh'; save: (s: LedgerState) => void } {
  let saved: LedgerState | 'fresh' = 'fresh';
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as LedgerState;
      log.info({ file, period: saved.period }, 'stat server state restored');
    } catch (e) {
      throw new ConfigError(`stat.stateFile: cannot read ${file}: ${(e as Error).message}`);
    }
  }
  return {
    saved,
    save(s) {
      writeFileSync(`${file}.tmp`, JSON.stringify(s));
      renameSync(`${file}.tmp`, file);
    },
  };
}
