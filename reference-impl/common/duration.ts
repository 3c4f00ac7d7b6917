// Durations as people write them in configs and scenarios ("500ms", "5s", "10m", "1h", "5d").
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new Error(`invalid duration ${text}: expected a non-negative number of ms`);
    return text;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!m) throw new Error(`invalid duration "${text}": expected a number and a unit (ms, s, m, h, d), e.g. "10m"`);
  return Number(m[1]) * UNITS[m[2]];
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)}m`;
  return `${(ms / 3_600_000).toFixed(2)}h`;
}

/**
 * The shared time scale: schedules (sync periods, retry back-off, quota periods) are written in
 * simulated time, as the product documents them, and run `scale` times faster on the wall clock.
 * Scale 60 plays the documented hourly log sync once a minute. Transfers are never scaled.
 */
export class TimeScale {
  constructor(readonly scale: number = 1) {
    if (!(scale > 0)) throw new Error(`timeScale must be > 0, got ${scale}`);
  }
  /** Wall-clock milliseconds for a simulated duration. */
  wall(simulated: string | number): number {
    return parseDuration(simulated) / this.scale;
  }
  /** Simulated milliseconds for a wall-clock duration. */
  simulated(wallMs: number): number {
    return wallMs * this.scale;
  }
}
