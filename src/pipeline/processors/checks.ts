/** Field checks shared by processor specs; each returns an error message or undefined. */
export function nonNegative(value: unknown): string | undefined {
  return typeof value === 'number' && value < 0 ? `must be 0 or more, got ${value}` : undefined;
}

export function positive(value: unknown): string | undefined {
  return typeof value === 'number' && value < 1 ? `must be 1 or more, got ${value}` : undefined;
}
