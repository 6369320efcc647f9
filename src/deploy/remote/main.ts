/**
 * The deploy agent: bundled into one file, uploaded to the VM and run there
 * with the VM's own node by `hotplug deploy`. Node built-ins only.
 *
 *   node agent.mjs run <base64url JSON request>   deploy or roll back; JSON lines on stdout
 *   node agent.mjs supervise DIR RELEASE          the supervised service process (no systemd)
 */
import { fileURLToPath } from 'node:url';
import { decodeRequest, type AgentEvent } from '../protocol.js';
import { AgentError, runAgent, vmStatus } from './agent.js';
import { supervise } from './supervise.js';

function emit(e: AgentEvent): void {
  process.stdout.write(`${JSON.stringify(e)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const script = fileURLToPath(import.meta.url);
  if (argv[0] === 'supervise' && argv[1] && argv[2]) {
    await supervise(argv[1], argv[2]);
    return 0;
  }
  if (argv[0] === 'run' && argv[1]) {
    try {
      const req = decodeRequest(argv[1]);
      if (req.op === 'status') emit({ event: 'status', status: await vmStatus(req, script) });
      else emit({ event: 'result', result: await runAgent(req, script, (message) => emit({ event: 'step', message })) });
      return 0;
    } catch (err) {
      const failure = err instanceof AgentError ? err.failure : { kind: 'failed' as const, message: (err as Error).message ?? String(err) };
      emit({ event: 'error', failure });
      return 1;
    }
  }
  process.stderr.write('usage: agent.mjs run REQUEST | agent.mjs supervise DIR RELEASE\n');
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
