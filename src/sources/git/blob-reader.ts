import type { ChildProcess } from 'node:child_process';
import { type GitRepo, spawnGit } from './git-command.ts';

/**
 * File contents by blob id from one long-running `git cat-file --batch`: a request is a line with
 * the id, the answer a header and the bytes. A blob the clone lacks answers `missing` (null here),
 * so one absent object never stops a whole index.
 */
export class BlobReader {
  private readonly child: ChildProcess;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (b: Buffer | null) => void; reject: (e: Error) => void }[] = [];
  private failed: Error | null = null;

  constructor(repo: GitRepo) {
    this.child = spawnGit(repo, ['cat-file', '--batch'], true);
    this.child.stdout!.on('data', (d: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
      this.drain();
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.child.on('error', fail);
    this.child.on('close', (code) => {
      if (this.waiting.length)
        fail(new Error(`git cat-file ended (exit ${code}) with ${this.waiting.length} blobs unread`));
    });
    this.child.stdin!.on('error', fail);
    this.idle();
  }

  /** A reader with nothing asked of it does not keep the process alive (a forgotten close). */
  private idle(): void {
    this.child.unref();
    (this.child.stdout as unknown as { unref?: () => void }).unref?.();
    (this.child.stdin as unknown as { unref?: () => void }).unref?.();
  }

  private busy(): void {
    this.child.ref();
    (this.child.stdout as unknown as { ref?: () => void }).ref?.();
    (this.child.stdin as unknown as { ref?: () => void }).ref?.();
  }

  private drain(): void {
    while (this.waiting.length) {
      const nl = this.buffer.indexOf(10);
      if (nl < 0) return;
      const header = this.buffer.subarray(0, nl).toString('latin1');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(nl + 1);
        this.waiting.shift()!.resolve(null);
        continue;
      }
      const size = Number(header.slice(header.lastIndexOf(' ') + 1));
      if (this.buffer.length < nl + 1 + size + 1) return;
      const body = Buffer.from(this.buffer.subarray(nl + 1, nl + 1 + size));
      this.buffer = this.buffer.subarray(nl + 1 + size + 1);
      this.waiting.shift()!.resolve(body);
    }
    if (this.waiting.length === 0) this.idle();
  }

  /** The blob's bytes, or null when the repository does not have it. */
  read(blob: string): Promise<Buffer | null> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) this.busy();
      this.waiting.push({ resolve, reject });
      this.child.stdin!.write(`${blob}\n`);
    });
  }

  close(): void {
    this.child.stdin!.end();
    if (this.child.exitCode === null) this.child.kill();
  }
}
