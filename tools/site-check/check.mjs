// End-to-end check of a built `spec site` in headless Chromium. Opens every
// .html page from file:// and from a local HTTP server under a sub-path and
// fails on console errors, uncaught exceptions, failed or non-local requests,
// broken links and anchors, content script that runs, hostile markup,
// missing accessibility basics, and pages that do not fit a 1280 px window
// or a 390 px phone (horizontal scrolling, an SVG wider than the viewport or
// than the box that holds it). Exit 1 on any failure, 2 on bad usage.
//
//   node tools/site-check/check.mjs SITE_DIR [--screenshots OUT_DIR]
//        [--hostile-marker NAME] [--jobs N] [--verbose]
//
// Chromium: $CHROMIUM or /usr/bin/chromium (Debian's `chromium` package).
// The contract a site must follow is in README.md next to this file.
import { mkdirSync, readdirSync, realpathSync, statSync, createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const USAGE = 'usage: check.mjs SITE_DIR [--screenshots OUT_DIR] [--hostile-marker NAME] [--jobs N] [--verbose]';
const PREFIX = '/site-check/sub/path/';
const LOAD_TIMEOUT = 20_000;
const STEP_TIMEOUT = 15_000;
const TABS = 5;

// Categories in the order they are reported.
const CATEGORIES = [
  'setup', 'load', 'console', 'page-error', 'request-failed', 'network', 'external-resource',
  'broken-link', 'missing-anchor', 'script-ran', 'hostile-markup', 'script-contract',
  'style-contract', 'duplicate-id', 'a11y', 'overflow', 'keyboard', 'search',
];
// Widths every page must fit: a desktop window and a phone.
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const opts = { site: null, screenshots: null, marker: '__spec_pwned', jobs: 4, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--screenshots') opts.screenshots = value();
    else if (a === '--hostile-marker') opts.marker = value();
    else if (a === '--jobs') opts.jobs = Number(value());
    else if (a === '--verbose' || a === '-v') opts.verbose = true;
    else if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.site === null) opts.site = a;
    else usage(`unexpected argument ${a}`);
  }
  if (opts.site === null) usage('SITE_DIR is missing');
  if (!/^[A-Za-z_$][\w$]*$/.test(opts.marker)) usage('--hostile-marker must be a JavaScript identifier');
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1 || opts.jobs > 32) usage('--jobs must be 1..32');
  return opts;
}
function usage(msg) {
  console.error(`check.mjs: ${msg}\n${USAGE}`);
  process.exit(2);
}

// ---------------------------------------------------------------- site files
function walk(root) {
  const files = new Set();
  const dirs = new Set(['']);
  const visit = (dirAbs, dirRel) => {
    for (const ent of readdirSync(dirAbs, { withFileTypes: true })) {
      const abs = join(dirAbs, ent.name);
      const rel = dirRel ? `${dirRel}/${ent.name}` : ent.name;
      let st;
      try { st = statSync(abs); } catch { continue; } // dangling symlink
      if (st.isDirectory()) { dirs.add(rel); visit(abs, rel); } else if (st.isFile()) files.add(rel);
    }
  };
  visit(root, '');
  return { files, dirs };
}

const MIME = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.ico': 'image/x-icon',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml',
  '.map': 'application/json', '.webmanifest': 'application/manifest+json',
};

