import { describe, expect, it } from 'vitest';
import { LineSplitter, parseRequest } from './protocol.js';

describe('parseRequest', () => {
  it('reads each op', () => {
    expect(parseRequest('{"op":"hello","mta":"mta-1","ip":"10.0.0.5"}')).toEqual({
      request: { op: 'hello', mta: 'mta-1', ip: '10.0.0.5' },
    });
    expect(parseRequest('{"id":1,"op":"tokens","rule":"default","want":50}')).toEqual({
      request: { id: 1, op: 'tokens', rule: 'default', want: 50 },
    });
    expect(parseRequest('{"id":4,"op":"stats"}')).toEqual({ request: { id: 4, op: 'stats' } });
  });
  it('names the problem and echoes the id when there is one', () => {
    expect(parseRequest('not json')).toMatchObject({ id: null, error: expect.stringMatching(/^malformed JSON/) });
    expect(parseRequest('[1]')).toEqual({ id: null, error: 'expected a JSON object' });
    expect(parseRequest('{"id":7}')).toEqual({ id: 7, error: 'missing field "op"' });
    expect(parseRequest('{"id":7,"op":"fly"}')).toMatchObject({ id: 7, error: expect.stringMatching(/^unknown op "fly"/) });
    expect(parseRequest('{"id":7,"op":"constructor"}')).toMatchObject({ error: expect.stringMatching(/^unknown op/) });
    expect(parseRequest('{"id":7,"op":"tokens","want":5}')).toEqual({ id: 7, error: 'tokens: missing field "rule"' });
    expect(parseRequest('{"id":7,"op":"tokens","rule":"r","want":-1}')).toMatchObject({
      id: 7,
      error: expect.stringMatching(/^tokens: field "want"/),
    });
    expect(parseRequest('{"op":"connect","rule":"r"}')).toEqual({ id: null, error: 'connect: missing field "id"' });
  });
});

describe('LineSplitter', () => {
  it('splits lines across chunks, skips blank ones, drops \\r', () => {
    const s = new LineSplitter(100);
    expect(s.push(Buffer.from('{"a":1}\r\n{"b"'))).toEqual({ lines: ['{"a":1}'], tooLong: false });
    expect(s.push(Buffer.from(':2}\n\n  \n'))).toEqual({ lines: ['{"b":2}'], tooLong: false });
  });
  it('refuses a line over the limit before its newline arrives', () => {
    const s = new LineSplitter(10);
    expect(s.push(Buffer.from('ok\n0123456789'))).toEqual({ lines: ['ok'], tooLong: false });
    expect(s.push(Buffer.from('x'))).toEqual({ lines: [], tooLong: true });
    expect(new LineSplitter(10).push(Buffer.from('01234567890\n'))).toEqual({ lines: [], tooLong: true });
  });
});
