import { createInterface } from 'node:readline/promises';

/** True when a person is at the terminal (never in CI: CI has no TTY and sets CI=true). */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env['CI']);
}

/** Asks until the answer is one of `choices` (an empty answer takes the default). */
export async function ask(question: string, choices?: readonly string[], fallback?: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const suffix = choices ? ` (${choices.join('/')})` : '';
      const def = fallback ? ` [${fallback}]` : '';
      const answer = (await rl.question(`${question}${suffix}${def}: `)).trim() || fallback || '';
      if (answer && (!choices || choices.includes(answer))) return answer;
    }
  } finally {
    rl.close();
  }
}
