import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { ERROR_CODES, type ErrorCode, isEightballError } from '../domain/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { TrackerSecrets } from '../jobs/source-kinds/index.ts';
import { deleteExpiredSessions, ensureSetting, findUserById, type Store } from '../store/index.ts';
import type { Predictor } from '../triage/index.ts';
import { apiError, isApi } from './auth.ts';
import { html, type SafeHtml } from './html.ts';
import { type Flash, layout, type PageContext } from './layout.ts';
import { adminRoutes } from './routes/admin.ts';
import { apiRoutes } from './routes/api.ts';
import { authRoutes, loginForm } from './routes/auth-pages.ts';
import { docsRoutes } from './routes/docs.ts';
import { type HookSecrets, hookRoutes } from './routes/hook-routes.ts';
import { jobRoutes } from './routes/job-pages.ts';
import { modelRoutes } from './routes/model-pages.ts';
import { queueRoutes } from './routes/queue-pages.ts';
import { reportRoutes } from './routes/report-pages.ts';
import { taskPageRoutes } from './routes/task-pages.ts';
import { watchRoutes } from './routes/watch-pages.ts';
import { writebackRoutes } from './routes/writeback-pages.ts';
import { databaseSessionStore } from './session-store.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface WebServices {
  store: Store;
  predictor: Predictor;
  /** background jobs (batches, training); without one, those routes answer 503 */
  queue?: JobQueue | undefined;
  /** whether watchers' e-mail can be sent (EIGHTBALL_SMTP_URL); the watch page says when not */
  emailEnabled?: boolean | undefined;
  /** the secrets webhook deliveries prove themselves with; a tracker without one gets 503 */
  hookSecrets?: HookSecrets | undefined;
  /** the trackers' tokens, for undoing an action from the write-back page */
  trackerSecrets?: TrackerSecrets | undefined;
}

export interface AppOptions extends WebServices {
  /** requests per minute per client on classify and suggest */
  classifyRateLimit?: number;
  /** login attempts per minute per client */
  loginRateLimit?: number;
  logger?: FastifyServerOptions['logger'];
  /** counts rate limits in Redis, shared by every server; without it each process counts alone */
  rateLimitRedis?: Redis | undefined;
  /** the Redis key prefix of the counters (several installations may share a Redis) */
  rateLimitNamespace?: string;
  /** Secure cookies (behind HTTPS); by default only when the request came over HTTPS */
  secureCookies?: boolean | 'auto';
  /**
   * behind a reverse proxy: believe its X-Forwarded-Proto/-For (true, a hop count, or the proxies'
   * addresses), so a request that reached the proxy over https gets Secure cookies
   */
  trustProxy?: boolean | string;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: WebServices;
  }
  interface FastifyReply {
    /** a whole page in the layout, for the current user */
    page(title: string, body: SafeHtml, flash?: Flash, opts?: { refreshSeconds?: number }): FastifyReply;
    /** a page with one heading and one paragraph */
    message(title: string, text: string): FastifyReply;
    /** the login form (the status is the caller's: 200, or 401 for a page that needs a login) */
    loginPage(error?: string): FastifyReply;
  }
}

export const BODY_LIMIT = 512 * 1024;
const SESSION_MAX_AGE_MS = 8 * 3600 * 1000;

