/* packout.c - choosing between sl_outfile and writing a device in place. */
#include "packout.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int sl_pack_out_open(sl_pack_out *o, const char *path, int force, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    struct stat st;
    if (path && strcmp(path, "-") && stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: is a directory", path);
            return -1;
        }
        o->fp = fopen(path, "wb");
        if (!o->fp) {
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
            return -1;
        }
        o->name = path;
        o->special = 1;
        return 0;
    }
    if (sl_outfile_open(&o->of, path, force, err, errlen))
        return -1;
    o->fp = o->of.fp;
    o->name = o->of.name;
    return 0;
}

int sl_pack_out_is_stdout(const sl_pack_out *o)
{
    return !o->special && sl_outfile_is_stdout(&o->of);
}

int sl_pack_out_commit(sl_pack_out *o, char *err, size_t errlen)
{
    if (!o->special)
        return sl_outfile_commit(&o->of, err, errlen);
    int bad = fflush(o->fp) != 0 || ferror(o->fp);
    int saved = errno;
    if (fclose(o->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    o->fp = NULL;
    if (bad)
        snprintf(err, errlen, "%s: write error: %s", o->name, strerror(saved));
    return bad ? -1 : 0;
}

void sl_pack_out_abort(sl_pack_out *o)
{
    if (!o->special) {
        sl_outfile_abort(&o->of);
        return;
    }
    if (o->fp)
        fclose(o->fp);
    o->fp = NULL;
}
