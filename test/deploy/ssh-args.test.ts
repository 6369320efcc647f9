import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { shellQuote, sshArgv } from '../../src/deploy/index.js';

test('shellQuote survives the remote shell byte for byte', () => {
  const args = ['plain', 'with space', "it's", '$HOME', '`id`', 'a"b', 'semi;colon', '', 'new\nline', '*', '-n', 'ünïcode'];
  const r = spawnSync('sh', ['-c', `for a in ${shellQuote(args)}; do printf '[%s]' "$a"; done`], { encoding: 'utf8' });
  assert.equal(r.stdout, args.map((a) => `[${a}]`).join(''));
});

test('sshArgv always checks host keys and ends options before the destination', () => {
  const argv = sshArgv({ to: 'deploy@10.0.0.5', port: 2222, identity: '/k/id', knownHosts: '/k/known' }, ['node', '-e', 'x y']);
  const opts = argv.join(' ');
  assert.match(opts, /-o StrictHostKeyChecking=yes/);
  assert.match(opts, /-o BatchMode=yes/);
  assert.match(opts, /-o UserKnownHostsFile=\/k\/known/);
  assert.match(opts, /-i \/k\/id -o IdentitiesOnly=yes/);
  assert.match(opts, /-p 2222/);
  assert.deepEqual(argv.slice(-3), ['--', 'deploy@10.0.0.5', "node -e 'x y'"]);
  assert.doesNotMatch(opts, /StrictHostKeyChecking=(no|accept-new)/);
  // Without --known-hosts, ssh's own known_hosts files are used (still strictly).
  assert.doesNotMatch(sshArgv({ to: 'vm' }, ['true']).join(' '), /KnownHostsFile/);
});

test('a destination that could smuggle ssh options is refused', () => {
  for (const to of ['-oProxyCommand=touch /tmp/x', 'user@host -p 1', 'user@@host', 'user@host;id', '']) {
    assert.throws(() => sshArgv({ to }, ['true']), /is not USER@HOST/, to);
  }
  for (const to of ['vm', 'root@vm-1.example.com', 'deploy@10.0.0.5', 'me@[::1]']) assert.doesNotThrow(() => sshArgv({ to }, ['true']), to);
});
