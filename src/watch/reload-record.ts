import type { Diagnostic } from '../core/errors.js';

/** A file (or plugin) that does not load, with where and why: shown until a later reload fixes it. */
export interface BrokenFile {
  /** Absolute path (a plugin's folder when its new version failed to start). */
  file: string;
  line?: number;
  col?: number;
  message: string;
  hint?: string;
}

/** One reload the dev watcher ran: what changed, what it did, how long it took, what is broken now. */
export interface ReloadRecord {
  /** Epoch ms when the reload started. */
  time: number;
  ms: number;
  /** The changed paths that triggered it, relative to the functions dir. */
  files: string[];
  /** What it applied (`plugin greet code`, `stream api/orders`). */
  changes: string[];
  /** What kept its previous version, and why. */
  failed: { what: string; error: string }[];
  /** Everything broken in the functions dir after this reload. */
  broken: BrokenFile[];
}

/** The errors among `diagnostics` as broken files. */
export function brokenFiles(diagnostics: readonly Diagnostic[]): BrokenFile[] {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({
      file: d.location?.file ?? '',
      ...(d.location?.line !== undefined && { line: d.location.line }),
      ...(d.location?.col !== undefined && { col: d.location.col }),
      message: d.message,
      ...(d.hint !== undefined && { hint: d.hint }),
    }));
}
