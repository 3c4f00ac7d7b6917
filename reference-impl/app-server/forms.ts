// A subscription web form. Web forms stay on the client platform in mid-sourcing: this page and
// the data typed into it live on the marketing instance only.
import type { Pool } from '../common/db.js';

export const FORM_PATH = '/forms/subscribe';

export function formPage(message = '', values: Record<string, string> = {}): string {
  const v = (k: string) => (values[k] ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Subscribe</title></head>
<body>
<h1>Subscribe to our newsletter</h1>
${message ? `<p id="message" role="status">${message}</p>` : ''}
<form method="post" action="${FORM_PATH}">
  <label>Email <input name="email" type="email" required value="${v('email')}"></label>
  <label>First name <input name="firstName" value="${v('firstName')}"></label>
  <label>Last name <input name="lastName" value="${v('lastName')}"></label>
  <label>City <input name="city" value="${v('city')}"></label>
  <button type="submit">Subscribe</button>
</form>
</body></html>
`;
}

export type FormResult = { status: 200 | 400; html: string };

export async function submitForm(pool: Pool, body: string): Promise<FormResult> {
  const f = Object.fromEntries(new URLSearchParams(body));
  const email = (f.email ?? '').trim();
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) {
    return { status: 400, html: formPage(`The field "email" must be an email address.`, f) };
  }
  const clip = (s: string | undefined) => (s ?? '').trim().slice(0, 200) || null;
  await pool.query(
    `insert into recipient (email, first_name, last_name, city, source) values ($1, $2, $3, $4, 'form')
     on conflict (email) do update set first_name = excluded.first_name, last_name = excluded.last_name, city = excluded.city`,
    [email, clip(f.firstName), clip(f.lastName), clip(f.city)],
  );
  return { status: 200, html: formPage(`Thank you, ${email.replace(/[&<>"]/g, '')} is subscribed.`) };
}
