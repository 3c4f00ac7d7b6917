// One fault kind per file, behind one small interface: start it, and get back its healer.
import type { FaultClient } from '../../faults/client.js';
import type { RunningTopology } from '../../runtime/types.js';

export interface FaultContext {
  running: RunningTopology;
  faults: FaultClient;
  /** Wall milliseconds for a simulated duration (schedules). */
  wall(d: string): number;
  /** Milliseconds of a duration that is never scaled (network latency). */
  real(d: string): number;
}

export interface ActiveFault {
  heal(): Promise<void>;
}
