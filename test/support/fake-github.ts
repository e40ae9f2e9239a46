import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Issue = Record<string, unknown> & { number: number; updated_at: string; labels: { name: string }[] };

export interface GithubFault {
  /** requests whose method and path match */
  method?: string;
  pathPrefix: string;
  kind: 'primary' | 'secondary' | 'server';
  times: number;
}

/**
 * A loopback server speaking the parts of GitHub's REST API eightball uses, built from recorded
 * issue objects: the issue list (since, sort by update, per_page, Link paging, ETag and 304),
 * one issue, labels added and removed, comments created and edited. Faults answer a primary rate
 * limit (403, X-RateLimit-Remaining 0, Reset), a secondary one (429, Retry-After) or a 502.
 */
export class FakeGithub {
  readonly issues: Issue[];
  readonly requests: { method: string; path: string; auth: string | undefined; ifNoneMatch?: string }[] = [];
  readonly comments: { id: number; issue: number; body: string }[] = [];
  faults: GithubFault[] = [];
  private server: Server | null = null;
  private nextCommentId = 9000;

  constructor(
    readonly fullName: string,
    source: string | Record<string, unknown>[],
  ) {
    const rows =
      typeof source === 'string'
        ? readFileSync(source, 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : source;
    this.issues = rows.map((r) => ({ ...r }) as Issue);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => this.handle(req, res, body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  issue(n: number): Issue | undefined {
    return this.issues.find((i) => i.number === n);
  }

  /** what a person does in the tracker: relabel, bumping updated_at */
  setLabels(n: number, labels: string[], at = new Date().toISOString()): void {
    const i = this.issue(n)!;
    i.labels = labels.map((name) => ({ name }));
    i.updated_at = at;
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): undefined {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): undefined {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const inm = req.headers['if-none-match'] as string | undefined;
    this.requests.push({
      method,
      path: url.pathname + url.search,
      auth: req.headers.authorization,
      ...(inm ? { ifNoneMatch: inm } : {}),
    });
    const fault = this.faults.find(
      (f) => f.times > 0 && url.pathname.startsWith(f.pathPrefix) && (!f.method || f.method === method),
    );
    if (fault) {
      fault.times--;
      if (fault.kind === 'primary')
        return this.send(
          res,
          403,
          { message: 'API rate limit exceeded for user.' },
          {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-limit': '5000',
            'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
          },
        );
      if (fault.kind === 'secondary')
        return this.send(
          res,
          429,
          {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          },
          { 'retry-after': '1' },
        );
      return this.send(res, 502, { message: 'Server Error' });
    }
    const prefix = `/repos/${this.fullName}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return this.send(res, 404, { message: 'Not Found' });
    const rest = url.pathname.slice(prefix.length);
    if (method === 'GET' && rest === '/issues') return this.list(url, res, inm);
    let m = /^\/issues\/(\d+)$/.exec(rest);
    if (m && method === 'GET') {
      const i = this.issue(Number(m[1]));
      return i ? this.send(res, 200, i) : this.send(res, 404, { message: 'Not Found' });
    }
    m = /^\/issues\/(\d+)\/labels$/.exec(rest);
    if (m && method === 'POST') {
      const i = this.issue(Number(m[1]));
      if (!i) return this.send(res, 404, { message: 'Not Found' });
      const add = (JSON.parse(body || '{}') as { labels?: string[] }).labels ?? [];
      for (const name of add) if (!i.labels.some((l) => l.name === name)) i.labels.push({ name });
      i.updated_at = new Date().toISOString();
      return this.send(res, 200, i.labels);
    }
    m = /^\/issues\/(\d+)\/labels\/(.+)$/.exec(rest);
    if (m && method === 'DELETE') {
      const i = this.issue(Number(m[1]));
      const name = decodeURIComponent(m[2]!);
      if (!i?.labels.some((l) => l.name === name))
        return this.send(res, 404, { message: 'Label does not exist' });
      i.labels = i.labels.filter((l) => l.name !== name);
      i.updated_at = new Date().toISOString();
      return this.send(res, 200, i.labels);
    }
    m = /^\/issues\/(\d+)\/comments$/.exec(rest);
    if (m && method === 'POST') {
      const id = this.nextCommentId++;
      const c = {
        id,
        issue: Number(m[1]),
        body: String((JSON.parse(body || '{}') as { body?: unknown }).body ?? ''),
      };
      this.comments.push(c);
      return this.send(res, 201, {
        id,
        body: c.body,
        html_url: `https://github.com/${this.fullName}/issues/${m[1]}#issuecomment-${id}`,
      });
    }
    m = /^\/issues\/comments\/(\d+)$/.exec(rest);
    if (m && method === 'PATCH') {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return this.send(res, 404, { message: 'Not Found' });
      c.body = String((JSON.parse(body || '{}') as { body?: unknown }).body ?? '');
      return this.send(res, 200, { id: c.id, body: c.body });
    }
    return this.send(res, 404, { message: 'Not Found' });
  }

  private list(url: URL, res: ServerResponse, inm: string | undefined): undefined {
    const since = url.searchParams.get('since');
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Number(url.searchParams.get('page') ?? 1);
    const all = this.issues
      .filter((i) => !since || i.updated_at >= since)
      .sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.number - b.number);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const text = JSON.stringify(slice);
    const etag = `W/"${createHash('sha1').update(text).digest('hex')}"`;
    if (inm && inm === etag) {
      res.writeHead(304, { etag });
      res.end();
      return undefined;
    }
    const headers: Record<string, string> = { etag, 'x-ratelimit-remaining': '4999' };
    if (page * perPage < all.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      const host = `http://${(this.server!.address() as AddressInfo).address}:${(this.server!.address() as AddressInfo).port}`;
      headers.link = `<${host}${next.pathname}${next.search}>; rel="next"`;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
    return undefined;
  }
}
