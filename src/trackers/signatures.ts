import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two strings (unequal lengths are unequal, without an early exit on content). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

export function hmacSha256Hex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * `X-Hub-Signature-256: sha256=HEX` (GitHub) or `X-Hub-Signature: sha256=HEX` (Jira): the HMAC of
 * the raw body as it arrived, never of a re-serialised parse.
 */
export function verifyHubSignature(header: string | undefined, secret: string, body: Buffer): boolean {
  if (!header) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  return sameSecret(m[1]!.toLowerCase(), hmacSha256Hex(secret, body));
}

/** `sha256=HEX` for a body: what a tracker would send (for tests and the docs' curl examples). */
export function hubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${hmacSha256Hex(secret, Buffer.isBuffer(body) ? body : Buffer.from(body))}`;
}
