// The one interface every toxic implements, after Toxiproxy's toxics/toxic.go.
//
// A toxic acts on one direction of one connection. Toxiproxy runs each toxic as a goroutine
// between channels (`Pipe(stub)`); here a toxic is a small push-based stage: the link hands it
// chunks with `write`, and it hands them on (now, later, sliced, or never) through its Outlet.

/** A piece of the byte stream, stamped with the time (performance.now(), ms) it entered the proxy. */
export interface Chunk {
  data: Buffer;
  at: number;
}

/** What a toxic can do to the stream after it (the output side of Toxiproxy's ToxicStub). */
export interface Outlet {
  /** Pass data on to the next toxic, or to the destination socket. */
  push(chunk: Chunk): void;
  /** No more data in this direction: the destination gets a FIN once everything before it is written. */
  end(): void;
  /** Close the whole connection, both ways, as Toxiproxy does when a toxic closes its stub. */
  close(): void;
  /** Abort the whole connection with a TCP RST. */
  reset(): void;
}

/** Why a running toxic is being interrupted: its attributes changed, or it was removed. */
export type InterruptReason = 'update' | 'remove';

/** One toxic working on one direction of one connection. */
export interface ToxicStage {
  write(chunk: Chunk): void;
  /** The previous stage will send nothing more. */
  end(): void;
  /** The toxic is updated or removed while the connection lives: hand on what is held, stop timers. */
  interrupt(reason: InterruptReason): void;
  /** The connection is gone: stop timers, drop what is held. */
  dispose(): void;
  /** Bytes held back, so the link can stop reading when a toxic holds too much. */
  buffered(): number;
}

/** Toxic attributes: all integers in Toxiproxy's toxics (milliseconds, bytes, KB/s, microseconds). */
export type Attributes = Record<string, number>;

/** A toxic type, registered by name (see ./index.ts). */
export interface ToxicDefinition<A extends Attributes = Attributes, S = unknown> {
  readonly type: string;
  /** Every attribute with its default; Toxiproxy reports them all, zero when not given. */
  readonly defaults: A;
  /** Checks beyond "a non-negative integer"; returns what is wrong. */
  validate?(attributes: A): string | undefined;
  /** Per-connection state that outlives updates of the toxic (Toxiproxy's StatefulToxic). */
  newState?(): S;
  stage(attributes: A, out: Outlet, state: S): ToxicStage;
}

/** A stage that lets everything through; toxics extend it and override what they change. */
export class PassThroughStage implements ToxicStage {
  constructor(protected readonly out: Outlet) {}
  write(chunk: Chunk): void {
    this.out.push(chunk);
  }
  end(): void {
    this.out.end();
  }
  interrupt(_reason: InterruptReason): void {}
  dispose(): void {}
  buffered(): number {
    return 0;
  }
}

export const now = (): number => performance.now();
