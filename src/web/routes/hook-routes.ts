import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isEightballError } from '../../domain/index.ts';
import { sourceSecrets } from '../../store/index.ts';
import { takeDelivery } from '../../trackers/hook-intake.ts';
import {
  type HookEvent,
  type Ignored,
  PayloadError,
  parseBugzillaHook,
  parseGithubHook,
  parseJiraHook,
} from '../../trackers/hook-payloads.ts';
import { sameSecret, verifyHubSignature } from '../../trackers/signatures.ts';
import { apiError } from '../auth.ts';

export interface HookSecrets {
  github?: string | undefined;
  jira?: string | undefined;
  bugzilla?: string | undefined;
}

/** GitHub caps a delivery at 25 MB; an issue event is a few kB: a megabyte is generous. */
export const HOOK_BODY_LIMIT = 1024 * 1024;

const ENV = {
  github: 'EIGHTBALL_GITHUB_WEBHOOK_SECRET',
  jira: 'EIGHTBALL_JIRA_WEBHOOK_SECRET',
  bugzilla: 'EIGHTBALL_BUGZILLA_WEBHOOK_SECRET',
} as const;

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The JSON of a delivery: `application/json`, or GitHub's form encoding (`payload=...`). */
function parseBody(req: FastifyRequest, raw: Buffer): unknown {
  const type = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') text = new URLSearchParams(text).get('payload') ?? '';
  else if (type !== 'application/json' && type !== '')
    throw new PayloadError('content-type', `content-type: "${type}" is not application/json`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PayloadError('body', `body: not JSON (${(e as Error).message})`);
  }
}

function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (v && typeof v === 'object')
    return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x));
  return false;
}

/**
 * `POST /hooks/github`, `/hooks/bugzilla`, `/hooks/jira`: a tracker tells eightball a report was
 * filed or changed. The body is kept raw (the signature is over the bytes as sent), verified in
 * constant time, parsed, and handed to the intake, which stores the report and queues its triage
 * as a job: the answer comes at once. Wrong or missing signature: 401, nothing stored.
 */
export async function hookRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );

  async function handle(
    req: FastifyRequest,
    reply: FastifyReply,
    tracker: keyof HookSecrets,
    verify: (secret: string, raw: Buffer) => boolean,
    parse: (body: unknown) => HookEvent | Ignored,
    deliveryId: (raw: Buffer) => string,
    eventName: string,
  ) {
    // each data source of this tracker may have its own secret (the admin page); the variable's
    // serves when one is enough. Every one is tried, in constant time each
    const env = app.services.hookSecrets?.[tracker];
    const secrets = [...(await sourceSecrets(app.services.store.db, tracker)), ...(env ? [env] : [])];
    if (secrets.length === 0)
      return apiError(
        reply,
        503,
        'unavailable',
        `webhooks from ${tracker} are off: give a ${tracker} data source a webhook secret on the admin page, or set ${ENV[tracker]} on the server`,
      );
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!secrets.map((x) => verify(x, raw)).includes(true))
      return apiError(reply, 401, 'unauthorized', 'the delivery is not signed with the secret');
    if (!app.services.queue)
      return apiError(reply, 503, 'unavailable', 'no job queue: the delivery cannot be triaged');
    try {
      const body = parseBody(req, raw);
      if (hasNul(body)) throw new PayloadError('body', 'body: a NUL character is not allowed');
      const parsed = parse(body);
      const q = req.query as Record<string, unknown>;
      const r = await takeDelivery(app.services.store, app.services.queue, {
        deliveryId: deliveryId(raw),
        parsed,
        eventName,
        sourceHint: typeof q.source === 'string' ? q.source : undefined,
      });
      return reply.code(r.status === 'queued' ? 202 : 200).send(r);
    } catch (e) {
      if (e instanceof PayloadError) return apiError(reply, 400, 'bad-request', e.message, e.field);
      if (isEightballError(e) && e.code !== 'database' && e.code !== 'io')
        return apiError(reply, e.code === 'not-found' ? 404 : 422, e.code, e.message, e.field);
      throw e;
    }
  }

  const bodyHash = (raw: Buffer) => `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const opts = { bodyLimit: HOOK_BODY_LIMIT, config: { rateLimit: false } };

  app.post('/github', opts, async (req, reply) => {
    const event = header(req, 'x-github-event') ?? '';
    const delivery = header(req, 'x-github-delivery');
    return handle(
      req,
      reply,
      'github',
      (secret, raw) => verifyHubSignature(header(req, 'x-hub-signature-256'), secret, raw),
      (body) => parseGithubHook(event, body),
      (raw) => (delivery && /^[\w-]{1,100}$/.test(delivery) ? delivery : bodyHash(raw)),
      event,
    );
  });

  app.post('/jira', opts, async (req, reply) => {
    const delivery = header(req, 'x-atlassian-webhook-identifier');
    return handle(
      req,
      reply,
      'jira',
      (secret, raw) => verifyHubSignature(header(req, 'x-hub-signature'), secret, raw),
      parseJiraHook,
      (raw) => (delivery && /^[\w:.-]{1,200}$/.test(delivery) ? delivery : bodyHash(raw)),
      'jira',
    );
  });

  // bugzilla.mozilla.org's webhooks send the secret the admin set as an API-key header; they carry
  // no delivery id, so a replay is recognised by its bytes
  app.post('/bugzilla', opts, async (req, reply) =>
    handle(
      req,
      reply,
      'bugzilla',
      (secret) => {
        const given =
          header(req, 'x-api-key') ?? /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
        return given !== undefined && sameSecret(given.trim(), secret);
      },
      parseBugzillaHook,
      bodyHash,
      'bugzilla',
    ),
  );
}
