// Assembles the self-contained HTML page from a page model: the style sheet
// and the page script (page.css, page-script.js, read from beside this
// file), the model as a JSON data block, and a content-security policy that
// forbids every load (`default-src 'none'`) and allows only this style sheet
// and this script, by their hashes. The page opens from disk and never
// touches the network. The header (title, verdict, replay command) is static
// HTML, so the page says what it is even with scripts off.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PageModel } from './page-model.ts';

let assets: { css: string; script: string } | undefined;

/** The style sheet and the page script, read once, on the first page. */
export function pageAssets(): { css: string; script: string } {
  assets ??= {
    css: readFileSync(new URL('./page.css', import.meta.url), 'utf8'),
    script: readFileSync(new URL('./page-script.js', import.meta.url), 'utf8'),
  };
  return assets;
}

/** The id of the JSON data block the page script reads. */
export const PAYLOAD_ID = 'slubcheck-page-model';

/**
 * JSON that cannot end its script element or open a comment there: `<`,
 * `>` and `&` become \u escapes (the same string to JSON.parse), and so do
 * U+2028 and U+2029 (line terminators to some JavaScript parsers).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page's content-security policy: nothing may load; only the page's own style sheet and script run. */
export function contentSecurityPolicy(css: string, script: string): string {
  return `default-src 'none'; style-src ${sha256(css)}; script-src ${sha256(script)}; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'`;
}

function verdict(pm: PageModel): string {
  const v = pm.violation;
  if (!v) return `${pm.steps.length} steps; no property is violated on this path`;
  if (v.kind === 'livelock') return `LIVELOCK after ${pm.steps.length} steps`;
  if (v.kind === 'deadlock') return `DEADLOCK after ${pm.steps.length} steps`;
  return `VIOLATION of ${v.property} (${v.kind}) after ${pm.steps.length} steps`;
}

export function renderPage(pm: PageModel): string {
  const title = `slubcheck: ${pm.title}`;
  const { css, script } = pageAssets();
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(css, script))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="verdict">${escapeHtml(verdict(pm))}</p>`,
    `<p class="replay">Reproduce: <code id="command">${escapeHtml(pm.command)}</code></p>`,
    '<p class="keys">Keys: <kbd>↓</kbd>/<kbd>j</kbd> next step, <kbd>↑</kbd>/<kbd>k</kbd> previous, <kbd>Home</kbd> first, <kbd>End</kbd> last, <kbd>v</kbd> the violation. Links: <code>#step=N</code>.</p>',
    '</header>',
    '<noscript><p>This page draws the trace with a script; with scripts off, run the command above for the text table.</p></noscript>',
    '<main id="app"></main>',
    `<script type="application/json" id="${PAYLOAD_ID}">${jsonForScript(pm)}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
