import { gunzipSync, gzipSync } from 'node:zlib';
import { BundleLayout, manifestDigest, sha256, verifyManifest, type BundleManifest, type ManifestFile } from './manifest.js';
import { checkEntries } from './safe-extract.js';
import { readTar, writeTar, type TarEntry } from './tar.js';

/** Unpacked size cap: a bundle is a host plus some functions, never gigabytes (guards against gzip bombs). */
export const MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;

/**
 * 1980-01-01T00:00:00Z, the mtime of every entry unless SOURCE_DATE_EPOCH is
 * set: fixed so the bytes never depend on when or where a bundle was built.
 */
export const DEFAULT_MTIME = 315_532_800;

export interface BundleFile {
  /** Relative path with `/` separators. */
  path: string;
  data: Uint8Array;
  executable: boolean;
}

/**
 * Packs files into a gzipped ustar archive with a manifest. Entries are sorted,
 * directories are implied by the files, and every header field is fixed, so
 * the same files always give the same bytes. Node's gzip header carries no
 * timestamp or file name (mtime 0, OS byte fixed), which keeps the
 * compressed bytes stable too.
 */
export function packBundle(files: readonly BundleFile[], meta: Omit<BundleManifest, 'files' | 'digest'>, mtime = sourceDateEpoch()): { archive: Buffer; manifest: BundleManifest } {
  const sorted = [...files].sort((a, b) => compare(a.path, b.path));
  const manifestFiles: ManifestFile[] = sorted.map((f) => ({
    path: f.path,
    size: f.data.byteLength,
    sha256: sha256(f.data),
    mode: f.executable ? 0o755 : 0o644,
  }));
  const manifest: BundleManifest = { ...meta, digest: manifestDigest(manifestFiles), files: manifestFiles };
  const all: BundleFile[] = [...sorted, { path: BundleLayout.manifest, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), executable: false }];
  const entries: TarEntry[] = [];
  const dirs = new Set<string>();
  for (const f of all) {
    const segs = f.path.split('/');
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join('/'));
    entries.push({ path: f.path, type: 'file', mode: f.executable ? 0o755 : 0o644, data: f.data });
  }
  for (const d of dirs) entries.push({ path: d, type: 'dir', mode: 0o755, data: new Uint8Array(0) });
  entries.sort((a, b) => compare(a.path, b.path));
  checkEntries(entries);
  const archive = gzipSync(writeTar(entries, mtime), { level: 9 });
  return { archive, manifest };
}

/** Reads, checks and verifies a bundle: safe paths and checksums that match the manifest. Touches no disk. */
export function openBundle(archive: Uint8Array): { manifest: BundleManifest; entries: TarEntry[] } {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (err) {
    throw new Error(`the bundle is not a readable .tar.gz: ${(err as Error).message}`);
  }
  const entries = readTar(tar);
  checkEntries(entries);
  return { manifest: verifyManifest(entries), entries };
}

/** Byte order, not locale order: the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sourceDateEpoch(): number {
  const v = process.env['SOURCE_DATE_EPOCH'];
  return v && /^\d+$/.test(v) ? Number(v) : DEFAULT_MTIME;
}
