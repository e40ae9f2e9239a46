import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Role } from '../store/index.ts';
import { hasRole } from '../triage/index.ts';
import type { PageUser } from './layout.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: PageUser | null;
    /** how the user was recognised: a session cookie (pages) or a Bearer token (API) */
    authVia: 'session' | 'token' | null;
  }
  interface Session {
    userId?: number;
    flash?: { kind: 'ok' | 'error'; text: string };
  }
}

/** The JSON API and the trackers' webhooks: machines, which get JSON errors and no login page. */
export function isApi(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.url.startsWith('/hooks/');
}

/** The JSON error body every API refusal uses. */
export function apiError(reply: FastifyReply, status: number, code: string, message: string, field?: string) {
  return reply.code(status).send({ error: { code, message, ...(field ? { field } : {}) } });
}

/**
 * Refuse unless a user with at least `role` is recognised: 401 with nobody, 403 with a lower role.
 * A user who must change a one-time password may do nothing else first.
 */
export function requireRole(role: Role): onRequestHookHandler {
  return async function guard(req, reply) {
    const user = req.user;
    if (!user) {
      if (isApi(req)) return apiError(reply, 401, 'unauthorized', 'a Bearer API token is required');
      reply.code(401);
      return reply.loginPage();
    }
    if (!hasRole(user, role)) {
      if (isApi(req)) return apiError(reply, 403, 'forbidden', `needs the ${role} role`);
      return reply
        .code(403)
        .message('Forbidden', `This page needs the ${role} role; you are a ${user.role}.`);
    }
    if (user.mustChangePassword && req.authVia === 'session') {
      return reply.redirect('/account/password', 303);
    }
  };
}
