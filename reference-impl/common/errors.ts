import type { z } from 'zod';

/** Bad configuration or bad usage: the message names the field. Maps to exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validate `data` against `schema`; on failure throw a ConfigError listing each bad field by path. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, where: string): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const path = i.path.length ? i.path.map(String).join('.') : '(root)';
    return `  ${where}${where && i.path.length ? '.' : ''}${i.path.length ? path : ''}: ${i.message}`;
  });
  throw new ConfigError(`invalid ${where || 'config'}:\n${lines.join('\n')}`);
}
