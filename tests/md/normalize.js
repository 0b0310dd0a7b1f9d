// normalize.js: HTML in a canonical form, so that two renderers' outputs
// compare equal when a browser would show the same document: tags
// lowercased with sorted attributes (a boolean attribute written as
// `disabled` or `disabled=""` alike), heading `id`s (a sluice addition)
// and GitHub's task-list classes dropped, entities decoded, whitespace
// collapsed outside <pre>, and none kept next to block-level tags.
'use strict';
const { decodeHTML } = require('entities');

const BLOCK = new Set(['p', 'div', 'ul', 'ol', 'li', 'blockquote', 'pre', 'table', 'thead',
  'tbody', 'tr', 'th', 'td', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'br']);

function escapeText(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function normTag(raw) {
  const m = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)([\s\S]*?)\/?>$/.exec(raw);
  if (!m) return { text: raw, block: false };
  const name = m[2].toLowerCase();
  const attrs = [];
  const re = /([^\s=/"'>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  let a;
  while ((a = re.exec(m[3]))) {
    const key = a[1].toLowerCase();
    if (key === 'id' && /^h[1-6]$/.test(name)) continue;
    const v = a[2] ?? a[3] ?? a[4] ?? '';
    if (key === 'class' && /^task-list-item(-checkbox)?$/.test(v)) continue;
    attrs.push(`${key}="${escapeText(decodeHTML(v))}"`);
  }
  attrs.sort();
  return { text: `<${m[1]}${name}${attrs.length ? ' ' + attrs.join(' ') : ''}>`, block: BLOCK.has(name), pre: name === 'pre', close: !!m[1] };
}

function normalize(html) {
  const parts = html.split(/(<!--[\s\S]*?-->|<[^>]*>)/);
  const out = [];
  let inPre = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i % 2 === 1) {
      if (p.startsWith('<!--')) { out.push({ text: p, block: false }); continue; }
      const t = normTag(p);
      if (t.pre) inPre += t.close ? -1 : 1;
      out.push(t);
    } else if (p) {
      let s = escapeText(decodeHTML(p));
      if (!inPre) s = s.replace(/\s+/g, ' ');
      out.push({ text: s, isText: true, pre: inPre > 0 });
    }
  }
  // Whitespace next to block-level tags is not significant.
  for (let i = 0; i < out.length; i++) {
    const t = out[i];
    if (!t.isText || t.pre) continue;
    if (i === 0 || out[i - 1].block) t.text = t.text.replace(/^ /, '');
    if (i === out.length - 1 || out[i + 1].block) t.text = t.text.replace(/ $/, '');
  }
  return out.map((t) => t.text).join('').trim();
}

module.exports = { normalize };
