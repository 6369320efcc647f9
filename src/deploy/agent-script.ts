import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ErrorCode, HotplugError } from '../core/errors.js';

let built: Promise<{ code: Uint8Array; digest: string }> | undefined;

/**
 * The agent that runs on the VM, bundled from ./remote into one ES module of
 * Node built-ins only (the VM has node and nothing else). Built once per process.
 */
export function agentScript(): Promise<{ code: Uint8Array; digest: string }> {
  built ??= build();
  return built;
}

async function build(): Promise<{ code: Uint8Array; digest: string }> {
  const esbuild = await import('esbuild');
  const entry = fileURLToPath(new URL('./remote/main.js', import.meta.url));
  try {
    const out = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
      banner: { js: '// hotplug deploy agent: runs on the VM; see src/deploy/remote in the hotplug repo.' },
    });
    const code = (out.outputFiles[0] as { contents: Uint8Array }).contents;
    return { code, digest: createHash('sha256').update(code).digest('hex') };
  } catch (err) {
    built = undefined;
    throw new HotplugError(ErrorCode.Deploy, `could not build the deploy agent: ${(err as Error).message}`);
  }
}
