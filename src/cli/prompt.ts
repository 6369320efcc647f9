import { createInterface } from 'node:readline/promises';

/** True when a person is at the terminal (never in CI: CI has no TTY and sets CI=true). */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env['CI']);
}

/**
 * Asks until the answer is one of `choices` (an empty answer takes the
 * default; `aliases` maps other spellings, like `py`, to a choice). An answer
 * that is none of them is explained before asking again.
 */
export async function ask(question: string, choices?: readonly string[], fallback?: string, aliases: Record<string, string> = {}): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const suffix = choices ? ` (${choices.join('/')})` : '';
      const def = fallback ? ` [${fallback}]` : '';
      const typed = (await rl.question(`${question}${suffix}${def}: `)).trim();
      const answer = aliases[typed] ?? (typed || fallback || '');
      if (answer && (!choices || choices.includes(answer))) return answer;
      process.stdout.write(answer ? `  '${typed}' is not one of ${choices?.join(', ')}; type one of them${fallback ? `, or Enter for ${fallback}` : ''}.\n` : '  an answer is needed.\n');
    }
  } finally {
    rl.close();
  }
}
