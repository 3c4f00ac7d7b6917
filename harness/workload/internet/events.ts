// Everything the simulated Internet observes becomes one event, kept in a bounded buffer until the
// harness polls it (GET /events?after=<seq>). The probes copy them into the run's history.

export type SinkMode = 'normal' | 'tempfail' | 'reject-all';

/** The event bodies; the buffer adds `seq` (1, 2, 3...) and `ts` (Date.now()). */
export type InternetEventBody =
  | { type: 'sink.session'; domain: string; ehlo: string; sessionId: string }
  /** A TCP connection to the MX opened and closed (for connection-count limits). */
  | { type: 'sink.connect'; domain: string; sessionId: string }
  | { type: 'sink.closed'; domain: string; sessionId: string; messages: number }
  | {
      type: 'sink.accepted';
      domain: string;
      rcpt: string;
      index: number | null;
      messageId: string | null;
      bytes: number;
      ehlo: string;
      sessionId: string;
      attempt: number;
    }
  | { type: 'sink.deferred'; domain: string; rcpt: string; index: number | null; code: number; enhanced: string; attempt: number; sessionId: string }
  | { type: 'sink.rejected'; domain: string; rcpt: string; index: number | null; code: number; enhanced: string; text: string; sessionId: string }
  | { type: 'dsn.sent'; rcpt: string; index: number | null; messageId: string | null; status: string }
  | { type: 'dsn.failed'; rcpt: string; index: number | null; messageId: string | null; error: string }
  /** url and httpStatus are null, and error is set, when the open could not be made. */
  | { type: 'recipient.open'; rcpt: string; index: number | null; url: string | null; httpStatus: number | null; error?: string }
  | {
      type: 'recipient.click';
      rcpt: string;
      index: number | null;
      url: string | null;
      urlId: number | null;
      httpStatus: number | null;
      location: string | null;
      error?: string;
    };

export type InternetEventType = InternetEventBody['type'];
export type InternetEvent = InternetEventBody & { seq: number; ts: number };

/** What GET /events answers. `last` is the `after` to pass next time. */
export interface EventPage {
  events: InternetEvent[];
  last: number;
  /** Events discarded unread because the buffer was full (since start). */
  dropped: number;
}

export class EventBuffer {
  private events: InternetEvent[] = [];
  private seq = 0;
  private droppedCount = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  push(body: InternetEventBody): InternetEvent {
    const event = { ...body, seq: ++this.seq, ts: Date.now() } as InternetEvent;
    this.events.push(event);
    this.counts.set(body.type, (this.counts.get(body.type) ?? 0) + 1);
    if (this.events.length > this.capacity) {
      // Drop in chunks so that a full buffer does not shift the array on every push.
      const excess = this.events.length - this.capacity + Math.ceil(this.capacity / 10);
      this.events.splice(0, excess);
      this.droppedCount += excess;
    }
    return event;
  }

  /** Events after `after`, oldest first; the ones up to `after` are acknowledged and discarded. */
  read(after: number, limit: number): EventPage {
    let acknowledged = 0;
    while (acknowledged < this.events.length && this.events[acknowledged].seq <= after) acknowledged++;
    if (acknowledged) this.events.splice(0, acknowledged);
    const events = this.events.slice(0, Math.max(0, limit));
    return { events, last: events.length ? events[events.length - 1].seq : Math.max(after, 0), dropped: this.droppedCount };
  }

  /** Counts per event type since start (acknowledged or not). */
  countsByType(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  get lastSeq(): number {
    return this.seq;
  }
  get size(): number {
    return this.events.length;
  }
  get dropped(): number {
    return this.droppedCount;
  }
}
