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
  // Grouping tasks: doubtful page boundaries (or every boundary of one record, `scope`).
  groups: [],
  gIndex: 0,
  gSkipped: new Set(),
  gScope: null,
  gBusy: false,
  // A decision's key press, until the next task is on screen (time-to-next-task).
  gPending: null,
  back: '#/',
  regrouped: false,
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
  for (const id of ['queue', 'grouping', 'record', 'filters', 'progress', 'who', 'keys', 'tabs']) show(id, false);
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
  } else if (res.status === 409 && res.body.error.replacedBy) {
    // Its record was split or merged meanwhile: the field is reviewed on the new record.
    await loadQueue(true);
    renderItem();
    message(res.body.error.message, 'warn');
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

/** Which view is on screen: the tabs, the key help and the sections follow. */
function setView(view) {
  state.view = view;
  document.querySelector('main').classList.toggle('wide', view !== 'queue');
  show('queue', view === 'queue');
  show('grouping', view === 'grouping');
  show('record', view === 'record');
  $('tab-fields').classList.toggle('active', view === 'queue');
  $('tab-grouping').classList.toggle('active', view === 'grouping');
  show('keys-fields', view !== 'grouping');
  show('keys-grouping', view === 'grouping');
}

async function showQueue() {
  setView('queue');
  // A split or merge made new records: the fields loaded before may belong to replaced ones.
  if (state.items.length === 0 || state.regrouped) await loadQueue(true);
  state.regrouped = false;
  renderItem();
  refreshProgress();
  refreshGroupingCount().catch(() => {});
}

// ---------- grouping: do these pages belong to one document? ----------

const DECISION_WORDS = { start: 'a new document starts here', continue: 'the same document goes on' };
const taskKey = (task) => `${task.sequence}\u0000${task.page}`;
const gCurrent = () => state.groups[state.gIndex];

async function refreshGroupingCount() {
  const { ok, body } = await getJson(`/api/grouping/queue${query({ batch: state.filter.batch, profile: state.filter.profile, limit: 1 })}`);
  if (ok) text('grouping-count', body.total ? String(body.total) : '');
}

/** The doubtful boundaries under the filter (or every boundary of one record), minus those skipped. */
async function loadGrouping() {
  const url = state.gScope
    ? `/api/records/${state.gScope}/grouping`
    : `/api/grouping/queue${query({ batch: state.filter.batch, profile: state.filter.profile, limit: 500 })}`;
  const { ok, body } = await getJson(url);
  if (!ok) throw new Error(body.error ? body.error.message : 'grouping tasks unavailable');
  // A record regrouped away: its boundaries are those of the record that holds its first page now.
  if (state.gScope && body.state && body.state.retiredAt && body.state.replacedBy && body.state.replacedBy.length) {
    state.gScope = body.state.replacedBy[0];
    history.replaceState(null, '', `#/grouping/${state.gScope}`);
    return loadGrouping();
  }
  const all = body.items;
  if (!state.gScope) text('grouping-count', body.total ? String(body.total) : '');
  state.groups = all.filter((t) => !state.gSkipped.has(taskKey(t)));
  state.gIndex = Math.min(state.gIndex, Math.max(0, state.groups.length - 1));
  return body;
}

async function showGrouping(scope) {
  setView('grouping');
  if (scope !== state.gScope) {
    state.gScope = scope;
    state.gIndex = 0;
  }
  await loadGrouping();
  renderTask();
  refreshProgress().catch(() => {});
}

function gMessage(msg, kind = '') {
  const node = $('g-message');
  node.textContent = msg;
  node.className = `message ${kind}`;
}

/**
 * Shows a page's text area at the frame's width (the margins left out, so a heading reads at
 * a useful size), scrolled to where the boundary is: the end of the page before, the top of
 * the page after.
 */
function placePage(frame, img, page, end) {
  const box = page.textBox || [0, 0, page.width, page.height];
  const pad = Math.round(page.width * 0.02);
  const x0 = Math.max(0, box[0] - pad);
  const x1 = Math.min(page.width, box[2] + pad);
  const scale = frame.clientWidth / Math.max(1, x1 - x0);
  img.style.width = `${Math.round(page.width * scale)}px`;
  img.style.marginLeft = `${-Math.round(x0 * scale)}px`;
  frame.dataset.scale = scale.toFixed(4);
  if (end) frame.scrollTop = Math.max(0, Math.min(box[3] + pad, page.height) * scale - frame.clientHeight);
  else frame.scrollTop = Math.max(0, (box[1] - pad) * scale);
}

function renderEmptyGrouping() {
  show('g-item', false);
  show('g-empty', true);
  const skipped = state.gSkipped.size;
  text('g-empty-title', state.gScope ? 'This record has no page boundary' : skipped ? 'Only skipped boundaries are left' : 'No doubtful page boundaries');
  text('g-empty-text', state.gScope ? 'It is alone in its folder or file.' : skipped ? `${skipped} boundary(ies) skipped in this session.` : 'Every record under this filter has a grouping the pipeline is sure of, or a person confirmed.');
  show('g-empty-retry', !state.gScope && skipped > 0);
  finishPending();
}

function renderTask() {
  const task = gCurrent();
  if (!task) return renderEmptyGrouping();
  show('g-empty', false);
  show('g-item', true);
  const item = $('g-item');
  item.dataset.page = task.page;
  item.dataset.previousPage = task.previousPage;
  item.dataset.decision = task.decision;
  item.dataset.ready = 'false';
  const badge = $('g-decision');
  badge.textContent = task.rule === 'reviewer' ? `${task.decision} (${task.decidedBy})` : task.decision;
  badge.className = `badge d-${task.decision}${task.uncertain ? ' doubtful' : ''}`;
  text('g-confidence', task.rule === 'reviewer' ? `decided by ${task.decidedBy}` : `${task.rule === 'model' ? 'confidence' : task.rule} ${task.confidence.toFixed(2)}`);
  text('g-position', `${state.gIndex + 1} of ${state.groups.length}${state.gScope ? ` · record ${state.gScope.slice(0, 8)}` : ''}`);
  $('g-record').href = `#/record/${task.after.id}`;
  text('g-keep-label', DECISION_WORDS[task.decision]);
  $('g-start').disabled = false;
  $('g-join').disabled = false;
  const gap = $('g-gap');
  gap.className = `g-gap ${task.decision}`;
  gap.title = DECISION_WORDS[task.decision];
  const side = (r, page) => `${r.kind} ${r.id.slice(0, 8)} · page ${r.pages.indexOf(page) + 1} of ${r.pages.length}`;
  text('g-prev-cap', `${task.pages.previous ? task.pages.previous.name : task.previousPage} — end · ${side(task.before, task.previousPage)}`);
  text('g-next-cap', `${task.pages.page ? task.pages.page.name : task.page} — top · ${side(task.after, task.page)}`);
  $('g-evidence').replaceChildren(
    ...task.evidence.slice(0, 5).map((e) => el('li', { class: e.says, text: `${e.says === 'start' ? '⟂' : '↔'} ${e.detail}`, title: `${e.cue} (${e.weight})` })),
  );

  const shown = [
    [$('g-prev-frame'), $('g-prev-img'), task.pages.previous, task.images.previous, true],
    [$('g-next-frame'), $('g-next-img'), task.pages.page, task.images.page, false],
  ];
  for (const [frame, img] of shown) {
    frame.classList.remove('zoomed');
    img.removeAttribute('src');
  }
  Promise.all(
    shown.map(async ([frame, img, page, url, end]) => {
      const src = await image(url);
      if (gCurrent() !== task) return;
      img.src = src;
      await img.decode().catch(() => {});
      if (gCurrent() === task && page) placePage(frame, img, page, end);
    }),
  )
    .then(() => {
      if (gCurrent() !== task) return;
      item.dataset.ready = 'true';
      finishPending();
    })
    .catch((err) => {
      if (gCurrent() === task) gMessage(err.message, 'error');
    });
  preloadTasks();
}

/** The next tasks' pages are fetched while the reviewer looks at this one. */
function preloadTasks() {
  for (let i = state.gIndex + 1; i <= state.gIndex + PRELOAD && i < state.groups.length; i++) {
    for (const url of [state.groups[i].images.previous, state.groups[i].images.page]) image(url).catch(() => {});
  }
}

/** A decision's time-to-next-task: from its key press until the next task's pages are on screen. */
function finishPending() {
  if (!state.gPending) return;
  performance.measure('cablescan:time-to-next-task', { start: state.gPending.start, end: performance.now() });
  state.gPending = null;
}

function gMove(delta) {
  const next = state.gIndex + delta;
  if (next < 0 || next >= state.groups.length) return;
  state.gIndex = next;
  gMessage('');
  renderTask();
}

function gSkip() {
  const task = gCurrent();
  if (!task) return;
  state.gSkipped.add(taskKey(task));
  state.groups.splice(state.gIndex, 1);
  state.gIndex = Math.min(state.gIndex, Math.max(0, state.groups.length - 1));
  gMessage('');
  renderTask();
}

/** The request for a wanted decision at the current boundary: keep it (confirm), split, or merge. */
function requestFor(task, want) {
  if (want === task.decision) {
    // Confirm the boundary on the record it belongs to (the one after it starts there).
    const record = task.decision === 'continue' ? task.before : task.after;
    return { url: `/api/records/${record.id}/confirm-grouping`, body: { version: record.version, page: task.page }, done: 'kept as decided' };
  }
  if (want === 'start') return { url: `/api/records/${task.before.id}/split`, body: { version: task.before.version, at: task.page }, done: 'split' };
  return { url: `/api/records/${task.before.id}/merge`, body: { version: task.before.version, with: task.after.id, withVersion: task.after.version }, done: 'merged' };
}

async function gDecide(want, startedAt) {
  const task = gCurrent();
  if (!task || state.gBusy) return;
  const wanted = want === 'keep' ? task.decision : want;
  const request = requestFor(task, wanted);
  state.gBusy = true;
  state.gPending = { start: startedAt ?? performance.now() };
  gMessage('Saving…');
  let res;
  try {
    res = await getJson(request.url, { method: 'POST', body: JSON.stringify(request.body) });
  } catch (err) {
    state.gPending = null;
    state.gBusy = false;
    if (!(err instanceof Unauthorized)) gMessage(`Not saved: ${err.message}`, 'error');
    return;
  }
  try {
    if (res.ok) {
      const after = res.body.action.after.map((r) => `${r.id.slice(0, 8)} (${r.pages.length} page${r.pages.length === 1 ? '' : 's'})`).join(', ');
      // In a record's own list, follow the record that now holds the page.
      if (state.gScope) {
        const holder = res.body.records.find((r) => r.source.pages.includes(task.page)) || res.body.records[0];
        if (holder && holder.id !== state.gScope) {
          state.gScope = holder.id;
          history.replaceState(null, '', `#/grouping/${holder.id}`);
        }
      }
      state.regrouped = true;
      await loadGrouping();
      // A record's own list keeps every boundary: go on to the one after this.
      if (state.gScope) {
        const at = state.groups.findIndex((t) => t.page === task.page);
        if (at >= 0) state.gIndex = Math.min(at + 1, state.groups.length - 1);
      }
      renderTask();
      const warned = res.body.warnings.length ? ` (${res.body.warnings.join('; ')})` : '';
      gMessage(`${task.page}: ${request.done}${after ? ` → ${after}` : ''}${warned}`, res.body.warnings.length ? 'warn' : 'ok');
      refreshProgress();
    } else {
      state.gPending = null;
      const message = res.body.error ? res.body.error.message : `Not saved (${res.status})`;
      if (res.status === 409) {
        await loadGrouping();
        renderTask();
        gMessage(`Changed meanwhile: ${message}. The boundary is shown as it is now.`, 'warn');
      } else gMessage(message, 'error');
    }
  } finally {
    state.gBusy = false;
  }
}

function groupingKeys(event) {
  const alt = event.altKey && !event.ctrlKey && !event.metaKey;
  if (event.ctrlKey || event.metaKey) return;
  const key = event.key.toLowerCase();
  if (event.key === 'Enter' && !alt) {
    event.preventDefault();
    gDecide('keep', event.timeStamp).catch(reportError);
  } else if (key === 's' && !alt) {
    event.preventDefault();
    gDecide('start', event.timeStamp).catch(reportError);
  } else if (key === 'j' && !alt) {
    event.preventDefault();
    gDecide('continue', event.timeStamp).catch(reportError);
  } else if (event.key === 'Escape') {
    event.preventDefault();
    gSkip();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    gMove(event.key === 'ArrowDown' ? 1 : -1);
  } else if (key === 'z' && !alt) {
    event.preventDefault();
    for (const id of ['g-prev-frame', 'g-next-frame']) $(id).classList.toggle('zoomed');
  } else if (alt && event.code === 'KeyR' && gCurrent()) {
    event.preventDefault();
    location.hash = `#/record/${gCurrent().after.id}`;
  } else if (alt && event.code === 'KeyF') {
    event.preventDefault();
    location.hash = '#/';
  }
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
  setView('record');
  $('record-grouping').href = `#/grouping/${id}`;
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
  if (body.state && body.state.retiredAt) {
    const by = (body.state.replacedBy || []).map((r) => r.slice(0, 8)).join(', ');
    text('record-title', `Record ${record.id} (replaced${by ? ` by ${by}` : ''}: its pages were regrouped)`);
  }
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
  const g = /^#\/grouping(?:\/([0-9a-f]{16}))?$/.exec(location.hash);
  // Esc in the record view returns to where the reviewer came from (the fields or the grouping).
  if (!m) state.back = location.hash || '#/';
  $('record-back').href = state.back || '#/';
  if (m) showRecord(m[1]).catch(reportError);
  else if (g) showGrouping(g[1] || null).catch(reportError);
  else showQueue().catch(reportError);
}

function reportError(err) {
  if (!(err instanceof Unauthorized)) message(`Something failed: ${err.message}`, 'error');
}

document.addEventListener('keydown', (event) => {
  if (!state.token || !$('login').hidden) return;
  // One decision at a time: keys wait until the last write has answered.
  if ((state.busy && state.view === 'queue') || (state.gBusy && state.view === 'grouping')) {
    event.preventDefault();
    return;
  }
  if (state.view === 'record') {
    if (event.key === 'Escape') {
      event.preventDefault();
      location.hash = state.back || '#/';
    } else if (event.key.toLowerCase() === 'g' && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      location.hash = $('record-grouping').getAttribute('href');
    }
    return;
  }
  if (event.target instanceof HTMLSelectElement) return;
  if (state.view === 'grouping') return groupingKeys(event);
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
  } else if (alt && event.code === 'KeyG') {
    event.preventDefault();
    location.hash = '#/grouping';
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
$('g-keep').addEventListener('click', () => gDecide('keep').catch(reportError));
$('g-start').addEventListener('click', () => gDecide('start').catch(reportError));
$('g-join').addEventListener('click', () => gDecide('continue').catch(reportError));
$('g-skip').addEventListener('click', () => gSkip());
$('g-prev').addEventListener('click', () => gMove(-1));
$('g-next').addEventListener('click', () => gMove(1));
for (const id of ['g-prev-frame', 'g-next-frame']) $(id).addEventListener('click', () => $(id).classList.toggle('zoomed'));
$('g-empty-retry').addEventListener('click', () => {
  state.gSkipped.clear();
  loadGrouping().then(renderTask).catch(reportError);
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
  state.gSkipped.clear();
  if (state.view === 'grouping') {
    loadGrouping().then(renderTask).catch(reportError);
    return;
  }
  loadQueue(true)
    .then(() => {
      renderItem();
      refreshProgress();
      refreshGroupingCount();
    })
    .catch(reportError);
});
window.addEventListener('hashchange', route);
// Other reviewers' progress shows up without a reload.
setInterval(() => {
  if (state.token && !document.hidden) {
    refreshProgress().catch(() => {});
    refreshGroupingCount().catch(() => {});
  }
}, 30000);

if (state.token) signIn(state.token).catch(reportError);
else signOut();
