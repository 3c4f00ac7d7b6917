// bandwidth: limit the rate to `rate` KB/s (Toxiproxy toxics/bandwidth.go; 1 KB = 1000 bytes, 0 = no limit).
import { DelayLineStage } from './delay-line.js';
import { now, type Chunk, type Outlet, type ToxicDefinition } from './toxic.js';

type BandwidthAttributes = { rate: number };

class BandwidthStage extends DelayLineStage {
  /** When the simulated wire is free again (ms). */
  private freeAt = 0;

  constructor(
    private readonly attributes: BandwidthAttributes,
    out: Outlet,
  ) {
    super(out);
  }

  write(chunk: Chunk): void {
    const rate = this.attributes.rate; // KB/s = bytes per millisecond
    if (rate <= 0) {
      this.line.schedule(chunk, 0);
      return;
    }
    // Like Toxiproxy, a large chunk leaves in 100 ms pieces rather than in one late burst.
    const piece = rate * 100;
    for (let offset = 0; offset < chunk.data.length; offset += piece) {
      const data = chunk.data.subarray(offset, offset + piece);
      this.freeAt = Math.max(this.freeAt, now()) + data.length / rate;
      this.line.schedule({ data, at: chunk.at }, this.freeAt);
    }
  }
}

export const bandwidth: ToxicDefinition<BandwidthAttributes> = {
  type: 'bandwidth',
  defaults: { rate: 0 },
  stage: (attributes, out) => new BandwidthStage(attributes, out),
};
