import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hotplugBin, repoRoot, runCli } from '../helpers/cli.js';

test('CLI validation: ports, log levels, missing dirs, a port in use, unknown commands, lint FILE and extra arguments', async (t) => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['run', '--port', '99999'], {}, /^hotplug: --port must be a port number from 0 to 65535, not '99999'\n/],
    [['dev', 'functions'], { PORT: 'abc' }, /^hotplug: \$PORT must be a port number from 0 to 65535, not 'abc'\n/],
    [['run', '--log-level', 'loud'], {}, /^hotplug: --log-level must be one of trace, debug, info, warn, error, fatal, silent; not 'loud'\n$/],
    [['dev'], { HOTPLUG_LOG_LEVEL: 'chatty' }, /^hotplug: \$HOTPLUG_LOG_LEVEL must be one of trace, debug/],
    [['dev', '--quiet', '--verbose'], {}, /--quiet and --verbose contradict each other/],
    [['dev', '/nonexistent'], {}, /^hotplug: \/nonexistent does not exist\n {2}hint: pass the functions dir: hotplug dev DIR/],
    [['run', 'functions', 'extra'], {}, /expected at most one DIR, got 2: functions extra\n {2}hint: hotplug run \[DIR\]/],
    [['devv'], {}, /^hotplug: unknown command 'devv'; did you mean 'dev'\?\n {2}hint: commands: dev, run, lint, new, test, bundle, deploy, schema, completion; see 'hotplug --help'\n$/],
    [['lint', 'functions', 'extra'], {}, /^hotplug: expected one DIR or FILE, got 2: functions extra\n/],
    [['lint', 'nope.yaml'], {}, /nope\.yaml does not exist/],
  ];
  for (const [args, env, re] of cases) {
    const r = await runCli(args, { env: { HOTPLUG_LOG_LEVEL: '', ...env } });
    assert.equal(r.code, 2 - (/does not exist/.test(String(re)) ? 1 : 0), `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }

  // A port in use: what to do about it, and no stack.
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  t.after(() => busy.close());
  const port = (busy.address() as { port: number }).port;
  for (const cmd of ['run', 'dev']) {
    const r = await runCli([cmd, 'functions', '--port', String(port), '--no-console'].filter((a) => cmd === 'dev' || a !== '--no-console'), { env: { CI: 'true' } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`hotplug: port ${port} on 127\\.0\\.0\\.1 is already in use .*\\n {2}hint: stop it .*--port ${port + 1} \\(or PORT=${port + 1}\\); --port 0 takes any free one`));
  }

  // lint FILE: that file's problems only, in the context of its functions dir.
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-lintfile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'good.yaml'), 'input:\n  http_server:\n    path: /good\noutput:\n  sync_response: {}\n');
  writeFileSync(join(dir, 'bad.yaml'), 'input:\n  http_server:\n    path: /bad\noutput:\n  sync_respons: {}\n');
  const good = await runCli(['lint', join(dir, 'good.yaml')]);
  assert.equal(good.code, 0, good.stdout);
  assert.match(good.stdout, /good\.yaml: ok\n$/);
  const bad = await runCli(['lint', join(dir, 'bad.yaml')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /bad\.yaml:5:3: unknown output 'sync_respons'/);
  assert.match(bad.stdout, /^1 error\(s\), 0 warning\(s\)$/m);
});

test('help: HOTPLUG_LOG_LEVEL, PORT, NO_COLOR, --quiet and --verbose are documented for dev and run', async () => {
  for (const cmd of ['dev', 'run']) {
    const r = await runCli([cmd, '--help']);
    for (const word of ['HOTPLUG_LOG_LEVEL', 'NO_COLOR', 'PORT, HOST', '--quiet', '--verbose', 'trace, debug, info, warn, error, fatal, silent']) assert.ok(r.stdout.includes(word), `${cmd} --help mentions ${word}`);
  }
});

test('hotplug completion: bash completes commands, flags and flag values in a real bash; zsh parses', () => {
  const complete = (words: string[]): string => {
    const script = `source <(${JSON.stringify(process.execPath)} ${JSON.stringify(hotplugBin)} completion bash)
COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; _hotplug; echo "\${COMPREPLY[*]}"`;
    const r = spawnSync('bash', ['-c', script], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  assert.equal(complete(['hotplug', 'de']), 'dev deploy');
  assert.equal(complete(['hotplug', 'dev', '--po']), '--port');
  assert.equal(complete(['hotplug', 'new', 'x', '--lang', '']), 'ts python');
  assert.equal(complete(['hotplug', 'run', '--log-level', 'w']), 'warn');
  assert.equal(complete(['hotplug', 'completion', '']), 'bash zsh');
  const zsh = spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(hotplugBin)} completion zsh > "$T" && zsh -n "$T"`], { encoding: 'utf8', env: { ...process.env, T: join(tmpdir(), `hotplug-zsh-${process.pid}`) } });
  assert.equal(zsh.status, 0, `zsh -n: ${zsh.stderr}`);
  rmSync(join(tmpdir(), `hotplug-zsh-${process.pid}`), { force: true });
  const bad = spawnSync(process.execPath, [hotplugBin, 'completion', 'fish'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown shell 'fish'\n {2}hint: hotplug completion bash, or hotplug completion zsh/);
});

test('colour: lint and test colour their report on a terminal (a pseudo-terminal via script), not with NO_COLOR or off a TTY', () => {
  const onTty = (cmd: string, env: NodeJS.ProcessEnv = {}): string => {
    const r = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(hotplugBin)} ${cmd}`, '/dev/null'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', TERM: 'xterm', ...env } });
    return r.stdout;
  };
  assert.match(onTty('lint functions'), /\x1b\[32m.*functions: ok\x1b\[39m/);
  assert.match(onTty('test functions/uppercase'), /\x1b\[32m\d+ passed, 0 failed\x1b\[39m/);
  assert.doesNotMatch(onTty('lint functions', { NO_COLOR: '1' }), /\x1b\[/);
  const piped = spawnSync(process.execPath, [hotplugBin, 'lint', 'functions'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' } });
  assert.doesNotMatch(piped.stdout, /\x1b\[/);
});

test('dev off a terminal: every stderr line is JSON (the banner is a log record), so `2>&1 | jq` works', async (t) => {
  const { startCli, waitForPing } = await import('../helpers/cli.js');
  const { freePort } = await import('../helpers/net.js');
  const { waitFor } = await import('../helpers/poll.js');
  const port = await freePort();
  const dev = startCli(['dev', 'functions', '--port', String(port), '--no-console'], { env: { CI: 'true' } });
  t.after(() => dev.stop('SIGKILL').then(() => undefined));
  await waitForPing(`http://127.0.0.1:${port}`);
  await waitFor(() => dev.stderr().includes('watching for changes'), { what: 'dev ready' });
  const lines = dev.stderr().split('\n').filter((l) => l !== '');
  for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), `not JSON: ${l}`);
  assert.ok(lines.some((l) => (JSON.parse(l) as { msg?: string; banner?: string[] }).msg === 'dev banner'), 'the banner is a record');
  assert.equal(await dev.stop('SIGTERM'), 0);
});
