import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FakeGithub } from '../support/fake-github.ts';
import { FakeJira } from '../support/fake-jira.ts';
import { BIN } from '../support/serve-process.ts';
import { sharedFile, skipUnlessShared } from '../support/shared-data.ts';

const run = promisify(execFile);
const skip =
  skipUnlessShared('github', 'webcompat-issues.jsonl') || skipUnlessShared('jira', 'apache', 'YARN.jsonl');

/** The CLI as a child process (async: the fake trackers answer from this process's event loop). */
async function cli(db: string, env: Record<string, string>, ...args: string[]) {
  try {
    const r = await run(process.execPath, [BIN, '--db', db, ...args], {
      env: { ...process.env, EIGHTBALL_LOG_LEVEL: 'warn', ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('eightball import github / jira', { skip }, () => {
  let github: FakeGithub;
  let jira: FakeJira;
  let githubUrl: string;
  let jiraUrl: string;
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-trackers-')), 'eightball.db')}`;

  before(async () => {
    const rows = readFileSync(sharedFile('github', 'webcompat-issues.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    github = new FakeGithub('webcompat/web-bugs', rows);
    githubUrl = await github.start();
    jira = new FakeJira(sharedFile('jira', 'apache', 'YARN.jsonl'), 120);
    jiraUrl = await jira.start();
  });
  after(async () => {
    await github.stop();
    await jira.stop();
  });

  it('imports GitHub issues with the token from the environment, never printing it', async () => {
    const r = await cli(
      db,
      { EIGHTBALL_GITHUB_TOKEN: 'ghp_do_not_print' },
      'import',
      'github',
      '--repo',
      'webcompat/web-bugs',
      '--api-url',
      githubUrl,
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { imported: number; source: string };
    assert.equal(s.imported, 100);
    assert.equal(s.source, 'github:webcompat/web-bugs');
    assert.ok(!`${r.stdout}${r.stderr}`.includes('ghp_do_not_print'));
    assert.ok(github.requests.every((q) => q.auth === 'token ghp_do_not_print'));
    const again = await cli(
      db,
      {},
      'import',
      'github',
      '--repo',
      'webcompat/web-bugs',
      '--api-url',
      githubUrl,
    );
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /imported 0, updated 0/);
  });

  it('imports a Jira project and says what it searched', async () => {
    const r = await cli(
      db,
      { EIGHTBALL_JIRA_TOKEN: 'pat' },
      'import',
      'jira',
      '--url',
      jiraUrl,
      '--project',
      'YARN',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported 120, .*source jira:127\.0\.0\.1:\d+:YARN/);
    assert.match(r.stderr, /searched: project = "YARN" ORDER BY updated ASC/);
  });

  it('exits 2 naming the flag when the input is wrong', async () => {
    const bad = await cli(db, {}, 'import', 'github', '--repo', 'no-slash', '--api-url', githubUrl);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--repo: "no-slash" is not OWNER\/REPO/);
    const api = await cli(db, {}, 'import', 'jira', '--url', jiraUrl, '--project', 'YARN', '--api', 'soap');
    assert.equal(api.code, 2);
    assert.match(api.stderr, /--api: "soap"/);
  });
});