// A static host serving the site under PREFIX, like a project page on a
// shared domain. Root-absolute links (`/x.html`) therefore break, as they would.
function serve(root) {
  const server = createServer((req, res) => {
    const reply = (code, extra = {}) => { res.writeHead(code, { 'content-type': 'text/plain', ...extra }); res.end(String(code)); };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405);
    const url = new URL(req.url, 'http://127.0.0.1');
    if (!url.pathname.startsWith(PREFIX)) return reply(404);
    let rel;
    try { rel = decodeURIComponent(url.pathname.slice(PREFIX.length)); } catch { return reply(400); }
    if (rel.includes('\0')) return reply(400);
    let abs = resolve(root, rel);
    if (abs !== root && !abs.startsWith(root + sep)) return reply(403);
    let st;
    try { st = statSync(abs); } catch { return reply(404); }
    if (st.isDirectory()) {
      if (!url.pathname.endsWith('/')) return reply(301, { location: `${url.pathname}/${url.search}` });
      abs = join(abs, 'index.html');
      try { st = statSync(abs); } catch { return reply(404); }
    }
    if (!st.isFile()) return reply(404);
    res.writeHead(200, {
      'content-type': MIME[extname(abs).toLowerCase()] || 'application/octet-stream',
      'content-length': st.size, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(abs).pipe(res);
  });
  return new Promise((ok, ko) => {
    server.once('error', ko);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

// ---------------------------------------------------------------- in-page code
// Installed before any page script: records every assignment to the marker,
// even one that is undone later, in this frame and (via parent.x = ...) from
// same-origin child frames.
function markerTrap(name) {
  const hits = [];
  let value;
  Object.defineProperty(window, '__siteCheckHits', { value: hits, enumerable: false });
  Object.defineProperty(window, name, {
    configurable: true, enumerable: false,
    get() { return value; },
    set(v) { hits.push(String(v)); value = v; },
  });
}

function readMarker(name) {
  const hits = window.__siteCheckHits ? window.__siteCheckHits.slice() : [];
  return { hits, value: typeof window[name] === 'undefined' ? null : String(window[name]) };
}

// Collects everything the checker needs from a loaded page. Runs in the page.
function collect(marker) {
  const XLINK = 'http://www.w3.org/1999/xlink';
  const tag = (el) => {
    let s = `<${el.localName}`;
    for (const a of el.attributes) {
      if (a.name.startsWith('data-site-check')) continue;
      s += a.value === '' ? ` ${a.name}` : ` ${a.name}="${a.value.replace(/\s+/g, ' ')}"`;
    }
    s += '>';
    return s.length > 110 ? `${s.slice(0, 106)}...>` : s;
  };
  const hiddenFromAT = (el) => {
    for (let e = el; e; e = e.parentElement) if (e.getAttribute('aria-hidden') === 'true' || e.hidden) return true;
    return false;
  };
  const byIds = (list) => (list || '').split(/\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)).filter(Boolean).map((e) => e.textContent).join(' ');
  // A fair approximation of the accessible-name computation.
  const name = (node, top = true) => {
    if (node.nodeType === 3) return node.data;
    if (node.nodeType !== 1) return '';
    const el = node;
    if (el.getAttribute('aria-hidden') === 'true' || el.hidden) return '';
    if (el.localName === 'script' || el.localName === 'style' || el.localName === 'template') return '';
    const lb = byIds(el.getAttribute('aria-labelledby'));
    if (lb.trim()) return lb;
    const al = el.getAttribute('aria-label');
    if (al && al.trim()) return al;
    if (el.localName === 'img' || (el.localName === 'input' && el.type === 'image')) return el.getAttribute('alt') || '';
    if (el.localName === 'svg') {
      const t = [...el.children].find((c) => c.localName === 'title');
      return t ? t.textContent : '';
    }
    let s = [...el.childNodes].map((c) => name(c, false)).join('');
    if (!s.trim() && el.getAttribute('title')) s = el.getAttribute('title');
    return s;
  };

  const out = {
    lang: document.documentElement.getAttribute('lang') || '',
    title: (document.querySelector('head > title, title')?.textContent || '').trim(),
    a11y: [], hostile: [], scriptContract: [], styleContract: [], duplicateIds: [],
    ids: [], names: [], refs: [], handlers: 0, jsUrls: 0,
    marker: {
      hits: window.__siteCheckHits ? window.__siteCheckHits.slice() : [],
      value: typeof window[marker] === 'undefined' ? null : String(window[marker]),
    },
  };
  const a11y = (m) => out.a11y.push(m);

  // Landmarks and headings.
  if (!out.lang.trim()) a11y('<html> has no lang attribute');
  if (!out.title) a11y('no <title> (or it is empty)');
  const mains = new Set([...document.querySelectorAll('main, [role="main"]')]);
  if (mains.size !== 1) a11y(`${mains.size} <main> landmarks (want exactly 1)`);
  if (document.querySelectorAll('nav, [role="navigation"]').length === 0) a11y('no <nav> landmark');
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) a11y(`${h1s.length} <h1> elements (want exactly 1)${h1s.length ? ': ' + [...h1s].map((h) => JSON.stringify(h.textContent.trim().slice(0, 40))).join(', ') : ''}`);
  let prev = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')) {
    if (hiddenFromAT(h)) continue;
    const level = /^h[1-6]$/.test(h.localName) && !h.hasAttribute('aria-level')
      ? Number(h.localName[1]) : Number(h.getAttribute('aria-level') || 2);
    if (prev && level > prev + 1) a11y(`heading level skipped: h${prev} -> h${level} ${JSON.stringify(h.textContent.trim().slice(0, 40))}`);
    prev = level;
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) a11y(`${tag(img)} has no alt attribute`);
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.parentElement && svg.parentElement.closest('svg')) continue; // nested: part of the outer one
    if (hiddenFromAT(svg)) continue;
    const t = [...svg.children].find((c) => c.localName === 'title');
    const ok = (svg.getAttribute('aria-label') || '').trim() || byIds(svg.getAttribute('aria-labelledby')).trim()
      || (t && t.textContent.trim());
    if (!ok) a11y(`${tag(svg)} has no accessible name (aria-label, aria-labelledby or <title>; aria-hidden="true" if decorative)`);
  }
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    if (hiddenFromAT(a)) continue;
    const n = a.localName === 'area' ? (a.getAttribute('alt') || a.getAttribute('aria-label') || '') : name(a);
    if (!n.trim()) a11y(`link ${tag(a)} has no accessible name`);
  }
  for (const b of document.querySelectorAll('button, [role="button"]')) {
    if (!hiddenFromAT(b) && !name(b).trim()) a11y(`button ${tag(b)} has no accessible name`);
  }
  for (const c of document.querySelectorAll('input, select, textarea')) {
    if (hiddenFromAT(c) || /^(hidden|submit|reset|button|image)$/.test(c.type)) continue;
    const n = [...(c.labels || [])].map((l) => l.textContent).join(' ') + (c.getAttribute('aria-label') || '')
      + byIds(c.getAttribute('aria-labelledby')) + (c.getAttribute('title') || '') + (c.getAttribute('placeholder') || '');
    if (!n.trim()) a11y(`form control ${tag(c)} has no label`);
  }

  // Ids and anchors.
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  out.ids = [...seen.keys()];
  for (const [id, n] of seen) if (n > 1) out.duplicateIds.push(`id ${JSON.stringify(id)} is used ${n} times`);
  out.names = [...document.querySelectorAll('a[name]')].map((a) => a.getAttribute('name'));

  // Scripts and styles: local files, or inline with data-spec.
  for (const s of document.querySelectorAll('script')) {
    if (s.hasAttribute('src') || s.hasAttributeNS(XLINK, 'href') || s.hasAttribute('href')) continue; // checked with the refs
    if (!s.hasAttribute('data-spec')) {
      out.scriptContract.push(`inline <script> without data-spec: ${JSON.stringify(s.textContent.trim().replace(/\s+/g, ' ').slice(0, 60))}`);
    }
  }
  for (const s of document.querySelectorAll('style')) {
    if (!s.hasAttribute('data-spec')) {
      out.styleContract.push(`inline <style> without data-spec: ${JSON.stringify(s.textContent.trim().replace(/\s+/g, ' ').slice(0, 60))}`);
    }
  }

  // Hostile markup.
  const URL_ATTRS = new Set(['href', 'xlink:href', 'src', 'action', 'formaction', 'data', 'poster', 'background',
    'cite', 'srcset', 'ping', 'codebase', 'longdesc', 'lowsrc', 'dynsrc', 'manifest', 'icon', 'to', 'from', 'by', 'values']);
  const NAV_TAGS = new Set(['a', 'area', 'iframe', 'frame', 'object', 'embed', 'form', 'button', 'input']);
  const FORBIDDEN = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal', 'fencedframe']);
  let h = 0;
  let j = 0;
  for (const el of document.querySelectorAll('*')) {
    let handler = false;
    let jsUrl = false;
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on')) {
        handler = true;
        out.hostile.push(`${tag(el)}: event-handler attribute ${n}`);
      } else if (URL_ATTRS.has(n) || n.endsWith(':href')) {
        const v = a.value.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
        if (v.startsWith('javascript:') || v.startsWith('vbscript:')) {
          jsUrl = true;
          out.hostile.push(`${tag(el)}: ${v.slice(0, v.indexOf(':'))}: URL in ${n}`);
        } else if (v.startsWith('data:') && NAV_TAGS.has(el.localName)) {
          out.hostile.push(`${tag(el)}: data: URL in ${n}`);
        }
      }
    }
    if (FORBIDDEN.has(el.localName)) out.hostile.push(`${tag(el)}: <${el.localName}> element`);
    if (el.localName === 'meta' && /refresh|set-cookie/i.test(el.getAttribute('http-equiv') || '')) {
      out.hostile.push(`${tag(el)}: meta http-equiv`);
    }
    if (handler) el.setAttribute('data-site-check-h', String(h++));
    if (jsUrl) el.setAttribute('data-site-check-j', String(j++));
  }
  out.handlers = h;
  out.jsUrls = j;

  // Every URL the page references, resolved against the document.
  const ref = (el, attr, raw, kind) => {
    if (raw === null || raw === undefined) return;
    let url = null;
    try { url = new URL(raw.trim(), document.baseURI).href; } catch { /* reported as broken */ }
    out.refs.push({ tag: el.localName, attr, raw, url, kind, where: tag(el) });
  };
  const href = (el) => el.getAttribute('href') ?? el.getAttributeNS(XLINK, 'href');
  const srcset = (el, kind) => {
    const v = el.getAttribute('srcset');
    if (v) for (const part of v.split(',')) { const u = part.trim().split(/\s+/)[0]; if (u) ref(el, 'srcset', u, kind); }
  };
  for (const el of document.querySelectorAll('a, area')) ref(el, 'href', href(el), 'link');
  for (const el of document.querySelectorAll('link[href]')) ref(el, 'href', el.getAttribute('href'), 'resource');
  for (const el of document.querySelectorAll('script')) ref(el, 'src', el.getAttribute('src') ?? href(el), 'script');
  for (const el of document.querySelectorAll('img')) { ref(el, 'src', el.getAttribute('src'), 'resource'); srcset(el, 'resource'); }
  for (const el of document.querySelectorAll('source, track, audio, video, iframe, frame, embed, input[type="image" i]')) {
    ref(el, 'src', el.getAttribute('src'), 'resource');
    srcset(el, 'resource');
  }
  for (const el of document.querySelectorAll('video[poster]')) ref(el, 'poster', el.getAttribute('poster'), 'resource');
  for (const el of document.querySelectorAll('object[data]')) ref(el, 'data', el.getAttribute('data'), 'resource');
  for (const el of document.querySelectorAll('use, image, feImage')) ref(el, 'href', href(el), 'resource');
  for (const el of document.querySelectorAll('form[action]')) ref(el, 'action', el.getAttribute('action'), 'form');
  for (const el of document.querySelectorAll('[formaction]')) ref(el, 'formaction', el.getAttribute('formaction'), 'form');
  out.refs = out.refs.filter((r) => r.raw !== null);
  return out;
}

