// Tiny DOM builders for the page: HTML and SVG elements with attributes and children, so the
// view files read as structure instead of createElement/setAttribute noise. Build time only;
// live updates write to kept references, never rebuild.

const SVG_NS = 'http://www.w3.org/2000/svg';

type Child = Node | string;

/** An HTML element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}

/** An SVG element with attributes (numbers are written as they are) and children. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** Set text only when it differs: avoids layout work when a value did not change. */
export function setText(node: Element | Text, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
