import type { Batch, Message, ProcessorDef } from '../../core/index.js';
import { flag } from './expr.js';
import { withPayload } from './merge.js';
import { readTar, type ArchiveEntry } from './formats/tar.js';
import { readZip } from './formats/zip.js';

export const UNARCHIVE_FORMATS = ['lines', 'json_array', 'tar', 'zip'] as const;
type UnarchiveFormat = (typeof UNARCHIVE_FORMATS)[number];

/** The metadata key naming a tar or zip member, as in Redpanda Connect. */
export const ARCHIVE_FILENAME = 'archive_filename';

/**
 * Replaces each message with the messages inside it, in place in the batch.
 * Members keep the source's metadata and origin; tar and zip members also get
 * `archive_filename`. A message that is not a valid archive stays as it is,
 * flagged errored.
 */
export const unarchiveDef: ProcessorDef = {
  spec: {
    name: 'unarchive',
    kind: 'processor',
    summary: 'Unarchives each message into many messages of the batch.',
    fields: [{ name: 'format', type: 'string', enum: UNARCHIVE_FORMATS, description: 'The archive format.' }],
  },
  build(conf) {
    const { format } = conf.config as { format: UnarchiveFormat };
    const files = (msg: Message, entries: ArchiveEntry[]): Message[] =>
      entries.map((e) => {
        const out = withPayload(msg, e.data);
        out.metadata.set(ARCHIVE_FILENAME, e.name);
        return out;
      });
    const unpack: Record<UnarchiveFormat, (msg: Message) => Promise<Message[]>> = {
      lines: async (msg) => splitLines(msg.text()).map((line) => withPayload(msg, line)),
      json_array: async (msg) => {
        const v = msg.structured();
        if (!Array.isArray(v)) throw new Error(`expected a JSON array, got ${v === null ? 'null' : typeof v}`);
        return v.map((item) => {
          const out = msg.copy();
          out.setStructured(item);
          return out;
        });
      },
      tar: async (msg) => files(msg, readTar(msg.bytes())),
      zip: async (msg) => files(msg, await readZip(msg.bytes())),
    };
    return {
      async processBatch(batch) {
        const out: Batch = [];
        for (const msg of batch) {
          try {
            out.push(...(await unpack[format](msg)));
          } catch (err) {
            flag(msg, new Error(`unarchive ${format}: ${(err as Error).message}`));
            out.push(msg);
          }
        }
        return out.length === 0 ? [] : [out];
      },
      async close() {},
    };
  },
};

/** Lines as a line scanner sees them: `\n` or `\r\n` ends a line, and a final newline adds no empty line. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
