// The record view: the record's pages with every field's box and label, and its fields.
import { getJson, image, pageUrl } from './api.js';
import { $, el, setView, statusLabel, svg, text, valueText } from './dom.js';

/**
 * Places field labels over a page without overlaps: above the box's left end, else below
 * it, else at the box's right end, else stacked above; boxes that sit side by side on one
 * line ("from" and "signature" on the same line) get labels that do not print over each other.
 */
export function placeLabels(boxes, fontSize) {
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

export async function showRecord(id) {
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
      const labels = placeLabels(
        onPage.map((f) => ({ name: f.name, bbox: f.bbox })),
        fontSize,
      );
      onPage.forEach((f, i) => {
        const [x0, y0, x1, y1] = f.bbox;
        const rect = svg('rect', { x: x0 - 4, y: y0 - 4, width: x1 - x0 + 8, height: y1 - y0 + 8, rx: 4, class: `box s-${f.status}` });
        const title = svg('title');
        title.textContent = `${f.name}: ${valueText(f.value)} (${statusLabel(f.status)})`;
        rect.append(title);
        const label = svg('text', {
          x: labels[i].x,
          y: labels[i].y,
          class: 'box-label',
          fill: `var(--${f.status})`,
          'font-size': fontSize,
          'stroke-width': Math.max(2, fontSize / 4),
        });
        label.textContent = f.name;
        overlay.append(rect, label);
        boxes.set(f.id, rect);
      });
      image(pageUrl(record.id, page.position))
        .then((src) => (img.src = src))
        .catch((err) =>
          overlay.replaceChildren(Object.assign(svg('text', { x: 40, y: 80, class: 'box-label', 'font-size': fontSize }), { textContent: err.message })),
        );
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
