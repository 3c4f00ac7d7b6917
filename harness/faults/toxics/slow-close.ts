// slow_close: hold the close (FIN) of the stream for `delay` milliseconds (Toxiproxy toxics/slow_close.go).
import { PassThroughStage, type Outlet, type ToxicDefinition } from './toxic.js';

type SlowCloseAttributes = { delay: number };

class SlowCloseStage extends PassThroughStage {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly attributes: SlowCloseAttributes,
    out: Outlet,
  ) {
    super(out);
  }

  override end(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.out.end();
    }, this.attributes.delay);
  }

  // Removed or updated while holding the close: let it through now.
  override interrupt(): void {
    if (!this.timer) return;
    this.dispose();
    this.out.end();
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export const slowClose: ToxicDefinition<SlowCloseAttributes> = {
  type: 'slow_close',
  defaults: { delay: 0 },
  stage: (attributes, out) => new SlowCloseStage(attributes, out),
};
