// A toxic as the API knows it (Toxiproxy's ToxicWrapper): name, type, stream, toxicity, attributes.
import { ErrBadRequestBody, ErrInvalidStream, ErrInvalidToxicType, ErrToxicAlreadyExists } from './api-error.js';
import { expectObject, optionalNumber, optionalString, type JsonObject } from './json-body.js';
import { toxicTypes } from './toxics/index.js';
import type { Attributes, ToxicDefinition } from './toxics/toxic.js';

/** upstream: client -> server; downstream: server -> client. */
export type Direction = 'upstream' | 'downstream';

export interface ToxicSpec {
  readonly name: string;
  readonly type: string;
  /** The stream as the client wrote it (Toxiproxy echoes it; case does not matter). */
  readonly stream: string;
  readonly direction: Direction;
  readonly toxicity: number;
  readonly attributes: Attributes;
  readonly definition: ToxicDefinition;
}

/** The JSON of a toxic, fields in Toxiproxy's order. */
export function toxicJson(t: ToxicSpec) {
  return { attributes: t.attributes, name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity };
}

/**
 * A new toxic from a POST body, checked in Toxiproxy's order (ToxicCollection.AddToxicJson): body,
 * stream, type, duplicate name (409), then attributes.
 */
export function parseNewToxic(value: unknown, isTaken: (name: string) => boolean): ToxicSpec {
  const body = expectObject(value, 'toxic');
  const stream = optionalString(body, 'stream') ?? 'downstream';
  const type = optionalString(body, 'type') ?? '';
  const toxicity = optionalNumber(body, 'toxicity') ?? 1;
  const direction = stream.toLowerCase();
  if (direction !== 'upstream' && direction !== 'downstream') throw ErrInvalidStream;
  const name = optionalString(body, 'name') || `${type}_${stream}`;
  const definition = toxicTypes.get(type);
  if (!definition) throw ErrInvalidToxicType;
  if (isTaken(name)) throw ErrToxicAlreadyExists;
  const attributes = parseAttributes(definition, definition.defaults, body.attributes);
  return { name, type, stream, direction, toxicity, attributes, definition };
}

/** An updated toxic: attributes merge onto the current ones, toxicity kept unless given; the rest stays. */
export function parseToxicUpdate(current: ToxicSpec, value: unknown): ToxicSpec {
  const body = expectObject(value, 'toxic');
  const toxicity = optionalNumber(body, 'toxicity') ?? current.toxicity;
  const attributes = parseAttributes(current.definition, current.attributes, body.attributes);
  return { ...current, toxicity, attributes };
}

function parseAttributes(definition: ToxicDefinition, base: Attributes, value: unknown): Attributes {
  const attributes = { ...base };
  if (value !== undefined && value !== null) {
    const given: JsonObject = expectObject(value, 'attributes');
    for (const key of Object.keys(definition.defaults)) {
      const v = given[key];
      if (v === undefined || v === null) continue;
      // Go decodes them into int64 fields: anything but an integer is a bad body. Negative values
      // are refused too (Toxiproxy accepts them, with odd effects).
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        throw ErrBadRequestBody.with(`attribute "${key}" must be a non-negative integer, got ${JSON.stringify(v)}`);
      }
      attributes[key] = v;
    }
  }
  const problem = definition.validate?.(attributes);
  if (problem) throw ErrBadRequestBody.with(problem);
  return attributes;
}
