// The runtimes a topology can run on. Scenarios and checks cannot tell them apart.
import { processRuntime } from './process.js';
import type { Runtime } from './types.js';

export const RUNTIMES: Record<string, Runtime> = {
  process: processRuntime,
};
