// The fields view: a keyboard-first queue of doubtful fields, each with its crop, accepted,
// corrected or marked absent in one key press.
import { getJson, image, imageUrlFor, query, Unauthorized } from './api.js';
import { $, BATCH_SIZE, el, message, PRELOAD, setView, show, state, statusLabel, text, valueText } from './dom.js';
import { refreshGroupingCount } from './grouping.js';
import { refreshProgress } from './session.js';

// Long values (a body) are edited in a multi-line box beside the page; the rest in one line.
export const LONG_FIELDS = new Set(['body', 'subject']);
export const isLong = (item) => LONG_FIELDS.has(item.name) || valueText(item.value).length > 120;
/** The value editor of the current item: the one-line input or the multi-line box. */
export const editor = () => ($('value-long').hidden ? $('value') : $('value-long'));
export const ZONE_NAMES = { header: 'the header', closing: 'the closing lines', all: 'the page' };

/** Loads more of the queue (or afresh); a load already running is joined, not repeated. */
export function loadQueue(reset) {
  if (state.loading && !reset) return state.loading;
  const run = fetchQueue(reset).finally(() => {
    if (state.loading === run) state.loading = null;
  });
  state.loading = run;
  return run;
}

export async function fetchQueue(reset) {
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

export function current() {
  return state.items[state.index];
}

/** Past the last loaded item: load more, or start over with what is still waiting (minus what was skipped). */
export async function ensureCurrent() {
  if (current()) return;
  if (!state.exhausted) {
    await loadQueue(false);
    if (current()) return;
  }
  if (state.items.length > 0) await loadQueue(true);
}

export function renderEmpty() {
  show('item', false);
  show('empty', true);
  const skipped = state.skipped.size;
  text('empty-title', skipped ? 'Only skipped fields are left' : 'Nothing to review');
  text('empty-text', skipped ? `${skipped} field(s) skipped in this session.` : 'Every doubtful field under this filter has been reviewed.');
  show('empty-retry', skipped > 0);
}

export function renderItem() {
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
  reasons.replaceChildren(
    ...(item.reasons.length ? item.reasons.map((r) => el('span', { class: 'chip', text: r.replaceAll('_', ' ') })) : [document.createTextNode('—')]),
  );

  state.original = valueText(item.value);
  const long = isLong(item);
  $('item').classList.toggle('long', long);
  $('value').hidden = long;
  $('value-long').hidden = !long;
  $('value-label').htmlFor = long ? 'value-long' : 'value';
  text(
    'value-hint',
    long
      ? 'Enter accepts it; edit the text, then Enter saves (Shift+Enter: new line, saved as a space)'
      : 'Enter accepts it; type to correct, then Enter saves',
  );
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
  text(
    'crop-note',
    zone ? `Not found on the page. Shown: ${ZONE_NAMES[item.crop] || 'the page'}, where the ${item.profile} profile looks for ${item.name}.` : '',
  );
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

export function preload() {
  for (let i = state.index + 1; i <= state.index + PRELOAD && i < state.items.length; i++) image(imageUrlFor(state.items[i])).catch(() => {});
}

export async function move(delta) {
  const next = state.index + delta;
  if (next < 0) return;
  if (next >= state.items.length - PRELOAD && !state.exhausted) await loadQueue(false);
  state.index = Math.min(next, state.items.length);
  await ensureCurrent();
  message('');
  renderItem();
}

export async function skip() {
  const item = current();
  if (!item) return;
  state.skipped.add(item.id);
  await move(1);
}

export async function decide(kind) {
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
    body =
      typed === state.original && item.value !== null
        ? { action: 'confirm', version: item.version }
        : { action: 'correct', value: typed, version: item.version };
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

export async function showQueue() {
  setView('queue');
  // A split or merge made new records: the fields loaded before may belong to replaced ones.
  if (state.items.length === 0 || state.regrouped) await loadQueue(true);
  state.regrouped = false;
  renderItem();
  refreshProgress();
  refreshGroupingCount().catch(() => {});
}
