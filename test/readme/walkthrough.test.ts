import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { hotplugBin, repoRoot, startCli, type CliProcess } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';

interface Block {
  lang: string;
  title?: string;
  body: string;
}

/** The fenced code blocks of one README section, in order. */
function sectionBlocks(markdown: string, heading: string): Block[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end === -1 ? undefined : end);
  const blocks: Block[] = [];
  const re = /^```(\w+)(?: title=(\S+))?\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(section); m; m = re.exec(section)) blocks.push({ lang: m[1]!, ...(m[2] ? { title: m[2] } : {}), body: m[3]! });
  return blocks;
}

test('the README\'s "Write your first plugin" walkthrough works exactly as written', { timeout: 240_000 }, async (t) => {
  const blocks = sectionBlocks(readFileSync(join(repoRoot, 'README.md'), 'utf8'), 'Write your first plugin');
  assert.ok(blocks.some((b) => b.title) && blocks.some((b) => b.lang === 'sh'), 'the walkthrough has files and commands');
  const cwd = mkdtempSync(join(tmpdir(), 'hotplug-walkthrough-'));
  cpSync(join(repoRoot, 'functions'), join(cwd, 'functions'), { recursive: true });
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), CI: 'true' };
  const background: CliProcess[] = [];
  t.after(async () => {
    await Promise.all(background.map((p) => p.stop('SIGTERM')));
    rmSync(cwd, { recursive: true, force: true });
  });

  const dev = (): CliProcess | undefined => background[0];
  for (const block of blocks) {
    if (block.title) {
      // Saving a file while `dev` serves: the reader waits for its "reloaded" line, as the README says.
      const before = dev()?.stderr().length ?? 0;
      mkdirSync(dirname(join(cwd, block.title)), { recursive: true });
      writeFileSync(join(cwd, block.title), block.body);
      const serving = dev();
      if (serving) await waitFor(() => /reloaded [^\n]*plugin shout/.test(serving.stderr().slice(before)), { timeoutMs: 60_000, what: `dev's reload line after saving ${block.title}` });
      continue;
    }
    assert.equal(block.lang, 'sh', 'a block without a title is a shell block');
    for (const raw of block.body.split('\n')) {
      const [cmdPart, expectPart] = raw.split(/\s+# → /);
      const cmd = cmdPart!.replace(/\s+# .*$/, '').trim();
      if (!cmd) continue;
      const expected = expectPart?.trim();
      const hotplugArgs = /^npx hotplug (.*?)( &)?$/.exec(cmd);
      if (hotplugArgs?.[2]) {
        // `npx hotplug dev &`: started in the background and not waited for; the README's next line must cope.
        background.push(startCli(hotplugArgs[1]!.split(/\s+/), { cwd, env }));
        continue;
      }
      const line = cmd.replace(/^npx hotplug /, `${JSON.stringify(process.execPath)} ${JSON.stringify(hotplugBin)} `).replaceAll('4195', String(port));
      const r = spawnSync('bash', ['-c', line], { cwd, env, encoding: 'utf8', timeout: 120_000 });
      const out = `${r.stdout}${r.stderr}`;
      assert.equal(r.status, 0, `\`${cmd}\` failed:\n${out}`);
      if (expected === undefined) continue;
      if (cmd.startsWith('curl')) assert.equal(out.trim(), expected, `\`${cmd}\`\n${dev()?.stderr() ?? ''}`);
      else assert.ok(out.includes(expected), `\`${cmd}\` should print ${expected}; it printed:\n${out}`);
    }
  }
});
