// cablescan review: a keyboard-first queue of doubtful fields. Plain JS, no
// build step. Data comes from /api with the reviewer's bearer token (kept in
// sessionStorage for this tab only); images are fetched with the token and shown
// as blob: URLs, and the next items' crops are fetched before they are needed.
'use strict';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'cablescan.review.token';
const FILTER_KEY = 'cablescan.review.filter';
const PRELOAD = 3;
const BATCH_SIZE = 100;

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  reviewer: null,
  filter: JSON.parse(sessionStorage.getItem(FILTER_KEY) || '{"batch":"","field":"","profile":""}'),
  items: [],
  index: 0,
  total: 0,
  skipped: new Set(),
  original: '',
  busy: false,
  loading: null,
  exhausted: false,
  images: new Map(), // url -> Promise<blob url>
  view: 'queue',
};

// ---------- API ----------

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const headers = { authorization: `Bearer ${state.token}` };
  if (options.body) headers['content-type'] = 'application/json';
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401) {
    signOut('Your token was refused. Sign in again.');
    throw new Unauthorized();
  }
  return res;
}

async function getJson(path, options) {
  const res = await api(path, options);
  const body = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, body };
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** An image fetched with the token, as a blob: URL; cached, so preloading makes the next item instant. */
function image(url) {
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

const pageUrl = (recordId, position) => `/api/records/${recordId}/pages/${position}/image.jpg`;
const imageUrlFor = (item) => item.cropUrl || pageUrl(item.recordId, 0);

// Long values (a body) are edited in a multi-line box beside the page; the rest in one line.
const LONG_FIELDS = new Set(['body', 'subject']);
const isLong = (item) => LONG_FIELDS.has(item.name) || valueText(item.value).length > 120;
/** The value editor of the current item: the one-line input or the multi-line box. */
const editor = () => ($('value-long').hidden ? $('value') : $('value-long'));
const ZONE_NAMES = { header: 'the header', closing: 'the closing lines', all: 'the page' };

// ---------- helpers ----------

const valueText = (v) => (v === null || v === undefined ? '' : String(v));
const statusLabel = (s) => s.replace('_', ' ');
function show(id, visible) { $(id).hidden = !visible; }
function text(id, value) { $(id).textContent = value; }
function message(msg, kind = '') {
  const el = $('message');
  el.textContent = msg;
  el.className = `message ${kind}`;
}
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}
function svg(tag, attrs = {}) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

// ---------- sign in ----------

function signOut(reason = '') {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  for (const id of ['queue', 'record', 'filters', 'progress', 'who', 'keys']) show(id, false);
  show('login', true);
  text('login-error', reason);
  $('token').value = '';
  $('token').focus();
}

async function signIn(token) {
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
  for (const id of ['filters', 'progress', 'who', 'keys']) show(id, true);
  await loadFacets();
  route();
}

// ---------- filters and progress ----------

async function loadFacets() {
  const { body } = await getJson('/api/facets');
  const fill = (id, label, values, current) => {
    const select = $(id);
    select.replaceChildren(el('option', { value: '', text: label }), ...values.map((v) => el('option', { value: v.value, text: v.label })));
    select.value = values.some((v) => v.value === current) ? current : '';
  };
  fill('f-batch', 'All batches', body.batches.map((b) => ({ value: b.name, label: `${b.name} (${b.records})` })), state.filter.batch);
  fill('f-field', 'All fields', body.fields.map((f) => ({ value: f, label: f })), state.filter.field);
  fill('f-profile', 'All profiles', body.profiles.map((p) => ({ value: p, label: p })), state.filter.profile);
  state.filter = { batch: $('f-batch').value, field: $('f-field').value, profile: $('f-profile').value };
}

