import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A git repository built by the test in a temporary folder: files written, commits made at fixed
 * times by a fixed author, so every run makes the same history.
 */
export class GitFixture {
  readonly dir: string;
  private clock = Date.UTC(2020, 0, 1) / 1000;

  constructor(prefix = 'git') {
    this.dir = mkdtempSync(join(tmpdir(), `eightball-${prefix}-`));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.name', 'Test Author');
    this.git('config', 'user.email', 'author@example.org');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    const when = `${this.clock} +0000`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when, LC_ALL: 'C' },
    });
  }

  write(path: string, content: string | Buffer): void {
    const abs = join(this.dir, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }

  remove(path: string): void {
    this.git('rm', '-q', path);
  }

  /** Commit everything written so far, a day after the previous commit; returns its id. */
  commit(message: string, at?: Date): string {
    this.clock = at ? Math.floor(at.getTime() / 1000) : this.clock + 86_400;
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  /**
   * A commit whose message bytes are stored as given (git's own commit re-encodes a message that
   * is not UTF-8; an old import or another tool may not have)
   */
  rawCommit(message: Buffer): string {
    this.clock += 86_400;
    this.git('add', '-A');
    const tree = this.git('write-tree').trim();
    const parent = this.git('rev-parse', 'HEAD').trim();
    const who = `Test Author <author@example.org> ${this.clock} +0000`;
    const body = Buffer.concat([
      Buffer.from(`tree ${tree}\nparent ${parent}\nauthor ${who}\ncommitter ${who}\n\n`),
      message,
    ]);
    const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
      cwd: this.dir,
      input: body,
      encoding: 'utf8',
    }).trim();
    this.git('update-ref', 'HEAD', sha);
    return sha;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
