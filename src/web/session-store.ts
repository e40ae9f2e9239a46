import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import { deleteSession, getSession, putSession, type Store } from '../store/index.ts';

/**
 * Sessions live in eightball's database, so any number of servers behind a load balancer share
 * them and a restart logs nobody out.
 */
export function databaseSessionStore(store: Store, maxAgeMs: number): SessionStore {
  return {
    set(sid, session, cb) {
      const expires = session.cookie.expires
        ? new Date(session.cookie.expires)
        : new Date(Date.now() + maxAgeMs);
      putSession(store.db, sid, { data: JSON.stringify(session), expiresAt: expires.toISOString() }).then(
        () => cb(),
        cb,
      );
    },
    get(sid, cb) {
      getSession(store.db, sid, new Date().toISOString()).then((data) => {
        if (data === undefined) return cb(null, null);
        const s = JSON.parse(data) as Session;
        if (s.cookie?.expires) s.cookie.expires = new Date(s.cookie.expires);
        cb(null, s);
      }, cb);
    },
    destroy(sid, cb) {
      deleteSession(store.db, sid).then(() => cb(), cb);
    },
  };
}