async function refreshProgress() {
  const { ok, body } = await getJson(`/api/progress${query(state.filter)}`);
  if (!ok) return;
  const pct = body.total ? Math.round((100 * body.reviewed) / body.total) : 100;
  $('meter-fill').style.width = `${pct}%`;
  text('progress-text', `${body.reviewed} of ${body.total} reviewed`);
  text('progress-reviewers', body.reviewers.map((r) => `${r.reviewer} ${r.fields}`).join(' · '));
}

// ---------- the queue ----------

/** Loads more of the queue (or afresh); a load already running is joined, not repeated. */
function loadQueue(reset) {
  if (state.loading && !reset) return state.loading;
  const run = fetchQueue(reset).finally(() => {
    if (state.loading === run) state.loading = null;
  });
  state.loading = run;
  return run;
}

async function fetchQueue(reset) {
  if (reset) {
    state.items = [];
    state.index = 0;
    state.exhausted = false;
  }
  const known = [...new Set([...state.items.map((i) => i.id), ...state.skipped])].slice(0, 500);
  const { ok, body } = await getJson(`/api/queue${query({ ...state.filter, limit: BATCH_SIZE, exclude: known.join(',') })}`);
  if (!ok) return;
  state.total = body.total;
  if (body.items.length === 0) state.exhausted = true;
  state.items.push(...body.items);
}

function current() {
  return state.items[state.index];
}

/** Past the last loaded item: load more, or start over with what is still waiting (minus what was skipped). */
async function ensureCurrent() {
  if (current()) return;
  if (!state.exhausted) {
    await loadQueue(false);
    if (current()) return;
  }
  if (state.items.length > 0) await loadQueue(true);
}

function renderEmpty() {
  show('item', false);
  show('empty', true);
  const skipped = state.skipped.size;
  text('empty-title', skipped ? 'Only skipped fields are left' : 'Nothing to review');
  text('empty-text', skipped ? `${skipped} field(s) skipped in this session.` : 'Every doubtful field under this filter has been reviewed.');
  show('empty-retry', skipped > 0);
}

function renderItem() {
  const item = current();
  if (!item) return renderEmpty();
  show('empty', false);
  show('item', true);
  text('item-field', item.name);
  const badge = $('item-status');
  badge.textContent = statusLabel(item.status);
  badge.className = `badge s-${item.status}`;
  text('item-confidence', `confidence ${item.confidence.toFixed(2)}`);
  text('item-position', `${item.profile} · record ${item.recordId.slice(0, 8)}`);
  $('item-record').href = `#/record/${item.recordId}`;
  text('item-text', item.text || '—');
  text('item-value', item.value === null ? '(no value)' : valueText(item.value));
  const reasons = $('item-reasons');
  reasons.replaceChildren(...(item.reasons.length ? item.reasons.map((r) => el('span', { class: 'chip', text: r.replaceAll('_', ' ') })) : [document.createTextNode('—')]));

  state.original = valueText(item.value);
  const long = isLong(item);
  $('item').classList.toggle('long', long);
  $('value').hidden = long;
  $('value-long').hidden = !long;
  $('value-label').htmlFor = long ? 'value-long' : 'value';
  text('value-hint', long ? 'Enter accepts it; edit the text, then Enter saves (Shift+Enter: new line, saved as a space)' : 'Enter accepts it; type to correct, then Enter saves');
  const input = editor();
  input.value = state.original;
  input.classList.remove('edited');
  input.focus();
  if (long) {
    input.setSelectionRange(0, 0);
    input.scrollTop = 0;
  } else input.select();

  const frame = $('crop-frame');
  const img = $('crop');
  const zone = item.crop && item.crop !== 'box';
  frame.classList.toggle('zone', Boolean(zone));
  frame.classList.remove('zoomed');
  frame.scrollTop = 0;
  img.removeAttribute('src');
  img.alt = zone ? `where ${item.name} would be printed` : `${item.name} on the page`;
  text('crop-note', zone ? `Not found on the page. Shown: ${ZONE_NAMES[item.crop] || 'the page'}, where the ${item.profile} profile looks for ${item.name}.` : '');
  const url = imageUrlFor(item);
  image(url)
    .then((src) => {
      if (current() === item) img.src = src;
    })
    .catch((err) => {
      if (current() === item) text('crop-note', err.message);
    });
  preload();
}