// Whether the page fits `width` CSS pixels: no horizontal scrolling
// (`scrollWidth <= innerWidth`, and a phone's layout viewport not widened
// past the screen to hold wide content), and no <svg> wider than the
// viewport. Runs in the page.
function measureFit(width) {
  const problems = [];
  const vw = window.innerWidth;
  const limit = Math.min(vw, width);
  const sw = Math.max(document.documentElement.scrollWidth, vw);
  if (sw > width) {
    // Name the element that sticks out furthest, so the cause is findable.
    let far = null;
    for (const e of document.body.querySelectorAll('*')) {
      if (e.parentElement && e.parentElement.closest('svg')) continue;
      const r = e.getBoundingClientRect();
      if (r.right > width + 0.5 && (!far || r.right > far[1])) far = [e, r.right];
    }
    const cls = far && far[0].getAttribute('class') ? ` class="${far[0].getAttribute('class')}"` : '';
    const what = far ? `; furthest: <${far[0].localName}${cls}> to ${Math.round(far[1])}px` : '';
    const grew = vw > width ? `; the layout viewport grew to ${vw}px` : '';
    problems.push(`the page is ${sw}px wide at a ${width}px viewport: it scrolls horizontally${what}${grew}`);
  }
  const svgs = [...document.querySelectorAll('svg')].filter((e) => !(e.parentElement && e.parentElement.closest('svg')));
  svgs.forEach((svg, i) => {
    const r = svg.getBoundingClientRect();
    const what = `<svg${svg.getAttribute('class') ? ` class="${svg.getAttribute('class')}"` : ''}> #${i + 1}`;
    if (r.width > limit + 0.5) {
      problems.push(`${what} is ${Math.round(r.width)}px wide at a ${width}px viewport`);
      return;
    }
    // Narrower than the window but wider than the box that holds it: cut
    // off, or scrolled sideways inside it.
    for (let e = svg.parentElement; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX === 'visible') continue;
      const box = e.getBoundingClientRect();
      const inner = box.left + e.clientLeft + e.clientWidth;
      if (r.right > inner + 0.5 || e.scrollWidth > e.clientWidth + 0.5) {
        problems.push(`${what} is ${Math.round(r.width)}px wide, wider than the <${e.localName}> holding it (${e.clientWidth}px) at a ${width}px viewport`);
      }
      break;
    }
  });
  return problems;
}

