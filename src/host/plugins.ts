import { type ComponentDef, type Input, type Logger, type Output, type PluginManifest, type Processor, type Value, errorMessage } from '../core/index.js';
import { pluginSpec } from '../config/index.js';
import type { PluginRuntime } from '../plugin/index.js';
import { type Registry, pipelineContext } from '../pipeline/index.js';

interface Swappable {
  swap(manifest: PluginManifest): Promise<void>;
  close(): Promise<void>;
}

/**
 * Plugins as components: each manifest becomes a registry entry whose
 * builder asks the plugin runtime for a host-side Processor/Input/Output.
 * Every component built is remembered by plugin name, so a reload can swap
 * all of a plugin's live components to a new generation at once.
 */
export class PluginComponents {
  private readonly live = new Map<string, Set<Swappable>>();
  private readonly manifests = new Map<string, PluginManifest>();

  constructor(
    private readonly runtime: PluginRuntime,
    private readonly registry: Registry,
    private readonly log: Logger,
  ) {}

  /** Adds (or replaces) the registry entry for a manifest. Components built before keep their generation. */
  register(manifest: PluginManifest): void {
    const old = this.manifests.get(manifest.name);
    if (old && old.type !== manifest.type) this.registry.remove(old.type, old.name);
    this.manifests.set(manifest.name, manifest);
    const spec = pluginSpec(manifest);
    const name = manifest.name;
    const track = <T extends Swappable>(c: T): T => {
      let set = this.live.get(name);
      if (!set) this.live.set(name, (set = new Set()));
      set.add(c);
      const close = c.close.bind(c);
      // Forget the component once it is closed (its stream stopped).
      c.close = () => close().finally(() => set?.delete(c));
      return c;
    };
    const config = (conf: { config: unknown }): Value => (conf.config ?? {}) as Value;
    switch (manifest.type) {
      case 'processor': {
        const def: ComponentDef<Processor> = {
          spec,
          build: (conf, ctx) => {
            // Calls answer within the route's timeout (504 before the client's 408), when the stream has a route.
            const routeTimeoutMs = 'routeTimeoutMs' in ctx ? pipelineContext(ctx).routeTimeoutMs : undefined;
            const p = track(this.runtime.processor(this.manifests.get(name) ?? manifest, config(conf), { routeTimeoutMs }));
            // Start the process now, not on the first request (Init errors show up in the log at once).
            p.start().catch((err: unknown) => this.log.error({ plugin: name, err: errorMessage(err) }, 'plugin failed to start'));
            return p;
          },
        };
        this.registry.add(def);
        break;
      }
      case 'input': {
        const def: ComponentDef<Input> = { spec, build: (conf) => track(this.runtime.input(this.manifests.get(name) ?? manifest, config(conf))) };
        this.registry.add(def);
        break;
      }
      case 'output': {
        const def: ComponentDef<Output> = { spec, build: (conf) => track(this.runtime.output(this.manifests.get(name) ?? manifest, config(conf))) };
        this.registry.add(def);
        break;
      }
    }
  }

  /** Removes a plugin's registry entry (its manifest is gone); live components stay until their streams stop. */
  unregister(name: string): void {
    const m = this.manifests.get(name);
    if (!m) return;
    this.registry.remove(m.type, m.name);
    this.manifests.delete(name);
  }

  manifest(name: string): PluginManifest | undefined {
    return this.manifests.get(name);
  }

  /**
   * Swaps every live component of the plugin to a new generation started
   * from `manifest` (new code, same config). Rejects, leaving the old
   * generation serving, when the new one fails to start.
   */
  async swap(manifest: PluginManifest): Promise<void> {
    this.register(manifest);
    const comps = [...(this.live.get(manifest.name) ?? [])];
    const results = await Promise.allSettled(comps.map((c) => c.swap(manifest)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** How many live components use the plugin. */
  users(name: string): number {
    return this.live.get(name)?.size ?? 0;
  }
}
