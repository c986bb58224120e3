// The /api with the reviewer's bearer token; images fetched with it and cached as blob: URLs, so
// preloading makes the next item instant.
import { state } from './dom.js';
import { signOut } from './session.js';

export class Unauthorized extends Error {}

export async function api(path, options = {}) {
  const headers = { authorization: `Bearer ${state.token}` };
  if (options.body) headers['content-type'] = 'application/json';
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401) {
    signOut('Your token was refused. Sign in again.');
    throw new Unauthorized();
  }
  return res;
}

export async function getJson(path, options) {
  const res = await api(path, options);
  const body = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, body };
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** An image fetched with the token, as a blob: URL; cached, so preloading makes the next item instant. */
export function image(url) {
  let p = state.images.get(url);
  if (!p) {
    p = api(url).then(async (res) => {
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new Error(body.error ? body.error.message : `image unavailable (${res.status})`);
      }
      return URL.createObjectURL(await res.blob());
    });
    p.catch(() => state.images.delete(url));
    state.images.set(url, p);
    while (state.images.size > 60) {
      const [oldest, old] = state.images.entries().next().value;
      state.images.delete(oldest);
      old.then((u) => URL.revokeObjectURL(u)).catch(() => {});
    }
  }
  return p;
}

export const pageUrl = (recordId, position) => `/api/records/${recordId}/pages/${position}/image.jpg`;
export const imageUrlFor = (item) => item.cropUrl || pageUrl(item.recordId, 0);
