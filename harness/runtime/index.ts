// The runtimes a topology can run on. Scenarios and checks cannot tell them apart.
import { dockerRuntime } from './docker/index.js';
import { processRuntime } from './process.js';
import type { Runtime } from './types.js';

export const RUNTIMES: Record<string, Runtime> = {
  process: processRuntime,
  docker: dockerRuntime,
};
