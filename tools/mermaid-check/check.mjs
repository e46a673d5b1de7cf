// Parse and render every ```mermaid block of the given Markdown files with
// the real mermaid library in headless Chromium. Exit 1 on any error.
//
//   node tools/mermaid-check/check.mjs FILE.md...
//
// Chromium: $CHROMIUM or /usr/bin/chromium (Debian's `chromium` package).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const mermaidJs = join(here, 'node_modules/mermaid/dist/mermaid.min.js');

function blocks(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = [];
  let current = null;
  lines.forEach((line, i) => {
    if (current === null && /^```mermaid\s*$/.test(line)) {
      current = { file, line: i + 1, text: [] };
    } else if (current !== null && /^```\s*$/.test(line)) {
      out.push({ ...current, text: current.text.join('\n') });
      current = null;
    } else if (current !== null) {
      current.text.push(line);
    }
  });
  if (current !== null) out.push({ ...current, text: current.text.join('\n'), unclosed: true });
  return out;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: check.mjs FILE.md...');
  process.exit(2);
}
const all = files.flatMap(blocks);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = 0;
try {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
  await page.addScriptTag({ path: mermaidJs });
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
  for (const [n, b] of all.entries()) {
    const where = `${b.file}:${b.line}`;
    if (b.unclosed) {
      console.error(`${where}: mermaid block is not closed`);
      failed++;
      continue;
    }
    consoleErrors.length = 0;
    const result = await page.evaluate(async ({ src, id }) => {
      try {
        await window.mermaid.parse(src);
        const { svg } = await window.mermaid.render(id, src);
        return { ok: true, size: svg.length, error: svg.includes('Syntax error') ? 'rendered a syntax error' : null };
      } catch (e) {
        return { ok: false, error: String(e && e.message || e) };
      }
    }, { src: b.text, id: `m${n}` });
    if (!result.ok || result.error || consoleErrors.length > 0) {
      failed++;
      console.error(`${where}: ${result.error || consoleErrors.join('; ')}`);
    } else {
      console.log(`${where}: ok (${result.size} bytes of SVG)`);
    }
  }
} finally {
  await browser.close();
}
if (all.length === 0) {
  console.error('no mermaid blocks found');
  process.exit(1);
}
console.log(`${all.length - failed}/${all.length} mermaid blocks render`);
process.exit(failed > 0 ? 1 : 0);
