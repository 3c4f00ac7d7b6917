// A small YAML writer for plain data (objects, arrays, strings, numbers, booleans): block style,
// every string double-quoted as JSON does (a valid YAML scalar), so nothing is misread as a
// number, a boolean or a comment. Enough for a Compose file; no dependency.
type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) ? k : JSON.stringify(k));
const scalar = (v: Value) => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : String(v));
const isEmpty = (v: Value) => (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0);

export function toYaml(v: Value, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (!v.length) return `${pad}[]\n`;
    return v
      .map((x) => {
        if (typeof x !== 'object' || x === null || isEmpty(x)) return `${pad}- ${typeof x === 'object' && x !== null ? (Array.isArray(x) ? '[]' : '{}') : scalar(x)}\n`;
        // "- " then the first line of the nested block on the same line.
        const nested = toYaml(x, indent + 2);
        return `${pad}- ${nested.slice(indent + 2)}`;
      })
      .join('');
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v);
    if (!entries.length) return `${pad}{}\n`;
    return entries
      .map(([k, x]) => {
        if (typeof x !== 'object' || x === null) return `${pad}${key(k)}: ${scalar(x)}\n`;
        if (isEmpty(x)) return `${pad}${key(k)}: ${Array.isArray(x) ? '[]' : '{}'}\n`;
        return `${pad}${key(k)}:\n${toYaml(x, indent + 2)}`;
      })
      .join('');
  }
  return `${pad}${scalar(v)}\n`;
}

export type { Value as YamlValue };
