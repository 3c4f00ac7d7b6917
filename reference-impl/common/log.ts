import { pino, type Logger } from 'pino';

// Every module logs JSON lines to stdout; the runtime collects them into the run directory
// (the role of the product's syslogd).
export function createLogger(module: string, instance: string, level = 'info'): Logger {
  return pino({ level, base: { module, instance } });
}
export type { Logger };
