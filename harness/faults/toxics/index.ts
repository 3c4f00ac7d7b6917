// The toxic registry: every toxic type by the name the Toxiproxy API uses.
// A new toxic is a new file beside this one plus one line here.
import { bandwidth } from './bandwidth.js';
import { latency } from './latency.js';
import { limitData } from './limit-data.js';
import { resetPeer } from './reset-peer.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow-close.js';
import { timeout } from './timeout.js';
import type { ToxicDefinition } from './toxic.js';

// Each definition keeps its own attribute types; the registry only needs the common shape.
const all = [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData] as unknown as ToxicDefinition[];

export const toxicTypes: ReadonlyMap<string, ToxicDefinition> = new Map(all.map((t) => [t.type, t]));

export type { ToxicDefinition } from './toxic.js';
