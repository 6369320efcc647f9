import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { openBundle } from '../bundle/archive.js';
import { MIN_NODE_MAJOR } from '../bundle/manifest.js';
import { formatBytes } from '../bundle/progress.js';
import { DEFAULT_DEPLOY_DIR } from '../bundle/systemd-unit.js';
import { ErrorCode, HotplugError } from '../core/errors.js';
import { agentScript } from './agent-script.js';
import { encodeRequest, type AgentEvent, type AgentRequest, type AgentResult, type ServiceManagerKind, type VmStatus } from './protocol.js';
import { checkTarget, runSsh, sshFailure, withSshSession, type SshTarget } from './ssh.js';

/** How to reach the VM and where the release tree lives there. Shared by deploy and rollback. */
export interface RemoteOptions {
  /** `user@host`. */
  to: string;
  sshPort?: number;
  identity?: string;
  knownHosts?: string;
  /** The deploy dir on the VM; relative paths are below the user's home. Default /opt/hotplug for root, ~/hotplug otherwise. */
  dir?: string;
  /** node on the VM, when it is not on the PATH of a non-interactive ssh session. */
  remoteNode?: string;
  /** `auto` (default): systemd when it is PID 1 and the user is root; else a supervised process with a pidfile. */
  manager?: 'auto' | ServiceManagerKind;
  /** systemd unit name (default `hotplug`). */
  service?: string;
  /** How long a release gets to answer GET /ready (default 60 s). */
  readyTimeoutMs?: number;
  /** Progress lines for a human. */
  log?: (line: string) => void;
}

export interface DeployOptions extends RemoteOptions {
  /** The .tar.gz made by `bundle()`. */
  bundle: string;
  /** The port the host listens on (PORT in DIR/hotplug.env); default: kept, else 4195. */
  port?: number;
  /** The address it listens on (HOST); default: kept, else 127.0.0.1 (pass 0.0.0.0 or a private address to serve other machines). */
  host?: string;
  /** Old releases kept for rollback (default 3). */
  keep?: number;
  /** Worker processes (`auto` = one per core, or N), HOTPLUG_WORKERS in DIR/hotplug.env; default: kept, else auto. */
  workers?: string;
}

export interface DeployResult extends AgentResult {
  /** Where the release answers, as seen from outside the VM. */
  url: string;
  /** The deploy dir on the VM (absolute). */
  dir: string;
}

interface Probe {
  node: string;
  home: string;
  uid: number;
}

