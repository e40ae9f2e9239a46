import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import { deleteSession, getSession, putSession, type Store } from '../store/index.ts';

/**
 * Sessions live in eightball's database, so any number of servers behind a load balancer share
 * them and a restart logs nobody out.
 */
export function databaseSessionStore(
  store: Store,
  maxAgeMs: number,
  onCallbackError: (e: unknown) => void = () => undefined,
): SessionStore {
  // The callbacks carry on the response (the session is saved in onSend): an error thrown there
  // must not become an unhandled rejection of the store's promise, which ends the process.
  // biome-ignore lint/suspicious/noExplicitAny: the store's three callback shapes
  const call = (cb: (...args: any[]) => void, ...args: unknown[]) => {
    try {
      cb(...args);
    } catch (e) {
      onCallbackError(e);
    }
  };
  return {
    set(sid, session, cb) {
      const expires = session.cookie.expires
        ? new Date(session.cookie.expires)
        : new Date(Date.now() + maxAgeMs);
      putSession(store.db, sid, {
        data: JSON.stringify(session),
        expiresAt: expires.toISOString(),
        userId: typeof session.userId === 'number' ? session.userId : null,
      }).then(
        () => call(cb),
        (e) => call(cb, e),
      );
    },
    get(sid, cb) {
      getSession(store.db, sid, new Date().toISOString()).then(
        (data) => {
          if (data === undefined) return call(cb, null, null);
          let s: Session;
          try {
            s = JSON.parse(data) as Session;
          } catch {
            return call(cb, null, null); // a damaged row is no session
          }
          if (s.cookie?.expires) s.cookie.expires = new Date(s.cookie.expires);
          call(cb, null, s);
        },
        (e) => call(cb, e),
      );
    },
    destroy(sid, cb) {
      deleteSession(store.db, sid).then(
        () => call(cb),
        (e) => call(cb, e),
      );
    },
  };
}
