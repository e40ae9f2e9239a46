import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Jira issue in the REST shape: `{key, self, fields: {...}}`. */
export type JiraIssue = { key: string; self: string; fields: Record<string, unknown> };

/**
 * A loopback server speaking the parts of Jira's REST API eightball uses, from a research dump's
 * flattened issues: search by JQL (`project = "X"`, `updated >= "yyyy-MM-dd HH:mm"`, ordered by
 * update) both ways (Data Center's startAt, Cloud's nextPageToken), one issue, and PUT of
 * components and labels. `rateLimited` answers that many requests 429 with Retry-After first.
 */
export class FakeJira {
  readonly issues: JiraIssue[];
  readonly requests: { method: string; path: string; auth: string | undefined; body?: unknown }[] = [];
  rateLimited = 0;
  private server: Server | null = null;
  private base = '';

  constructor(jsonlPath: string, limit = 250) {
    const rows = readFileSync(jsonlPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, limit)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    this.issues = rows.map((r) => {
      const { key, ...f } = r;
      const components = (Array.isArray(f.components) ? f.components : []).map((name) => ({ name }));
      return {
        key: String(key),
        self: '',
        fields: {
          ...f,
          project: { key: f.project },
          issuetype: { name: f.issuetype },
          priority: f.priority ? { name: f.priority } : null,
          status: f.status ? { name: f.status } : null,
          resolution: f.resolution ? { name: f.resolution } : null,
          components,
          versions: (Array.isArray(f.versions) ? f.versions : []).map((name) => ({ name })),
          updated: f.resolutiondate ?? f.created,
        },
      };
    });
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
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jira`;
    for (const i of this.issues) i.self = `${this.base}/rest/api/2/issue/${i.key}`;
    return this.base;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  issue(key: string): JiraIssue | undefined {
    return this.issues.find((i) => i.key === key);
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): undefined {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): undefined {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      return this.send(res, 400, { errorMessages: ['bad JSON'] });
    }
    this.requests.push({
      method,
      path: url.pathname + url.search,
      auth: req.headers.authorization,
      body: parsed,
    });
    if (this.rateLimited > 0) {
      this.rateLimited--;
      return this.send(res, 429, { errorMessages: ['Rate limit exceeded.'] }, { 'retry-after': '0' });
    }
    const path = url.pathname.replace(/^\/jira/, '');
    if (method === 'GET' && (path === '/rest/api/2/search' || path === '/rest/api/2/search/jql'))
      return this.search(url, res, path.endsWith('/jql'));
    const m = /^\/rest\/api\/2\/issue\/([A-Z][A-Z0-9_]*-\d+)$/.exec(path);
    if (m) {
      const issue = this.issue(m[1]!);
      if (!issue) return this.send(res, 404, { errorMessages: ['Issue does not exist'] });
      if (method === 'GET') return this.send(res, 200, issue);
      if (method === 'PUT') {
        const fields = ((parsed ?? {}) as { fields?: Record<string, unknown> }).fields ?? {};
        for (const [k, v] of Object.entries(fields)) issue.fields[k] = v;
        issue.fields.updated = new Date().toISOString();
        res.writeHead(204);
        res.end();
        return undefined;
      }
    }
    return this.send(res, 404, { errorMessages: ['not found'] });
  }

  private search(url: URL, res: ServerResponse, cloud: boolean): undefined {
    const jql = url.searchParams.get('jql') ?? '';
    const project = /project = "([^"]+)"/.exec(jql)?.[1];
    const since = /updated >= "(\d{4}-\d\d-\d\d \d\d:\d\d)"/.exec(jql)?.[1];
    const sinceIso = since ? `${since.replace(' ', 'T')}:00.000Z` : null;
    const all = this.issues
      .filter((i) => !project || (i.fields.project as { key: string }).key === project)
      .filter((i) => !sinceIso || Date.parse(String(i.fields.updated)) >= Date.parse(sinceIso))
      .sort(
        (a, b) =>
          Date.parse(String(a.fields.updated)) - Date.parse(String(b.fields.updated)) ||
          a.key.localeCompare(b.key),
      );
    const max = Number(url.searchParams.get('maxResults') ?? 50);
    const start = cloud
      ? Number(url.searchParams.get('nextPageToken') ?? 0)
      : Number(url.searchParams.get('startAt') ?? 0);
    const page = all.slice(start, start + max);
    if (cloud) {
      const more = start + max < all.length;
      return this.send(res, 200, {
        issues: page,
        isLast: !more,
        ...(more ? { nextPageToken: String(start + max) } : {}),
      });
    }
    return this.send(res, 200, { startAt: start, maxResults: max, total: all.length, issues: page });
  }
}
