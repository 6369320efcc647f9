/** One part of a multipart body: its headers (lower-cased names) and bytes. */
export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary of a `multipart/*` content type, or undefined when it is not multipart. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !contentType.toLowerCase().startsWith('multipart/')) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

export class TooManyPartsError extends Error {
  constructor(max: number) {
    super(`the multipart body has more than ${max} parts`);
    this.name = 'TooManyPartsError';
  }
}

/**
 * Splits a multipart body (RFC 2046); parts are views into `body`, not
 * copies. Throws when the body is not well formed, or TooManyPartsError past
 * `maxParts` (each part costs a message, so tiny parts must not be unbounded).
 */
export function parseMultipart(body: Buffer, boundary: string, maxParts = Infinity): Part[] {
  const delim = Buffer.from(`--${boundary}`);
  const sep = Buffer.concat([CRLF, delim]);
  const parts: Part[] = [];
  let pos = body.indexOf(delim);
  if (pos < 0) throw new Error('multipart body has no boundary line');
  for (;;) {
    pos += delim.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing delimiter
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd < 0) throw new Error('multipart body ends inside a boundary line');
    const headerEnd = body.indexOf('\r\n\r\n', lineEnd);
    let headers: Record<string, string> = {};
    let start: number;
    if (body[lineEnd + 2] === 0x0d && body[lineEnd + 3] === 0x0a) {
      start = lineEnd + 4; // no headers
    } else {
      if (headerEnd < 0) throw new Error('multipart part has no end of headers');
      headers = parseHeaders(body.subarray(lineEnd + 2, headerEnd).toString('latin1'));
      start = headerEnd + 4;
    }
    const next = body.indexOf(sep, start);
    if (next < 0) throw new Error('multipart body has no closing boundary');
    if (parts.length >= maxParts) throw new TooManyPartsError(maxParts);
    parts.push({ headers, body: body.subarray(start, next) });
    pos = next + 2;
  }
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Builds a multipart/mixed body; returns it with its content type. */
export function buildMultipart(parts: Part[]): { contentType: string; body: Buffer } {
  const boundary = `hotplug-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\n`;
    for (const [k, v] of Object.entries(p.headers)) head += `${k}: ${v}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), p.body, CRLF);
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

const CRLF = Buffer.from('\r\n');
