// The page's shared state (one object: the queue, the grouping tasks, the session) and the
// small DOM helpers every view uses.
export const $ = (id) => document.getElementById(id);
export const TOKEN_KEY = 'cablescan.review.token';
export const FILTER_KEY = 'cablescan.review.filter';
export const PRELOAD = 3;
export const BATCH_SIZE = 100;

export const state = {
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

export const valueText = (v) => (v === null || v === undefined ? '' : String(v));
export const statusLabel = (s) => s.replace('_', ' ');
export function show(id, visible) {
  $(id).hidden = !visible;
}
export function text(id, value) {
  $(id).textContent = value;
}
export function message(msg, kind = '') {
  const el = $('message');
  el.textContent = msg;
  el.className = `message ${kind}`;
}
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}
export function svg(tag, attrs = {}) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** Which view is on screen: the tabs, the key help and the sections follow. */
export function setView(view) {
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
