/*
 * gfm_table.h - GFM tables, as cmark-gfm's table extension reads them;
 * included by gfm_block.c (it works on the line parser's state).
 *
 * A paragraph whose last line parses as a row becomes a table when the
 * next line is a delimiter row with as many cells; the paragraph's other
 * lines stay a paragraph before it (their "\|" unescaped and not read for
 * link reference definitions, as cmark-gfm does).  Every later line that
 * parses as a row, and starts no other block, is a row; cells past the
 * header's count are dropped, missing ones are empty.
 */

static inline bool t_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

typedef struct tcell {
    size_t off, len; /* in the row's text, before "\|" is unescaped and after trimming */
} tcell;

struct trow {
    size_t ncols, cap;
    size_t paragraph_offset;
    tcell *cells;
};
typedef struct trow trow;

static size_t t_cell_end(const uint8_t *s, size_t n, size_t i)
{
    if (i >= n || s[i] != '|')
        return 0;
    size_t j = i + 1;
    while (j < n && t_space(s[j]))
        j++;
    return j - i;
}

static size_t t_cell(const uint8_t *s, size_t n, size_t i)
{
    size_t j = i;
    for (;;) {
        j = gfm_scan_cell(s, j, n); /* to the next '|', line end or non-ASCII byte */
        if (j >= n || s[j] == '\r' || s[j] == '\n')
            break;
        if (s[j] == '|') {
            if (!(j > i && s[j - 1] == '\\'))
                break;
            j++;
            continue;
        }
        size_t l = gfm_u8len(s + j, s + n); /* a bad byte ends the cell (and so the row) */
        if (!l)
            break;
        j += l;
    }
    return j - i;
}

static size_t t_row_end(const uint8_t *s, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    size_t j = i;
    while (j < n && t_space(s[j]))
        j++;
    if (j < n && s[j] == '\r')
        j++;
    if (j < n && s[j] == '\n')
        return j + 1 - i;
    return 0;
}

/* cmark_isspace (the trim of a cell): space, tab, LF, CR */
static bool t_isspace(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void t_push(sl_gfm *g, trow *r, size_t off, size_t len)
{
    if (r->ncols == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 8;
        tcell *c = gfm_alloc(g, cap * sizeof *c);
        if (r->ncols)
            memcpy(c, r->cells, r->ncols * sizeof *c);
        r->cells = c;
        r->cap = cap;
    }
    r->cells[r->ncols].off = off;
    r->cells[r->ncols].len = len;
    r->ncols++;
}

/* s[0..n) as one row (cmark-gfm's row_from_string); false if it is none. */
static bool t_row(sl_gfm *g, const uint8_t *s, size_t n, trow *r)
{
    memset(r, 0, sizeof *r);
    size_t offset = t_cell_end(s, n, 0);
    bool more = true;
    while (offset < n && more) {
        size_t cm = t_cell(s, n, offset);
        size_t pm = t_cell_end(s, n, offset + cm);
        if (cm || pm) {
            size_t a = offset, b = offset + cm;
            while (a < b && t_isspace(s[a]))
                a++;
            while (b > a && t_isspace(s[b - 1]))
                b--;
            t_push(g, r, a, b - a);
        }
        offset += cm + pm;
        if (!pm) {
            size_t re = t_row_end(s, n, offset);
            offset += re;
            if (re && offset != n) {
                r->paragraph_offset = offset;
                r->ncols = 0;
                offset += t_cell_end(s, n, offset);
            } else {
                more = false;
            }
        }
    }
    return offset == n && r->ncols > 0;
}

/* the delimiter row: [|]? marker ([|] marker)* [|]? spaces newline */
static bool t_scan_start(const uint8_t *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '|')
        i++;
    for (int k = 0;; k++) {
        size_t save = i;
        while (i < n && t_space(s[i]))
            i++;
        if (i < n && s[i] == ':')
            i++;
        size_t d = i;
        while (i < n && s[i] == '-')
            i++;
        if (i == d) {
            if (k == 0)
                return false;
            i = save; /* the optional trailing pipe was the last */
            break;
        }
        if (i < n && s[i] == ':')
            i++;
        while (i < n && t_space(s[i]))
            i++;
        if (i < n && s[i] == '|')
            i++;
        else
            break;
    }
    while (i < n && t_space(s[i]))
        i++;
    if (i < n && s[i] == '\r')
        i++;
    return i < n && s[i] == '\n';
}

/* Copies a cell's text, "\|" unescaped, into leaf `cell`. */
static void t_fill_cell(parser *p, gnode *cell, const uint8_t *s, size_t n)
{
    size_t a = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|') {
            leaf_put(p, cell, s + a, i - a);
            a = i + 1;
            i++;
        }
    leaf_put(p, cell, s + a, n - a);
    if (!cell->len)
        cell->off = p->g->content.len;
}

/* the line's row from its first non-space, parsed once for the check
 * that the table goes on and for the row added */
static bool t_line_row(parser *p, trow *r)
{
    const uint8_t *s = p->line + p->first_nonspace;
    size_t n = p->len - p->first_nonspace;
    if (p->trow_seen.row && p->trow_seen.s == s && p->trow_seen.n == n && p->trow_seen.line_number == p->line_number) {
        *r = *p->trow_seen.row; /* every field, as t_row left it (review18 L5: it was ncols and cells only) */
        return p->trow_seen.ok;
    }
    bool ok = t_row(p->g, s, n, r);
    if (!p->trow_seen.row)
        p->trow_seen.row = gfm_alloc(p->g, sizeof *p->trow_seen.row);
    *p->trow_seen.row = *r;
    p->trow_seen.line_number = p->line_number;
    p->trow_seen.s = s;
    p->trow_seen.n = n;
    p->trow_seen.ok = ok;
    return ok;
}

