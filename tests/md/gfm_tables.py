#!/usr/bin/env python3
# gfm_tables.py GFM_HARNESS GFM_SRC_DIR: tools/md/gfm's generated tables
# read back through the renderer, against the lists they come from
# (gen_entities.py, gen_unicode.py):
#  - every HTML5 named reference ending in ';' (html.entities.html5, the
#    WHATWG list) decodes to its characters, and each name less its last
#    letter, or with one more, decodes only where that is a name too;
#  - every code point past ASCII that str.casefold changes folds so in a
#    link label: a definition [a<c>] is found by the reference
#    [a<casefold(c)>] (the first definition of a fold wins, as in
#    cmark-gfm);
#  - gfm_entities.inc and gfm_unicode.inc are what their generators print.
# The Unicode part needs the Unicode version gfm_unicode.inc was made
# from; another Python skips it with a note.
import html
import html.entities
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

harness, src = sys.argv[1], sys.argv[2]
failed = False


def render(page):
    with tempfile.NamedTemporaryFile('wb', suffix='.md', delete=False) as f:
        f.write(page.encode('utf-8'))
    try:
        r = subprocess.run([harness, 'render', f.name], capture_output=True)
    finally:
        os.unlink(f.name)
    if r.returncode != 0:
        sys.exit('FAIL: %s render exited %d: %s' % (harness, r.returncode, r.stderr.decode(errors='replace')))
    return r.stdout.decode('utf-8')


def check(what, items, page, want):
    """items[i] names the i-th paragraph of the page; want is the HTML"""
    global failed
    got = render(page)
    if got == want:
        print('%s: %d paragraphs as expected' % (what, len(items)))
        return
    failed = True
    g, w = got.split('</p>\n'), want.split('</p>\n')
    bad = [i for i in range(min(len(g), len(w))) if g[i] != w[i]]
    print('FAIL %s: %d paragraphs differ (of %d; %d got, %d wanted)' % (what, len(bad), len(items), len(g), len(w)))
    for i in bad[:10]:
        print('  %s: got %r, want %r' % (items[i] if i < len(items) else '?', g[i], w[i]))


def esc(s):
    return html.escape(s, quote=False).replace('"', '&quot;')


# Entities.
ents = {k[:-1]: v for k, v in html.entities.html5.items() if k.endswith(';')}
items, page, want = [], [], []
for name in sorted(ents):
    tries = [name, name + 'x']
    if len(name) > 2:
        tries.append(name[:-1])
    for n in tries:
        items.append('&%s;' % n)
        page.append('&%s;' % n)
        want.append('<p>%s</p>\n' % esc(ents[n] if n in ents else '&%s;' % n))
check('entities', items, '\n\n'.join(page) + '\n', ''.join(want))

# Case folds.
inc = open(os.path.join(src, 'gfm_unicode.inc'), encoding='ascii').read()
ver = re.search(r'Unicode ([0-9.]+)', inc).group(1)
if ver != unicodedata.unidata_version:
    print('note: gfm_unicode.inc is Unicode %s, this Python %s: folds not checked'
          % (ver, unicodedata.unidata_version))
else:
    folds = [cp for cp in range(0x80, sys.maxunicode + 1)
             if not 0xD800 <= cp < 0xE000 and chr(cp).casefold() != chr(cp)]
    first = {}
    defs, items, refs, want = [], [], [], []
    for k, cp in enumerate(folds):
        c = chr(cp)
        defs.append('[a%s]: /%d' % (c, k))
        first.setdefault(c.casefold(), k)
    for cp in folds:
        f = chr(cp).casefold()
        items.append('U+%04X' % cp)
        refs.append('[a%s]' % f)
        want.append('<p><a href="/%d">a%s</a></p>\n' % (first[f], esc(f)))
    check('folds', items, '\n'.join(defs) + '\n\n' + '\n\n'.join(refs) + '\n', ''.join(want))
    gen = subprocess.run([sys.executable, os.path.join(src, 'gen_unicode.py')], capture_output=True, text=True).stdout
    if gen != inc:
        failed = True
        print('FAIL: gfm_unicode.inc is not what gen_unicode.py prints')

gen = subprocess.run([sys.executable, os.path.join(src, 'gen_entities.py')], capture_output=True, text=True).stdout
if gen != open(os.path.join(src, 'gfm_entities.inc'), encoding='ascii').read():
    failed = True
    print('FAIL: gfm_entities.inc is not what gen_entities.py prints')
sys.exit(1 if failed else 0)
