import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { HistoryWriter, readHistory } from './history.js';

const dir = mkdtempSync(join(tmpdir(), 'midsim-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('settle() returns when the file caught up while the caller was awaiting something else', async () => {
  const h = new HistoryWriter(join(dir, 'h.ndjson'));
  // Fill the stream's buffer past its high-water mark, then let it drain on its own, as it does
  // while a snapshot awaits its next page of rows. A settle() waiting for that past 'drain' hung a run.
  const big = 'x'.repeat(1024);
  for (let i = 0; i < 100; i++) h.append({ type: 'filler', big });
  await new Promise((r) => setTimeout(r, 200));
  const settled = await Promise.race([h.settle().then(() => 'settled'), new Promise((r) => setTimeout(() => r('hung'), 2000))]);
  expect(settled).toBe('settled');
  await h.close();
  let n = 0;
  for await (const e of readHistory(h.file)) if (e.type === 'filler') n++;
  expect(n).toBe(100);
});
