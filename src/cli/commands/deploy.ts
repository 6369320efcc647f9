import type { Command } from '../command.js';
import { ErrorCode, HotplugError } from '../../core/index.js';
import { deployRolling, haproxyConfig, rollback, status, stop, type RemoteOptions, type VmStatus } from '../../deploy/index.js';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Ship a bundle to VMs over ssh, switch releases with no downtime, wait for /ready (or roll back)',
  usage: [
    'hotplug deploy BUNDLE --to USER@HOST [--to USER@HOST ...] [options]',
    '       hotplug deploy --rollback --to USER@HOST [options]',
    '       hotplug deploy --status --to USER@HOST [--to ...]',
    '       hotplug deploy --stop --to USER@HOST [--to ...]',
    '       hotplug deploy --print-haproxy --to USER@HOST [--to ...] [--port N] [--listen ADDR:PORT]',
  ].join('\n'),
  help: [
    'Options:',
    '  --to USER@HOST         a VM (required; repeat it to deploy to several, one at a time)',
    '  --ssh-port N           ssh port (default 22)',
    '  --identity FILE        ssh private key',
    '  --known-hosts FILE     known_hosts to check the host key against (never skipped)',
    '  --dir PATH             deploy dir on the VM (default /opt/hotplug for root, ~/hotplug otherwise)',
    '  --port N               port the host listens on (default: kept, else 4195)',
    '  --host ADDR            address it binds (default: kept, else 127.0.0.1: only the VM itself; 0.0.0.0 serves all)',
    '  --workers N|auto       worker processes sharing the port (default: kept, else auto = one per core)',
    '  --keep N               old releases kept for rollback (default 3)',
    '  --ready-timeout SECS   how long a first start gets to answer /ready (default 60; a reload: the host\'s 60 s)',
    '  --remote-node PATH     node on the VM when it is not on the PATH',
    '  --rollback             go back one release instead of deploying',
    '  --status               print what each VM runs (releases, workers, /ready)',
    '  --stop                 stop the host on each VM (workers drain; `current` stays for the next deploy)',
    '  --print-haproxy        print an haproxy.cfg with these VMs behind it (/ready as the health check)',
    '  --listen ADDR:PORT     where that HAProxy listens (default *:80)',
    '',
    'A running host takes a new release without refusing a request: its workers are replaced by workers of',
    'the new release once those are ready. A release that does not become ready (its host exits or reports',
    'a failed plugin: at once) is abandoned and the previous one keeps serving. With several --to, the VMs',
    'are deployed one at a time; at the first failure the ones already done are rolled back.',
  ].join('\n'),
  flags: {
    to: 'list',
    'ssh-port': 'number',
    identity: 'string',
    'known-hosts': 'string',
    dir: 'string',
    port: 'number',
    host: 'string',
    workers: 'string',
    keep: 'number',
    'ready-timeout': 'number',
    'remote-node': 'string',
    rollback: 'boolean',
    status: 'boolean',
    stop: 'boolean',
    'print-haproxy': 'boolean',
    listen: 'string',
  },
  async run({ positionals, flags }) {
    const vms = (flags['to'] as string[] | undefined) ?? [];
    const modes = ['rollback', 'status', 'stop', 'print-haproxy'].filter((m) => flags[m] === true);
    if (modes.length > 1) throw new HotplugError(ErrorCode.Usage, `--${modes.join(' and --')} cannot be combined`);
    const mode = modes[0];
    if (vms.length === 0) throw new HotplugError(ErrorCode.Usage, 'missing --to USER@HOST', { hint: 'hotplug deploy BUNDLE --to deploy@10.0.0.5' });
    if (mode !== undefined && positionals.length > 0) throw new HotplugError(ErrorCode.Usage, `--${mode} takes no BUNDLE`);
    if (mode === 'print-haproxy') {
      process.stdout.write(haproxyConfig({ vms, port: (flags['port'] as number | undefined) ?? 4195, ...(flags['listen'] ? { listen: flags['listen'] as string } : {}) }));
      return 0;
    }
    if (flags['workers'] !== undefined && !/^(auto|[1-9]\d*)$/.test(flags['workers'] as string)) {
      throw new HotplugError(ErrorCode.Usage, `--workers must be 'auto' or a whole number, not '${flags['workers'] as string}'`);
    }
    const remote = (to: string): RemoteOptions => ({
      to,
      log: (l) => process.stdout.write(`${l}\n`),
      ...(flags['ssh-port'] !== undefined ? { sshPort: flags['ssh-port'] as number } : {}),
      ...(flags['identity'] ? { identity: flags['identity'] as string } : {}),
      ...(flags['known-hosts'] ? { knownHosts: flags['known-hosts'] as string } : {}),
      ...(flags['dir'] ? { dir: flags['dir'] as string } : {}),
      ...(flags['remote-node'] ? { remoteNode: flags['remote-node'] as string } : {}),
      ...(flags['ready-timeout'] !== undefined ? { readyTimeoutMs: (flags['ready-timeout'] as number) * 1000 } : {}),
    });
    if (mode === 'status') {
      let code = 0;
      for (const to of vms) {
        const s = await status(remote(to)).catch((err: Error) => err);
        if (s instanceof Error) {
          process.stdout.write(`${to}: ERROR ${s.message}\n`);
          code = 1;
          continue;
        }
        process.stdout.write(`${describe(to, s)}\n`);
        if (!s.ready) code = 1;
      }
      return code;
    }
    if (mode === 'stop') {
      for (const to of vms) {
        const r = await stop(remote(to));
        process.stdout.write(`${to}: stopped ${r.release} (${r.manager})\n`);
      }
      return 0;
    }
    if (mode === 'rollback') {
      if (vms.length > 1) throw new HotplugError(ErrorCode.Usage, '--rollback takes one --to', { hint: 'roll back VMs one at a time, or deploy the older bundle to all of them' });
      const r = await rollback(remote(vms[0] as string));
      process.stdout.write(`rolled back to ${r.release} (${r.manager}); serving at ${r.url}${onVmOnly(r.url)}\n`);
      return 0;
    }
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new HotplugError(ErrorCode.Usage, 'expected one BUNDLE', { hint: 'make one with `hotplug bundle DIR --out FILE`' });
    const { log: _log, to: _to, ...common } = remote('');
    const results = await deployRolling({
      ...common,
      to: vms,
      log: (l) => process.stdout.write(`${l}\n`),
      bundle: file,
      ...(flags['port'] !== undefined ? { port: flags['port'] as number } : {}),
      ...(flags['host'] ? { host: flags['host'] as string } : {}),
      ...(flags['workers'] !== undefined ? { workers: flags['workers'] as string } : {}),
      ...(flags['keep'] !== undefined ? { keep: flags['keep'] as number } : {}),
    });
    for (const r of results) process.stdout.write(`deployed ${r.release} (${r.manager}); serving at ${r.url}${onVmOnly(r.url)}\n`);
    return 0;
  },
};

