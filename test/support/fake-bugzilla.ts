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
  faults: Fault[] = [];
  private server: Server | null = null;

  constructor(jsonlPath: string, filter: (b: Record<string, unknown>) => boolean = () => true) {
    this.bugs = readFileSync(jsonlPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Bug)
      .filter(filter);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
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

  private handle(req: IncomingMessage, res: ServerResponse): undefined {
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