// Fires what hostile content could hook: focus, hover and every on* handler.
async function provoke(page) {
  const handlers = await page.$$('[data-site-check-h]');
  for (const el of handlers) {
    await el.hover({ force: true, timeout: 1000 }).catch(() => {});
    await el.focus().catch(() => {});
    await el.evaluate((e) => {
      for (const a of e.getAttributeNames()) {
        if (!a.toLowerCase().startsWith('on')) continue;
        const type = a.slice(2).toLowerCase();
        const target = e === document.body || e.localName === 'frameset' ? window : e;
        try { target.dispatchEvent(new Event(type)); } catch { /* ignore */ }
      }
    }).catch(() => {});
  }
  const js = await page.$$('[data-site-check-j]');
  for (const el of js) {
    await el.evaluate((e) => {
      const v = (s) => (s || '').replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
      const isJs = (s) => v(s).startsWith('javascript:') || v(s).startsWith('vbscript:');
      const href = e.getAttribute('href') ?? e.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
      if (isJs(href)) {
        if (typeof e.click === 'function') e.click();
        else e.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
      } else if (isJs(e.getAttribute('formaction')) && e.form) {
        e.form.requestSubmit(e);
      } else if (e.localName === 'form' && isJs(e.getAttribute('action'))) {
        e.requestSubmit();
      }
    }).catch(() => {});
  }
  if (handlers.length || js.length) await page.waitForTimeout(150);
  return handlers.length + js.length;
}

// ---------------------------------------------------------------- main
const opts = parseArgs(process.argv.slice(2));
let root;
try { root = realpathSync(resolve(opts.site)); } catch { usage(`${opts.site}: no such directory`); }
if (!statSync(root).isDirectory()) usage(`${opts.site}: not a directory`);
const { files, dirs } = walk(root);
const pages = [...files].filter((f) => /\.html?$/i.test(f)).sort();

const failures = new Map();
function fail(category, page, message, mode) {
  const key = `${category}\0${page}\0${message}`;
  let f = failures.get(key);
  if (!f) failures.set(key, (f = { category, page, message, modes: new Set() }));
  if (mode) f.modes.add(mode);
}
const notes = [];
const external = new Map(); // url -> Set(pages)
const stats = { attempts: 0, loads: 0, loadMs: 0, provoked: 0, phone: 0 };
const started = Date.now();
let browser = null;
let profile = '?';
let shots = [];
let checkMs = 0;
let blackholed = 0;
const blackholedHosts = new Set();

if (pages.length === 0) {
  fail('setup', '-', `no .html files under ${root}`);
  report();
}

const server = await serve(root);
const origin = `http://127.0.0.1:${server.address().port}`;
const httpBase = `${origin}${PREFIX}`;
const encodeRel = (rel) => rel.split('/').map(encodeURIComponent).join('/');
const urlOf = (mode, rel) => (mode === 'http' ? httpBase + encodeRel(rel) : pathToFileURL(join(root, rel)).href);

// Where a URL points inside the site: { rel, dir } or { error } or { external }.
function locate(urlStr, mode) {
  let u;
  try { u = new URL(urlStr); } catch { return { error: 'is not a valid URL' }; }
  if (u.protocol === 'file:') {
    if (mode === 'http') return { error: 'is a file: URL on a page served over http' };
    let abs;
    try { abs = fileURLToPath(u); } catch { return { error: 'is not a local file: URL' }; }
    const rel = relative(root, abs).split(sep).join('/');
    if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return { error: `leaves the site (${abs})` };
    return { rel, dir: u.pathname.endsWith('/'), hash: u.hash };
  }
  if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin === origin && mode === 'http') {
    if (!u.pathname.startsWith(PREFIX)) return { error: `leaves the site's sub-path (${u.pathname}); use a relative URL` };
    let rel;
    try { rel = decodeURIComponent(u.pathname.slice(PREFIX.length)); } catch { return { error: 'has a malformed %-escape' }; }
    return { rel: rel.replace(/\/$/, ''), dir: u.pathname.endsWith('/'), hash: u.hash };
  }
  return { external: u.protocol };
}

// Requests: only the site's own files, data:, blob: and about: may be loaded.
function requestProblem(urlStr, mode) {
  let u;
  try { u = new URL(urlStr); } catch { return 'unparsable URL'; }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return null;
  if (u.protocol === 'file:' && mode !== 'http') {
    const where = locate(urlStr, mode);
    return where.error ? `file outside the site: ${urlStr}` : null;
  }
  if (mode === 'http' && u.origin === origin) return u.pathname.startsWith(PREFIX) ? null : `outside the site's sub-path: ${u.pathname}`;
  return `non-local request: ${urlStr}`;
}

// Shows a URL as a site-relative path when it is one.
function display(urlStr, mode) {
  const where = locate(urlStr, mode);
  if (where.rel !== undefined) return (where.rel || './') + (where.hash || '');
  return urlStr.length > 200 ? `${urlStr.slice(0, 197)}...` : urlStr;
}

// Nothing may leave the machine: every request that is not to the loopback
// interface goes to this proxy, which hangs up, and no host name resolves.
// (Cheaper than intercepting every request with page.route().) The requests
// are still seen, and reported, by the `request` listener.
const blackhole = createTcpServer((s) => {
  blackholed++;
  s.on('error', () => {});
  s.once('data', (d) => {
    const m = /^(?:CONNECT ([^\s:]+)|[A-Z]+ \w+:\/\/([^\s/:]+))/.exec(String(d));
    if (m) blackholedHosts.add(m[1] || m[2]);
    s.destroy();
  });
  setTimeout(() => s.destroy(), 1000).unref();
});
await new Promise((ok) => blackhole.listen(0, '127.0.0.1', ok));
browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--proxy-server=http://127.0.0.1:${blackhole.address().port}`,
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'],
});

