import type { Failure } from './errors.js';
import { parseJSON, toJSON } from './json.js';
import { type Value, textDecoder, textEncoder } from './value.js';

/**
 * Where a message came from, for acknowledgement and per-request responses.
 * The stream runtime implements it; everything else only carries it along:
 * a message derived from another (a processor's output, a split part) keeps
 * its source's origin, which is how a response finds its way back to the HTTP
 * request it belongs to even when batches were merged on the way.
 */
export interface Origin {
  /** Records a message that a `sync_response` produced for this origin. */
  addResponse(msg: Message): void;
  /** The plugin generation that processed it last (set by plugin processors, for request records). */
  generation?: number | undefined;
  /**
   * Set by a plugin processor when a call carrying this origin's messages missed its deadline next to
   * other calls and is being re-run alone: if the origin's own timeout passes before that settles, it is
   * answered with this failure (a 504 naming the plugin) rather than a bare timeout.
   */
  suspect?: Failure | undefined;
}

/**
 * One message: a payload, metadata and an error flag.
 *
 * The payload is either raw bytes or a structured value. Both views are lazy:
 * a structured value is serialised to JSON only when someone asks for bytes,
 * and bytes are parsed as JSON only when someone asks for the structure. Each
 * conversion happens at most once per payload.
 */
export class Message {
  private rawBytes: Uint8Array | undefined;
  private structuredValue: Value | undefined;
  private hasStructured: boolean;

  // Created on first access: most messages crossing a plugin boundary in bulk carry none,
  // and an empty Map per message is a measurable share of the host's GC at batch 1000.
  private meta: Map<string, Value> | undefined;
  // Metadata as a plugin sent it back, decoded on first access (see setWireMetadata).
  private metaWire: Uint8Array | undefined;
  private metaDecode: ((bytes: Uint8Array) => Map<string, Value>) | undefined;
  /** The error flag: set by a failed processor, read by `catch`, `try` and `errored()`. */
  error: string | undefined;
  /** Details of `error` (status, stack, component) when whoever flagged it knew them; see Failure. */
  failure: Failure | undefined;
  /** Ack and response routing; see {@link Origin}. */
  origin: Origin | undefined;

  constructor(payload: Uint8Array | string | null = null, metadata?: Map<string, Value>) {
    this.rawBytes = payload === null ? new Uint8Array(0) : typeof payload === 'string' ? textEncoder.encode(payload) : payload;
    this.structuredValue = undefined;
    this.hasStructured = false;
    this.meta = metadata;
    this.metaWire = undefined;
    this.metaDecode = undefined;
    this.error = undefined;
    this.failure = undefined;
    this.origin = undefined;
  }

  /** Metadata: typed values keyed by name. */
  get metadata(): Map<string, Value> {
    if (this.meta === undefined) {
      const wire = this.metaWire;
      this.meta = wire !== undefined && this.metaDecode !== undefined ? this.metaDecode(wire) : new Map();
      this.metaWire = undefined;
      this.metaDecode = undefined;
    }
    return this.meta;
  }

  set metadata(m: Map<string, Value>) {
    this.meta = m;
    this.metaWire = undefined;
    this.metaDecode = undefined;
  }

  /** True when there is at least one metadata entry (without creating or decoding the map). */
  hasMetadata(): boolean {
    return this.metaWire !== undefined || (this.meta !== undefined && this.meta.size > 0);
  }

  /**
   * For the wire codec: metadata kept encoded until someone reads it. Most
   * results of a plugin call carry the request's metadata back unchanged and
   * nobody looks at it before the response is written, so it is never decoded;
   * `wireMetadata()` lets the codec send it on as the same bytes.
   */
  setWireMetadata(bytes: Uint8Array, decode: (bytes: Uint8Array) => Map<string, Value>): void {
    this.meta = undefined;
    this.metaWire = bytes;
    this.metaDecode = decode;
  }

  /** The metadata's encoded bytes while it was never read (so never changed), else undefined. */
  wireMetadata(): Uint8Array | undefined {
    return this.meta === undefined ? this.metaWire : undefined;
  }

  /** A message whose payload is a structured value. */
  static structured(value: Value, metadata?: Map<string, Value>): Message {
    const m = new Message(null, metadata);
    m.setStructured(value);
    return m;
  }

  /** The payload as bytes (a structured payload is serialised as JSON once). */
  bytes(): Uint8Array {
    if (this.rawBytes === undefined) {
      const v = this.structuredValue as Value;
      this.rawBytes = v instanceof Uint8Array ? v : textEncoder.encode(typeof v === 'string' ? v : toJSON(v));
    }
    return this.rawBytes;
  }

  /** The payload as UTF-8 text. */
  text(): string {
    return textDecoder.decode(this.bytes());
  }

  /** True when the payload is held as a structured value (not yet serialised). */
  isStructured(): boolean {
    return this.hasStructured && this.rawBytes === undefined;
  }

  /** The payload as a structured value; raw bytes are parsed as JSON once. Throws on invalid JSON. */
  structured(): Value {
    if (!this.hasStructured) {
      const text = textDecoder.decode(this.rawBytes);
      try {
        this.structuredValue = parseJSON(text);
      } catch (err) {
        throw new Error(`payload is not valid JSON: ${(err as Error).message}`);
      }
      this.hasStructured = true;
    }
    return this.structuredValue as Value;
  }

  setBytes(bytes: Uint8Array | string): void {
    this.rawBytes = typeof bytes === 'string' ? textEncoder.encode(bytes) : bytes;
    this.structuredValue = undefined;
    this.hasStructured = false;
  }

  setStructured(value: Value): void {
    this.structuredValue = value;
    this.hasStructured = true;
    this.rawBytes = undefined;
  }

  /** Payload size in bytes, as batch policies count it (metadata excluded). */
  byteSize(): number {
    return this.bytes().byteLength;
  }

  /** A copy with its own metadata map; payload buffers are shared (they are never mutated in place). */
  copy(): Message {
    const m = new Message(null, this.hasMetadata() ? new Map(this.metadata) : undefined);
    m.rawBytes = this.rawBytes;
    m.structuredValue = this.structuredValue;
    m.hasStructured = this.hasStructured;
    m.error = this.error;
    m.failure = this.failure;
    m.origin = this.origin;
    return m;
  }

  /** A new message derived from this one: same metadata (copied) and origin, new payload. */
  derive(payload: Uint8Array | string): Message {
    const m = new Message(payload, this.hasMetadata() ? new Map(this.metadata) : undefined);
    m.origin = this.origin;
    return m;
  }
}

/** Everything moves in batches. */
export type Batch = Message[];
