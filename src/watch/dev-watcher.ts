import { relative, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { STDERR_TAIL_HEADING, formatDiagnostic, type Logger, type PluginManifest, type StreamConf } from '../core/index.js';
import type { DirConf } from '../config/index.js';
import { createCoalescer } from './coalescer.js';
import { isIgnoredPath } from './ignore.js';
import { planReload, pluginsUsed, type RunningState } from './plan.js';
import { createSerialRunner } from './serial.js';
import { changedFiles, dirPrint, justEmptied, snapshotFiles, type FileSnapshot } from './fingerprint.js';
import { brokenFiles, type BrokenFile, type ReloadRecord } from './reload-record.js';

/**
 * What the dev watcher reloads. Every method must keep the previous version
 * serving when the new one fails, and reject with an error that says why.
 */
export interface ReloadTarget {
  /** The manifests builders use from now on. */
  setManifests(manifests: PluginManifest[]): void;
  /** Starts a new generation of the plugin's processes and drains the old one. */
  swapPlugin(manifest: PluginManifest): Promise<void>;
  startStream(conf: StreamConf): Promise<void>;
  /** Starts `conf`, moves `oldId`'s routes to it atomically, then drains and closes `oldId`. */
  replaceStream(oldId: string, conf: StreamConf): Promise<void>;
  /** Drains and closes the stream; its routes then answer 404. */
  stopStream(id: string): Promise<void>;
}

/** After the last watcher event, when to compare the files once more (past chokidar's 50 ms change throttle). */
const RECHECK_MS = 100;
/** How long a file that just became empty may take to get its content (see reload). */
const EMPTIED_WAIT_MS = 100;

export interface DevWatcherOptions {
  dir: string;
  target: ReloadTarget;
  /** What the host was started with. */
  initial: DirConf;
  /** Loads and checks the whole functions dir again (off the serving thread, in dev). */
  load: () => DirConf | Promise<DirConf>;
  /** The dir's files as taken (snapshotFiles) before `initial` was loaded; default: when the watcher starts. */
  initialFiles?: FileSnapshot;
  /**
   * Env files (absolute paths, inside the dir or not) that `load` reads: watched too, and a change
   * rebuilds the streams whose pipelines use `${VAR}` (plugins get a new generation when their env changed).
   */
  envFiles?: readonly string[];
  log: Logger;
  /** Quiet period before a burst of events is handled (default 25 ms). */
  quietMs?: number;
  /** Told about every reload that changed something or found errors (the dev console's timeline). */
  onReload?: (record: ReloadRecord) => void;
}

export interface DevWatcher {
  /** Resolves once the initial scan is done and edits are being watched. */
  ready: Promise<void>;
  /** Resolves when no reload is running or pending. */
  idle(): Promise<void>;
  close(): Promise<void>;
  /** What is broken in the functions dir now (load errors, plugins whose new version failed to start). */
  broken(): BrokenFile[];
}

export function createDevWatcher(opts: DevWatcherOptions): DevWatcher {
  const dir = resolve(opts.dir);
  const log = opts.log;
  const envFiles = new Set(opts.envFiles ?? []);
  const snapshot = (): Map<string, string> => snapshotFiles(dir, [...envFiles]);
  /** The files as they were just before the last load: what runs is never older than this. */
  let loadedFiles: FileSnapshot = opts.initialFiles ?? snapshot();
  /** What the last load gave (for loadedFiles). */
  let lastLoaded: DirConf = opts.initial;
  /**
   * Whether the files that differ (`differs`) between `before` and `after` are only the contents of files
   * that loading the dir never reads (plugin code: not YAML, not an env file,
   * none added or removed), so a load would give what the last one did.
   */
  const onlyCodeChanged = (before: FileSnapshot, after: FileSnapshot, differs: readonly string[]): boolean =>
    differs.every((p) => before.has(p) && after.has(p) && !envFiles.has(p) && !/\.ya?ml$/i.test(p));
  const running: RunningState = {
    streams: new Map(opts.initial.streams.map((s) => [s.id, { conf: s, source: loadedFiles.get(s.file) ?? '' }])),
    manifests: new Map(opts.initial.manifests.map((m) => [m.name, m])),
    pendingCode: new Set(),
    prints: new Map(opts.initial.manifests.map((m) => [m.name, dirPrint(loadedFiles, m.dir)])),
  };
  const runner = createSerialRunner<string>((_k, err) => log.error({ err }, 'reload failed'));
  let changed = new Set<string>();
  let loadErrors = brokenFiles(opts.initial.diagnostics);
  /** Plugins whose latest version failed to start, until a later swap of theirs succeeds. */
  const failedPlugins = new Map<string, BrokenFile>();
  const broken = (): BrokenFile[] => [...loadErrors, ...failedPlugins.values()];
  let lastBroken = JSON.stringify(broken());

  const reload = async (): Promise<void> => {
    const paths = changed;
    changed = new Set();
    const started = performance.now();
    const startedAt = Date.now();
    let files = snapshot();
    // A save truncates the file, then writes it: a file that just became empty may be caught in
    // between (seen under load). It gets a moment to fill before it counts; one emptied on purpose
    // still counts after that.
    for (let waited = 0; waited < EMPTIED_WAIT_MS && justEmptied(loadedFiles, files); waited += 25) {
      await new Promise((r) => setTimeout(r, 25));
      files = snapshot();
    }
    // Every file that differs from what was loaded counts, reported or not: chokidar drops a file's
    // second change event within 50 ms, so of two files saved together one may arrive alone.
    const differs = changedFiles(loadedFiles, files);
    for (const p of differs) paths.add(p);
    // Saving plugin code (the common edit) leaves every pipeline and manifest as loaded: no need to load the dir again.
    const codeOnly = onlyCodeChanged(loadedFiles, files, differs);
    if (codeOnly) log.debug('only plugin code changed: the functions dir is not loaded again');
    const loaded = codeOnly ? lastLoaded : await opts.load();
    lastLoaded = loaded;
    loadErrors = brokenFiles(loaded.diagnostics);
    const plan = planReload(running, loaded, paths, files, [...paths].some((p) => envFiles.has(p)));
    for (const d of plan.diagnostics) {
      const text = formatDiagnostic(d);
      if (d.severity === 'error') log.error(`${text}\n  (the previous version keeps serving)`);
      else log.warn(text);
    }
    // Keep the last good manifest of a plugin whose plugin.yaml is broken while a
    // running stream still uses it: its processes keep serving that stream.
    const manifests = new Map(plan.manifests.map((m) => [m.name, m]));
    const names = new Set([...manifests.keys(), ...running.manifests.keys()]);
    const gone = [...running.manifests].filter(([name]) => !manifests.has(name));
    // Walking every running stream's components only when a plugin.yaml went missing or broken.
    const inUse = gone.length === 0 ? new Set<string>() : new Set([...running.streams.values()].flatMap((s) => [...pluginsUsed(s.conf, names)]));
    for (const [name, m] of gone) if (inUse.has(name)) manifests.set(name, m);
    opts.target.setManifests([...manifests.values()]);
    running.manifests = manifests;
    running.pendingCode = plan.pendingCode;

    const failed: string[] = [];
    const why: { what: string; error: string }[] = [];
    const fail = (what: string, err: unknown): void => {
      failed.push(what);
      why.push({ what, error: (err as Error).message });
    };
    const swaps = plan.swapPlugins.map(async (m) => {
      try {
        await opts.target.swapPlugin(m);
        running.prints.set(m.name, dirPrint(files, m.dir));
        failedPlugins.delete(m.name);
      } catch (err) {
        fail(`plugin ${m.name}`, err);
        failedPlugins.set(m.name, { file: m.dir, message: `plugin ${m.name}: the new version failed to start: ${(err as Error).message}` });
        // Its stderr lines were just logged (at info): quoting them again would double a traceback.
        const [why = '', tail] = (err as Error).message.split(`\n${STDERR_TAIL_HEADING}\n`);
        const shown = tail !== undefined && log.isLevelEnabled('info') ? `${why} (its stderr is above)` : (err as Error).message;
        log.error(`plugin ${m.name}: the new version failed; the previous one keeps serving\n${shown}`);
      }
    });
    await Promise.all(swaps);
    const streamOps = [
      ...plan.startStreams.map(async (conf) => {
        try {
          await opts.target.startStream(conf);
          running.streams.set(conf.id, { conf, source: files.get(conf.file) ?? '' });
        } catch (err) {
          fail(`stream ${conf.id}`, err);
          log.error(`stream ${conf.id}: failed to start\n${(err as Error).message}`);
        }
      }),
      ...plan.replaceStreams.map(async ({ oldId, conf }) => {
        try {
          await opts.target.replaceStream(oldId, conf);
          running.streams.delete(oldId);
          running.streams.set(conf.id, { conf, source: files.get(conf.file) ?? '' });
        } catch (err) {
          fail(`stream ${conf.id}`, err);
          log.error(`stream ${conf.id}: the new version failed to start; the previous one keeps serving\n${(err as Error).message}`);
        }
      }),
      ...plan.stopStreams.map(async (id) => {
        try {
          await opts.target.stopStream(id);
        } finally {
          running.streams.delete(id);
        }
      }),
    ];
    await Promise.all(streamOps);
    loadedFiles = files;
    const ms = Math.round(performance.now() - started);
    const what = plan.changes.length ? plan.changes.join(', ') : [...paths].map((p) => relative(dir, p)).join(', ');
    if (plan.changes.length === 0 && plan.diagnostics.length === 0) {
      log.debug(`no change to apply (${what})`);
    } else if (failed.length) {
      log.warn(`reload: ${what} — ${failed.join(', ')} kept the previous version (${ms} ms)`);
    } else if (plan.changes.length) {
      log.info(`reloaded ${what} in ${ms} ms`);
    }
    // A fix that restores what is running applies nothing, but what is broken changed: that is news too.
    const nowBroken = broken();
    // Say so when a file (or plugin) stops being broken: otherwise its last ERROR stays on screen
    // as if it still held (tsc --watch prints "Found 0 errors", vite clears its overlay).
    const stillBroken = new Set(nowBroken.map((b) => b.file));
    const fixed = [...new Set((JSON.parse(lastBroken) as BrokenFile[]).map((b) => b.file))].filter((f) => f !== '' && !stillBroken.has(f));
    if (fixed.length) log.info(`fixed: ${fixed.map((f) => relative(process.cwd(), f) || f).join(', ')} — no errors left there`);
    const brokenChanged = JSON.stringify(nowBroken) !== lastBroken;
    lastBroken = JSON.stringify(nowBroken);
    if (opts.onReload && (plan.changes.length > 0 || plan.diagnostics.length > 0 || why.length > 0 || brokenChanged)) {
      const files = [...paths].map((p) => relative(dir, p));
      try {
        opts.onReload({ time: startedAt, ms, files, changes: plan.changes, failed: why, broken: nowBroken });
      } catch (err) {
        log.warn({ err }, 'a reload listener failed');
      }
    }
  };

  let reloads = 0; // requested reloads not yet settled
  let closed = false;
  const coalescer = createCoalescer<string>({
    quietMs: opts.quietMs ?? 25,
    maxWaitMs: 300,
    onFlush: (paths) => {
      for (const p of paths) changed.add(p);
      reloads++;
      runner
        .run('reload', reload)
        .catch((err: unknown) => log.error({ err }, 'reload failed'))
        .finally(() => {
          reloads--;
          verify();
        });
    },
  });

  /**
   * The last save wins: compares the files with what the last reload loaded and
   * reloads what differs. It runs after every reload and RECHECK_MS after the
   * last watcher event, because chokidar drops a file's change events for 50 ms
   * after it reports one (and fs events can come in late), so a quick second
   * save may never be reported.
   */
  const verify = (): void => {
    if (closed || reloads > 0 || coalescer.pending()) return; // that reload verifies when it is done
    try {
      const missed = changedFiles(loadedFiles, snapshot());
      if (missed.length) log.debug(`changed without a file watcher event: ${missed.map((p) => relative(dir, p)).join(', ')}`);
      missed.forEach((p) => coalescer.add(p));
    } catch (err) {
      log.warn({ err }, 'could not compare the files with what was loaded');
    }
  };
  let recheck: NodeJS.Timeout | undefined;
  const scheduleRecheck = (): void => {
    clearTimeout(recheck);
    recheck = setTimeout(verify, RECHECK_MS);
    recheck.unref();
  };

  const watcher: FSWatcher = watch(dir, {
    ignoreInitial: true,
    // A symlink in the functions dir (`root -> /`) is watched as a link, never walked: dev stays inside DIR.
    followSymlinks: false,
    ignored: (p: string) => {
      const rel = relative(dir, p);
      return rel !== '' && !envFiles.has(resolve(p)) && (rel.startsWith('..') || isIgnoredPath(rel));
    },
  });
  // Env files outside the dir are watched on their own (ones inside it are seen by the dir's watch).
  const outside = [...envFiles].filter((p) => relative(dir, p).startsWith('..'));
  if (outside.length) watcher.add(outside);
  watcher.on('all', (_event: string, path: string) => {
    coalescer.add(resolve(path));
    scheduleRecheck();
  });
  watcher.on('error', (err: unknown) => log.error({ err }, 'file watcher error'));
  // Saves between the initial snapshot and the watcher being ready are applied too.
  const ready = new Promise<void>((r) => watcher.once('ready', () => r())).then(verify);

  let closing: Promise<void> | undefined;
  return {
    ready,
    idle: () => runner.idle(),
    broken,
    close() {
      closing ??= (async () => {
        closed = true;
        clearTimeout(recheck);
        coalescer.close();
        await watcher.close();
        await runner.idle();
      })();
      return closing;
    },
  };
}
