import { textEncoder, type Batch, type Message, type ProcessorDef, type Value } from '../../core/index.js';
import { interpolate, type Interpolated } from '../expr.js';
import { flag } from './expr.js';
import { writeTar, type ArchiveEntry } from './formats/tar.js';
import { writeZip } from './formats/zip.js';
import { mergedMessage } from './merge.js';

export const ARCHIVE_FORMATS = ['lines', 'concatenate', 'json_array', 'tar', 'zip'] as const;
type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];

interface ArchiveConf {
  format: ArchiveFormat;
  path?: Interpolated;
}

const NEWLINE = textEncoder.encode('\n');

/**
 * Merges a whole batch into one message (metadata of the first). For tar
 * and zip every message becomes a file named by `path`, interpolated per
 * message; an empty path falls back to `part_<index>`. When the archive
 * cannot be made (a json_array member is not JSON), every message of the
 * batch is flagged and passes on unchanged.
 */
export const archiveDef: ProcessorDef = {
  spec: {
    name: 'archive',
    kind: 'processor',
    summary: 'Archives all messages of a batch into one message.',
    fields: [
      { name: 'format', type: 'string', enum: ARCHIVE_FORMATS, description: 'The archive format.' },
      { name: 'path', type: 'string', interpolated: true, default: '', description: 'The file name of each message inside tar and zip archives.' },
    ],
  },
  build(conf) {
    const { format, path = '' } = conf.config as ArchiveConf;
    const entries = (batch: Batch): ArchiveEntry[] =>
      batch.map((m, i) => ({ name: interpolate(path, batch, i) || `part_${i}`, data: m.bytes() }));
    const make: Record<ArchiveFormat, (batch: Batch) => Promise<Message>> = {
      lines: async (b) => mergedMessage(b, joinBytes(b.map((m) => m.bytes()), NEWLINE)),
      concatenate: async (b) => mergedMessage(b, joinBytes(b.map((m) => m.bytes()))),
      json_array: async (b) => {
        const items: Value[] = b.map((m) => m.structured());
        const out = mergedMessage(b, '');
        out.setStructured(items);
        return out;
      },
      tar: async (b) => mergedMessage(b, writeTar(entries(b))),
      zip: async (b) => mergedMessage(b, await writeZip(entries(b))),
    };
    return {
      async processBatch(batch) {
        if (batch.length === 0) return [];
        try {
          return [[await make[format](batch)]];
        } catch (err) {
          for (const m of batch) flag(m, new Error(`archive ${format}: ${(err as Error).message}`));
          return [batch];
        }
      },
      async close() {},
    };
  },
};

function joinBytes(parts: Uint8Array[], sep?: Uint8Array): Uint8Array {
  if (sep === undefined || parts.length < 2) return Buffer.concat(parts);
  const withSep: Uint8Array[] = [];
  parts.forEach((p, i) => {
    if (i > 0) withSep.push(sep);
    withSep.push(p);
  });
  return Buffer.concat(withSep);
}