/** Ships a bundle to a VM over OpenSSH and makes it the serving release (see README). */
export async function deploy(opts: DeployOptions): Promise<DeployResult> {
  const archive = await readFile(opts.bundle).catch((err: NodeJS.ErrnoException) => {
    throw new HotplugError(ErrorCode.Deploy, `cannot read the bundle ${opts.bundle}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, {
      hint: 'make one with `hotplug bundle DIR --out FILE`',
    });
  });
  let digest: string;
  try {
    digest = openBundle(archive).manifest.digest;
  } catch (err) {
    throw new HotplugError(ErrorCode.Bundle, `${opts.bundle} is not a usable bundle: ${(err as Error).message}`, {
      hint: 'rebuild it with `hotplug bundle`',
    });
  }
  return withSshSession(targetOf(opts), async (target) => {
    const { node, dir } = await connect(target, opts);
    const agent = await uploadAgent(target, dir);
    const upload = posix.join(dir, '.hotplug', 'uploads', `${digest.slice(0, 12)}-${process.pid}-${Date.now()}.tar.gz`);
    opts.log?.(`uploading ${opts.bundle} (${formatBytes(archive.byteLength)}) to ${opts.to}:${upload}`);
    await putFile(target, upload, archive);
    const result = await runAgent(target, node, agent, opts, {
      op: 'deploy',
      ...common(opts, dir),
      bundle: upload,
      port: opts.port,
      host: opts.host,
      workers: opts.workers,
      keep: opts.keep ?? 3,
    });
    return { ...result, dir, url: publicUrl(opts.to, result.host, result.port) };
  });
}

/** Goes back one release on purpose: the newest release older than the current one. */
export async function rollback(opts: RemoteOptions & { release?: string }): Promise<DeployResult> {
  return withSshSession(targetOf(opts), async (target) => {
    const { node, dir } = await connect(target, opts);
    const agent = await uploadAgent(target, dir);
    const result = await runAgent(target, node, agent, opts, { op: 'rollback', ...common(opts, dir), ...(opts.release !== undefined ? { release: opts.release } : {}) });
    return { ...result, dir, url: publicUrl(opts.to, result.host, result.port) };
  });
}

/** What a VM runs (`hotplug deploy --status`). */
export async function status(opts: RemoteOptions): Promise<VmStatus> {
  return withSshSession(targetOf(opts), async (target) => {
    const { node, dir } = await connect(target, opts);
    const agent = await uploadAgent(target, dir);
    let found: VmStatus | undefined;
    const run = await runSsh(target, [node, agent, 'run', encodeRequest({ op: 'status', ...common(opts, dir) })], {
      onLine: (line) => {
        try {
          const e = JSON.parse(line) as AgentEvent;
          if (e.event === 'status') found = e.status;
        } catch {
          // Not ours.
        }
      },
    });
    if (found !== undefined) return found;
    if (run.code === 255) throw sshFailure(target, run);
    throw new HotplugError(ErrorCode.Deploy, `could not read the status of ${opts.to} (exit ${run.code}): ${run.stderr.trim()}`);
  });
}

/** Stops the service on a VM (every worker drains); `current` stays for the next deploy. */
export async function stop(opts: RemoteOptions): Promise<DeployResult> {
  return withSshSession(targetOf(opts), async (target) => {
    const { node, dir } = await connect(target, opts);
    const agent = await uploadAgent(target, dir);
    const result = await runAgent(target, node, agent, opts, { op: 'stop', ...common(opts, dir) });
    return { ...result, dir, url: publicUrl(opts.to, result.host, result.port) };
  });
}

function common(opts: RemoteOptions, dir: string): Omit<AgentRequest, 'op'> & { dir: string } {
  return { dir, manager: opts.manager ?? 'auto', service: opts.service ?? 'hotplug', readyTimeoutMs: opts.readyTimeoutMs ?? 60_000 };
}

/** Checks the options that need no VM, then says how to reach it. */
function targetOf(opts: RemoteOptions): SshTarget {
  checkTarget(opts.to);
  if (opts.service !== undefined && !/^[A-Za-z0-9_.@-]+$/.test(opts.service)) {
    throw new HotplugError(ErrorCode.Usage, `--service ${JSON.stringify(opts.service)} is not a valid systemd unit name`);
  }
  return {
    to: opts.to,
    ...(opts.sshPort !== undefined ? { port: opts.sshPort } : {}),
    ...(opts.identity !== undefined ? { identity: opts.identity } : {}),
    ...(opts.knownHosts !== undefined ? { knownHosts: opts.knownHosts } : {}),
  };
}

/** Checks that ssh gets in and that the VM has a new enough Node, and settles the deploy dir. */
async function connect(target: SshTarget, opts: RemoteOptions): Promise<{ node: string; dir: string }> {
  const node = opts.remoteNode ?? 'node';
  opts.log?.(`connecting to ${opts.to}`);
  const run = await runSsh(target, [node, '-e', 'process.stdout.write(JSON.stringify({node:process.versions.node,home:require("os").homedir(),uid:process.getuid()}))']);
  if (run.code === 255) throw sshFailure(target, run);
  if (run.code === 127 || /not found|No such file/i.test(run.stderr)) {
    throw new HotplugError(ErrorCode.Deploy, `${opts.to} has no Node.js ('${node}' was not found there)`, {
      hint: `install Node.js >= ${MIN_NODE_MAJOR} on the VM (e.g. from NodeSource or your distribution), or pass --remote-node PATH when it is not on the PATH of non-interactive ssh sessions`,
    });
  }
  let probe: Probe;
  try {
    probe = JSON.parse(run.stdout) as Probe;
  } catch {
    throw new HotplugError(ErrorCode.Deploy, `could not run '${node}' on ${opts.to} (exit ${run.code}): ${run.stderr.trim() || run.stdout.trim()}`);
  }
  const major = Number(probe.node.split('.')[0]);
  if (!(major >= MIN_NODE_MAJOR)) {
    throw new HotplugError(ErrorCode.Deploy, `${opts.to} runs Node.js ${probe.node}, but hotplug needs Node.js >= ${MIN_NODE_MAJOR}`, {
      hint: 'upgrade Node.js on the VM, or point --remote-node at a newer one',
    });
  }
  const dir = resolveDir(opts.dir, probe);
  return { node, dir };
}

function resolveDir(dir: string | undefined, probe: Probe): string {
  const abs = dir === undefined ? (probe.uid === 0 ? DEFAULT_DEPLOY_DIR : posix.join(probe.home, 'hotplug')) : posix.resolve(probe.home, dir);
  if (!/^\/[A-Za-z0-9._/@+-]*$/.test(abs) || abs === '/') {
    throw new HotplugError(ErrorCode.Usage, `--dir ${JSON.stringify(abs)} cannot be used`, {
      hint: 'use a dedicated folder named with letters, digits and ._/@+- (systemd units cannot quote the rest)',
    });
  }
  return abs.replace(/\/+$/, '');
}

/** The agent is content-addressed, so a VM keeps one per hotplug version and a supervisor never loses its script. */
async function uploadAgent(target: SshTarget, dir: string): Promise<string> {
  const { code, digest } = await agentScript();
  const path = posix.join(dir, '.hotplug', `agent-${digest.slice(0, 12)}.mjs`);
  await putFile(target, path, code);
  return path;
}

/** Streams bytes into a file on the VM: written under a temporary name, then renamed. Paths travel as arguments, never inside the script. */
async function putFile(target: SshTarget, path: string, data: Uint8Array): Promise<void> {
  const script = 'umask 077 && mkdir -p -- "$(dirname -- "$1")" && cat > "$1.part" && mv -f -- "$1.part" "$1"';
  const run = await runSsh(target, ['sh', '-c', script, 'hotplug-upload', path], { input: data });
  if (run.code === 255) throw sshFailure(target, run);
  if (run.code !== 0) throw new HotplugError(ErrorCode.Deploy, `uploading to ${target.to}:${path} failed: ${run.stderr.trim() || `exit ${run.code}`}`);
}

async function runAgent(target: SshTarget, node: string, agent: string, opts: RemoteOptions, req: AgentRequest): Promise<AgentResult> {
  let result: AgentResult | undefined;
  let failure: Extract<AgentEvent, { event: 'error' }>['failure'] | undefined;
  const run = await runSsh(target, [node, agent, 'run', encodeRequest(req)], {
    onLine: (line) => {
      let e: AgentEvent;
      try {
        e = JSON.parse(line) as AgentEvent;
      } catch {
        return;
      }
      if (e.event === 'step') opts.log?.(`${target.to}: ${e.message}`);
      else if (e.event === 'result') result = e.result;
      else if (e.event === 'error') failure = e.failure;
    },
  });
  if (run.code === 255 && result === undefined && failure === undefined) throw sshFailure(target, run);
  if (result !== undefined) return result;
  if (failure !== undefined) {
    const rolled =
      failure.rolledBackTo === undefined
        ? ''
        : failure.rollbackReady
          ? `; rolled back to ${failure.rolledBackTo}, which is serving again`
          : `; rolled back to ${failure.rolledBackTo}, but it did not answer /ready either`;
    const tail = failure.logTail ? `\n  last log lines of the failed release:\n${indent(failure.logTail)}` : '';
    throw new HotplugError(ErrorCode.Deploy, `${failure.message}${rolled}${tail}`, failure.hint !== undefined ? { hint: failure.hint } : {});
  }
  throw new HotplugError(ErrorCode.Deploy, `the deploy agent on ${target.to} failed (exit ${run.code}): ${run.stderr.trim()}`);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function publicUrl(to: string, host: string | undefined, port: number): string {
  const h = host !== undefined && host !== '0.0.0.0' && host !== '::' ? host : to.slice(to.indexOf('@') + 1);
  return `http://${h}:${port}/`;
}
