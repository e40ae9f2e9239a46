import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A browser stand-in over `inject`: keeps cookies and reads the CSRF token off the last page. */
export class WebClient {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  private remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies) this.cookies.set(c.name, c.value);
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
    return res;
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size > 0 ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({ method: 'GET', url, headers: { ...this.cookieHeader(), ...headers } }),
    );
  }

  /** A form post; `_csrf` is the page's token unless the caller gives one (or null for none). */
  async post(
    url: string,
    form: Record<string, string>,
    csrf: string | null = this.csrf,
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams({ ...(csrf !== null ? { _csrf: csrf } : {}), ...form }).toString();
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      }),
    );
  }

  /** A form post with repeated fields (checkboxes); `_csrf` is the page's token. */
  async postEntries(url: string, entries: [string, string][]): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams([['_csrf', this.csrf], ...entries]).toString();
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      }),
    );
  }

  async postJson(
    url: string,
    json: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { ...this.cookieHeader(), 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(json),
      }),
    );
  }

  async login(username: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/login');
    return this.post('/login', { username, password, next: '/' });
  }
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
