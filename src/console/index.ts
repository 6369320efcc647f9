export { createDevConsole, CONSOLE_PREFIX, type DevConsole, type DevConsoleOptions } from './console.js';
export type { RouteView, PluginView, ComponentView, ChartPoint, RouteSecond, PlaygroundResult } from './wire.js';
export type { PlaygroundRequest } from './playground.js';