/**
 * The web app: pages, the JSON API under /api/v1, and /healthz. Services arrive as arguments, so a
 * test builds it over an in-memory store and calls `inject`.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: BODY_LIMIT,
    trustProxy: trustProxySetting(opts.trustProxy),
  });
  // bodies are JSON or forms and must have the right types as sent (no "42" for 42 or back);
  // path and query parts are text by nature, so those are coerced to the schema's types
  const strictAjv = new Ajv({
    removeAdditional: false,
    coerceTypes: false,
    useDefaults: true,
    allErrors: false,
  });
  const coercingAjv = new Ajv({
    removeAdditional: false,
    coerceTypes: 'array',
    useDefaults: true,
    allErrors: false,
  });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema),
  );
  app.decorate('services', {
    store: opts.store,
    predictor: opts.predictor,
    queue: opts.queue,
    emailEnabled: opts.emailEnabled,
    hookSecrets: opts.hookSecrets,
    trackerSecrets: opts.trackerSecrets,
  });
  app.decorateRequest('user', null);
  app.decorateRequest('authVia', null);

  // helmet's middleware made once: @fastify/helmet built it anew on every request (its options
  // parsed each time: about 3% of what a served classify allocated)
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  app.addHook('onRequest', (req, reply, done) => {
    securityHeaders(req.raw, reply.raw, () => done());
  });
  await app.register(fastifyRateLimit, {
    global: false,
    // a Redis outage must not take the API down with it: requests then go unlimited
    ...(opts.rateLimitRedis
      ? {
          redis: opts.rateLimitRedis,
          skipOnError: true,
          nameSpace: opts.rateLimitNamespace ?? 'eightball-rate:',
        }
      : {}),
  });
  await app.register(fastifyFormbody, { bodyLimit: BODY_LIMIT });
  await app.register(fastifyCookie);
  const secret = await ensureSetting(opts.store.db, 'session.secret', randomBytes(32).toString('base64url'));
  await app.register(fastifySession, {
    secret,
    cookieName: 'eightball.sid',
    saveUninitialized: false,
    rolling: false,
    store: databaseSessionStore(opts.store, SESSION_MAX_AGE_MS, (e) =>
      app.log.error({ err: e }, 'a response failed after the session was saved'),
    ),
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secureCookies ?? 'auto',
      maxAge: SESSION_MAX_AGE_MS,
      path: '/',
    },
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  await app.register(fastifyStatic, { root: join(here, 'public'), prefix: '/static/', index: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'eightball API',
        version: '1',
        description: 'Bug triage: classify reports, store them, give feedback, manage model versions.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token (eb_...)' } },
      },
      security: [{ bearer: [] }],
    },
    hideUntagged: true,
  });

  // who is asking: a session user for pages (API routes read their own Bearer token). At
  // onRequest, so a refusal (401/403) comes before the body is read or validated
  app.addHook('onRequest', async (req) => {
    if (isApi(req) || req.url.startsWith('/static/') || req.url === '/healthz') return;
    const id = req.session.get('userId');
    if (id === undefined) return;
    const u = await findUserById(opts.store.db, id);
    if (!u || u.disabled === 1) {
      req.session.set('userId', undefined);
      return;
    }
    req.user = {
      id: Number(u.id),
      username: u.username,
      role: u.role,
      mustChangePassword: u.must_change_password === 1,
    };
    req.authVia = 'session';
  });

  // one input layer for what no field may hold: a NUL byte (PostgreSQL text refuses it)
  app.addHook('preValidation', async (req, reply) => {
    const bad =
      nulField({ ...(req.params as object), ...(req.query as object) }) ??
      // a webhook's raw body is checked after its signature, once parsed
      (Buffer.isBuffer(req.body) ? null : nulField(req.body));
    if (bad !== null) {
      const message = `${bad || 'body'}: a NUL character is not allowed`;
      if (isApi(req) || req.headers.accept?.includes('application/json'))
        return apiError(reply, 400, 'bad-request', message, bad || undefined);
      reply.code(400);
      return reply.message('Something went wrong', message);
    }
  });

  // pages and answers are per user and may hold one-time secrets: no cache keeps them
  app.addHook('onSend', async (req, reply) => {
    if (!req.url.startsWith('/static/')) reply.header('cache-control', 'no-store');
  });

  app.decorateReply(
    'page',
    function page(title: string, body: SafeHtml, flash?: Flash, opts?: { refreshSeconds?: number }) {
      const req = this.request;
      const stored = req.session?.get('flash');
      if (stored) req.session.set('flash', undefined);
      const ctx: PageContext = { user: req.user, csrf: this.generateCsrf(), path: req.url.split('?')[0]! };
      return this.type('text/html; charset=utf-8').send(layout(ctx, title, body, flash ?? stored, opts));
    },
  );
  app.decorateReply('message', function message(title: string, text: string) {
    return this.page(title, html`<h1>${title}</h1><p>${text}</p>`);
  });
  app.decorateReply('loginPage', function loginPage(error?: string) {
    const next = this.request.url.startsWith('/login') ? '/' : this.request.url;
    return this.page(
      'Log in',
      loginForm(this.generateCsrf(), next),
      error ? { kind: 'error', text: error } : undefined,
    );
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status =
      err.statusCode && err.statusCode >= 400 && err.statusCode < 600
        ? err.statusCode
        : isEightballError(err)
          ? codeStatus(err.code)
          : 500;
    if (status >= 500 && !(isEightballError(err) && err.code === 'unavailable')) req.log.error(err);
    const validation = err.validation?.[0];
    // the failing field as a dotted path: `summary`, `reports.3.summary`
    const params = (validation?.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
    const field = validation
      ? [
          ...validation.instancePath.split('/').filter(Boolean),
          ...[params.missingProperty ?? params.additionalProperty].filter((x): x is string => !!x),
        ].join('.') || undefined
      : isEightballError(err)
        ? err.field
        : undefined;
    const code =
      err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET'
        ? 'csrf'
        : status === 413
          ? 'too-large'
          : status === 429
            ? 'rate-limited'
            : validation || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || status === 400
              ? 'bad-request'
              : isEightballError(err)
                ? err.code
                : status >= 500
                  ? 'internal'
                  : 'error';
    // an outage is worth saying (it passes); a bug's details are not for the caller
    const unavailable = isEightballError(err) && err.code === 'unavailable';
    const message = status >= 500 && !unavailable ? 'internal error' : err.message;
    if (isApi(req) || req.headers.accept?.includes('application/json')) {
      return apiError(reply, status, code, message, field);
    }
    reply.code(status);
    return reply.message(
      status === 403 ? 'Forbidden' : status === 413 ? 'Too large' : 'Something went wrong',
      message,
    );
  });

  app.setNotFoundHandler((req, reply) => {
    if (isApi(req))
      return apiError(reply, 404, 'not-found', `no route ${req.method} ${req.url.split('?')[0]}`);
    reply.code(404);
    return reply.message('Not found', `There is no page at ${req.url.split('?')[0]}.`);
  });

  // browsers ask for it on every page; there is none, and a 404 would litter their consoles
  app.get('/favicon.ico', { logLevel: 'warn' }, async (_req, reply) => reply.code(204).send());

  app.get('/healthz', { logLevel: 'warn' }, async (_req, reply) => {
    try {
      await opts.store.db.selectFrom('settings').select('key').limit(1).execute();
      const queueDown = (await opts.queue?.health?.()) ?? null;
      if (queueDown) return reply.code(503).send({ status: 'unavailable', error: queueDown });
      // how far the similar-reports index has filled (it fills while the server answers)
      const similar = opts.predictor.similarStatus();
      return { status: 'ok', ...(similar ? { similar } : {}) };
    } catch (e) {
      return reply.code(503).send({ status: 'unavailable', error: (e as Error).message });
    }
  });

  const limits = { classify: opts.classifyRateLimit ?? 1200, login: opts.loginRateLimit ?? 10 };
  await app.register(authRoutes, { loginRateLimit: limits.login });
  await app.register(reportRoutes, { classifyRateLimit: limits.classify });
  await app.register(modelRoutes);
  await app.register(adminRoutes);
  await app.register(taskPageRoutes);
  await app.register(docsRoutes);
  await app.register(jobRoutes);
  await app.register(watchRoutes);
  await app.register(queueRoutes);
  await app.register(writebackRoutes);
  await app.register(hookRoutes, { prefix: '/hooks' });
  await app.register(apiRoutes, { prefix: '/api/v1', classifyRateLimit: limits.classify });

  // sessions that expired are dead weight: sweep them now and then
  const sweep = setInterval(
    () => void deleteExpiredSessions(opts.store.db, new Date().toISOString()).catch(() => undefined),
    3600_000,
  );
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));
  return app;
}

/** A hop count ("2") trusts that many proxies nearest the server; other strings are their addresses. */
function trustProxySetting(
  v: boolean | string | undefined,
): boolean | string | ((addr: string, hop: number) => boolean) {
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) {
    const hops = Number(v.trim());
    return (_addr, hop) => hop < hops;
  }
  return v ?? false;
}

/** The dotted path of the first string holding a NUL, '' for the value itself, or null. */
function nulField(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return path;
        stack.push([x, path ? `${path}.${k}` : k]);
      }
    }
  }
  return null;
}

function codeStatus(code: ErrorCode): number {
  return ERROR_CODES[code]?.http ?? 500;
}