static bool table_row_matches(parser *p, gnode *table)
{
    (void)table;
    trow r;
    return t_line_row(p, &r);
}

static bool table_try_open(parser *p, gnode **container)
{
    const uint8_t *line = p->line + p->first_nonspace;
    size_t n = p->len - p->first_nonspace;
    if (!t_scan_start(line, n))
        return false;
    trow marker, header;
    if (!t_row(p->g, line, n, &marker))
        return false;
    gnode *para = *container;
    size_t plen = para->len;
    /* Each line that could be a delimiter row reads (and copies) the whole
     * paragraph above it as the header: a paragraph of 40,000 lines that
     * alternate `-|-` and `-|-|-` (200 KB) took 20 s, quadratic, as in
     * cmark-gfm 0.29.0.gfm.6 (current cmark-gfm tries a paragraph once,
     * which reads some tables otherwise).  A page's tries may read 16
     * times its size and a megabyte; past that no paragraph becomes a
     * table, and the page's warning names the line. */
    if (plen > 16 * p->g->last_len + ((size_t)1 << 20) - p->table_tried) {
        gfm_limit_at(p->g, p->line_number);
        return false;
    }
    p->table_tried += plen;
    /* the paragraph's text copied: the cells are written after it */
    uint8_t *ptext = gfm_alloc(p->g, plen + 1);
    memcpy(ptext, p->g->content.p + para->off, plen);
    if (!t_row(p->g, ptext, plen, &header) || header.ncols != marker.ncols)
        return false;
    if (header.paragraph_offset) {
        gnode *before = gfm_alloc(p->g, sizeof *before);
        memset(before, 0, sizeof *before);
        before->type = B_PARAGRAPH;
        before->start_line = para->start_line;
        before->parent = para->parent;
        before->prev = para->prev;
        before->next = para;
        if (para->prev)
            para->prev->next = before;
        else
            para->parent->first = before;
        para->prev = before;
        size_t a = 0, b = header.paragraph_offset;
        while (a < b && t_isspace(ptext[a]))
            a++;
        while (b > a && t_isspace(ptext[b - 1]))
            b--;
        t_fill_cell(p, before, ptext + a, b - a);
    }
    para->type = B_TABLE;
    para->len = 0;
    if (p->content_owner == para)
        p->content_owner = NULL;
    para->as.table.ncols = (uint16_t)(header.ncols > 65535 ? 65535 : header.ncols);
    para->as.table.autocompleted = 0;
    uint8_t *align = gfm_alloc(p->g, header.ncols);
    for (size_t i = 0; i < marker.ncols; i++) {
        const uint8_t *c = line + marker.cells[i].off;
        size_t len = marker.cells[i].len;
        bool left = len && c[0] == ':', right = len && c[len - 1] == ':';
        align[i] = left && right ? ALIGN_CENTER : left ? ALIGN_LEFT : right ? ALIGN_RIGHT : ALIGN_NONE;
    }
    para->as.table.align = align;
    gnode *row = add_child(p, para, B_TABLE_ROW);
    row->as.row.header = true;
    for (size_t i = 0; i < header.ncols; i++) {
        gnode *cell = add_child(p, row, B_TABLE_CELL);
        cell->as.cell = i;
        t_fill_cell(p, cell, ptext + header.cells[i].off, header.cells[i].len);
    }
    advance(p, p->len - 1 - p->offset, false);
    return true;
}

/* Empty cells a table's short rows may be given: past that the next line
 * is not a row (current cmark-gfm, what GitHub runs: 0x80000,
 * counted as here; the row that passes it is still taken).  A page's
 * tables together may be given twice that: cmark-gfm's limit is a
 * table's, and 1,025 columns of header make 2 KB of Markdown and 0x80000
 * cells 5 MB of HTML, as many times as a page holds such tables (a 1 MB
 * page, 1.5 GB).  Without either, 18 KB of a 3,000-column table made
 * 90 MB of HTML and took 966 MB. */
#define TABLE_AUTOCOMPLETED_MAX ((size_t)0x80000)
#define PAGE_AUTOCOMPLETED_MAX (2 * TABLE_AUTOCOMPLETED_MAX)

/* A row of an open table (from the line's first non-space). */
static gnode *table_open_row(parser *p, gnode *table)
{
    trow r;
    if (p->blank)
        return NULL;
    if (table->as.table.autocompleted > TABLE_AUTOCOMPLETED_MAX || p->autocompleted > PAGE_AUTOCOMPLETED_MAX) {
        gfm_limit_at(p->g, p->line_number);
        return NULL;
    }
    if (!t_line_row(p, &r))
        return NULL;
    gnode *row = add_child(p, table, B_TABLE_ROW);
    size_t i = 0;
    for (; i < r.ncols && i < table->as.table.ncols; i++) {
        gnode *cell = add_child(p, row, B_TABLE_CELL);
        cell->as.cell = i;
        t_fill_cell(p, cell, p->line + p->first_nonspace + r.cells[i].off, r.cells[i].len);
    }
    table->as.table.autocompleted += table->as.table.ncols - i;
    p->autocompleted += table->as.table.ncols - i;
    for (; i < table->as.table.ncols; i++)
        add_child(p, row, B_TABLE_CELL)->as.cell = i;
    advance(p, p->len - 1 - p->offset, false);
    return row;
}
