// Reading request bodies the way Toxiproxy's Go JSON decoding does: wrong types are a 400
// "bad request body", unknown fields are ignored, null leaves a field as it was.
import { ErrBadRequestBody } from './api-error.js';

export type JsonObject = Record<string, unknown>;

export function parseJson(text: string): unknown {
  // Go's decoder reports an empty body as EOF.
  if (text.trim() === '') throw ErrBadRequestBody.with('EOF');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw ErrBadRequestBody.with((error as Error).message);
  }
}

export function expectObject(value: unknown, what: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw ErrBadRequestBody.with(`${what} must be a JSON object, got ${kind(value)}`);
  }
  return value as JsonObject;
}

export function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw ErrBadRequestBody.with(`field "${field}" must be a string, got ${kind(value)}`);
  return value;
}

export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw ErrBadRequestBody.with(`field "${field}" must be a boolean, got ${kind(value)}`);
  return value;
}

export function optionalNumber(body: JsonObject, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw ErrBadRequestBody.with(`field "${field}" must be a number, got ${kind(value)}`);
  return value;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
