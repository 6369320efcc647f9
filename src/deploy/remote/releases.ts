import { existsSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The release tree on the VM:
 *   DIR/releases/<id>/   one unpacked bundle each; ids sort by time
 *   DIR/current          symlink to releases/<id>: what the service runs
 *   DIR/hotplug.env      PORT, HOST, HOTPLUG_NODE and the user's own settings
 *   DIR/.hotplug/        the agent, uploads, lock, supervisor state, cluster.json (the host's state)
 *   DIR/logs/hotplug.log the supervised host's log (without systemd)
 */
export class ReleaseTree {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  get releasesDir(): string {
    return join(this.dir, 'releases');
  }
  get currentLink(): string {
    return join(this.dir, 'current');
  }
  get stateDir(): string {
    return join(this.dir, '.hotplug');
  }
  get envFile(): string {
    return join(this.dir, 'hotplug.env');
  }
  /** The cluster primary's state (`hotplug run --status-file`). */
  get statusFile(): string {
    return join(this.stateDir, 'cluster.json');
  }
  get logDir(): string {
    return join(this.dir, 'logs');
  }

  releasePath(id: string): string {
    return join(this.releasesDir, id);
  }

  ensure(): void {
    for (const d of [this.dir, this.releasesDir, this.stateDir, this.logDir]) mkdirSync(d, { recursive: true, mode: 0o755 });
  }

  /** The id `current` points at, or undefined before the first deploy. */
  current(): string | undefined {
    try {
      return basename(readlinkSync(this.currentLink));
    } catch {
      return undefined;
    }
  }

  /** Release ids, oldest first (ids start with a UTC timestamp). Half-written ones (dot-prefixed) are not releases. */
  list(): string[] {
    if (!existsSync(this.releasesDir)) return [];
    return readdirSync(this.releasesDir).filter((n) => !n.startsWith('.')).sort();
  }

  /**
   * Points `current` at a release atomically: a new symlink under a temporary
   * name is renamed over the old one, so `current` is never missing or half-made.
   */
  switchTo(id: string): void {
    const tmp = join(this.dir, `.current.${process.pid}.${Date.now()}`);
    symlinkSync(join('releases', id), tmp);
    renameSync(tmp, this.currentLink);
  }

  clearCurrent(): void {
    rmSync(this.currentLink, { force: true });
  }

  /** Deletes a release and its log. */
  remove(id: string): void {
    rmSync(this.releasePath(id), { recursive: true, force: true });
    rmSync(join(this.logDir, `${id}.log`), { force: true });
  }

  /** Deletes the oldest releases beyond `keep`, never the current one or `also`. */
  prune(keep: number, also?: string): string[] {
    const current = this.current();
    const others = this.list().filter((id) => id !== current && id !== also);
    const doomed = others.slice(0, Math.max(0, others.length - keep));
    for (const id of doomed) this.remove(id);
    return doomed;
  }
}

/** `20261121T173201123Z-<digest12>`: sortable by time, naming the bundle it came from. */
export function newReleaseId(digest: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${digest.slice(0, 12)}`;
}
