// The deployment modes. A new mode is a new file that puts the building blocks of sites.ts
// together, registered here: no module code changes.
import { distributed } from './distributed.js';
import { hosted } from './hosted.js';
import { midSourcing } from './mid-sourcing.js';
import { multiMid } from './multi-mid.js';
import { onPremise } from './on-premise.js';
import type { TopologyOptions } from './options.js';
import type { Topology } from './types.js';

export const MODES: Record<string, (o: TopologyOptions) => Topology> = {
  'mid-sourcing': midSourcing,
  'on-premise': onPremise,
  distributed,
  hosted,
  'multi-mid': multiMid,
};
