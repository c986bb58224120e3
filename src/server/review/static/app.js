// cablescan review: a keyboard-first queue of doubtful fields. Plain JS modules, no build
// step. Data comes from /api with the reviewer's bearer token (kept in sessionStorage for this
// tab only); images are fetched with the token and shown as blob: URLs, and the next items'
// crops are fetched before they are needed. This file routes, takes the keys and wires the
// page; the views are in js/: fields.js, grouping.js, record.js (session.js signs in, api.js
// talks to the server, dom.js holds the state and the helpers).
import { Unauthorized } from './js/api.js';
import { $, FILTER_KEY, message, state } from './js/dom.js';
import { current, decide, editor, loadQueue, move, renderItem, showQueue, skip } from './js/fields.js';
import { gDecide, gMove, groupingKeys, gSkip, loadGrouping, refreshGroupingCount, renderTask, showGrouping } from './js/grouping.js';
import { showRecord } from './js/record.js';
import { refreshProgress, signIn, signOut } from './js/session.js';

export function route() {
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

export function reportError(err) {
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
