/**
 * What the local `hotplug deploy` and the agent it runs on the VM say to each
 * other. The request travels as one base64url JSON argument (no quoting
 * surprises through the remote shell); the agent answers with JSON lines on
 * stdout, the last of which is a `result` or an `error`.
 */

export type ServiceManagerKind = 'systemd' | 'supervised';

export interface AgentRequestBase {
  /** Absolute deploy dir on the VM. */
  dir: string;
  /** How to run the service: systemd when the VM runs it (and we are root), else a supervised process. */
  manager: 'auto' | ServiceManagerKind;
  /** systemd unit name without `.service`. */
  service: string;
  /** How long a release gets to answer GET /ready. */
  readyTimeoutMs: number;
}

export interface DeployRequest extends AgentRequestBase {
  op: 'deploy';
  /** Absolute path of the uploaded bundle on the VM. */
  bundle: string;
  /** Written to DIR/hotplug.env; undefined keeps what is there (first deploy: 4195 on 127.0.0.1). */
  port: number | undefined;
  host: string | undefined;
  /** HOTPLUG_WORKERS in DIR/hotplug.env (`auto` or N); undefined keeps what is there (first deploy: auto). */
  workers: string | undefined;
  /** Releases kept besides the current one. */
  keep: number;
}

export interface RollbackRequest extends AgentRequestBase {
  op: 'rollback';
  /** Go back to exactly this release (a rolling deploy undoing one VM); default: the newest one older than `current`. */
  release?: string;
}

export interface StatusRequest extends AgentRequestBase {
  op: 'status';
}

export interface StopRequest extends AgentRequestBase {
  op: 'stop';
}

export type AgentRequest = DeployRequest | RollbackRequest | StatusRequest | StopRequest;

/** `hotplug deploy --status`: what one VM runs. */
export interface VmStatus {
  dir: string;
  /** The release `current` points at (undefined before the first deploy). */
  current: string | undefined;
  /** Every release kept, oldest first. */
  releases: string[];
  manager: ServiceManagerKind;
  /** The service runs (a supervisor or the systemd unit). */
  running: boolean;
  /** GET /ready from the VM answered 200. */
  ready: boolean;
  port: number;
  host: string;
  /** The cluster primary's state, when one runs. */
  cluster?: {
    pid: number;
    phase: string;
    workers: number;
    generation: number;
    /** The release the workers run (after reloads, newer than the one the primary started from). */
    release: string | undefined;
    pids: number[];
    lastReload?: { state: string; release: string | undefined; error?: string; at: string };
  };
}

export interface AgentResult {
  /** The release now serving. */
  release: string;
  /** The release that served before (undefined on a first deploy). */
  previous: string | undefined;
  port: number;
  /** The listen address from DIR/hotplug.env. */
  host: string;
  manager: ServiceManagerKind;
  /** Releases removed to keep the count down. */
  pruned: string[];
}

export interface AgentFailure {
  /** `not_ready`: the new release never answered /ready (see rolledBackTo); `failed`: anything else. */
  kind: 'not_ready' | 'failed';
  message: string;
  hint?: string;
  /** The release serving after an automatic rollback, and whether it answered /ready again. */
  rolledBackTo?: string;
  rollbackReady?: boolean;
  /** The last lines the failing release logged. */
  logTail?: string;
}

export type AgentEvent =
  | { event: 'step'; message: string }
  | { event: 'result'; result: AgentResult }
  | { event: 'status'; status: VmStatus }
  | { event: 'error'; failure: AgentFailure };

export function encodeRequest(req: AgentRequest): string {
  return Buffer.from(JSON.stringify(req)).toString('base64url');
}

export function decodeRequest(arg: string): AgentRequest {
  return JSON.parse(Buffer.from(arg, 'base64url').toString('utf8')) as AgentRequest;
}
