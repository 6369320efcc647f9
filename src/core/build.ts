import type { Logger } from './log.js';
import type { Input } from './input.js';
import type { Output } from './output.js';
import type { Processor } from './processor.js';
import type { ComponentConf, ComponentSpec } from './spec.js';

/**
 * What a component's builder gets besides its own config. Building does no
 * I/O: it only constructs objects (so `hotplug lint` can build everything
 * without starting anything); connecting happens when the stream starts.
 */
export interface BuildContext {
  /** The stream's id (its file's relative path without extension). */
  readonly streamId: string;
  /** A child logger with the stream and component bound. */
  readonly log: Logger;
  /** Builds nested processor configs (for_each, while, switch, batching.processors, ...). */
  buildProcessors(confs: ComponentConf[]): Processor[];
  buildInput(conf: ComponentConf): Input;
  buildOutput(conf: ComponentConf): Output;
  /** The processor behind `resource: NAME`; throws when there is none. */
  resourceProcessor(name: string): Processor;
}

/** A built-in component: how it is written, and how it is built. */
export interface ComponentDef<T> {
  spec: ComponentSpec;
  build(conf: ComponentConf, ctx: BuildContext): T;
}

export type InputDef = ComponentDef<Input>;
export type ProcessorDef = ComponentDef<Processor>;
export type OutputDef = ComponentDef<Output>;
