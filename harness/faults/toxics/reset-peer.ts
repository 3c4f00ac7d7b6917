// reset_peer: on the first data (or close) in its direction, drop it and, `timeout` ms later,
// abort the connection with a TCP RST: "connection reset by peer" (Toxiproxy toxics/reset_peer.go).
import { PassThroughStage, type Outlet, type ToxicDefinition } from './toxic.js';

type ResetPeerAttributes = { timeout: number };

class ResetPeerStage extends PassThroughStage {
  private timer: NodeJS.Timeout | undefined;
  private triggered = false;

  constructor(
    private readonly attributes: ResetPeerAttributes,
    out: Outlet,
  ) {
    super(out);
  }

  override write(): void {
    this.trigger();
  }

  override end(): void {
    this.trigger();
  }

  // Toxiproxy cannot interrupt a pending reset; it happens anyway. Here it happens at once.
  override interrupt(): void {
    if (!this.timer) return;
    this.dispose();
    this.out.reset();
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private trigger(): void {
    if (this.triggered) return;
    this.triggered = true;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.out.reset();
    }, this.attributes.timeout);
  }
}

export const resetPeer: ToxicDefinition<ResetPeerAttributes> = {
  type: 'reset_peer',
  defaults: { timeout: 0 },
  stage: (attributes, out) => new ResetPeerStage(attributes, out),
};