function preload() {
  for (let i = state.index + 1; i <= state.index + PRELOAD && i < state.items.length; i++) image(imageUrlFor(state.items[i])).catch(() => {});
}

async function move(delta) {
  const next = state.index + delta;
  if (next < 0) return;
  if (next >= state.items.length - PRELOAD && !state.exhausted) await loadQueue(false);
  state.index = Math.min(next, state.items.length);
  await ensureCurrent();
  message('');
  renderItem();
}

async function skip() {
  const item = current();
  if (!item) return;
  state.skipped.add(item.id);
  await move(1);
}

async function decide(kind) {
  const item = current();
  if (!item || state.busy) return;
  let body;
  if (kind === 'absent') body = { action: 'absent', version: item.version };
  else {
    const typed = editor().value;
    if (typed.trim() === '') {
      message('Type the value, or press Alt+A if the page has no such field.', 'warn');
      return;
    }
    body = typed === state.original && item.value !== null ? { action: 'confirm', version: item.version } : { action: 'correct', value: typed, version: item.version };
  }
  state.busy = true;
  let res;
  try {
    res = await getJson(`/api/fields/${item.id}/review`, { method: 'POST', body: JSON.stringify(body) });
  } catch (err) {
    if (!(err instanceof Unauthorized)) message(`Not saved: ${err.message}`, 'error');
    return;
  } finally {
    state.busy = false;
  }
  if (res.ok) {
    const saved = res.body.field;
    const at = state.items.indexOf(item);
    if (at >= 0) state.items.splice(at, 1);
    if (at >= 0 && at < state.index) state.index -= 1;
    state.skipped.delete(item.id);
    if (state.items.length - state.index <= PRELOAD && !state.exhausted) await loadQueue(false);
    await ensureCurrent();
    renderItem();
    message(`${saved.name} ${saved.status}${saved.status === 'absent' ? '' : `: ${valueText(saved.value)}`}`, 'ok');
    refreshProgress();
  } else if (res.status === 409) {
    const now = res.body.error.current;
    Object.assign(item, now);
    if (current() !== item) return;
    renderItem();
    const who = now.reviewedBy ? `${now.reviewedBy} marked it ${statusLabel(now.status)}` : 'the pipeline read it again';
    message(`Changed meanwhile: ${who}. It is now “${valueText(now.value)}”. Enter keeps that; type to correct it.`, 'warn');
  } else {
    message(res.body.error ? res.body.error.message : `Not saved (${res.status})`, 'error');
    editor().focus();
  }
}

async function showQueue() {
  state.view = 'queue';
  document.querySelector('main').classList.remove('wide');
  show('record', false);
  show('queue', true);
  if (state.items.length === 0) await loadQueue(true);
  renderItem();
  refreshProgress();
}

// ---------- the record view ----------

/**
 * Places field labels over a page without overlaps: above the box's left end, else below
 * it, else at the box's right end, else stacked above; boxes that sit side by side on one
 * line ("from" and "signature" on the same line) get labels that do not print over each other.
 */
function placeLabels(boxes, fontSize) {
  const placed = [];
  const overlaps = (r) => placed.some((p) => r.x0 < p.x1 && r.x1 > p.x0 && r.y0 < p.y1 && r.y1 > p.y0);
  return boxes.map(({ name, bbox }) => {
    const [x0, y0, x1, y1] = bbox;
    const w = name.length * fontSize * 0.62 + fontSize * 0.4;
    const h = fontSize * 1.15;
    const gap = fontSize * 0.3;
    const candidates = [
      { x: x0, y: y0 - gap },
      { x: x0, y: y1 + h },
      { x: Math.max(x0, x1 - w), y: y0 - gap },
      { x: Math.max(x0, x1 - w), y: y1 + h },
      ...[1, 2, 3].map((k) => ({ x: x0, y: y0 - gap - k * h })),
    ];
    const fits = (c) => ({ x0: c.x, y0: c.y - h, x1: c.x + w, y1: c.y });
    const chosen = candidates.find((c) => !overlaps(fits(c))) ?? candidates[0];
    placed.push(fits(chosen));
    return { x: chosen.x, y: Math.max(h, chosen.y) };
  });
}

