import type { ServerResponse } from 'node:http';

/**
 * What the pipeline knows about how a request ended, beyond its status: the
 * plugin generation that answered it and, for a failure, the error text, the
 * stack the plugin sent and the file:line of the throw. The server attaches
 * one to a response only while someone watches requests (`Host.requests`),
 * so the happy path pays nothing for it otherwise.
 */
export interface RequestOutcome {
  /** The plugin generation that processed the request, when a plugin did. */
  generation?: number;
  /** Why the request failed (a processor's error, a crash, a deadline, an unavailable plugin). */
  error?: string;
  /** The stack or traceback the plugin sent with the error. */
  stack?: string;
  /** file:line of the throw, from the stack, when it has one. */
  location?: string;
}

/** One finished HTTP request (see src/host/request-events.ts, which exposes these as `Host.requests`). */
export interface RequestRecord extends RequestOutcome {
  /** Epoch ms at arrival. */
  time: number;
  method: string;
  path: string;
  /** The route pattern that matched (`/users/{id}`); '' when none did (404). */
  route: string;
  /** The stream that owns the route; '' for the host's own routes and unmatched paths. */
  stream: string;
  status: number;
  ms: number;
}

/** Where the server reports finished requests; `watching` false means nobody listens (nothing is recorded). */
export interface RequestSink {
  readonly watching: boolean;
  emit(r: RequestRecord): void;
}

const OUTCOME = Symbol('hotplug.outcome');

interface Watched {
  [OUTCOME]?: RequestOutcome;
}

/** Marks `res` as watched: the pipeline fills in the returned outcome. */
export function watchOutcome(res: ServerResponse): RequestOutcome {
  const o: RequestOutcome = {};
  (res as Watched)[OUTCOME] = o;
  return o;
}

/** The outcome of a watched response, undefined when nobody watches it. */
export function outcomeOf(res: ServerResponse): RequestOutcome | undefined {
  return (res as Watched)[OUTCOME];
}
