// Signing in and out (the token lives in sessionStorage for this tab only), the filters and the
// progress meter.
import { getJson, query, Unauthorized } from './api.js';
import { $, el, show, state, text, TOKEN_KEY } from './dom.js';
import { route } from '../app.js';

export function signOut(reason = '') {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  for (const id of ['queue', 'grouping', 'record', 'filters', 'progress', 'who', 'keys', 'tabs']) show(id, false);
  show('login', true);
  text('login-error', reason);
  $('token').value = '';
  $('token').focus();
}

export async function signIn(token) {
  state.token = token;
  try {
    const me = await getJson('/api/me');
    if (!me.ok) throw new Error(me.body.error ? me.body.error.message : 'sign-in failed');
    state.reviewer = me.body.reviewer;
  } catch (err) {
    if (!(err instanceof Unauthorized)) signOut(err.message);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  show('login', false);
  text('who-name', state.reviewer);
  for (const id of ['filters', 'progress', 'who', 'keys', 'tabs']) show(id, true);
  await loadFacets();
  // Doubt about which pages belong together holds every field of those records: settle it first.
  if (!location.hash || location.hash === '#/') {
    const { ok, body } = await getJson(`/api/grouping/queue${query({ batch: state.filter.batch, profile: state.filter.profile, limit: 1 })}`);
    if (ok && body.total > 0) {
      location.hash = '#/grouping';
      return;
    }
  }
  route();
}

export async function loadFacets() {
  const { body } = await getJson('/api/facets');
  const fill = (id, label, values, current) => {
    const select = $(id);
    select.replaceChildren(el('option', { value: '', text: label }), ...values.map((v) => el('option', { value: v.value, text: v.label })));
    select.value = values.some((v) => v.value === current) ? current : '';
  };
  fill(
    'f-batch',
    'All batches',
    body.batches.map((b) => ({ value: b.name, label: `${b.name} (${b.records})` })),
    state.filter.batch,
  );
  fill(
    'f-field',
    'All fields',
    body.fields.map((f) => ({ value: f, label: f })),
    state.filter.field,
  );
  fill(
    'f-profile',
    'All profiles',
    body.profiles.map((p) => ({ value: p, label: p })),
    state.filter.profile,
  );
  state.filter = { batch: $('f-batch').value, field: $('f-field').value, profile: $('f-profile').value };
}

export async function refreshProgress() {
  const { ok, body } = await getJson(`/api/progress${query(state.filter)}`);
  if (!ok) return;
  const pct = body.total ? Math.round((100 * body.reviewed) / body.total) : 100;
  $('meter-fill').style.width = `${pct}%`;
  text('progress-text', `${body.reviewed} of ${body.total} reviewed`);
  text('progress-reviewers', body.reviewers.map((r) => `${r.reviewer} ${r.fields}`).join(' · '));
}
