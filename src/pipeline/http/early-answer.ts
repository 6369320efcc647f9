import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** After an early answer, body bytes still read (and dropped) so the client sees the answer rather than a reset. */
const LINGER_BYTES = 1024 * 1024;
const LINGER_MS = 2000;

/**
 * Before answering a request whose body will not be read (404, 405, 429,
 * 503, a preflight, /ping...): a request that carries a body gets
 * `Connection: close`, so the host does not read the body to the end to
 * reuse the connection; a client cannot make it read gigabytes it refused.
 * Bodiless requests keep their keep-alive connection.
 */
export function skipBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return;
  res.setHeader('Connection', 'close');
  lingerOnClose(req.socket);
}

// node closes a `Connection: close` socket (destroySoon) as soon as the answer
// is written; were body bytes still arriving, the kernel would answer them
// with a reset and the client could lose the answer it has not read yet. So:
// half-close, drop what arrives for a moment (bounded in bytes: past that the
// socket is paused, so the client's window fills and it stops sending, with no
// reset that could race its read of the answer), then destroy.
function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function lingeringClose(this: Socket): void {
    if (this.writable) this.end();
    const start = this.bytesRead;
    const stop = (): void => {
      clearTimeout(timer);
      this.off('data', onData);
      this.destroy();
    };
    const onData = (): void => {
      if (this.bytesRead - start > LINGER_BYTES) this.pause();
    };
    const timer = setTimeout(stop, LINGER_MS);
    timer.unref();
    this.on('data', onData);
    this.once('close', () => clearTimeout(timer));
  };
}
