/**
 * Sizes of text as this browser will draw it: ELK places labels only as well as it knows their boxes,
 * so they are measured with the page's own fonts and CSS classes (an estimate made on the server could
 * be too small for the font the browser picks, and labels would overlap).
 */
import { svgElement } from './dom.js';

export interface Size {
  width: number;
  height: number;
}

/** Size of one line of text drawn with `cssClass`. */
export type MeasureText = (text: string, cssClass: string) => Size;

/** Measures inside `svg` (so the chart's CSS applies) in a hidden group that is reused for every call. */
export function measurerIn(svg: SVGSVGElement): MeasureText {
  const scratch = svgElement('g', { class: 'measuring', visibility: 'hidden' }, svg);
  return (text, cssClass) => {
    const node = svgElement('text', { class: cssClass }, scratch, text);
    const box = node.getBBox();
    node.remove();
    return { width: Math.ceil(box.width), height: Math.ceil(box.height) };
  };
}
