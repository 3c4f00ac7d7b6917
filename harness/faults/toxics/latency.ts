// latency: delay all data by `latency` ± `jitter` milliseconds (Toxiproxy toxics/latency.go).
import { DelayLineStage } from './delay-line.js';
import type { Chunk, Outlet, ToxicDefinition } from './toxic.js';

type LatencyAttributes = { latency: number; jitter: number };

class LatencyStage extends DelayLineStage {
  constructor(
    private readonly attributes: LatencyAttributes,
    out: Outlet,
  ) {
    // Chunks leave stamped with their due time, so that chained latency toxics add up.
    super(out, true);
  }

  write(chunk: Chunk): void {
    const { latency, jitter } = this.attributes;
    // Same draw as Toxiproxy: latency + [-jitter, jitter), counted from when the chunk entered the
    // proxy, so that a fast sender is delayed, not throttled.
    const delay = jitter > 0 ? latency + Math.floor(Math.random() * 2 * jitter) - jitter : latency;
    this.line.schedule(chunk, chunk.at + delay);
  }
}

export const latency: ToxicDefinition<LatencyAttributes> = {
  type: 'latency',
  defaults: { latency: 0, jitter: 0 },
  stage: (attributes, out) => new LatencyStage(attributes, out),
};
