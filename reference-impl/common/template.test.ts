import { describe, expect, it } from 'vitest';
import { extractLinks, renderHtml, renderText, templateFields, trackHtml } from './template.js';

const t = {
  from: 'news@brand.example',
  subject: 'Hello <%= recipient.firstName %>',
  html: '<html><body><p>Hi <%= recipient.firstName %> from <%=recipient.city%></p><a href="https://brand.example/a">A</a> <a href="https://brand.example/b">B</a> <a href="https://brand.example/a">A2</a></body></html>',
};

describe('templates', () => {
  it('lists only the referenced fields', () => {
    expect(templateFields(t)).toEqual(['city', 'firstName']);
  });
  it('names an unknown field', () => {
    expect(() => templateFields({ ...t, subject: '<%= recipient.salary %>' })).toThrow(/recipient\.salary/);
  });
  it('renders and escapes', () => {
    expect(renderText(t.subject, { firstName: 'Ann' })).toBe('Hello Ann');
    expect(renderHtml('<%= recipient.firstName %>', { firstName: '<b>' })).toBe('&lt;b&gt;');
  });
  it('finds links once and tracks them, adding the open pixel', () => {
    expect(extractLinks(t.html)).toEqual(['https://brand.example/a', 'https://brand.example/b']);
    const ids = new Map([['https://brand.example/a', 2], ['https://brand.example/b', 3]]);
    const out = trackHtml(t.html, (u) => ids.get(u), (id) => `http://t/r/?id=h1,1,${id}`, 'http://t/r/?id=h1,1,1');
    expect(out).toContain('href="http://t/r/?id=h1,1,2"');
    expect(out).toContain('href="http://t/r/?id=h1,1,3"');
    expect(out).not.toContain('https://brand.example');
    expect(out).toMatch(/<img src="http:\/\/t\/r\/\?id=h1,1,1"[^>]*><\/body>/);
  });
});
