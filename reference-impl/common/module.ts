import type { NodeConfig } from './config.js';
import type { Logger } from './log.js';

/** What every module's index.ts exports as `start`: bring the module up, hand back a stopper. */
export interface RunningModule {
  /** Stop accepting work, finish or release what is in flight, close sockets and pools. */
  stop(): Promise<void>;
}
export type ModuleStart = (config: NodeConfig, log: Logger) => Promise<RunningModule>;
