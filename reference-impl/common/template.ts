// Delivery templates. Personalisation fields are written as in the product, <%= recipient.firstName %>;
// links are plain <a href="http(s)://..."> that the delivery turns into tracked URLs.
import { ConfigError } from './errors.js';

export interface Template {
  from: string;
  subject: string;
  html: string;
  text?: string;
}

/** Recipient fields a template may use, and the marketing database column behind each. */
export const RECIPIENT_FIELDS: Record<string, string> = {
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  city: 'city',
  secretNote: 'secret_note',
};

const FIELD = /<%=\s*recipient\.([A-Za-z_][A-Za-z0-9_]*)\s*%>/g;

/** The recipient fields a template references: only these leave the marketing instance. */
export function templateFields(t: Template): string[] {
  const found = new Set<string>();
  for (const part of [t.from, t.subject, t.html, t.text ?? '']) {
    for (const m of part.matchAll(FIELD)) {
      if (!(m[1] in RECIPIENT_FIELDS)) {
        throw new ConfigError(`template: unknown field recipient.${m[1]} (known: ${Object.keys(RECIPIENT_FIELDS).join(', ')})`);
      }
      found.add(m[1]);
    }
  }
  return [...found].sort();
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

export function renderText(text: string, data: Record<string, unknown>): string {
  return text.replace(FIELD, (_, f: string) => String(data[f] ?? ''));
}
export function renderHtml(html: string, data: Record<string, unknown>): string {
  return html.replace(FIELD, (_, f: string) => escapeHtml(String(data[f] ?? '')));
}

const HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi;

/** The distinct http(s) links of an HTML body, in order of first appearance. */
export function extractLinks(html: string): string[] {
  const links: string[] = [];
  for (const m of html.matchAll(HREF)) if (!links.includes(m[3])) links.push(m[3]);
  return links;
}

/** Replace each registered link by its tracked URL and add the open pixel. */
export function trackHtml(html: string, urlIdOf: (url: string) => number | undefined, tracked: (urlId: number) => string, pixel: string): string {
  const out = html.replace(HREF, (all, head: string, q: string, url: string) => {
    const id = urlIdOf(url);
    return id === undefined ? all : `${head}${q}${tracked(id)}${q}`;
  });
  const img = `<img src="${pixel}" width="1" height="1" alt="" />`;
  return /<\/body>/i.test(out) ? out.replace(/<\/body>/i, `${img}</body>`) : out + img;
}
