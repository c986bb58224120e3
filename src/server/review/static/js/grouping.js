// The grouping view: do these pages belong to one document? A doubtful boundary (or every
// boundary of one record) at a time: keep it, split, or merge, with the pages either side.
import { getJson, image, query, Unauthorized } from './api.js';
import { $, el, PRELOAD, setView, show, state, text } from './dom.js';
import { refreshProgress } from './session.js';
import { reportError } from '../app.js';

// ---------- grouping: do these pages belong to one document? ----------

export const DECISION_WORDS = { start: 'a new document starts here', continue: 'the same document goes on' };
export const taskKey = (task) => `${task.sequence}\u0000${task.page}`;
export const gCurrent = () => state.groups[state.gIndex];

export async function refreshGroupingCount() {
  const { ok, body } = await getJson(`/api/grouping/queue${query({ batch: state.filter.batch, profile: state.filter.profile, limit: 1 })}`);
  if (ok) text('grouping-count', body.total ? String(body.total) : '');
}

/** The doubtful boundaries under the filter (or every boundary of one record), minus those skipped. */
export async function loadGrouping() {
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

export async function showGrouping(scope) {
  setView('grouping');
  if (scope !== state.gScope) {
    state.gScope = scope;
    state.gIndex = 0;
  }
  await loadGrouping();
  renderTask();
  refreshProgress().catch(() => {});
}

export function gMessage(msg, kind = '') {
  const node = $('g-message');
  node.textContent = msg;
  node.className = `message ${kind}`;
}

/**
 * Shows a page's text area at the frame's width (the margins left out, so a heading reads at
 * a useful size), scrolled to where the boundary is: the end of the page before, the top of
 * the page after.
 */
export function placePage(frame, img, page, end) {
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

export function renderEmptyGrouping() {
  show('g-item', false);
  show('g-empty', true);
  const skipped = state.gSkipped.size;
  text('g-empty-title', state.gScope ? 'This record has no page boundary' : skipped ? 'Only skipped boundaries are left' : 'No doubtful page boundaries');
  text(
    'g-empty-text',
    state.gScope
      ? 'It is alone in its folder or file.'
      : skipped
        ? `${skipped} boundary(ies) skipped in this session.`
        : 'Every record under this filter has a grouping the pipeline is sure of, or a person confirmed.',
  );
  show('g-empty-retry', !state.gScope && skipped > 0);
  finishPending();
}

export function renderTask() {
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
  text(
    'g-confidence',
    task.rule === 'reviewer' ? `decided by ${task.decidedBy}` : `${task.rule === 'model' ? 'confidence' : task.rule} ${task.confidence.toFixed(2)}`,
  );
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
    ...task.evidence
      .slice(0, 5)
      .map((e) => el('li', { class: e.says, text: `${e.says === 'start' ? '⟂' : '↔'} ${e.detail}`, title: `${e.cue} (${e.weight})` })),
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
export function preloadTasks() {
  for (let i = state.gIndex + 1; i <= state.gIndex + PRELOAD && i < state.groups.length; i++) {
    for (const url of [state.groups[i].images.previous, state.groups[i].images.page]) image(url).catch(() => {});
  }
}

/** A decision's time-to-next-task: from its key press until the next task's pages are on screen. */
export function finishPending() {
  if (!state.gPending) return;
  performance.measure('cablescan:time-to-next-task', { start: state.gPending.start, end: performance.now() });
  state.gPending = null;
}

export function gMove(delta) {
  const next = state.gIndex + delta;
  if (next < 0 || next >= state.groups.length) return;
  state.gIndex = next;
  gMessage('');
  renderTask();
}

export function gSkip() {
  const task = gCurrent();
  if (!task) return;
  state.gSkipped.add(taskKey(task));
  state.groups.splice(state.gIndex, 1);
  state.gIndex = Math.min(state.gIndex, Math.max(0, state.groups.length - 1));
  gMessage('');
  renderTask();
}

/** The request for a wanted decision at the current boundary: keep it (confirm), split, or merge. */
export function requestFor(task, want) {
  if (want === task.decision) {
    // Confirm the boundary on the record it belongs to (the one after it starts there).
    const record = task.decision === 'continue' ? task.before : task.after;
    return { url: `/api/records/${record.id}/confirm-grouping`, body: { version: record.version, page: task.page }, done: 'kept as decided' };
  }
  if (want === 'start') return { url: `/api/records/${task.before.id}/split`, body: { version: task.before.version, at: task.page }, done: 'split' };
  return {
    url: `/api/records/${task.before.id}/merge`,
    body: { version: task.before.version, with: task.after.id, withVersion: task.after.version },
    done: 'merged',
  };
}

export async function gDecide(want, startedAt) {
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

export function groupingKeys(event) {
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
