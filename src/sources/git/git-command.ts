import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EightballError } from '../../domain/index.ts';

/**
 * The git command line, the one way eightball reads a repository (no native binding): a local
 * clone, bare or not, or its `.git` directory. Every call names the repository by `--git-dir`, so
 * a work tree's uncommitted files never leak in.
 */
export interface GitRepo {
  /** the repository's git directory (for a work tree, its `.git`) */
  gitDir: string;
  /** what the user called it, for messages */
  shown: string;
}

const GIT_ENV = {
  ...process.env,
  // never ask for credentials or open an editor: this reads, it never talks to a remote
  GIT_TERMINAL_PROMPT: '0',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
};

function run(args: string[], cwd?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { encoding: 'utf8', env: GIT_ENV, maxBuffer: 1 << 26, cwd });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new EightballError(
      'unavailable',
      code === 'ENOENT'
        ? 'git is not installed (eightball reads repositories through the git command line)'
        : `git could not run: ${r.error.message}`,
    );
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Open a repository: `path` a work tree, a bare repository or a `.git` directory. */
export function openGitRepo(path: string): GitRepo {
  const abs = resolve(path);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw EightballError.about('repo', 'not-found', `--repo ${path}: no such directory`);
  const r = run(['rev-parse', '--absolute-git-dir'], abs);
  if (r.status !== 0)
    throw EightballError.about(
      'repo',
      'usage',
      `--repo ${path}: not a git repository (${r.stderr.trim().split('\n')[0]})`,
    );
  return { gitDir: r.stdout.trim(), shown: path };
}

/** Run a git command in the repository and return its output (throws, naming the repository). */
export function git(repo: GitRepo, args: string[]): string {
  const r = run(['--git-dir', repo.gitDir, ...args]);
  if (r.status !== 0)
    throw new EightballError('usage', `git ${args[0]} in ${repo.shown}: ${r.stderr.trim().split('\n')[0]}`);
  return r.stdout;
}

/** Whether the clone is shallow (its history cut short: older fixes are missing). */
export function isShallow(repo: GitRepo): boolean {
  return git(repo, ['rev-parse', '--is-shallow-repository']).trim() === 'true';
}

/** The commit a branch (or any revision) names; a clear error when there is no such branch. */
export function resolveRevision(repo: GitRepo, rev: string): string {
  const r = run(['--git-dir', repo.gitDir, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (r.status !== 0 || !r.stdout.trim())
    throw EightballError.about(
      'branch',
      'usage',
      `${repo.shown}: no branch or revision "${rev.slice(0, 100)}"`,
    );
  return r.stdout.trim();
}

/** Whether `ancestor` is in the history of `rev` (a checkpoint still on the branch). */
export function isAncestor(repo: GitRepo, ancestor: string, rev: string): boolean {
  return run(['--git-dir', repo.gitDir, 'merge-base', '--is-ancestor', ancestor, rev]).status === 0;
}

/** A long-running git process whose output is streamed (log, cat-file --batch). */
export function spawnGit(repo: GitRepo, args: string[], stdin = false): ChildProcess {
  return spawn('git', ['--git-dir', repo.gitDir, ...args], {
    env: GIT_ENV,
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
}
