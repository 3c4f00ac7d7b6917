// The midsim command line. Exit codes: 0 pass, 1 a check or threshold failed, 2 bad usage or bad
// scenario/config (the message names the field), 3 infrastructure error (port, Docker, database).
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { VERSION } from '../paths.js';
import { InfrastructureError } from '../runtime/types.js';
import { MODES } from '../topology/modes.js';
import { classifyCommand } from './classify.js';
import { compareCommand } from './compare.js';
import { conformanceCommand } from './conformance.js';
import { cleanCommand } from './clean.js';
import { exportCommand } from './export.js';
import { listCommand } from './list.js';
import { runCommand } from './run.js';
import { toxiproxyCommand } from './toxiproxy.js';
import { upCommand } from './up.js';

export const EXIT = { pass: 0, fail: 1, usage: 2, infrastructure: 3 } as const;

export function buildProgram(): Command {
  const program = new Command('midsim')
    .description('Simulation and conformance harness for the Adobe Campaign Classic mid-sourcing deployment')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();
  program
    .command('run')
    .description('deliver a campaign through a topology of the reference modules and check what happened')
    .option('-s, --scenario <name|file>', 'scenario name (see `midsim list`) or a .js/.json file', 'default')
    .addOption(new Option('-m, --mode <mode>', 'deployment mode').choices(Object.keys(MODES)))
    .option('-n, --recipients <n>', 'number of recipients', intArg('--recipients'))
    .option('--seed <n>', 'seed of the workload', intArg('--seed'))
    .option('--time-scale <x>', 'play schedules x times faster than documented', numArg('--time-scale'))
    .option('-o, --out <dir>', "write the run's files into this directory (default reports/<run-id>/)")
    .option('--baseline <result.json>', 'release gate: fail on a regression against this earlier run (throughput, sync delay p95)')
    .option('--tolerance <spec>', 'regression allowed against --baseline', 'throughput=10%,syncDelay.p95=25%')
    .addOption(new Option('--runtime <runtime>', 'where nodes run: child processes, or one container per node').choices(['process', 'docker']).default('process'))
    .option('--profile <name|file>', 'hardware profile (see `midsim list`): enforced on docker, its targets judged on both runtimes')
    .option('--port-policy', "apply the mode's port policy as firewall rules (docker runtime)")
    .action(async (opts) => {
      process.exitCode = await runCommand(opts, process.argv.slice(2));
    });
  program
    .command('conformance')
    .description('run the conformance catalogue: requirement x mode matrix, junit.xml, conformance.json and an HTML matrix')
    .addOption(new Option('-m, --mode <mode...>', 'deployment modes (default: every mode, or the target\'s)').choices(Object.keys(MODES)))
    .addOption(new Option('--runtime <runtime>', 'where the reference implementation runs').choices(['process', 'docker']).default('process'))
    .option('--target <file>', 'a target file (JSON) describing another implementation; default: the reference implementation')
    .option('-o, --out <dir>', 'write the reports into this directory (default reports/<stamp>-conformance/)')
    .action(async (opts) => {
      process.exitCode = await conformanceCommand(opts);
    });
  program
    .command('classify')
    .description('qualify bounce mails the way the bounce handler does: one JSON line per file')
    .argument('<file...>', 'mail files (.eml)')
    .action(async (files: string[]) => {
      process.exitCode = await classifyCommand(files);
    });
  program
    .command('toxiproxy')
    .description("run midsim's fault proxy on its own, a drop-in for toxiproxy-server")
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'API port', intArg('--port'), 8474)
    .action(async (opts) => {
      await toxiproxyCommand(opts);
    });
  program
    .command('compare')
    .description('run the same scenario in several modes (same workload, seed and faults) and compare them side by side')
    .requiredOption('--modes <list>', 'comma-separated modes, e.g. on-premise,mid-sourcing,distributed')
    .option('-s, --scenario <name|file>', 'scenario name (see `midsim list`) or a .js/.json file', 'default')
    .option('--profile <name|file>', 'hardware profile whose targets are judged in every mode')
    .option('-n, --recipients <n>', 'number of recipients', intArg('--recipients'))
    .option('--seed <n>', 'seed of the workload', intArg('--seed'))
    .option('--time-scale <x>', 'play schedules x times faster than documented', numArg('--time-scale'))
    .option('-o, --out <dir>', 'write DIR/<mode>/ runs, DIR/report.html and DIR/compare.json here (default reports/<stamp>-compare-<scenario>/)')
    .addOption(new Option('--runtime <runtime>', 'where nodes run').choices(['process', 'docker']).default('process'))
    .action(async (opts) => {
      process.exitCode = await compareCommand(opts, process.argv.slice(2));
    });
  program
    .command('up')
    .description('start a topology and keep it running, printing every endpoint, until Ctrl-C')
    .addOption(new Option('-m, --mode <mode>', 'deployment mode').choices(Object.keys(MODES)))
    .option('-s, --scenario <name|file>', 'scenario whose settings (Internet domains, sync periods, time scale) the nodes take', 'default')
    .addOption(new Option('--runtime <runtime>', 'where nodes run').choices(['process', 'docker']).default('process'))
    .option('-o, --out <dir>', 'logs and configs here (default reports/<stamp>-up-<mode>/)')
    .action(async (opts) => {
      process.exitCode = await upCommand(opts);
    });
  program
    .command('list')
    .description('list scenarios and deployment modes')
    .action(() => {
      listCommand();
    });
  program
    .command('clean')
    .description('remove the containers and networks midsim runs left on the Docker engine (found by their labels)')
    .option('--images', 'remove the cached midsim images too')
    .option('--run <id>', 'only what this run (its directory name) left')
    .option('--dry-run', 'list, remove nothing')
    .action(async (opts) => {
      process.exitCode = await cleanCommand(opts);
    });
  program
    .command('export')
    .description('write the topology of a scenario and mode as a Docker Compose file')
    .addOption(new Option('--format <format>', 'output format').choices(['compose']).makeOptionMandatory())
    .option('-s, --scenario <name|file>', 'scenario name or file', 'default')
    .addOption(new Option('-m, --mode <mode>', 'deployment mode').choices(Object.keys(MODES)))
    .option('--profile <name|file>', 'hardware profile: resource limits at the documented size')
    .option('--image <name>', 'image of every service (default: the one the docker runtime builds for this build)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(async (opts) => {
      process.exitCode = await exportCommand(opts);
    });
  return program;
}

function intArg(flag: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new ConfigError(`${flag} must be a whole number, got "${v}"`);
    return Number(v);
  };
}
function numArg(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${flag} must be a positive number, got "${v}"`);
    return n;
  };
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      return EXIT.usage;
    }
    if (e instanceof ConfigError) {
      console.error(`midsim: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof InfrastructureError) {
      console.error(`midsim: infrastructure error: ${e.message}`);
      return EXIT.infrastructure;
    }
    console.error(`midsim: ${(e as Error).stack ?? e}`);
    return EXIT.infrastructure;
  }
}
