/**
 * The files the /ui page loads besides its HTML and CSS: its own modules, compiled from src/ui/browser/
 * by `tsc -p tsconfig.browser.json` into dist/browser/ui/browser/, and elkjs's browser bundle from
 * node_modules. The small modules are read once at start and served from memory; the 1.6 MB elkjs bundle
 * is only checked at start and streamed from disk when a page asks for it, so a daemon whose /ui is
 * never opened does not carry it in its heap. Nothing comes from a CDN.
 */
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../repo-root.js';

export const BROWSER_MODULES_DIR = join(REPO_ROOT, 'dist', 'browser', 'ui', 'browser');

export interface BrowserAssets {
  /** File name (e.g. "main.js") to module source. */
  modules: Map<string, string>;
  /** Path of elkjs's browser bundle (served as a file stream). */
  elkPath: string;
}

/** Fails with what to run when a file is missing, so a half-built checkout is obvious. */
export function loadBrowserAssets(): BrowserAssets {
  let names: string[];
  try {
    names = readdirSync(BROWSER_MODULES_DIR).filter((name) => name.endsWith('.js'));
  } catch {
    throw new Error(`the /ui page's scripts are missing from ${BROWSER_MODULES_DIR}: run \`npm run build\``);
  }
  const modules = new Map(names.map((name) => [name, readFileSync(join(BROWSER_MODULES_DIR, name), 'utf8')]));
  const elkPath = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');
  accessSync(elkPath, constants.R_OK);
  return { modules, elkPath };
}
