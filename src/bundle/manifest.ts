import { createHash } from 'node:crypto';
import type { TarEntry } from './tar.js';

/**
 * The bundle layout: fixed names the start script, the unit and the deploy
 * agent rely on. The host's compiled code finds its resources the way it does
 * in the repo — three folders up from its own file is the repo root, where
 * package.json and src/sdk/python live — and a bundled host's every module
 * shares one file, so the bundle mirrors those places: the host sits three
 * folders deep and the bundle root stands in for the repo root.
 */
export const BundleLayout = {
  manifest: 'manifest.json',
  start: 'start',
  unit: 'hotplug.service',
  host: 'dist/src/host/hotplug.mjs',
  packageJson: 'package.json',
  functions: 'functions',
  pythonSdk: 'src/sdk/python',
} as const;

/** The lowest Node.js major the bundled host runs on (esbuild targets it too). */
export const MIN_NODE_MAJOR = 20;

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
  /** 0o644 or 0o755, as a number. */
  mode: number;
}

export interface ManifestPlugin {
  name: string;
  /** The plugin's folder relative to the bundle root. */
  dir: string;
  language: 'typescript' | 'python' | 'other';
  command: string[];
}

/** `manifest.json`: what a bundle holds. No timestamps, so the same input gives the same manifest. */
export interface BundleManifest {
  format: 1;
  /** The hotplug version that built the bundle. */
  hotplug: string;
  /** A semver range for the VM's Node.js. */
  node: string;
  /** True when some plugin needs python3 with grpcio and protobuf on the VM. */
  python: boolean;
  /** sha256 over the sorted file list: the bundle's content address. */
  digest: string;
  plugins: ManifestPlugin[];
  /** Every regular file in the archive except manifest.json itself, sorted by path. */
  files: ManifestFile[];
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function manifestDigest(files: readonly ManifestFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.path}\0${f.size}\0${f.mode.toString(8)}\0${f.sha256}\n`);
  return h.digest('hex');
}

/** Thrown when an archive's contents do not match its manifest. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/**
 * Checks an archive against its own manifest: every regular file is listed
 * with the same size, mode and sha256, every listed file is present, and the
 * digest matches. Returns the manifest.
 */
export function verifyManifest(entries: readonly TarEntry[]): BundleManifest {
  const entry = entries.find((e) => e.path === BundleLayout.manifest && e.type === 'file');
  if (!entry) throw new ManifestError(`the bundle has no ${BundleLayout.manifest}`);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(Buffer.from(entry.data).toString('utf8')) as BundleManifest;
  } catch (err) {
    throw new ManifestError(`${BundleLayout.manifest} is not valid JSON: ${(err as Error).message}`);
  }
  if (manifest.format !== 1 || !Array.isArray(manifest.files)) {
    throw new ManifestError(`${BundleLayout.manifest} has an unknown format (${String(manifest.format)})`);
  }
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.type !== 'file' || e.path === BundleLayout.manifest) continue;
    const f = listed.get(e.path);
    if (!f) throw new ManifestError(`${e.path} is in the archive but not in the manifest`);
    if (f.size !== e.data.byteLength || sha256(e.data) !== f.sha256) {
      throw new ManifestError(`${e.path} does not match its checksum in the manifest (corrupted or tampered with)`);
    }
    if ((e.mode & 0o777) !== f.mode) throw new ManifestError(`${e.path} has mode ${e.mode.toString(8)}, the manifest says ${f.mode.toString(8)}`);
    seen.add(e.path);
  }
  for (const f of manifest.files) {
    if (!seen.has(f.path)) throw new ManifestError(`${f.path} is listed in the manifest but missing from the archive`);
  }
  if (manifestDigest(manifest.files) !== manifest.digest) throw new ManifestError('the manifest digest does not match its file list');
  return manifest;
}
