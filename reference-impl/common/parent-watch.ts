// A program the process runtime started ends when the harness that started it is gone (killed,
// or a test worker torn down mid-run): nothing may outlive its run. The runtime sets
// MIDSIM_WATCH_PARENT=1; run by hand or in a container, a program is left alone.
export const WATCH_PARENT_ENV = 'MIDSIM_WATCH_PARENT';

/** When the parent process goes, stop as on SIGTERM (and exit anyway 10 s later). */
export function stopWithParent(everyMs = 1000): void {
  if (process.env[WATCH_PARENT_ENV] !== '1') return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    // An orphan is re-parented (to init or a subreaper): its ppid changes.
    if (process.ppid === parent) return;
    clearInterval(timer);
    setTimeout(() => process.exit(1), 10_000).unref();
    process.kill(process.pid, 'SIGTERM');
  }, everyMs);
  timer.unref();
}
