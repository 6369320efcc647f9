import { rmSync } from 'node:fs';
import type { PluginManifest } from '../core/spec.js';
import type { Value } from '../core/value.js';
import type { ComponentHealth, PluginComponent } from './component.js';
import { PluginInput } from './input.js';
import { resolveOptions, type PluginRuntimeOptions } from './options.js';
import { PluginOutput } from './output.js';
import { liveProcesses } from './plugin-process.js';
import { PluginProcessor, type ProcessorUse } from './processor.js';
import { cleanStaleSocketDirs } from './socket-dir.js';
import { createSparePool } from './warm/spare-pool.js';

export interface PluginRuntime {
  /** A processor backed by the plugin; its process starts on the first batch (or `start()`). */
  processor(manifest: PluginManifest, config: Value, use?: ProcessorUse): PluginProcessor;
  /** An input backed by the plugin; its process starts on `connect()`. */
  input(manifest: PluginManifest, config: Value): PluginInput;
  /** An output backed by the plugin; its process starts on `connect()`. */
  output(manifest: PluginManifest, config: Value): PluginOutput;
  /** A snapshot of every live plugin component. */
  health(): ComponentHealth[];
  /** Closes every component (drain, Close RPC, SIGTERM, SIGKILL). Idempotent. */
  close(): Promise<void>;
}

/**
 * The host side of the plugin runtime. Creating it first cleans up after any
 * earlier host that died without doing so (socket dirs and orphaned process
 * groups); while it lives, an exiting host process kills its plugins even
 * when nobody called close().
 */
export function createPluginRuntime(options: PluginRuntimeOptions): PluginRuntime {
  const resolved = resolveOptions(options);
  const log = resolved.log.child({ component: 'plugins' });
  const spares = resolved.warmSpares ? createSparePool(resolved.repoRoot, log) : undefined;
  const opts = { ...resolved, ...(spares ? { spares } : {}) };
  const stale = cleanStaleSocketDirs();
  if (stale.removedDirs.length > 0) {
    log.info({ dirs: stale.removedDirs.length, killedGroups: stale.killedGroups }, 'cleaned up after a previous host');
  }
  const components = new Set<PluginComponent>();
  const onExit = (): void => {
    killAllSync();
    spares?.killSync();
  };
  process.on('exit', onExit);
  let closing: Promise<void> | undefined;

  const add = <T extends PluginComponent>(c: T): T => {
    if (closing) throw new Error('plugin runtime is closed');
    components.add(c);
    c.onClosed = () => components.delete(c);
    return c;
  };

  return {
    processor: (manifest, config, use) => add(new PluginProcessor(manifest, config, opts, use)),
    input: (manifest, config) => add(new PluginInput(manifest, config, opts)),
    output: (manifest, config) => add(new PluginOutput(manifest, config, opts)),
    health: () => [...components].map((c) => c.health()),
    close() {
      closing ??= (async () => {
        const results = await Promise.allSettled([...components].map((c) => c.close()));
        for (const r of results) if (r.status === 'rejected') log.warn({ err: r.reason }, 'closing a plugin failed');
        await spares?.close();
        process.off('exit', onExit);
      })();
      return closing;
    },
  };
}

/** Last resort on host exit: no async work is possible, so kill the groups and remove the dirs. */
function killAllSync(): void {
  for (const p of liveProcesses) {
    if (p.pid !== undefined) {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(p.socket.dir, { recursive: true, force: true });
  }
}
