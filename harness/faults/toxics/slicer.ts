// slicer: cut data into pieces of about `average_size` ± `size_variation` bytes, `delay`
// microseconds apart, as a real network might deliver them (Toxiproxy toxics/slicer.go).
import { DelayLineStage } from './delay-line.js';
import { now, type Chunk, type Outlet, type ToxicDefinition } from './toxic.js';

type SlicerAttributes = { average_size: number; size_variation: number; delay: number };

/**
 * Offsets [start, end) of the pieces of a `size`-byte chunk. Like Toxiproxy, halve around the middle
 * (± the variation) until pieces are within the variation of the average, so that pieces vary
 * evenly and no tiny piece is left at the end.
 */
export function slices(size: number, averageSize: number, variation: number, random = Math.random): [number, number][] {
  const pieces: [number, number][] = [];
  const cut = (start: number, end: number): void => {
    if (end - start - averageSize <= variation) {
      pieces.push([start, end]);
      return;
    }
    const offset = Math.floor(random() * 2 * variation) - variation;
    const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + offset));
    cut(start, mid);
    cut(mid, end);
  };
  if (size > 0) cut(0, size);
  return pieces;
}

class SlicerStage extends DelayLineStage {
  /** When the next piece may leave (ms). */
  private nextAt = 0;

  constructor(
    private readonly attributes: SlicerAttributes,
    out: Outlet,
  ) {
    super(out);
  }

  write(chunk: Chunk): void {
    const { average_size, size_variation, delay } = this.attributes;
    this.nextAt = Math.max(this.nextAt, now());
    for (const [start, end] of slices(chunk.data.length, average_size, size_variation)) {
      this.line.schedule({ data: chunk.data.subarray(start, end), at: chunk.at }, this.nextAt);
      this.nextAt += delay / 1000;
    }
  }
}

export const slicer: ToxicDefinition<SlicerAttributes> = {
  type: 'slicer',
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  // Toxiproxy would recurse forever on an average size of 0.
  validate: (a) => (a.average_size < 1 ? 'average_size must be at least 1' : undefined),
  stage: (attributes, out) => new SlicerStage(attributes, out),
};
