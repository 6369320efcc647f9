import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body is over the limit of ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The client went away before the body was complete. */
export class ClientGoneError extends Error {
  constructor() {
    super('client disconnected');
    this.name = 'ClientGoneError';
  }
}

/** The read was cut short by the host (an upload still arriving when the grace after shutdown passed). */
export class BodyCutError extends Error {
  constructor() {
    super('shutting down: the request body was still arriving');
    this.name = 'BodyCutError';
  }
}

/**
 * Reads a request body, enforcing `limit` while the bytes stream in (a
 * declared Content-Length over the limit fails before reading anything).
 * Rejects with BodyTooLargeError, ClientGoneError, BodyCutError (when `cut`
 * is called), or the stream's error.
 */
export function readBody(req: IncomingMessage, limit: number, onCut?: (cut: () => void) => void): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(req.destroyed && !req.complete ? new ClientGoneError() : err);
    };
    const onClose = (): void => {
      if (req.complete) return;
      cleanup();
      reject(new ClientGoneError());
    };
    onCut?.(() => {
      cleanup();
      chunks.length = 0;
      reject(new BodyCutError());
    });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
