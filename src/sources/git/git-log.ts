import { EightballError } from '../../domain/index.ts';
import { type GitRepo, git, spawnGit } from './git-command.ts';

/** One file a commit changed, renames followed. */
export interface FileChange {
  /** A added, M modified, D deleted, R renamed, C copied, T type changed */
  status: string;
  path: string;
  /** for a rename or copy: where it came from */
  oldPath?: string;
  /** the file's blob after the commit (all zeros when deleted) */
  blob: string;
  /** lines added and removed; null for a binary file */
  added: number | null;
  removed: number | null;
}

export interface GitCommit {
  sha: string;
  parents: string[];
  author: string;
  email: string;
  /** commit time, ISO-8601 UTC */
  time: string;
  message: string;
  /** the message was not UTF-8 and was read as Latin-1 */
  reencoded: boolean;
  changes: FileChange[];
}

const RECORD = 0x01;
const FORMAT = '--format=%x01%H%x00%P%x00%an%x00%ae%x00%ct%x00%B%x00';
const RAW = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/;
const NUMSTAT = /^(\d+|-)\t(\d+|-)\t([\s\S]*)$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function text(bytes: Uint8Array): { value: string; reencoded: boolean } {
  try {
    return { value: utf8.decode(bytes), reencoded: false };
  } catch {
    return { value: latin1.decode(bytes), reencoded: true };
  }
}

/** Split a byte range on NUL. */
function fields(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0) {
      out.push(buf.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

/** One record of `git log --raw --numstat -z` in FORMAT. Exported for tests. */
export function parseCommitRecord(record: Buffer): GitCommit {
  const f = fields(record);
  if (f.length < 6) throw new Error('git log: a commit record with fewer than 6 fields');
  const str = (b: Buffer) => b.toString('utf8');
  const message = text(f[5]!);
  const changes: FileChange[] = [];
  const byPath = new Map<string, FileChange>();
  let i = 6;
  const next = () => str(f[i++] ?? Buffer.alloc(0));
  while (i < f.length) {
    const token = next().replace(/^\n+/, '');
    if (token === '') continue;
    const raw = RAW.exec(token);
    if (raw) {
      const status = raw[5]!;
      const change: FileChange =
        status === 'R' || status === 'C'
          ? { status, oldPath: next(), path: next(), blob: raw[4]!, added: null, removed: null }
          : { status, path: next(), blob: raw[4]!, added: null, removed: null };
      changes.push(change);
      byPath.set(change.path, change);
      continue;
    }
    const num = NUMSTAT.exec(token);
    if (num) {
      let path = num[3]!;
      if (path === '') {
        next();
        path = next();
      }
      const c = byPath.get(path);
      if (c && num[1] !== '-') {
        c.added = Number(num[1]);
        c.removed = Number(num[2]);
      }
    }
    // anything else (a line git adds in a later version) is not ours to guess at
  }
  return {
    sha: str(f[0]!),
    parents: str(f[1]!).split(' ').filter(Boolean),
    author: str(f[2]!),
    email: str(f[3]!),
    time: new Date(Number(str(f[4]!)) * 1000).toISOString(),
    message: message.value.trimEnd(),
    reencoded: message.reencoded,
    changes,
  };
}

/** git could not read an object (a blob left out of a partial or damaged clone) */
const UNREADABLE = /unable to read|could not read|missing blob|bad object/i;

interface Pass {
  /** records fully read */
  done: number;
  /** git's complaint when it stopped early */
  error: string | null;
}

/**
 * `git diff-tree --stdin` over `shas`, one record each (`--always`: merges and empty commits too),
 * yielding a commit as soon as its record is complete. When git stops on an error the record it
 * was writing is dropped: `done` says how many came through whole.
 */
async function* diffTree(repo: GitRepo, shas: string[], full: boolean): AsyncGenerator<GitCommit, Pass> {
  const args = [
    'diff-tree',
    '--stdin',
    '--always',
    '--root',
    '-r',
    '--raw',
    '-z',
    '--no-abbrev',
    '--no-color',
    FORMAT,
  ];
  const child = spawnGit(repo, full ? [...args, '-M', '--numstat'] : [...args, '--no-renames'], true);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString('utf8').slice(0, 2000);
  });
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  child.stdin!.on('error', () => {
    // git stopped reading (it failed on an object): its exit code says why
  });
  child.stdin!.end(`${shas.join('\n')}\n`);
  let pending: Buffer = Buffer.alloc(0);
  let done = 0;
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let start = pending.indexOf(RECORD);
      if (start < 0) continue;
      for (;;) {
        const end = pending.indexOf(RECORD, start + 1);
        if (end < 0) break;
        yield parseCommitRecord(pending.subarray(start + 1, end));
        done++;
        start = end;
      }
      pending = pending.subarray(start);
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await exited;
  if (code === 0) {
    if (pending.length > 1 && pending[0] === RECORD) {
      yield parseCommitRecord(pending.subarray(1));
      done++;
    }
    return { done, error: null };
  }
  return { done, error: stderr.trim().split('\n')[0] || `exit ${code}` };
}

export interface LogOptions {
  /** a commit git could not diff in full (an object it cannot read): read without line counts */
  onUnreadable?: (sha: string, why: string) => void;
}

/**
 * Every commit of `range` (a branch, or `CHECKPOINT..BRANCH`), oldest first, each read once:
 * `git rev-list` names them, one streamed `git diff-tree --stdin` reads their files, renames
 * followed and lines counted. A commit whose diff needs an object the clone lacks is read again
 * without renames and line counts (which read no file contents), and the stream goes on after it.
 */
export async function* gitLog(
  repo: GitRepo,
  range: string,
  opts: LogOptions = {},
): AsyncGenerator<GitCommit> {
  const shas = git(repo, ['rev-list', '--reverse', range, '--']).split('\n').filter(Boolean);
  let i = 0;
  while (i < shas.length) {
    const pass: Pass = yield* diffTree(repo, shas.slice(i), true);
    i += pass.done;
    if (pass.error === null) break;
    if (!UNREADABLE.test(pass.error) || i >= shas.length)
      throw new EightballError(
        'io',
        `git diff-tree in ${repo.shown} at commit ${shas[i] ?? '?'}: ${pass.error}`,
      );
    opts.onUnreadable?.(shas[i]!, pass.error);
    const alone: Pass = yield* diffTree(repo, [shas[i]!], false);
    if (alone.error !== null || alone.done !== 1)
      throw new EightballError(
        'io',
        `git diff-tree in ${repo.shown} at commit ${shas[i]}: ${alone.error ?? 'no record'}`,
      );
    i++;
  }
}
