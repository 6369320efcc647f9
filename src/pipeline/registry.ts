import type { ComponentDef, ComponentKind, ComponentSpec, Input, Output, Processor } from '../core/index.js';

type AnyDef = ComponentDef<Input> | ComponentDef<Processor> | ComponentDef<Output>;

/** What the config loader needs from the registry: how a component is written. */
export type SpecLookup = (kind: ComponentKind, name: string) => ComponentSpec | undefined;

/**
 * Components by kind and name: the built-ins, the batch-wide processors, and
 * plugins (added when their manifests are loaded, replaced on reload).
 */
export class Registry {
  private readonly defs = new Map<string, AnyDef>();

  add(def: AnyDef): this {
    this.defs.set(key(def.spec.kind, def.spec.name), def);
    return this;
  }

  remove(kind: ComponentKind, name: string): void {
    this.defs.delete(key(kind, name));
  }

  input(name: string): ComponentDef<Input> | undefined {
    return this.defs.get(key('input', name)) as ComponentDef<Input> | undefined;
  }

  processor(name: string): ComponentDef<Processor> | undefined {
    return this.defs.get(key('processor', name)) as ComponentDef<Processor> | undefined;
  }

  output(name: string): ComponentDef<Output> | undefined {
    return this.defs.get(key('output', name)) as ComponentDef<Output> | undefined;
  }

  spec(kind: ComponentKind, name: string): ComponentSpec | undefined {
    return this.defs.get(key(kind, name))?.spec;
  }

  /** A lookup function for src/config, bound to this registry (it sees later additions). */
  readonly lookup: SpecLookup = (kind, name) => this.spec(kind, name);

  /** Every spec of a kind, sorted by name (for lint hints and docs). */
  specs(kind: ComponentKind): ComponentSpec[] {
    return [...this.defs.values()]
      .map((d) => d.spec)
      .filter((s) => s.kind === kind)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every spec (what src/config's loadDir takes as `builtins`). */
  allSpecs(): ComponentSpec[] {
    return [...this.defs.values()].map((d) => d.spec);
  }

  /** A copy to add to without touching this one (a reload's candidate set of plugins). */
  clone(): Registry {
    const r = new Registry();
    for (const d of this.defs.values()) r.add(d);
    return r;
  }
}

function key(kind: ComponentKind, name: string): string {
  return `${kind}:${name}`;
}
