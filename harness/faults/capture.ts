// Byte capture (a midsim extension): the bytes a proxy delivers in each direction, appended to
// <captureDir>/<sanitised proxy name>.<upstream|downstream>.bin, all connections together.
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { ByteSink } from './link.js';
import type { Direction } from './toxic-spec.js';

/** A proxy name as a safe file name: anything but letters, digits, '.', '_' and '-' becomes '_'. */
export function sanitiseName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function capturePath(captureDir: string, proxyName: string, direction: Direction): string {
  return join(captureDir, `${sanitiseName(proxyName)}.${direction}.bin`);
}

export class CaptureFile implements ByteSink {
  private readonly stream: WriteStream;
  /** A capture that cannot be written must not break the proxy: the error is kept, not thrown. */
  error: Error | undefined;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'a' });
    this.stream.on('error', (error) => (this.error = error));
  }

  write(data: Buffer): void {
    if (!this.error) this.stream.write(data);
  }

  /** Flush and close. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.closed) resolve();
      else this.stream.end(() => resolve());
      this.stream.once('error', () => resolve());
    });
  }
}
