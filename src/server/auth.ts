// Reviewer identity: configured "name:token" pairs (config tokens.reviewers).
// A request names its reviewer with `Authorization: Bearer <token>`; there is no
// anonymous access to the review API, and no cookie (so no CSRF to defend).
// Tokens are compared as SHA-256 digests with timingSafeEqual, against every
// configured token, so the time taken says nothing about which one nearly matched.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CablescanError, ErrorCode } from '../errors.ts';
import { sendError } from './errors.ts';

export interface Reviewer {
  name: string;
}

interface TokenEntry {
  name: string;
  digest: Buffer;
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export interface ReviewerDirectory {
  /** The reviewer a bearer token belongs to, or null. */
  identify(token: string): Reviewer | null;
  readonly size: number;
}

/** Parses "name:token" pairs; the name is everything before the first colon. */
export function reviewerDirectory(pairs: readonly string[]): ReviewerDirectory {
  const entries: TokenEntry[] = pairs.map((pair, i) => {
    const colon = pair.indexOf(':');
    const name = pair.slice(0, colon).trim();
    const token = pair.slice(colon + 1);
    if (colon <= 0 || name === '' || token.length < 8) {
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `tokens.reviewers[${i}] must be "name:token" with a token of 8 characters or more`);
    }
    return { name, digest: digest(token) };
  });
  const seen = new Set<string>();
  for (const e of entries) {
    const key = e.digest.toString('hex');
    if (seen.has(key)) throw new CablescanError(ErrorCode.CONFIG_INVALID, 'two reviewers share a token: each reviewer needs their own');
    seen.add(key);
  }
  return {
    size: entries.length,
    identify(token: string): Reviewer | null {
      const presented = digest(token);
      let found: Reviewer | null = null;
      for (const entry of entries) {
        if (timingSafeEqual(entry.digest, presented) && !found) found = { name: entry.name };
      }
      return found;
    },
  };
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

const reviewers = new WeakMap<FastifyRequest, Reviewer>();

/** A preHandler that refuses requests without a valid reviewer token (401). */
export function requireReviewer(directory: ReviewerDirectory) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    const reviewer = token ? directory.identify(token) : null;
    if (!reviewer) {
      reply.header('www-authenticate', 'Bearer realm="cablescan review"');
      return sendError(reply, 401, 'CS_ERR_UNAUTHORIZED', token ? 'this token is not a reviewer token' : 'a reviewer token is required: Authorization: Bearer <token>');
    }
    reviewers.set(request, reviewer);
  };
}

/** The reviewer requireReviewer identified for this request. */
export function reviewerOf(request: FastifyRequest): Reviewer {
  const reviewer = reviewers.get(request);
  if (!reviewer) throw new CablescanError(ErrorCode.INTERNAL, 'route reached without a reviewer: is requireReviewer installed?');
  return reviewer;
}
