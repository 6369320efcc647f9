import { spawn, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import type { Logger } from '../../core/log.js';
import type { LaunchSpec } from '../launch.js';
import { sdkBundleIfReady } from '../sdk-bundle.js';
import { createSocketDir, recordProcessGroup, removeSocketDir, type SocketDir } from '../socket-dir.js';
import { withDeathSignal } from '../death-signal.js';

/**
 * Warm spares: most of a plugin's start-up is its runtime booting (Node plus
 * grpc-js plus the SDK, or Python plus grpc plus asyncio), not its own code.
 * A spare is a process started ahead of need exactly as the plugin would be
 * (same interpreter, cwd, environment, its own socket dir and process group,
 * stdin a pipe from the host) that has loaded all of that and waits on stdin
 * for the plugin's argv. Taking one turns a start into "import the plugin's
 * file". Only plain commands are pre-warmed: `node <file.mjs> ...` (what TS
 * plugins compile to) and `python* <file.py> ...`; anything else (flags,
 * other binaries, official-SDK plugins in other languages) is spawned as usual.
 */
export interface Spare {
  child: ChildProcess;
  socket: SocketDir;
  /** Hands the spare the plugin's argv; from then on it is the plugin. */
  handOff(launch: LaunchSpec): void;
}

export interface SparePool {
  /** A live spare for this launch, removed from the pool; undefined when none fits. */
  take(launch: LaunchSpec): Spare | undefined;
  /** Starts a spare for this launch in the background (no-op if it cannot be pre-warmed). */
  refill(launch: LaunchSpec): void;
  /** Kills every spare and removes its socket dir. Idempotent. */
  close(): Promise<void>;
  /** On host exit, where nothing async can run. */
  killSync(): void;
}

/**
 * Spares kept per launch shape: one, and two for the shape a spare was last taken
 * for (the plugin being edited), so saves in quick succession each find one that has finished
 * booting (a Python spare takes 100-300 ms to load grpc and protobuf on a busy
 * machine, longer than a save's reload).
 */
const SPARES = 1;
const SPARES_HOT = 2;

interface Entry {
  spare: Spare;
  exited: Promise<void>;
}

export function createSparePool(repoRoot: string, log: Logger): SparePool {
  const shapes = new Map<string, Entry[]>();
  let closing: Promise<void> | undefined;
  /** The shape a spare was last taken for. */
  let hot: string | undefined;

  const drop = (key: string, e: Entry): void => {
    const list = shapes.get(key);
    const i = list?.indexOf(e) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
  };

  return {
    take(launch) {
      const warm = warmCommand(launch, repoRoot);
      if (!warm) return undefined;
      const list = shapes.get(warm.key) ?? [];
      for (let e = list.shift(); e; e = list.shift()) {
        const c = e.spare.child;
        // Checked synchronously with the caller attaching its own listeners: no exit can slip between.
        if (c.exitCode === null && c.signalCode === null) {
          c.removeAllListeners('exit');
          c.removeAllListeners('error');
          if (hot !== warm.key) {
            // The extra spare of the shape that was hot before is no longer worth its memory.
            const before = hot === undefined ? undefined : shapes.get(hot);
            for (const x of before?.splice(SPARES) ?? []) killGroup(x.spare.child, 'SIGKILL');
            hot = warm.key;
          }
          return e.spare;
        }
      }
      return undefined;
    },
    refill(launch) {
      if (closing) return;
      const warm = warmCommand(launch, repoRoot);
      if (!warm) return;
      const list = shapes.get(warm.key) ?? [];
      shapes.set(warm.key, list);
      while (list.length < (warm.key === hot ? SPARES_HOT : SPARES)) {
        const spare = startSpare(launch, warm.argv, log);
        if (!spare) return;
        const entry: Entry = {
          spare,
          exited: new Promise<void>((resolve) => {
            const gone = (why: unknown): void => {
              if (!closing) log.debug({ why }, 'a warm spare exited before it was used');
              drop(warm.key, entry);
              removeSocketDir(spare.socket.dir);
              resolve();
            };
            // A failed spawn emits 'error' and no 'exit'.
            spare.child.once('exit', (code, signal) => gone(signal ?? code));
            spare.child.once('error', gone);
          }),
        };
        list.push(entry);
      }
    },
    close() {
      closing ??= (async () => {
        const all = [...shapes.values()].flat();
        shapes.clear();
        for (const e of all) killGroup(e.spare.child, 'SIGKILL');
        await Promise.all(all.map((e) => e.exited));
      })();
      return closing;
    },
    killSync() {
      for (const e of [...shapes.values()].flat()) {
        killGroup(e.spare.child, 'SIGKILL');
        removeSocketDir(e.spare.socket.dir);
      }
    },
  };
}

/** The spare's argv and the key of launches it can stand in for, or undefined when this command is not pre-warmed. */
function warmCommand(launch: LaunchSpec, repoRoot: string): { key: string; argv: string[] } | undefined {
  const entry = launch.args[0];
  if (entry === undefined || entry.startsWith('-')) return undefined;
  let script: string;
  let argv: string[];
  if (launch.file === process.execPath && entry.endsWith('.mjs')) argv = [join(repoRoot, 'dist', 'src', 'plugin', 'warm', 'node-spare.js'), sdkBundleIfReady(repoRoot)];
  else if (/^python[\d.]*$/.test(basename(launch.file)) && entry.endsWith('.py')) argv = [join(repoRoot, 'src', 'plugin', 'warm', 'python-spare.py')];
  else return undefined;
  const key = JSON.stringify([...argv, launch.file, launch.cwd, Object.entries(launch.env).sort(([a], [b]) => (a < b ? -1 : 1))]);
  return { key, argv };
}

function startSpare(launch: LaunchSpec, argv: string[], log: Logger): Spare | undefined {
  const socket = createSocketDir();
  let child: ChildProcess;
  try {
    child = spawn(...withDeathSignal(launch.file, argv), {
      cwd: launch.cwd,
      env: { ...launch.env, REDPANDA_CONNECT_PLUGIN_ADDRESS: socket.address },
      // As PluginProcess does: own group, stdin a pipe whose EOF means the host is gone.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    removeSocketDir(socket.dir);
    log.debug({ err }, 'could not start a warm spare');
    return undefined;
  }
  if (child.pid !== undefined) recordProcessGroup(socket.dir, child.pid);
  child.stdin?.on('error', () => {});
  return {
    child,
    socket,
    handOff(l) {
      child.stdin?.write(`${JSON.stringify({ argv: l.args })}\n`);
    },
  };
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // gone already
  }
}
