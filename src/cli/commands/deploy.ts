import type { Command } from '../command.js';
import { ErrorCode, HotplugError } from '../../core/index.js';
import { deploy, rollback, type DeployResult, type RemoteOptions } from '../../deploy/index.js';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Ship a bundle to a VM over ssh, switch releases, wait for /ready (or roll back)',
  usage: 'hotplug deploy BUNDLE --to USER@HOST [options]\n       hotplug deploy --rollback --to USER@HOST [options]',
  help: [
    'Options:',
    '  --to USER@HOST         the VM (required)',
    '  --ssh-port N           ssh port (default 22)',
    '  --identity FILE        ssh private key',
    '  --known-hosts FILE     known_hosts to check the host key against (never skipped)',
    '  --dir PATH             deploy dir on the VM (default /opt/hotplug for root, ~/hotplug otherwise)',
    '  --port N               port the host listens on (default: kept, else 4195)',
    '  --host ADDR            address it binds (default: kept, else 0.0.0.0)',
    '  --keep N               old releases kept for rollback (default 3)',
    '  --ready-timeout SECS   how long a release gets to answer /ready (default 60)',
    '  --remote-node PATH     node on the VM when it is not on the PATH',
    '  --rollback             go back one release instead of deploying',
    '',
    'A release that does not become ready is rolled back automatically; the previous one keeps serving.',
  ].join('\n'),
  flags: {
    to: 'string',
    'ssh-port': 'number',
    identity: 'string',
    'known-hosts': 'string',
    dir: 'string',
    port: 'number',
    host: 'string',
    keep: 'number',
    'ready-timeout': 'number',
    'remote-node': 'string',
    rollback: 'boolean',
  },
  async run({ positionals, flags }) {
    const to = flags['to'] as string | undefined;
    if (!to) throw new HotplugError(ErrorCode.Usage, 'missing --to USER@HOST', { hint: 'hotplug deploy BUNDLE --to deploy@10.0.0.5' });
    const remote: RemoteOptions = {
      to,
      log: (l) => process.stdout.write(`${l}\n`),
      ...(flags['ssh-port'] !== undefined ? { sshPort: flags['ssh-port'] as number } : {}),
      ...(flags['identity'] ? { identity: flags['identity'] as string } : {}),
      ...(flags['known-hosts'] ? { knownHosts: flags['known-hosts'] as string } : {}),
      ...(flags['dir'] ? { dir: flags['dir'] as string } : {}),
      ...(flags['remote-node'] ? { remoteNode: flags['remote-node'] as string } : {}),
      ...(flags['ready-timeout'] !== undefined ? { readyTimeoutMs: (flags['ready-timeout'] as number) * 1000 } : {}),
    };
    let result: DeployResult;
    if (flags['rollback']) {
      if (positionals.length) throw new HotplugError(ErrorCode.Usage, '--rollback takes no BUNDLE');
      result = await rollback(remote);
    } else {
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new HotplugError(ErrorCode.Usage, 'expected one BUNDLE', { hint: 'make one with `hotplug bundle DIR --out FILE`' });
      result = await deploy({
        ...remote,
        bundle: file,
        ...(flags['port'] !== undefined ? { port: flags['port'] as number } : {}),
        ...(flags['host'] ? { host: flags['host'] as string } : {}),
        ...(flags['keep'] !== undefined ? { keep: flags['keep'] as number } : {}),
      });
    }
    process.stdout.write(`${flags['rollback'] ? 'rolled back to' : 'deployed'} ${result.release} (${result.manager}); serving at ${result.url}\n`);
    return 0;
  },
};
