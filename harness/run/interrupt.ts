// Ctrl-C and SIGTERM: whatever a run has started is stopped before the process exits, so that no
// child process, database or container is left behind.
type Cleanup = () => Promise<void>;
const cleanups = new Set<Cleanup>();
let installed = false;

/** Register a cleanup for the duration of some work; returns the function that unregisters it. */
export function onInterrupt(fn: Cleanup): () => void {
  if (!installed) {
    installed = true;
    const handler = (signal: NodeJS.Signals) => {
      process.stderr.write(`\n${signal}: stopping everything this run started...\n`);
      const all = [...cleanups].map((c) => c().catch(() => {}));
      const force = setTimeout(() => process.exit(130), 20_000);
      void Promise.all(all).then(() => {
        clearTimeout(force);
        process.exit(130);
      });
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
