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
  // Plugin runtime
  PluginStartTimeout: 'E_PLUGIN_START_TIMEOUT',
  PluginExited: 'E_PLUGIN_EXITED',
  PluginInit: 'E_PLUGIN_INIT',
  PluginCall: 'E_PLUGIN_CALL',
  PluginFailed: 'E_PLUGIN_FAILED',
  PluginCompile: 'E_PLUGIN_COMPILE',
  MessageTooLarge: 'E_MESSAGE_TOO_LARGE',
  NoPython: 'E_NO_PYTHON',
  // Runtime
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