function describe(to: string, s: VmStatus): string {
  const lines = [`${to}: ${s.current === undefined ? 'nothing deployed' : s.current} in ${s.dir} — ${s.running ? (s.ready ? 'serving, /ready 200' : 'running, NOT ready') : 'stopped'} (${s.manager}, port ${s.port} on ${s.host})`];
  if (s.cluster) {
    lines.push(`  ${s.cluster.workers} worker(s) [${s.cluster.pids.join(', ')}] of ${s.cluster.release ?? s.current ?? '?'} (generation ${s.cluster.generation}, ${s.cluster.phase}), primary pid ${s.cluster.pid}`);
    const r = s.cluster.lastReload;
    if (r) lines.push(`  last reload: ${r.state}${r.release ? ` onto ${r.release}` : ''} at ${r.at}${r.error ? ` — ${r.error}` : ''}`);
  }
  lines.push(`  releases kept: ${s.releases.join(', ') || 'none'}`);
  return lines.join('\n');
}

/** A URL on loopback serves the VM itself only: say how to expose it. */
function onVmOnly(url: string): string {
  return /^http:\/\/(127\.[\d.]+|\[::1\]|localhost)[:/]/.test(url) ? ' (on the VM only: deploy --host 0.0.0.0, or a private address, to serve other machines)' : '';
}
