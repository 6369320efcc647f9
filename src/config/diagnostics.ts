import type { Diagnostic, ErrorCode, SourceLocation } from '../core/errors.js';

/** Collects every problem in a file so lint can report them all at once. */
export class Diagnostics {
  readonly list: Diagnostic[] = [];
  // Values holding an unset ${VAR}: that error is reported once; what later
  // checks make of the literal `${VAR}` text would only be a follow-on error.
  private readonly unresolved = new Set<string>();

  /** Report nothing more about the value at this location (it is already wrong for a known reason). */
  settle(location: SourceLocation): void {
    if (location.path !== undefined) this.unresolved.add(`${location.file}\0${location.path}`);
  }

  error(code: ErrorCode, message: string, location: SourceLocation, hint?: string): void {
    if (location.path !== undefined && this.unresolved.has(`${location.file}\0${location.path}`)) return;
    this.list.push(hint === undefined ? { severity: 'error', code, message, location } : { severity: 'error', code, message, hint, location });
  }

  warn(code: ErrorCode, message: string, location: SourceLocation, hint?: string): void {
    this.list.push(hint === undefined ? { severity: 'warning', code, message, location } : { severity: 'warning', code, message, hint, location });
  }

  /** In file order (line, then column), which is how people read them. */
  sorted(): Diagnostic[] {
    return this.list
      .map((d, i) => ({ d, i }))
      .sort((a, b) => (a.d.location?.line ?? 0) - (b.d.location?.line ?? 0) || (a.d.location?.col ?? 0) - (b.d.location?.col ?? 0) || a.i - b.i)
      .map(({ d }) => d);
  }

  get errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }
}

/** What loading a file gives: the value when there were no errors, and every diagnostic (warnings too). */
export interface LoadResult<T> {
  value: T | undefined;
  diagnostics: Diagnostic[];
}
