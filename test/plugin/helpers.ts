import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Logger } from '../../src/core/log.js';
import type { ComponentKind, PluginManifest } from '../../src/core/spec.js';
import { createPluginRuntime, type PluginRuntime, type PluginRuntimeOptions } from '../../src/plugin/index.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const fixtures = join(repoRoot, 'test', 'fixtures', 'plugins');
export const FIXTURE = join(fixtures, 'fixture.mjs');

/** A manifest built by hand (the config loader is another helper's). */
export function manifest(name: string, type: ComponentKind, command: string[], extra: Partial<PluginManifest> = {}): PluginManifest {
  return { name, type, command, cwd: fixtures, fields: [], file: join(fixtures, `${name}.yaml`), dir: fixtures, ...extra };
}

export function fixtureManifest(type: ComponentKind, scenario: string, ...flags: string[]): PluginManifest {
  return manifest(`fx-${type}-${scenario}`, type, ['node', FIXTURE, type, scenario, ...flags]);
}

/** A logger whose JSON lines are kept for assertions. */
export function captureLogger(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void raw.push(s) });
  return { log, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export interface TestRuntime {
  rt: PluginRuntime;
  lines: () => Array<Record<string, unknown>>;
}

/** The part of node:test's TestContext the helpers need. */
interface Ctx {
  after(fn: () => Promise<void> | void): void;
}

/** A runtime that is closed when the test ends, pass or fail. */
export function testRuntime(t: Ctx, opts: Partial<PluginRuntimeOptions> = {}): TestRuntime {
  const { log, lines } = captureLogger();
  const rt = createPluginRuntime({ log, repoRoot, startTimeoutMs: 10_000, restart: { baseMs: 10, maxMs: 200 }, initRetryMs: 0, killTimeoutMs: 1000, closeTimeoutMs: 1000, ...opts });
  t.after(async () => {
    await rt.close();
    // Every test ends with no socket dir of this host left behind, whatever happened in it.
    const left = readdirSync(tmpdir()).filter((d) => d.startsWith(`hotplug-plugin-${process.pid}-`));
    if (left.length > 0) throw new Error(`socket dirs left behind: ${left.join(', ')}`);
  });
  return { rt, lines };
}

export function tempDir(t: Ctx): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