const contexts = [];
async function newContext(mode, options) {
  const ctx = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: false, ...options });
  await ctx.addInitScript(markerTrap, opts.marker);
  contexts.push(ctx);
  return ctx;
}

// One page that is reused for many URLs; events are blamed on `state.rel`.
async function newWorkerPage(ctx, mode) {
  const page = await ctx.newPage();
  const state = { rel: '-' };
  page.on('console', (m) => {
    const type = m.type();
    if (type !== 'error' && type !== 'warning' && type !== 'assert') return;
    // Duplicates of request-failed / network, which name the URL better.
    if (/^Failed to load resource: /.test(m.text())) return;
    const loc = m.location();
    const at = loc && loc.url ? ` (${display(loc.url, mode)}:${loc.lineNumber + 1})` : '';
    fail('console', state.rel, `console.${type}: ${m.text().slice(0, 300)}${at}`, mode);
  });
  page.on('pageerror', (e) => fail('page-error', state.rel, `uncaught ${e.name || 'error'}: ${String(e.message).slice(0, 300)}`, mode));
  page.on('request', (r) => {
    const problem = requestProblem(r.url(), mode);
    if (problem) fail('network', state.rel, `${r.resourceType()} ${problem}`, mode);
  });
  page.on('requestfailed', (r) => {
    if (requestProblem(r.url(), mode)) return; // already reported as network
    fail('request-failed', state.rel, `${r.resourceType()} ${display(r.url(), mode)}: ${r.failure()?.errorText || 'failed'}`, mode);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) fail('request-failed', state.rel, `${r.request().resourceType()} ${display(r.url(), mode)}: HTTP ${r.status()}`, mode);
  });
  page.on('websocket', (ws) => fail('network', state.rel, `websocket ${ws.url()}`, mode));
  page.on('popup', (p) => { fail('hostile-markup', state.rel, `opened a popup: ${p.url()}`, mode); p.close().catch(() => {}); });
  page.on('dialog', (d) => { fail('script-ran', state.rel, `${d.type()} dialog: ${d.message().slice(0, 100)}`, mode); d.dismiss().catch(() => {}); });
  return { page, state, ctx, mode };
}

const timeout = (p, ms, what) => Promise.race([p, new Promise((_, ko) => setTimeout(() => ko(new Error(`${what} timed out`)), ms).unref())]);
const samePage = (a, b) => {
  const norm = (s) => { try { const u = new URL(s); return decodeURIComponent(u.origin + u.pathname); } catch { return s; } };
  return norm(a) === norm(b);
};

const results = { file: new Map(), http: new Map() }; // rel -> collected info

// Reports assignments to the marker made since the previous stage.
async function markerCheck(w, stage, mainState = null) {
  for (const frame of w.page.frames()) {
    const main = frame === w.page.mainFrame();
    const m = main && mainState ? mainState
      : await timeout(frame.evaluate(readMarker, opts.marker), STEP_TIMEOUT, 'marker check').catch(() => null);
    if (!m) continue;
    const where = main ? '' : ` in frame ${frame.url().slice(0, 60)}`;
    const seen = w.seen.get(frame) || 0;
    w.seen.set(frame, m.hits.length);
    if (m.hits.length > seen) {
      fail('script-ran', w.state.rel, `content script set window.${opts.marker} = ${m.hits.slice(seen).join(', ')}${where} (${stage})`, w.mode);
    } else if (m.value !== null && seen === 0) {
      fail('script-ran', w.state.rel, `window.${opts.marker} is ${m.value}${where} (${stage})`, w.mode);
    }
  }
}

// Loads and checks one page; returns false if the worker page must be replaced.
async function checkPage(w, rel) {
  const { page, mode } = w;
  w.state.rel = rel;
  w.seen = new Map();
  const url = urlOf(mode, rel);
  const t0 = Date.now();
  stats.attempts++;
  try {
    await page.goto(url, { waitUntil: 'load', timeout: LOAD_TIMEOUT });
  } catch (e) {
    fail('load', rel, `did not load: ${String(e.message).split('\n')[0]}`, mode);
    return false;
  }
  stats.loads++;
  stats.loadMs += Date.now() - t0;
  const away = () => {
    if (samePage(page.url(), url)) return false;
    fail('load', rel, `navigated away to ${display(page.url(), mode)} (meta refresh or script redirect)`, mode);
    return true;
  };
  if (away()) return false;
  try {
    const info = await timeout(page.evaluate(collect, opts.marker), STEP_TIMEOUT, 'collecting the page');
    results[mode].set(rel, info);
    await markerCheck(w, 'while loading', info.marker);
    for (const m of info.a11y) fail('a11y', rel, m, mode);
    for (const m of info.hostile) fail('hostile-markup', rel, m, mode);
    for (const m of info.scriptContract) fail('script-contract', rel, m, mode);
    for (const m of info.styleContract) fail('style-contract', rel, m, mode);
    for (const m of info.duplicateIds) fail('duplicate-id', rel, m, mode);
    for (const m of await timeout(page.evaluate(measureFit, DESKTOP.width), STEP_TIMEOUT, 'measuring the layout')) {
      fail('overflow', rel, m, mode);
    }
    if (info.handlers || info.jsUrls) {
      stats.provoked += await timeout(provoke(page), STEP_TIMEOUT * 2, 'provoking handlers');
      await markerCheck(w, 'after hovering, focusing and clicking hostile elements');
    }
    if (away()) return false;
    if (opts.verbose) console.log(`checked ${mode} ${rel} in ${Date.now() - t0} ms`);
    return true;
  } catch (e) {
    await page.waitForURL((u) => !samePage(u.href, url), { timeout: 1000 }).catch(() => {});
    if (!away()) fail('load', rel, `page broke while being checked: ${String(e.message).split('\n')[0]}`, mode);
    return false;
  }
}

