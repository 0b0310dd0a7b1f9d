#!/usr/bin/env python3
# gfm_tables.py GFM_HARNESS GFM_SRC_DIR: tools/md/gfm's generated tables
# read back through the renderer, against the lists they come from
# (gen_entities.py, gen_unicode.py):
#  - every HTML5 named reference ending in ';' (html.entities.html5, the
#    WHATWG list) decodes to its characters, and each name less its last
#    letter, or with one more, decodes only where that is a name too;
#  - every code point past ASCII that libcmark-gfm's case fold changes
#    folds so in a link label: a definition [a<c>] is found by the
#    reference [a<fold(c)>] (the first definition of a fold wins, as in
#    cmark-gfm);
#  - gfm_entities.inc and gfm_unicode.inc are what their generators print.
import html
import html.entities
import os
import re
import subprocess
import sys
import tempfile

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

# Case folds: libcmark-gfm's (gen_unicode.py asks it through ctypes).
sys.path.insert(0, src)
import gen_unicode  # noqa: E402

fold_table, _ = gen_unicode.tables()
# (U+FFFE and U+FFFF fold to the lone bytes 0xFE and 0xFF in cmark-gfm, no
# text to write a reference with: md_gfm_own_unicode_classes_are_cmark_gfms
# compares those bytes)
folds = [(chr(cp), f.decode('utf-8')) for cp, f in fold_table if cp not in (0xFFFE, 0xFFFF)]
first = {}
defs, items, refs, want = [], [], [], []
for k, (c, f) in enumerate(folds):
    defs.append('[a%s]: /%d' % (c, k))
    first.setdefault(f, k)
for c, f in folds:
    items.append('U+%04X' % ord(c))
    refs.append('[a%s]' % f)
    want.append('<p><a href="/%d">a%s</a></p>\n' % (first[f], esc(f)))
check('folds', items, '\n'.join(defs) + '\n\n' + '\n\n'.join(refs) + '\n', ''.join(want))
gen = subprocess.run([sys.executable, os.path.join(src, 'gen_unicode.py')], capture_output=True, text=True).stdout
if gen != open(os.path.join(src, 'gfm_unicode.inc'), encoding='ascii').read():
    failed = True
    print('FAIL: gfm_unicode.inc is not what gen_unicode.py prints')

gen = subprocess.run([sys.executable, os.path.join(src, 'gen_entities.py')], capture_output=True, text=True).stdout
if gen != open(os.path.join(src, 'gfm_entities.inc'), encoding='ascii').read():
    failed = True
    print('FAIL: gfm_entities.inc is not what gen_entities.py prints')
sys.exit(1 if failed else 0)