async function showRecord(id) {
  state.view = 'record';
  show('queue', false);
  show('record', true);
  document.querySelector('main').classList.add('wide');
  const { ok, body } = await getJson(`/api/records/${encodeURIComponent(id)}`);
  const pages = $('record-pages');
  const rows = $('record-fields');
  if (!ok) {
    text('record-title', body.error ? body.error.message : 'record not found');
    pages.replaceChildren();
    rows.replaceChildren();
    return;
  }
  const { record, fields } = body;
  text('record-title', `Record ${record.id}`);
  const files = [...new Set(body.pages.map((p) => p.path))];
  text('record-meta', `${record.profile} · ${files.join(', ')} · batch ${body.batches.join(', ')} · review ${record.review.status}`);
  const boxes = new Map();
  pages.replaceChildren(
    ...body.pages.map((page) => {
      const img = el('img', { alt: `page ${page.pageId}` });
      const overlay = svg('svg', { viewBox: `0 0 ${page.width} ${page.height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'field boxes' });
      // Labels are sized to the page so they read alike on any scan (about 13 px on a page shown 800 px wide).
      const fontSize = Math.round(page.width / 62);
      const onPage = fields.filter((f) => f.page === page.pageId && f.bbox);
      const labels = placeLabels(onPage.map((f) => ({ name: f.name, bbox: f.bbox })), fontSize);
      onPage.forEach((f, i) => {
        const [x0, y0, x1, y1] = f.bbox;
        const rect = svg('rect', { x: x0 - 4, y: y0 - 4, width: x1 - x0 + 8, height: y1 - y0 + 8, rx: 4, class: `box s-${f.status}` });
        const title = svg('title');
        title.textContent = `${f.name}: ${valueText(f.value)} (${statusLabel(f.status)})`;
        rect.append(title);
        const label = svg('text', { x: labels[i].x, y: labels[i].y, class: 'box-label', fill: `var(--${f.status})`, 'font-size': fontSize, 'stroke-width': Math.max(2, fontSize / 4) });
        label.textContent = f.name;
        overlay.append(rect, label);
        boxes.set(f.id, rect);
      });
      image(pageUrl(record.id, page.position))
        .then((src) => (img.src = src))
        .catch((err) => overlay.replaceChildren(Object.assign(svg('text', { x: 40, y: 80, class: 'box-label', 'font-size': fontSize }), { textContent: err.message })));
      const where = page.pageCount > 1 ? `${page.path}, page ${page.pageIndex + 1} of ${page.pageCount}` : page.path;
      return el('figure', { class: 'page' }, [el('div', { class: 'canvas' }, [img, overlay]), el('figcaption', { class: 'muted', text: where })]);
    }),
  );
  rows.replaceChildren(
    ...fields.map((f) => {
      const shown = f.value === null ? '—' : valueText(f.value);
      const row = el('tr', {}, [
        el('td', { text: f.name }),
        el('td', { class: 'value mono' }, [el('div', { class: shown.length > 120 ? 'clamp' : '', text: shown, title: valueText(f.value) })]),
        el('td', {}, [el('span', { class: `badge s-${f.status}`, text: statusLabel(f.status) })]),
        el('td', { text: f.confidence.toFixed(2) }),
      ]);
      row.addEventListener('mouseenter', () => boxes.get(f.id)?.classList.add('focus'));
      row.addEventListener('mouseleave', () => boxes.get(f.id)?.classList.remove('focus'));
      return row;
    }),
  );
}

// ---------- routing and keys ----------

function route() {
  if (!state.token) return signOut();
  const m = /^#\/record\/([0-9a-f]{16})$/.exec(location.hash);
  if (m) showRecord(m[1]).catch(reportError);
  else showQueue().catch(reportError);
}

function reportError(err) {
  if (!(err instanceof Unauthorized)) message(`Something failed: ${err.message}`, 'error');
}

document.addEventListener('keydown', (event) => {
  if (!state.token || !$('login').hidden) return;
  // One decision at a time: keys wait until the last write has answered.
  if (state.busy && state.view === 'queue') {
    event.preventDefault();
    return;
  }
  if (state.view === 'record') {
    if (event.key === 'Escape') {
      event.preventDefault();
      location.hash = '#/';
    }
    return;
  }
  if (event.target instanceof HTMLSelectElement) return;
  const alt = event.altKey && !event.ctrlKey && !event.metaKey;
  const inLongText = document.activeElement === $('value-long') && !$('value-long').hidden;
  if (event.key === 'Enter' && !alt && !event.ctrlKey && !event.shiftKey) {
    event.preventDefault();
    decide('value').catch(reportError);
  } else if (event.key === 'Enter' && event.shiftKey && !inLongText) {
    // A one-line value has no line breaks.
    event.preventDefault();
  } else if (event.key === 'Escape') {
    event.preventDefault();
    skip().catch(reportError);
  } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && (alt || !inLongText)) {
    // In a long text the arrows move the caret between lines; Alt+arrows move between fields anywhere.
    event.preventDefault();
    move(event.key === 'ArrowDown' ? 1 : -1).catch(reportError);
  } else if (alt && event.code === 'KeyA') {
    event.preventDefault();
    decide('absent').catch(reportError);
  } else if (alt && event.code === 'KeyR' && current()) {
    event.preventDefault();
    location.hash = `#/record/${current().recordId}`;
  } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !alt && document.activeElement !== editor() && current()) {
    // Typing anywhere goes to the value.
    editor().focus();
  }
});

for (const id of ['value', 'value-long']) $(id).addEventListener('input', () => $(id).classList.toggle('edited', $(id).value !== state.original));
// Click the crop to see it at full size (a body shrunk to fit is hard to read), again to fit it.
$('crop').addEventListener('click', () => $('crop-frame').classList.toggle('zoomed'));
$('edit').addEventListener('submit', (e) => e.preventDefault());
$('btn-save').addEventListener('click', () => decide('value').catch(reportError));
$('btn-absent').addEventListener('click', () => decide('absent').catch(reportError));
$('btn-skip').addEventListener('click', () => skip().catch(reportError));
$('btn-prev').addEventListener('click', () => move(-1).catch(reportError));
$('btn-next').addEventListener('click', () => move(1).catch(reportError));
$('empty-retry').addEventListener('click', () => {
  state.skipped.clear();
  loadQueue(true).then(renderItem).catch(reportError);
});
$('signout').addEventListener('click', () => signOut());
$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  signIn($('token').value.trim()).catch(reportError);
});
$('filters').addEventListener('change', () => {
  state.filter = { batch: $('f-batch').value, field: $('f-field').value, profile: $('f-profile').value };
  sessionStorage.setItem(FILTER_KEY, JSON.stringify(state.filter));
  state.skipped.clear();
  loadQueue(true)
    .then(() => {
      renderItem();
      refreshProgress();
    })
    .catch(reportError);
});
window.addEventListener('hashchange', route);
// Other reviewers' progress shows up without a reload.
setInterval(() => {
  if (state.token && !document.hidden) refreshProgress().catch(() => {});
}, 30000);

if (state.token) signIn(state.token).catch(reportError);
else signOut();