// One mode after the other: a worker that alternates between two pages loads
// each noticeably slower than one that keeps to one page.
async function runAll(ctxs) {
  for (const [mode, ctx] of Object.entries(ctxs)) {
    const queue = [...pages];
    const worker = async () => {
      let w = null;
      while (queue.length) {
        const rel = queue.shift();
        if (!w) w = await newWorkerPage(ctx, mode);
        if (!(await checkPage(w, rel))) {
          await timeout(w.page.close(), 5000, 'closing').catch(() => {});
          w = null;
        }
      }
      if (w) await w.page.close().catch(() => {});
    };
    await Promise.all(Array.from({ length: Math.min(opts.jobs, pages.length) }, worker));
  }
}

// Links are resolved once every page's ids are known.
let linksChecked = 0;
let fragmentsChecked = 0;
function checkLinks() {
  const pageSet = new Set(pages);
  for (const mode of ['file', 'http']) {
    for (const [rel, info] of results[mode]) {
      for (const r of info.refs) {
        const shown = `${r.where.startsWith('<a ') ? '' : `<${r.tag}> `}${r.attr}="${r.raw}"`.slice(0, 160);
        const v = r.raw.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
        if (v.startsWith('javascript:') || v.startsWith('vbscript:')) continue; // hostile-markup
        linksChecked++;
        if (r.url === null) { fail('broken-link', rel, `${shown} is not a valid URL`, mode); continue; }
        const where = locate(r.url, mode);
        if (where.external !== undefined) {
          const scheme = where.external;
          if (scheme === 'data:' || scheme === 'blob:' || scheme === 'about:') continue;
          if (r.kind === 'link') {
            if (!external.has(r.url)) external.set(r.url, new Set());
            external.get(r.url).add(rel);
          } else if (r.kind === 'form') {
            fail('hostile-markup', rel, `${shown} submits to an external URL`, mode);
          } else if (r.kind === 'script') {
            fail('script-contract', rel, `<script src> is not a local file shipped in the site: ${r.raw}`, mode);
          } else {
            fail('external-resource', rel, `${shown} references a non-local resource`, mode);
          }
          continue;
        }
        if (where.error) { fail('broken-link', rel, `${shown} ${where.error}`, mode); continue; }
        const target = where.rel;
        if (where.dir || dirs.has(target)) {
          fail('broken-link', rel, `${shown} points to a directory (${target || './'}); link the .html file so it works from file://`, mode);
          continue;
        }
        if (!files.has(target)) {
          fail('broken-link', rel, `${shown} -> ${target} does not exist`, mode);
          continue;
        }
        const frag = where.hash ? where.hash.slice(1) : '';
        if (!frag || !pageSet.has(target)) continue;
        const tinfo = results[mode].get(target);
        if (!tinfo) continue; // the target did not load; reported as such
        fragmentsChecked++;
        let decoded = frag;
        try { decoded = decodeURIComponent(frag); } catch { /* keep raw */ }
        if (!tinfo.anchors) tinfo.anchors = new Set([...tinfo.ids, ...tinfo.names]);
        const has = (x) => tinfo.anchors.has(x);
        if (has(frag) || has(decoded) || decoded.toLowerCase() === 'top') continue;
        if (target === rel && r.raw.trim().startsWith('#')) {
          fail('missing-anchor', rel, `${shown}: no element with id ${JSON.stringify(decoded)} on this page`, mode);
        } else {
          fail('missing-anchor', rel, `${shown}: ${target} has no element with id ${JSON.stringify(decoded)}`, mode);
        }
      }
    }
  }
}

async function keyboardCheck(ctx) {
  if (!files.has('index.html')) { fail('keyboard', '-', 'no index.html at the site root'); return; }
  const w = await newWorkerPage(ctx, 'file');
  w.state.rel = 'index.html';
  try {
    await w.page.goto(urlOf('file', 'index.html'), { waitUntil: 'load', timeout: LOAD_TIMEOUT });
    await w.page.bringToFront();
    const tabbable = await w.page.evaluate(() => [...document.querySelectorAll(
      'a[href], area[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]',
    )].filter((e) => !e.disabled && e.tabIndex >= 0 && e.type !== 'hidden' && e.getClientRects().length > 0).length);
    const presses = Math.min(TABS, tabbable);
    if (presses === 0) fail('keyboard', 'index.html', 'nothing on the page can take keyboard focus');
    let prev = null;
    const problems = { empty: [], outside: [], indicator: [] };
    for (let i = 1; i <= presses; i++) {
      await w.page.keyboard.press('Tab');
      const f = await w.page.evaluate((n) => {
        const el = document.activeElement;
        if (!el || el === document.body || el === document.documentElement) return null;
        if (!el.hasAttribute('data-site-check-tab')) el.setAttribute('data-site-check-tab', String(n));
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        let s = `<${el.localName}`;
        for (const a of ['href', 'id', 'class', 'type']) if (el.hasAttribute(a)) s += ` ${a}="${el.getAttribute(a)}"`;
        return {
          key: el.getAttribute('data-site-check-tab'), desc: `${s}>`, w: r.width, h: r.height,
          inView: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
          indicator: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none',
        };
      }, i);
      if (!f) { fail('keyboard', 'index.html', `Tab #${i}: focus is on no element`); break; }
      if (prev && f.key === prev.key) fail('keyboard', 'index.html', `Tab #${i}: focus did not move from ${f.desc}`);
      if (f.w <= 0 || f.h <= 0) problems.empty.push(`#${i} ${f.desc} (${f.w}x${f.h})`);
      else if (!f.inView) problems.outside.push(`#${i} ${f.desc}`);
      else if (!f.indicator) problems.indicator.push(`#${i} ${f.desc}`);
      prev = f;
    }
    const say = (list, what) => {
      if (list.length) fail('keyboard', 'index.html', `${list.length} of ${presses} Tab stops ${what}: ${list.join(', ')}`);
    };
    say(problems.empty, 'have an empty bounding box');
    say(problems.outside, 'are outside the viewport');
    say(problems.indicator, 'show no focus indicator (outline or box-shadow)');
    if (opts.verbose) console.log(`keyboard: ${presses} Tab presses on index.html`);
  } catch (e) {
    fail('keyboard', 'index.html', `keyboard check broke: ${String(e.message).split('\n')[0]}`);
  } finally {
    await w.page.close().catch(() => {});
  }
}

