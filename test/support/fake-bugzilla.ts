import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  /** requests whose path starts with this */
  pathPrefix: string;
  status: number;
  /** how many matching requests fail before the rest succeed */
  times: number;
  retryAfter?: string;
}

type Bug = Record<string, unknown> & { id: number; last_change_time: string };

/**
 * A real HTTP server on loopback that speaks the parts of Bugzilla's REST API eightball uses,
 * built from recorded bug objects: /rest/bug (search with paging), /rest/bug/ID/comment and
 * /rest/bug/ID/history. Faults make chosen requests answer 500 or 429 first.
 */
export class FakeBugzilla {
  readonly bugs: Bug[];
  readonly requests: string[] = [];
  readonly apiKeys: (string | undefined)[] = [];
  /** every write: method, path and JSON body */
  readonly writes: { method: string; path: string; body: Record<string, unknown> }[] = [];
  readonly postedComments: { id: number; bug: number; text: string }[] = [];
  private nextCommentId = 70_000;
  faults: Fault[] = [];
  private server: Server | null = null;

  constructor(
    jsonl: string | Record<string, unknown>[],
    filter: (b: Record<string, unknown>) => boolean = () => true,
  ) {
    const rows =
      typeof jsonl === 'string'
        ? readFileSync(jsonl, 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as Bug)
        : jsonl.map((b) => ({ ...b }) as Bug);
    this.bugs = rows.filter(filter);
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
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): undefined {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
    return undefined;
  }

  /** a person's edit in the tracker, as Bugzilla records it */
  personSets(id: number, field: 'product' | 'component', value: string): void {
    const bug = this.bugs.find((b) => b.id === id)!;
    bug[field] = value;
    bug.last_change_time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  }

  private write(req: IncomingMessage, res: ServerResponse, url: URL, body: string): undefined {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body || '{}') as Record<string, unknown>;
    } catch {
      return this.send(res, 400, { error: true, message: 'bad JSON' });
    }
    if (!req.headers['x-bugzilla-api-key'])
      return this.send(res, 401, {
        error: true,
        code: 410,
        message: 'You must log in before using this part of Bugzilla.',
      });
    this.writes.push({ method: req.method ?? '', path: url.pathname, body: json });
    let m = /^\/rest\/bug\/(\d+)\/comment$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      const id = this.nextCommentId++;
      this.postedComments.push({ id, bug: Number(m[1]), text: String(json.comment ?? '') });
      return this.send(res, 201, { id });
    }
    m = /^\/rest\/bug\/comment\/(\d+)$/.exec(url.pathname);
    if (m && req.method === 'PUT') {
      const c = this.postedComments.find((x) => x.id === Number(m![1]));
      if (!c) return this.send(res, 404, { error: true, message: 'no such comment' });
      c.text = String(json.comment ?? '');
      return this.send(res, 200, { comments: [{ id: c.id }] });
    }
    m = /^\/rest\/bug\/(\d+)$/.exec(url.pathname);
    if (m && req.method === 'PUT') {
      const bug = this.bugs.find((b) => b.id === Number(m![1]));
      if (!bug) return this.send(res, 404, { error: true, code: 101, message: 'Bug does not exist.' });
      const changes: Record<string, { added: string; removed: string }> = {};
      for (const f of ['product', 'component'] as const) {
        if (typeof json[f] === 'string' && json[f] !== bug[f]) {
          changes[f] = { removed: String(bug[f]), added: String(json[f]) };
          bug[f] = json[f];
        }
      }
      const kw = json.keywords as { add?: string[]; remove?: string[] } | undefined;
      if (kw) {
        const now = new Set((bug.keywords as string[] | undefined) ?? []);
        for (const k of kw.add ?? []) now.add(k);
        for (const k of kw.remove ?? []) now.delete(k);
        bug.keywords = [...now];
      }
      bug.last_change_time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      return this.send(res, 200, { bugs: [{ id: bug.id, changes }] });
    }
    return this.send(res, 404, { error: true, message: `no route ${req.method} ${url.pathname}` });
  }

  private handle(req: IncomingMessage, res: ServerResponse, body = ''): undefined {
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.requests.push(url.pathname + url.search);
    this.apiKeys.push(req.headers['x-bugzilla-api-key'] as string | undefined);
    const fault = this.faults.find((f) => f.times > 0 && url.pathname.startsWith(f.pathPrefix));
    if (fault) {
      fault.times--;
      const headers: Record<string, string> = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
      return this.send(
        res,
        fault.status,
        { error: true, message: 'injected fault', code: fault.status },
        headers,
      );
    }
    if (req.method === 'PUT' || req.method === 'POST') return this.write(req, res, url, body);
    const one = /^\/rest\/bug\/(\d+)$/.exec(url.pathname);
    if (one) {
      const bug = this.bugs.find((b) => b.id === Number(one[1]));
      if (!bug)
        return this.send(res, 404, { error: true, code: 101, message: `Bug #${one[1]} does not exist.` });
      const { comments: _c, history: _h, ...rest } = bug;
      return this.send(res, 200, { bugs: [rest] });
    }
    const m = /^\/rest\/bug\/(\d+)\/(comment|history)$/.exec(url.pathname);
    if (m) {
      const bug = this.bugs.find((b) => b.id === Number(m[1]));
      if (!bug)
        return this.send(res, 404, { error: true, code: 101, message: `Bug #${m[1]} does not exist.` });
      if (m[2] === 'comment') {
        const comments = ((bug.comments as Record<string, unknown>[]) ?? []).map((c, i) => ({
          ...c,
          count: i,
        }));
        return this.send(res, 200, { bugs: { [bug.id]: { comments } }, comments: {} });
      }
      return this.send(res, 200, { bugs: [{ id: bug.id, alias: null, history: bug.history ?? [] }] });
    }
    if (url.pathname === '/rest/bug') {
      const products = url.searchParams.getAll('product');
      const components = url.searchParams.getAll('component');
      const since = url.searchParams.get('last_change_time');
      const limit = Number(url.searchParams.get('limit') ?? 10000);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const matching = this.bugs
        .filter((b) => products.length === 0 || products.includes(String(b.product)))
        .filter((b) => components.length === 0 || components.includes(String(b.component)))
        .filter((b) => !since || b.last_change_time >= since)
        .sort((a, b) => a.last_change_time.localeCompare(b.last_change_time) || a.id - b.id)
        .slice(offset, offset + limit)
        .map(({ comments: _c, history: _h, ...rest }) => rest);
      return this.send(res, 200, { bugs: matching, faults: [] });
    }
    return this.send(res, 404, { error: true, message: `no route ${url.pathname}` });
  }
}
