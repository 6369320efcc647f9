import { connect, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startCli, waitForPing, type CliProcess } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';

export type After = { after(fn: () => void | Promise<void>): void };

/** A fresh temp dir holding `files` (path → content), removed after the test. */
export function tempTree(t: After, files: Record<string, string | Buffer> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'hotplug-sec-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

/** A pipeline answering `path` with the request body upper-cased (no plugin needed). */
export const echoStream = (path: string, extra = ''): string =>
  `input:\n  http_server:\n    path: ${path}\n${extra}pipeline:\n  processors:\n    - mapping: root = content().string().uppercase()\noutput:\n  sync_response: {}\n`;

/** A plugin that starts serving only after 3 s, used by p.yaml on /p: the host is up while the plugin still starts. */
export const slowPluginFiles = {
  'slow/plugin.yaml': 'name: slow\ntype: processor\ncommand: ["node", "main.js"]\n',
  'slow/main.js': "setTimeout(() => import('hotplug/sdk').then(({ processor }) => processor((m) => m.text())), 3000);\n",
  'p.yaml': 'input:\n  http_server: { path: /p }\npipeline:\n  processors:\n    - slow: {}\noutput:\n  sync_response: {}\n',
};

/** `hotplug <cmd> dir --port N` running until the test ends; resolves once /ping answers. */
export async function startServing(t: After, cmd: 'run' | 'dev', dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ cli: CliProcess; base: string; port: number }> {
  const port = await freePort();
  const cli = startCli([cmd, dir, '--port', String(port), ...args], { env });
  t.after(() => cli.stop('SIGKILL').then(() => undefined));
  const base = `http://127.0.0.1:${port}`;
  await waitForPing(base);
  // dev answers /ping before its watcher is ready; an edit made before that would go unseen.
  if (cmd === 'dev') await waitFor(() => cli.stdout().includes('watching for changes') || cli.stderr().includes('watching for changes'), { timeoutMs: 30_000, what: 'the dev watcher' });
  return { cli, base, port };
}

/** Nine levels of ten aliases each: 10^9 nodes once expanded, from about 550 bytes. */
export function aliasBomb(prefix: string): string {
  let s = `${prefix}a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n`;
  for (let i = 1; i < 10; i++) s += `${prefix}a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
  return s;
}

/**
 * Sends `head` then pushes body bytes as fast as the server reads them, until
 * it closes the connection or `maxBytes` were sent. Returns what was sent and
 * what came back: a server that refused the body stops reading early.
 */
export function pushBody(port: number, head: string, maxBytes: number, timeoutMs = 10_000): Promise<{ sent: number; response: string; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    let response = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ sent, response, closed });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const pump = (): void => {
      while (!done && sent < maxBytes) {
        sent += chunk.length;
        if (!sock.write(chunk)) return;
      }
      if (sent >= maxBytes) finish(false);
    };
    sock.on('data', (d: Buffer) => (response += d.toString('latin1')));
    sock.on('drain', pump);
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    sock.on('connect', () => {
      sock.write(head);
      pump();
    });
  });
}

/** A raw connection that records what comes back and when it closes; `dribble` sends one byte every `everyMs`. */
export function rawClient(port: number): { sock: Socket; received(): string; closed: Promise<void>; dribble(text: string, everyMs: number): void } {
  const sock = connect(port, '127.0.0.1');
  let received = '';
  let timer: NodeJS.Timeout | undefined;
  sock.on('data', (d: Buffer) => (received += d.toString('latin1')));
  sock.on('error', () => undefined);
  const closed = new Promise<void>((r) => sock.on('close', () => r()));
  void closed.then(() => clearInterval(timer));
  return {
    sock,
    received: () => received,
    closed,
    dribble(text: string, everyMs: number) {
      let i = 0;
      timer = setInterval(() => {
        if (sock.destroyed) return;
        sock.write(text[i % text.length] as string);
        i++;
      }, everyMs);
      timer.unref();
    },
  };
}
