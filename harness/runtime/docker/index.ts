// The docker runtime, loaded on first use: testcontainers (a development dependency) and its
// Docker client are needed only by runs that ask for it.
import type { Runtime } from '../types.js';

export const dockerRuntime: Runtime = {
  async start(topology, opts) {
    // No registry here, so no Ryuk image: midsim removes what it created itself (and `midsim clean`).
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
    const { dockerRuntime: runtime } = await import('./runtime.js');
    return runtime.start(topology, opts);
  },
};
