/**
 * One table of error codes. Every error a user can see has a code here, a
 * message that says what went wrong and, where it helps, a hint that says how
 * to fix it. Config errors also carry where: file, line, column and YAML path.
 */
export const ErrorCode = {
  // Config and lint
  YamlSyntax: 'E_YAML_SYNTAX',
  UnknownField: 'E_UNKNOWN_FIELD',
  MissingField: 'E_MISSING_FIELD',
  WrongType: 'E_WRONG_TYPE',
  InvalidValue: 'E_INVALID_VALUE',
  UnknownComponent: 'E_UNKNOWN_COMPONENT',
  UnknownPlugin: 'E_UNKNOWN_PLUGIN',
  UnknownResource: 'E_UNKNOWN_RESOURCE',
  RouteClash: 'E_ROUTE_CLASH',
  EnvVar: 'E_ENV_VAR',
  Expression: 'E_EXPRESSION',
  DuplicatePlugin: 'E_DUPLICATE_PLUGIN',
  YamlAliases: 'E_YAML_ALIASES',
  FileTooLarge: 'E_FILE_TOO_LARGE',
  InvalidUtf8: 'E_INVALID_UTF8',
  // Plugin runtime
  PluginStartTimeout: 'E_PLUGIN_START_TIMEOUT',
  PluginExited: 'E_PLUGIN_EXITED',
  PluginInit: 'E_PLUGIN_INIT',
  PluginCall: 'E_PLUGIN_CALL',
  PluginFailed: 'E_PLUGIN_FAILED',
  PluginCompile: 'E_PLUGIN_COMPILE',
  MessageTooLarge: 'E_MESSAGE_TOO_LARGE',
  NoPython: 'E_NO_PYTHON',
  PluginUnavailable: 'E_PLUGIN_UNAVAILABLE',
  PluginDeadline: 'E_PLUGIN_DEADLINE',
  PluginPoison: 'E_PLUGIN_POISON',
  // Runtime
  Processing: 'E_PROCESSING',
  Nack: 'E_NACK',
  Timeout: 'E_TIMEOUT',
  ShuttingDown: 'E_SHUTTING_DOWN',
  // CLI
  Usage: 'E_USAGE',
  Io: 'E_IO',
  Deploy: 'E_DEPLOY',
  Bundle: 'E_BUNDLE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Separates a plugin error from the plugin's last stderr lines quoted under it. */
export const STDERR_TAIL_HEADING = "--- last lines of the plugin's stderr ---";

/** Where in a config file something is. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
  /** The YAML path, e.g. `pipeline.processors[0].mapping`. */
  path?: string;
}

export class HotplugError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; location?: SourceLocation; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HotplugError';
    this.code = code;
    this.hint = opts.hint;
    this.location = opts.location;
  }

  /** `file:line:col: message (at path)\n  hint: ...` — the form every CLI command prints. */
  format(): string {
    return formatDiagnostic({ severity: 'error', code: this.code, message: this.message, hint: this.hint, location: this.location });
  }
}

/**
 * Why a message failed, as it travels with the message (`Message.failure`)
 * and ends up in its answer: the HTTP status a request gets (500 the
 * processor failed or crashed on it, 503 the plugin was unavailable, 504 it
 * missed its deadline), the stack the plugin sent, and where it failed.
 */
export interface Failure {
  /** The error text, as in `Message.error` (a later `catch` clears that; then this is stale). */
  text: string;
  status: number;
  code: ErrorCode;
  stack?: string | undefined;
  /** The component that failed (a plugin's name, else the processor's type). */
  component?: string | undefined;
  generation?: number | undefined;
}

/** The nack of a batch whose messages failed at the end of the pipeline; carries the first failure. */
export class MessageFailedError extends HotplugError {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.code, failure.text);
    this.failure = failure;
  }
}

/** What status a failure of this kind answers with; see Failure. */
export function failureStatus(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.PluginUnavailable:
    case ErrorCode.PluginStartTimeout:
    case ErrorCode.PluginExited:
    case ErrorCode.PluginInit:
    case ErrorCode.PluginFailed:
    case ErrorCode.PluginCompile:
    case ErrorCode.NoPython:
    case ErrorCode.ShuttingDown:
      return 503;
    case ErrorCode.PluginDeadline:
      return 504;
    default:
      return 500;
  }
}

/** The Failure a rejection stands for (its status from its code; 500 for anything else). */
export function failureOf(err: unknown): Failure {
  if (err instanceof MessageFailedError) return err.failure;
  if (err instanceof HotplugError) return { text: err.message, status: failureStatus(err.code), code: err.code };
  return { text: errorMessage(err), status: 500, code: ErrorCode.Processing };
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  code: ErrorCode;
  message: string;
  hint?: string | undefined;
  location?: SourceLocation | undefined;
}

export function formatLocation(loc: SourceLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.col !== undefined) s += `:${loc.col}`;
  return s;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${formatLocation(d.location)}: ` : '';
  const path = d.location?.path ? ` (at ${d.location.path})` : '';
  const sev = d.severity === 'warning' ? 'warning: ' : '';
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  return `${where}${sev}${d.message}${path}${hint}`;
}

export function diagnosticFromError(err: unknown): Diagnostic {
  if (err instanceof HotplugError) {
    return { severity: 'error', code: err.code, message: err.message, hint: err.hint, location: err.location };
  }
  return { severity: 'error', code: ErrorCode.InvalidValue, message: err instanceof Error ? err.message : String(err) };
}

/** Thrown by config loading with every problem found, not just the first. */
export class ConfigError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'));
    this.name = 'ConfigError';
    this.diagnostics = diagnostics;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
