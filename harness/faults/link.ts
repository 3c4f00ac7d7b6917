// One direction of one proxied connection (Toxiproxy's ToxicLink): bytes read from `source` go
// through the toxics attached to this direction, in the order they were added, to `destination`.
//
// With no toxic applied the link is a plain pipe: one 'data' handler writing straight to the
// destination, with socket backpressure, and no promise, timer or allocation per chunk.
import type { Socket } from 'node:net';
import type { Direction, ToxicSpec } from './toxic-spec.js';
import { now, type Chunk, type InterruptReason, type Outlet, type ToxicStage } from './toxics/toxic.js';

/** Byte counters of one direction: read from the source, and written to the destination. */
export interface DirectionCounters {
  received: number;
  sent: number;
}

/** Where a copy of the delivered bytes goes (the capture extension), if anywhere. */
export interface ByteSink {
  write(data: Buffer): void;
}

/** What a toxic may do to the whole connection. */
export interface ConnectionControl {
  close(): void;
  reset(): void;
}

// Stop reading the source when toxics hold more than this; resume below the low mark.
const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;

/** A toxic attached to this link; `slot` is set when the draw on its toxicity applied it. */
interface Attachment {
  spec: ToxicSpec;
  state: unknown;
  slot: Slot | undefined;
}

/** One running stage in the chain: a new slot per stage instance. */
interface Slot {
  stage: ToxicStage;
  /** Set when an update replaced this stage: what it still hands on goes into the new one. */
  replacedBy?: Slot;
}

export class Link {
  private readonly attachments: Attachment[] = [];
  /** The applied toxics, in the order they were added: what data flows through. */
  private chain: Slot[] = [];
  private paused = false;
  private destinationEnded = false;
  private disposed = false;

  constructor(
    readonly direction: Direction,
    private readonly source: Socket,
    private readonly destination: Socket,
    private readonly counters: DirectionCounters,
    private readonly capture: ByteSink | undefined,
    private readonly connection: ConnectionControl,
  ) {}

  start(toxics: readonly ToxicSpec[]): void {
    for (const spec of toxics) this.attach(spec);
    this.source.on('data', this.onData);
    this.source.on('end', this.onSourceEnd);
    this.destination.on('drain', this.resumeIfRelieved);
  }

  attach(spec: ToxicSpec): void {
    if (spec.direction !== this.direction || this.disposed) return;
    const attachment: Attachment = { spec, state: spec.definition.newState?.(), slot: undefined };
    this.attachments.push(attachment);
    this.setSlot(attachment, this.drawSlot(attachment));
  }

  update(spec: ToxicSpec): void {
    const attachment = this.attachments.find((a) => a.spec.name === spec.name);
    if (!attachment) return;
    attachment.spec = spec;
    const old = attachment.slot;
    const replacement = this.drawSlot(attachment);
    if (old && replacement) {
      // As Toxiproxy's restarted toxic reads its queue, the new stage takes what the old one held.
      old.replacedBy = replacement;
      this.setSlot(attachment, replacement);
      old.stage.interrupt('update');
    } else {
      // Interrupt while still in the chain, so that what it holds flows on to the next toxic.
      old?.stage.interrupt('update');
      if (!this.disposed) this.setSlot(attachment, replacement);
    }
  }

  detach(name: string, reason: InterruptReason): void {
    const attachment = this.attachments.find((a) => a.spec.name === name);
    if (!attachment) return;
    // Interrupt while still in the chain, so that what it holds flows on to the next toxic.
    attachment.slot?.stage.interrupt(reason);
    if (this.disposed) return;
    this.attachments.splice(this.attachments.indexOf(attachment), 1);
    this.rebuildChain();
  }

  dispose(): void {
    this.disposed = true;
    for (const slot of this.chain) slot.stage.dispose();
    this.attachments.length = 0;
    this.chain = [];
  }

  /** A running stage for the toxic, or none: like Toxiproxy, the toxicity is drawn at each (re)start. */
  private drawSlot(attachment: Attachment): Slot | undefined {
    const { spec } = attachment;
    if (Math.random() >= spec.toxicity) return undefined;
    const slot = {} as Slot;
    slot.stage = spec.definition.stage(spec.attributes, this.outletFor(slot), attachment.state);
    return slot;
  }

  private setSlot(attachment: Attachment, slot: Slot | undefined): void {
    attachment.slot = slot;
    this.rebuildChain();
  }

  private rebuildChain(): void {
    this.chain = this.attachments.flatMap((a) => (a.slot ? [a.slot] : []));
  }

  private outletFor(slot: Slot): Outlet {
    return {
      push: (chunk) => this.forward(slot, chunk),
      end: () => this.forwardEnd(slot),
      close: () => this.connection.close(),
      reset: () => this.connection.reset(),
    };
  }

  private readonly onData = (data: Buffer): void => {
    if (this.disposed) return;
    this.counters.received += data.length;
    const first = this.chain[0];
    if (first === undefined) {
      this.deliver(data);
      return;
    }
    first.stage.write({ data, at: now() });
    if (!this.paused && this.heldBytes() > HIGH_WATER) this.pause();
  };

  private readonly onSourceEnd = (): void => {
    if (this.disposed) return;
    const first = this.chain[0];
    if (first === undefined) this.endDestination();
    else first.stage.end();
  };

  private forward(from: Slot, chunk: Chunk): void {
    if (this.disposed) return;
    if (from.replacedBy) {
      from.replacedBy.stage.write(chunk);
      return;
    }
    const index = this.chain.indexOf(from);
    if (index < 0) return; // a removed stage
    const next = this.chain[index + 1];
    if (next) next.stage.write(chunk);
    else this.deliver(chunk.data);
    if (this.paused) this.resumeIfRelieved();
  }

  private forwardEnd(from: Slot): void {
    if (this.disposed) return;
    if (from.replacedBy) {
      from.replacedBy.stage.end();
      return;
    }
    const index = this.chain.indexOf(from);
    if (index < 0) return;
    const next = this.chain[index + 1];
    if (next) next.stage.end();
    else this.endDestination();
  }

  private deliver(data: Buffer): void {
    if (this.destinationEnded || this.destination.destroyed) return;
    this.counters.sent += data.length;
    this.capture?.write(data);
    if (!this.destination.write(data)) this.pause();
  }

  private endDestination(): void {
    if (this.destinationEnded) return;
    this.destinationEnded = true;
    if (!this.destination.destroyed) this.destination.end();
  }

  private heldBytes(): number {
    let bytes = 0;
    for (const slot of this.chain) bytes += slot.stage.buffered();
    return bytes;
  }

  private pause(): void {
    this.paused = true;
    this.source.pause();
  }

  private readonly resumeIfRelieved = (): void => {
    if (!this.paused || this.destination.writableNeedDrain || this.heldBytes() > LOW_WATER) return;
    this.paused = false;
    this.source.resume();
  };
}
