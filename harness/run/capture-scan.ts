// Scan a link's captured bytes for canary values, streaming (the capture may be large).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { CANARY } from './population.js';

export async function scanForCanaries(file: string): Promise<{ available: boolean; bytes: number; canaryHits: number; sample?: string }> {
  if (!existsSync(file)) return { available: false, bytes: 0, canaryHits: 0 };
  let hits = 0;
  let sample: string | undefined;
  let carry = '';
  for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string);
    for (const m of text.matchAll(CANARY)) {
      hits++;
      sample ??= m[0];
    }
    // Keep a tail so that a value cut between two chunks is still found, but not counted twice.
    const tailStart = Math.max(0, text.length - 40);
    const lastMatchEnd = [...text.matchAll(CANARY)].reduce((end, m) => Math.max(end, (m.index ?? 0) + m[0].length), 0);
    carry = text.slice(Math.max(tailStart, lastMatchEnd));
  }
  return { available: true, bytes: statSync(file).size, canaryHits: hits, sample };
}
