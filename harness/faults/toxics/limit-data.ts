// limit_data: let `bytes` bytes through, then close the connection (Toxiproxy toxics/limit_data.go).
import { PassThroughStage, type Chunk, type Outlet, type ToxicDefinition } from './toxic.js';

type LimitDataAttributes = { bytes: number };
/** Bytes already let through on this connection: survives updates of the toxic, as in Toxiproxy. */
type LimitDataState = { transmitted: number };

class LimitDataStage extends PassThroughStage {
  private closed = false;

  constructor(
    private readonly attributes: LimitDataAttributes,
    out: Outlet,
    private readonly state: LimitDataState,
  ) {
    super(out);
  }

  override write(chunk: Chunk): void {
    if (this.closed) return;
    const remaining = Math.max(0, this.attributes.bytes - this.state.transmitted);
    const data = chunk.data.length > remaining ? chunk.data.subarray(0, remaining) : chunk.data;
    if (data.length > 0) {
      this.state.transmitted += data.length;
      this.out.push({ data, at: chunk.at });
    }
    if (this.state.transmitted >= this.attributes.bytes) {
      this.closed = true;
      this.out.close();
    }
  }
}

export const limitData: ToxicDefinition<LimitDataAttributes, LimitDataState> = {
  type: 'limit_data',
  defaults: { bytes: 0 },
  newState: () => ({ transmitted: 0 }),
  stage: (attributes, out, state) => new LimitDataStage(attributes, out, state),
};
