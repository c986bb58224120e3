// A tiny XML writer: the exporters build element trees as data and serialise them
// here, so escaping lives in one place and no exporter concatenates markup by hand.

export type XmlAttrs = Record<string, string | number | boolean | null | undefined>;

export interface XmlElement {
  name: string;
  attrs?: XmlAttrs;
  /** Child elements, or text (escaped). */
  children?: Array<XmlElement | string>;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** XML 1.0 cannot hold most control characters at all, escaped or not: they are dropped. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes for an attribute value (quotes too). */
export function escapeXml(text: string): string {
  return text.replace(FORBIDDEN, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Escapes for element text: quotes stay readable. */
export function escapeText(text: string): string {
  return text.replace(FORBIDDEN, '').replace(/[&<>]/g, (c) => ENTITIES[c]!);
}

export function el(name: string, attrs?: XmlAttrs, children?: Array<XmlElement | string | null | undefined | false>): XmlElement {
  return { name, attrs, children: children?.filter((c): c is XmlElement | string => c !== null && c !== undefined && c !== false) };
}

function attrsText(attrs: XmlAttrs | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    out += ` ${key}="${escapeXml(String(value))}"`;
  }
  return out;
}

function write(node: XmlElement, indent: string, depth: number, out: string[]): void {
  const pad = indent.repeat(depth);
  const children = node.children ?? [];
  const open = `${pad}<${node.name}${attrsText(node.attrs)}`;
  if (children.length === 0) {
    out.push(`${open}/>`);
  } else if (children.every((c) => typeof c === 'string')) {
    out.push(`${open}>${children.map((c) => escapeText(c as string)).join('')}</${node.name}>`);
  } else {
    out.push(`${open}>`);
    for (const child of children) {
      if (typeof child === 'string') out.push(`${pad}${indent}${escapeText(child)}`);
      else write(child, indent, depth + 1, out);
    }
    out.push(`${pad}</${node.name}>`);
  }
}

/** The document, with an XML declaration; `indent` '' writes one element per line without indentation. */
export function serializeXml(root: XmlElement, options: { indent?: string; declaration?: boolean } = {}): string {
  const out: string[] = [];
  if (options.declaration !== false) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  write(root, options.indent ?? '  ', 0, out);
  return `${out.join('\n')}\n`;
}

/** An xsd:ID / NCName from any text: letters, digits, '_', '-', '.', never starting with a digit. */
export function xmlId(prefix: string, ...parts: Array<string | number>): string {
  const raw = [prefix, ...parts].join('_').replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(raw) ? raw : `_${raw}`;
}

/** Confidence 0-100 (Tesseract) as 0-1 with at most 3 decimals. */
export function unitConfidence(confidence: number): number {
  return Math.round(Math.min(Math.max(confidence, 0), 100) * 10) / 1000;
}
