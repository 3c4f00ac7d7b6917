// timeout: stop all data; close the connection after `timeout` ms without data, or, with 0, never:
// a black hole until the toxic is removed (Toxiproxy toxics/timeout.go).
import { PassThroughStage, type InterruptReason, type Outlet, type ToxicDefinition } from './toxic.js';

type TimeoutAttributes = { timeout: number };

class TimeoutStage extends PassThroughStage {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly attributes: TimeoutAttributes,
    out: Outlet,
  ) {
    super(out);
    this.restartTimer();
  }

  // Data vanishes. Toxiproxy re-arms its timer on every chunk, so the timeout counts from the last data.
  override write(): void {
    this.restartTimer();
  }

  override end(): void {
    this.dispose();
    this.out.end();
  }

  // Removing the toxic closes the connections it held (Toxiproxy's Cleanup): their data is lost.
  override interrupt(reason: InterruptReason): void {
    this.dispose();
    if (reason === 'remove') this.out.close();
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private restartTimer(): void {
    this.dispose();
    if (this.attributes.timeout > 0) this.timer = setTimeout(() => this.out.close(), this.attributes.timeout);
  }
}

export const timeout: ToxicDefinition<TimeoutAttributes> = {
  type: 'timeout',
  defaults: { timeout: 0 },
  stage: (attributes, out) => new TimeoutStage(attributes, out),
};
