import { describe, expect, it } from 'vitest';
import { findTrackingUrls } from './recipient.js';

describe('findTrackingUrls', () => {
  it('finds the tracked URLs of a body in document order', () => {
    const html = `
      <a href="http://t.example:8080/r/?id=h2d1b,3e,2">shop</a>
      <a href='https://t.example/base/r/?id=h2d1b,3e,3&amp;utm=x'>more</a>
      <a href="http://elsewhere.example/page">not tracked</a>
      <a href="http://t.example/r/?id=bogus">bad id</a>
      <img src="http://t.example:8080/r/?id=h2d1b%2C3e%2C1" width=1>`;
    expect(findTrackingUrls(html)).toEqual([
      { url: 'http://t.example:8080/r/?id=h2d1b,3e,2', urlId: 2 },
      { url: 'https://t.example/base/r/?id=h2d1b,3e,3', urlId: 3 },
      { url: 'http://t.example:8080/r/?id=h2d1b%2C3e%2C1', urlId: 1 },
    ]);
    expect(findTrackingUrls('no links')).toEqual([]);
  });
});
