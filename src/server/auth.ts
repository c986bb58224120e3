// Who may do what. Tokens are configured (config tokens.*): reviewers and readers
// as "name:token" pairs, one operator token. A request names itself with
// `Authorization: Bearer <token>`, or (the queue boards in a browser) with a
// session cookie minted at sign-in (src/server/access.ts). Tokens are compared as
// SHA-256 digests with timingSafeEqual, against every configured token, so the
// time taken says nothing about which one nearly matched.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CablescanError, ErrorCode } from '../errors.ts';

/**
 * reader: read-only monitoring (queue board, batches, metrics). reviewer: the review API, and
 * what a reader sees. operator: the writable queue board, and what a reader sees.
 */
export type Role = 'reader' | 'reviewer' | 'operator';

export interface Principal {
  role: Role;
  name: string;
}

interface TokenEntry extends Principal {
  digest: Buffer;
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

function parsePairs(pairs: readonly string[], key: string, role: Role): TokenEntry[] {
  return pairs.map((pair, i) => {
    const colon = pair.indexOf(':');
    const name = pair.slice(0, colon).trim();
    const token = pair.slice(colon + 1);
    if (colon <= 0 || name === '' || token.length < 8) {
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `${key}[${i}] must be "name:token" with a token of 8 characters or more`);
    }
    return { role, name, digest: digest(token) };
  });
}

function refuseShared(entries: readonly TokenEntry[]): void {
  const seen = new Set<string>();
  for (const e of entries) {
    const key = e.digest.toString('hex');
    if (seen.has(key))
      throw new CablescanError(ErrorCode.CONFIG_INVALID, 'two people or roles share a token: each reviewer, reader and the operator needs their own');
    seen.add(key);
  }
}

/** Every entry is compared, whatever matched first: constant time in the number of tokens. */
function lookup(entries: readonly TokenEntry[], token: string): Principal | null {
  const presented = digest(token);
  let found: Principal | null = null;
  for (const entry of entries) {
    if (timingSafeEqual(entry.digest, presented) && !found) found = { role: entry.role, name: entry.name };
  }
  return found;
}

export interface TokenDirectory {
  /** Who a token belongs to (any role), or null. */
  identify(token: string): Principal | null;
  /** How many tokens of each role are configured. */
  readonly counts: Readonly<Record<Role, number>>;
}

/**
 * All configured tokens: reviewers, readers and the operator. Pairs are "name:token", the name
 * everything before the first colon. A token shared by two is a config error.
 */
export function tokenDirectory(tokens: { reviewers: readonly string[]; readers?: readonly string[]; operator?: string }): TokenDirectory {
  const entries = [
    ...parsePairs(tokens.reviewers, 'tokens.reviewers', 'reviewer'),
    ...parsePairs(tokens.readers ?? [], 'tokens.readers', 'reader'),
    ...(tokens.operator ? [{ role: 'operator' as const, name: 'operator', digest: digest(tokens.operator) }] : []),
  ];
  refuseShared(entries);
  const count = (role: Role) => entries.filter((e) => e.role === role).length;
  return { identify: (token) => lookup(entries, token), counts: { reader: count('reader'), reviewer: count('reviewer'), operator: count('operator') } };
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}
