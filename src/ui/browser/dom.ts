/**
 * Typed element helpers for the /ui page: the one place that creates SVG and HTML elements, so the
 * drawing code reads as "a rect here, a text there" instead of attribute plumbing.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

export type Attributes = Record<string, string | number>;

export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes,
  parent?: Element,
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  parent?.appendChild(element);
  return element;
}

export function htmlElement<K extends keyof HTMLElementTagNameMap>(tag: K, parent: Element, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  parent.appendChild(element);
  return element;
}

/** An element the page shell (page-html.ts) must contain; its absence is a bug worth a clear message. */
export function requireElement<T extends Element>(selector: string, type: new () => T): T {
  const element = document.querySelector(selector);
  if (!(element instanceof type)) throw new Error(`the /ui page has no ${selector} element`);
  return element;
}