// spec's offline search: search.html with an <input id="q"> and the index in
// window.SPEC_SEARCH. Typing the first word of an entry's title must list that
// entry, its link must resolve inside the site, and `?q=` must prefill. Run in
// both modes: under file:// a fetch()-based index would fail here.
async function searchCheck(ctxs) {
  if (!files.has('search.html')) return;
  for (const mode of ['file', 'http']) {
    const w = await newWorkerPage(ctxs[mode], mode);
    w.state.rel = 'search.html';
    try {
      await w.page.goto(urlOf(mode, 'search.html'), { waitUntil: 'load', timeout: LOAD_TIMEOUT });
      const entry = await w.page.evaluate(() => {
        const idx = window.SPEC_SEARCH;
        if (!Array.isArray(idx) || !document.getElementById('q')) return null;
        const e = idx.find((x) => /[a-z0-9]{3,}/i.test(x.t));
        return e ? { title: e.t, url: e.u, count: idx.length } : { count: idx.length };
      });
      if (!entry) { fail('search', 'search.html', 'no #q input or no window.SPEC_SEARCH array', mode); continue; }
      if (!entry.title) { fail('search', 'search.html', `the index has ${entry.count} entries, none with a searchable title`, mode); continue; }
      const word = entry.title.match(/[a-z0-9]{3,}/i)[0];
      await w.page.fill('#q', word);
      const hits = await w.page.$$eval('#results li a', (as) => as.map((a) => ({ text: a.textContent, href: a.href })));
      if (!hits.some((h) => h.text === entry.title)) {
        fail('search', 'search.html', `typing "${word}" does not list "${entry.title}" (${hits.length} results)`, mode);
      }
      for (const h of hits.slice(0, 50)) {
        const where = locate(h.href, mode);
        if (where.error || where.external || (where.rel && !files.has(where.rel))) {
          fail('search', 'search.html', `result "${h.text}" links to ${display(h.href, mode)}, not a page of the site`, mode);
        }
      }
      await w.page.goto(`${urlOf(mode, 'search.html')}?q=${encodeURIComponent(word)}`, { waitUntil: 'load', timeout: LOAD_TIMEOUT });
      const pre = await w.page.evaluate(() => [document.getElementById('q').value, document.querySelectorAll('#results li').length]);
      if (pre[0] !== word || pre[1] === 0) fail('search', 'search.html', `?q=${word} does not prefill and run the search`, mode);
      if (opts.verbose) console.log(`search (${mode}): "${word}" -> ${hits.length} results of ${entry.count}`);
    } catch (e) {
      fail('search', 'search.html', `search check broke: ${String(e.message).split('\n')[0]}`, mode);
    } finally {
      await w.page.close().catch(() => {});
    }
  }
}

// Every page at a phone's width (390 px, touch, device-width viewport):
// it must fit as it does on the desktop. Only the layout is checked here;
// everything else was checked at 1280 px.
async function phoneCheck(ctx) {
  const queue = [...pages];
  const worker = async () => {
    const w = await newWorkerPage(ctx, 'phone');
    while (queue.length) {
      const rel = queue.shift();
      w.state.rel = rel;
      try {
        await w.page.goto(urlOf('file', rel), { waitUntil: 'load', timeout: LOAD_TIMEOUT });
        for (const m of await timeout(w.page.evaluate(measureFit, PHONE.width), STEP_TIMEOUT, 'measuring the layout')) {
          fail('overflow', rel, m, 'phone');
        }
        stats.phone++;
      } catch (e) {
        fail('load', rel, `did not load at phone width: ${String(e.message).split('\n')[0]}`, 'phone');
      }
    }
    await w.page.close().catch(() => {});
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, pages.length) }, worker));
  if (opts.verbose) console.log(`phone: ${pages.length} pages measured at ${PHONE.width}px`);
}

async function screenshots(fileCtx, phone) {
  const out = resolve(opts.screenshots);
  mkdirSync(out, { recursive: true });
  const firstUnder = (dir) => {
    const under = pages.filter((p) => p.startsWith(`${dir}/`));
    return under.find((p) => !/(^|\/)index\.html?$/.test(p)) || under[0] || null;
  };
  const page = (rel) => (files.has(rel) ? rel : null);
  // The overview pages at every width and scheme; one change and one spec
  // page on the desktop.
  const views = [['index', page('index.html')], ['timeline', page('timeline.html')], ['graph', page('graph.html')],
    ['hosts', page('hosts.html')]].filter(([, rel]) => rel);
  const details = [['change', firstUnder('changes')], ['spec', firstUnder('specs')]].filter(([, rel]) => rel);
  const dark = await newContext('file', { colorScheme: 'dark', viewport: DESKTOP });
  const phoneDark = await newContext('file', { colorScheme: 'dark', viewport: PHONE, isMobile: true, hasTouch: true });
  const shots = [];
  const plan = [['light', fileCtx, [...views, ...details]], ['dark', dark, [...views, ...details]],
    ['phone', phone, views], ['phone-dark', phoneDark, views]];
  for (const [label, ctx, list] of plan) {
    const w = await newWorkerPage(ctx, label);
    for (const [kind, rel] of list) {
      w.state.rel = rel;
      const file = join(out, `${kind}-${label}.png`);
      try {
        await w.page.goto(urlOf('file', rel), { waitUntil: 'load', timeout: LOAD_TIMEOUT });
        await w.page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
        shots.push(`${relative(process.cwd(), file) || file}  (${rel})`);
      } catch (e) {
        fail('load', rel, `screenshot failed: ${String(e.message).split('\n')[0]}`, label);
      }
    }
    await w.page.close().catch(() => {});
  }
  return shots;
}

