// The history: one ordered event log of the run (history.ndjson). Every client call, fault and
// observation is one event. `seq` is the order in which the harness learned of it, `ts` the time
// it happened (ms since the epoch, from the clock of whoever saw it: all nodes share this host's
// clock, or the docker host's). Checks and metrics read only this file.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface HistoryEvent {
  seq: number;
  ts: number;
  type: string;
  [field: string]: unknown;
}
export type NewEvent = Omit<HistoryEvent, 'seq' | 'ts'> & { ts?: number };

export class HistoryWriter {
  private readonly out: WriteStream;
  private seq = 0;
  private readonly listeners: ((e: HistoryEvent) => void)[] = [];

  constructor(readonly file: string) {
    this.out = createWriteStream(file, { flags: 'w' });
  }

  append(e: NewEvent): HistoryEvent {
    const event = { seq: ++this.seq, ts: e.ts ?? Date.now(), ...e } as HistoryEvent;
    event.seq = this.seq;
    this.out.write(JSON.stringify(event) + '\n');
    for (const l of this.listeners) l(event);
    return event;
  }

  /** Wait until the file has caught up, so that a fast producer does not pile events up in memory. */
  async settle(): Promise<void> {
    // Ask the stream, not a flag set at write time: a 'drain' that fired while the caller awaited
    // something else must not be waited for again (that wait would never end).
    if (!this.out.writableNeedDrain) return;
    await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }

  /** Live observers (progress display, event-triggered fault steps). */
  onEvent(l: (e: HistoryEvent) => void): void {
    this.listeners.push(l);
  }

  get count(): number {
    return this.seq;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

export async function* readHistory(file: string): AsyncGenerator<HistoryEvent> {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const l of rl) {
    line++;
    if (!l.trim()) continue;
    try {
      yield JSON.parse(l) as HistoryEvent;
    } catch (e) {
      throw new Error(`${file}:${line}: not a JSON event: ${(e as Error).message}`);
    }
  }
}
