// One proxied TCP connection: the accepted client socket, the socket to the upstream, and a Link
// for each direction. Either side failing (a reset, an error) closes both, as in Toxiproxy.
import type { Socket } from 'node:net';
import { Link, type ByteSink, type DirectionCounters } from './link.js';
import type { Direction, ToxicSpec } from './toxic-spec.js';
import type { InterruptReason } from './toxics/toxic.js';

export interface ConnectionSetup {
  counters: Record<Direction, DirectionCounters>;
  capture: Record<Direction, ByteSink> | undefined;
  onClosed(connection: Connection): void;
}

export class Connection {
  private readonly links: Record<Direction, Link>;
  /** Until the upstream answers, toxic changes wait: start() takes the proxy's list as it is then. */
  private started = false;
  private closed = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly setup: ConnectionSetup,
  ) {
    const control = { close: () => this.close(), reset: () => this.reset() };
    const { counters, capture } = setup;
    this.links = {
      upstream: new Link('upstream', client, upstream, counters.upstream, capture?.upstream, control),
      downstream: new Link('downstream', upstream, client, counters.downstream, capture?.downstream, control),
    };
    for (const socket of [client, upstream]) {
      socket.on('error', () => this.destroy());
      socket.on('close', () => {
        if (client.destroyed && upstream.destroyed) this.finish();
      });
    }
  }

  /** Start moving bytes, with the proxy's current toxics. */
  start(toxics: readonly ToxicSpec[]): void {
    this.started = true;
    this.links.upstream.start(toxics);
    this.links.downstream.start(toxics);
  }

  addToxic(toxic: ToxicSpec): void {
    if (this.started) this.links[toxic.direction].attach(toxic);
  }

  updateToxic(toxic: ToxicSpec): void {
    if (this.started) this.links[toxic.direction].update(toxic);
  }

  removeToxic(toxic: ToxicSpec, reason: InterruptReason = 'remove'): void {
    if (this.started) this.links[toxic.direction].detach(toxic.name, reason);
  }

  /** Close both sides gracefully (FIN after what was already written). */
  close(): void {
    this.stopLinks();
    for (const socket of [this.client, this.upstream]) {
      if (!socket.destroyed) socket.end(() => socket.destroy());
    }
  }

  /** Abort both sides with a TCP RST ("connection reset by peer"). */
  reset(): void {
    this.stopLinks();
    for (const socket of [this.client, this.upstream]) {
      if (!socket.destroyed) socket.resetAndDestroy();
    }
  }

  /** Drop both sides now (proxy disabled or deleted). */
  destroy(): void {
    this.stopLinks();
    this.client.destroy();
    this.upstream.destroy();
  }

  private stopLinks(): void {
    this.links.upstream.dispose();
    this.links.downstream.dispose();
    // Keep reading so that nothing unread turns the close into a reset.
    this.client.resume();
    this.upstream.resume();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopLinks();
    this.setup.onClosed(this);
  }
}
