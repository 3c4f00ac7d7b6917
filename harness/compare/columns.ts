// Which recipient columns crossed a link: the link's captured bytes are searched for the values
// the harness imported (a sample spread over all recipients). A link may carry only some
// recipients (one recipient domain, one mid), so a column counts as crossed when a few of its
// sampled values are found; the canary column (secret_note) at the first one, since no template
// uses it and one leaked value is already a leak.
import { createReadStream, existsSync } from 'node:fs';
import { recipientAt, type ImportedRecipient } from '../run/population.js';
import type { WorkloadDomain } from '../workload/model.js';

export const COLUMNS: (keyof ImportedRecipient)[] = ['email', 'firstName', 'lastName', 'city', 'secretNote'];
const SAMPLE = 200;
/** Distinct values of a column to find before it counts as crossed (fewer if it has fewer). */
const ENOUGH = 5;

export interface ColumnScan {
  bytes: number;
  /** Columns found, in COLUMNS order. */
  columns: string[];
  /** Share of sampled values found, per column. */
  found: Record<string, number>;
}

export async function scanColumns(file: string, seed: number, recipients: number, domains: WorkloadDomain[]): Promise<ColumnScan | null> {
  if (!existsSync(file)) return null;
  const k = Math.min(SAMPLE, recipients);
  const sample = Array.from({ length: k }, (_, i) => recipientAt(seed, Math.floor((i * recipients) / k), domains));
  // Distinct values per column; non-ASCII names are left out (mail bodies encode them).
  const needles = new Map<string, Set<string>>(COLUMNS.map((c) => [c, new Set(sample.map((r) => r[c]).filter((v) => /^[\x20-\x7e]+$/.test(v)))]));
  const seen = new Map<string, Set<string>>(COLUMNS.map((c) => [c, new Set()]));
  const longest = Math.max(...[...needles.values()].flatMap((s) => [...s].map((v) => v.length)));
  let carry = '';
  let bytes = 0;
  for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: 1 << 20 })) {
    bytes += (chunk as string).length;
    const text = carry + (chunk as string);
    for (const [c, values] of needles) for (const v of values) if (!seen.get(c)!.has(v) && text.includes(v)) seen.get(c)!.add(v);
    carry = text.slice(-longest);
  }
  const found: Record<string, number> = {};
  const columns: string[] = [];
  for (const c of COLUMNS) {
    const n = needles.get(c)!.size;
    found[c] = n ? seen.get(c)!.size / n : 0;
    const hits = seen.get(c)!.size;
    if (c === 'secretNote' ? hits > 0 : hits > 0 && hits >= Math.min(ENOUGH, Math.ceil(n / 2))) columns.push(c);
  }
  return { bytes, columns, found };
}
