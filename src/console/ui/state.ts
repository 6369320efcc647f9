import type { BrokenFile, ChartPoint, ConsoleUpdate, PluginView, ReloadRecord, RequestRecord, RouteSecond, RouteView } from '../wire.js';

export { failed } from '../wire.js';
export type { RequestRecord, BrokenFile, ReloadRecord, ChartPoint, ConsoleUpdate, PluginView, RouteSecond, RouteView };

/** Everything the page shows, kept up to date from the event stream. */
export interface ConsoleState {
  connected: boolean;
  routes: RouteView[];
  plugins: PluginView[];
  requests: RequestRecord[];
  /** Requests received since the page loaded (panels add what came since they last drew). */
  received: number;
  /** Snapshots received (one per connection): panels redraw from scratch on a new one. */
  snapshots: number;
  /** Requests the server did not send (more than a batch holds). */
  skipped: number;
  points: ChartPoint[];
  reloads: ReloadRecord[];
  broken: BrokenFile[];
}

export const MAX_REQUESTS = 500;
export const MAX_POINTS = 600;