// The profile must be a fresh temporary one that Playwright deletes on close.
async function profileCheck() {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto('chrome://version');
    const cmd = await page.evaluate(() => document.querySelector('#command_line')?.textContent || '');
    const dirs = [...cmd.matchAll(/--user-data-dir=(\S+)/g)].map((m) => m[1]);
    profile = dirs.join(' ') || '?';
    const t = resolve(tmpdir());
    const fresh = dirs.length === 1 && dirs[0].startsWith(t + sep) && statSync(dirs[0]).birthtimeMs >= started - 1000;
    if (!fresh) fail('setup', '-', `Chromium does not run on a fresh temporary profile: ${profile}`);
  } catch (e) {
    fail('setup', '-', `could not verify the Chromium profile: ${String(e.message).split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
}

try {
  await profileCheck();
  const fileCtx = await newContext('file', { colorScheme: 'light', viewport: DESKTOP });
  const httpCtx = await newContext('http', { colorScheme: 'light', viewport: DESKTOP });
  const phoneCtx = await newContext('file', { colorScheme: 'light', viewport: PHONE, isMobile: true, hasTouch: true });
  await runAll({ file: fileCtx, http: httpCtx });
  checkMs = Date.now() - started;
  await phoneCheck(phoneCtx);
  checkLinks();
  await keyboardCheck(fileCtx);
  await searchCheck({ file: fileCtx, http: httpCtx });
  if (opts.screenshots) shots = await screenshots(fileCtx, phoneCtx);
} finally {
  for (const c of contexts) await c.close().catch(() => {});
  await browser.close();
  server.closeAllConnections?.();
  server.close();
  blackhole.close();
}
if (profile !== '?' && existsSync(profile)) notes.push(`the Chromium profile ${profile} was not deleted`);
report();

function report() {
  const list = [...failures.values()].sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category)
    || (a.page < b.page ? -1 : a.page > b.page ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  const modeNote = (f) => {
    const m = [...f.modes];
    if (m.length === 0 || (f.modes.has('file') && f.modes.has('http'))) return '';
    return ` [${m.sort().join('+')} only]`;
  };
  if (list.length) {
    console.log('FAILURES');
    for (const f of list) console.log(`  ${f.category}: ${f.page}: ${f.message}${modeNote(f)}`);
    console.log('');
  }
  const loads = stats.loads || 0;
  console.log(`site:             ${root}`);
  if (pages.length) {
    console.log(`chromium:         ${browser ? browser.version() : '?'}, profile ${profile} (fresh, removed on exit)`);
    const failedLoads = stats.attempts - loads;
    console.log(`pages checked:    ${pages.length} x 2 (file:// and ${httpBase}) = ${loads} loads${failedLoads ? ` (+${failedLoads} that did not load)` : ''}`);
    console.log(`time:             ${(checkMs / 1000).toFixed(1)}s for the loads with ${opts.jobs} in parallel`
      + ` (${loads ? (checkMs / loads).toFixed(0) : 0} ms per page load wall-clock, ${loads ? (stats.loadMs / loads).toFixed(0) : 0} ms average load); total ${((Date.now() - started) / 1000).toFixed(1)}s`);
    console.log(`widths:           every page at ${DESKTOP.width}px (both modes) and ${PHONE.width}px (phone, ${stats.phone} loads): no horizontal scrolling, no <svg> wider than the viewport`);
    console.log(`links checked:    ${linksChecked} (${fragmentsChecked} with a #fragment), over both modes`);
    if (blackholed) {
      // Mostly Chromium's own background traffic, which is no failure; what
      // pages request is reported under `network`.
      const hosts = [...blackholedHosts].sort();
      console.log(`dropped:          ${blackholed} connection(s) to non-local hosts at the black-hole proxy`
        + ` (${hosts.slice(0, 5).join(', ')}${hosts.length > 5 ? ', ...' : ''}); nothing left the machine`);
    }
    if (stats.provoked) console.log(`provoked:         ${stats.provoked} hostile elements hovered, focused, fired or clicked`);
    const bad = new Set(list.map((f) => f.page));
    console.log(`pages:            ${pages.filter((p) => !bad.has(p)).length} clean, ${pages.filter((p) => bad.has(p)).length} with failures`);
  }
  console.log(`external links:   ${external.size} (allowed; links a reader may click, never loaded)`);
  for (const [url, where] of [...external].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ps = [...where].sort();
    console.log(`  ${url}  <- ${ps.slice(0, 3).join(', ')}${ps.length > 3 ? `, and ${ps.length - 3} more` : ''}`);
  }
  if (shots.length) {
    console.log(`screenshots:      ${shots.length}`);
    for (const s of shots) console.log(`  ${s}`);
  }
  for (const n of notes) console.log(`note: ${n}`);
  const counts = new Map();
  for (const f of list) counts.set(f.category, (counts.get(f.category) || 0) + 1);
  console.log('failures by category:');
  if (counts.size === 0) console.log('  none');
  for (const c of CATEGORIES) if (counts.has(c)) console.log(`  ${c}: ${counts.get(c)}`);
  console.log(list.length ? `FAIL: ${list.length} failures` : 'OK: no failures');
  process.exit(list.length ? 1 : 0);
}
