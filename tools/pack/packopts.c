/*
 * packopts.c - getopt_long parsing for pack and unpack.
 *
 * Keys and passphrases are read while parsing, so a bad -r or an
 * unreadable identity file is reported before any output is created.
 */
#include "packopts.h"

#include "ageheader.h"
#include "session.h"

#include <getopt.h>
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ageheader.h"

enum { OPT_PASSFILE = 256, OPT_CHUNK, OPT_DEPTH, OPT_STATS, OPT_TEST, OPT_LONG, OPT_MAX_WORK, OPT_RANGE, OPT_NO_FSYNC,
       OPT_NO_SPARSE, OPT_LIST };

static const char pack_usage[] =
    "usage: sluice pack [-r RECIPIENT]... [-R RECIPIENTS_FILE]... [-p | --passphrase-file FILE] [-a]\n"
    "                   [-l LEVEL] [-j THREADS] [--chunk SIZE] [--depth N] [-o OUT | -c] [-f] [--no-fsync]\n"
    "                   [--stats] [-q] [IN | -]\n"
    "\n"
    "Compresses IN (default: stdin) into independent zstd frames with a seek table, in parallel;\n"
    "with recipients or a passphrase, encrypts that stream in the age v1 format.\n"
    "  -r RECIPIENT          encrypt to an age X25519 recipient (age1...); repeatable\n"
    "  -R FILE               encrypt to every recipient listed in FILE; repeatable\n"
    "  -p                    encrypt with a passphrase read twice from the terminal\n"
    "  --passphrase-file F   encrypt with the passphrase on the first line of F\n"
    "  -a                    ASCII-armor the age output\n"
    "  -l LEVEL              zstd level (default 3)\n"
    "  -j THREADS            worker threads (default: number of CPUs); -T THREADS as zstd (-T0: every CPU)\n"
    "  --chunk SIZE          plaintext per zstd frame, e.g. 4M (default 4M, at most 64M)\n"
    "  --depth N             channel depth between stages (default 1)\n"
    "  -o OUT                output file; '-' for stdout (default: IN.zst, or IN.zst.age when encrypting;\n"
    "                        stdout when reading stdin); -c, --stdout: -o -, as zstd\n"
    "  -k, --keep            accepted, as zstd's: the input is never removed\n"
    "  -f                    overwrite an existing output file\n"
    "  --no-fsync            link the output into place without fsyncing it first (faster on a slow\n"
    "                        disk; a power cut soon after may lose the file's data)\n"
    "  --stats               print per-stage pipeline metrics as JSON on stderr\n"
    "  -q                    no progress bar\n"
    "  -d, --decompress      run `sluice unpack` with the other arguments (as zstd -d; for tar -I): -l is\n"
    "                        ignored, -c is -o -, -T is -j, and -r, -R, -p, -a, --chunk, --depth refused\n";

static const char unpack_usage[] =
    "usage: sluice unpack [-i IDENTITY_FILE]... [--passphrase-file FILE] [--max-work-factor N] [-j THREADS]\n"
    "                     [-o OUT | -c] [-f] [--no-fsync] [--no-sparse] [--memory=SIZE | --long[=WLOG]]\n"
    "                     [--range OFFSET:[LENGTH] | -l] [--test] [--stats] [-q] [IN | -]\n"
    "\n"
    "Restores what `sluice pack`, `zstd` or `age` wrote: decrypts and decompresses in parallel.\n"
    "  -i FILE               identity file (AGE-SECRET-KEY-1... lines); repeatable\n"
    "  --passphrase-file F   passphrase for a passphrase-encrypted file (otherwise asked on the terminal)\n"
    "  --max-work-factor N   refuse a passphrase file whose scrypt work factor is over N (1-30, default 22,\n"
    "                        as age: 2^N KiB of memory, 4 GiB and ~15 s at 22)\n"
    "  -j THREADS            worker threads (default: number of CPUs); -T THREADS as zstd (-T0: every CPU)\n"
    "  -o OUT                output file; '-' for stdout (default: IN without .zst.age/.age/.zst,\n"
    "                        .tzst made .tar; stdout when reading stdin); -c, --stdout: -o -, as zstd\n"
    "  -k, --keep            accepted, as zstd's: the input is never removed\n"
    "  -f                    overwrite an existing output file\n"
    "  --no-fsync            link the output into place without fsyncing it first\n"
    "  --no-sparse           write runs of zero bytes into an output file too (by default they are\n"
    "                        left as holes, as zstd -d does: the file takes no disk space for them)\n"
    "  -M, --memory=SIZE     largest zstd window to accept, as zstd -d (default 128M, at most 2G)\n"
    "  --long[=WLOG]         accept windows up to 2^WLOG bytes (default 27; 10-31), as zstd -d\n"
    "  --range OFF:LEN       restore only bytes OFF..OFF+LEN-1 of the original (OFF: to the end; sizes\n"
    "                        may say K, M, G, or KB, KiB..., powers of 1024), reading only the frames\n"
    "                        that hold them (default output: stdout; needs a seekable file with a seek\n"
    "                        table, as sluice pack writes)\n"
    "  -l, --list            list the frames (offset, sizes, checksum) and the totals, as zstd -lv\n"
    "  --test                verify everything, write nothing\n"
    "  --stats               print per-stage pipeline metrics as JSON on stderr\n"
    "  -q                    no progress bar\n"
    "  -d, --decompress      accepted and ignored, as zstd -d (tar -I runs PROGRAM -d to extract)\n";

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "sluice %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see `sluice %s --help`)\n", cmd);
    return 2;
}

static size_t online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

static void defaults(sl_pack_opts *o)
{
    memset(o, 0, sizeof *o);
    o->level = SL_PACK_DEFAULT_LEVEL;
    o->chunk = SL_PACK_DEFAULT_CHUNK;
    o->scrypt_log_n = SL_PACK_SCRYPT_LOG_N;
    const char *wf = getenv("SLUICE_SCRYPT_WORK_FACTOR");
    long v;
    if (wf && sl_args_uint(wf, 1, 22, &v) == 0)
        o->scrypt_log_n = (int)v;
}

static void finish_defaults(sl_pack_opts *o)
{
    if (!o->workers)
        o->workers = online_cpus();
    if (!o->depth)
        o->depth = 1; /* 2 * depth + workers chunks in flight: see "Memory" in docs/formats/pack.md */
}

static int positional(sl_pack_opts *o, const char *cmd, int argc, char **argv)
{
    if (optind < argc)
        o->in = argv[optind++];
    if (optind < argc)
        return usage_error(cmd, "unexpected argument '%s' (one input at a time)", argv[optind]);
    return -1;
}

/* The flags pack and unpack share: -1 when handled, else an exit status. */
static int common_option(sl_pack_opts *o, const char *cmd, int c)
{
    long v;
    switch (c) {
    case 'j':
        if (sl_args_uint(optarg, 1, 1024, &v))
            return usage_error(cmd, "-j: '%s' is not a thread count (1-1024)", optarg);
        o->workers = (size_t)v;
        return -1;
    case 'T': /* zstd's spelling: -T0 is every core, the default */
        if (sl_args_uint(optarg, 0, 1024, &v))
            return usage_error(cmd, "-T: '%s' is not a thread count (0: every core; 1-1024)", optarg);
        o->workers = (size_t)v;
        return -1;
    case 'o': o->out = optarg; return -1;
    case 'c': o->out = "-"; return -1; /* zstd's -c, --stdout */
    case 'k': return -1; /* zstd's --keep: neither command ever removes its input */
    case 'f': o->force = 1; return -1;
    case 'q': o->quiet = 1; return -1;
    case OPT_STATS: o->stats = 1; return -1;
    case OPT_NO_FSYNC: o->no_fsync = 1; return -1;
    default: return usage_error(cmd, "%s", "bad option");
    }
}

/* --memory=SIZE: zstd's window limits, 1 KiB to 2 GiB. */
static int window_size(const char *s, size_t *out)
{
    uint64_t v;
    if (sl_args_size(s, &v) || v < 1024 || v > (uint64_t)1 << SL_UNPACK_MAX_WINDOW_LOG)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* --long[=WLOG]: without a value, zstd's 27. */
static int window_log(const char *s, size_t *out)
{
    long v = SL_UNPACK_DEFAULT_WINDOW_LOG;
    if (s && sl_args_uint(s, 10, SL_UNPACK_MAX_WINDOW_LOG, &v))
        return -1;
    *out = (size_t)1 << v;
    return 0;
}

static int key_error(const char *cmd, const char *err)
{
    fprintf(stderr, "sluice %s: %s\n", cmd, err);
    return 2;
}

/* `pack -d`: the arguments are unpack's, read once, by unpack.  Pack's
 * flags that mean the same to zstd -d pass on as unpack's (-c as -o -,
 * -T as -j, as zstd's), a level is ignored as zstd -d ignores it (so a
 * `tar -I "sluice pack -l 19"` extracts), and a flag only pack has is
 * refused by name rather than read as an unpack flag of the same letter. */
static const struct option both_longs[] = {
    {"passphrase-file", required_argument, 0, OPT_PASSFILE}, {"chunk", required_argument, 0, OPT_CHUNK},
    {"depth", required_argument, 0, OPT_DEPTH},             {"stats", no_argument, 0, OPT_STATS},
    {"no-fsync", no_argument, 0, OPT_NO_FSYNC},             {"no-sparse", no_argument, 0, OPT_NO_SPARSE},
    {"test", no_argument, 0, OPT_TEST},                     {"memory", required_argument, 0, 'M'},
    {"long", optional_argument, 0, OPT_LONG},               {"max-work-factor", required_argument, 0, OPT_MAX_WORK},
    {"range", required_argument, 0, OPT_RANGE},             {"list", no_argument, 0, OPT_LIST},
    {"stdout", no_argument, 0, 'c'},                        {"help", no_argument, 0, 'h'},
    {"decompress", no_argument, 0, 'd'},                    {"uncompress", no_argument, 0, 'd'},
    {"keep", no_argument, 0, 'k'},                          {0, 0, 0, 0}};
static const char both_shorts[] = "r:R:pal:j:o:fqhdi:M:cT:k";

static int asks_unpack(int argc, char **argv)
{
    int c, found = 0;
    opterr = 0; /* the flags are reported by the parse that follows */
    optind = 0;
    while ((c = getopt_long(argc, argv, both_shorts, both_longs, NULL)) != -1)
        found = found || c == 'd';
    opterr = 1;
    optind = 0;
    return found;
}

int sl_pack_unpack_main(int argc, char **argv)
{
    if (!asks_unpack(argc, argv))
        return -1;
    /* each flag becomes at most two words, and "--" goes before the inputs */
    char **uv = calloc((size_t)argc * 2 + 2, sizeof *uv);
    char **made = calloc((size_t)argc + 1, sizeof *made); /* the words made here, freed at the end */
    size_t nmade = 0;
    if (!uv || !made) {
        free(uv);
        free(made);
        return key_error("pack", "out of memory");
    }
    int n = 0, c, idx, rc = -1;
    uv[n++] = argv[0];
    while (rc < 0 && (c = getopt_long(argc, argv, both_shorts, both_longs, &idx)) != -1) {
        char flag[3] = {'-', (char)c, 0};
        switch (c) {
        case 'd':
        case 'k':
        case 'l': break;
        case 'c': uv[n++] = "-o", uv[n++] = "-"; break;
        case 'T':
            if (strcmp(optarg, "0") != 0) /* zstd's -T0: every core, unpack's default */
                uv[n++] = "-j", uv[n++] = optarg;
            break;
        case 'j':
        case 'o':
        case 'i':
        case 'M': uv[n++] = c == 'j' ? "-j" : c == 'o' ? "-o" : c == 'i' ? "-i" : "-M", uv[n++] = optarg; break;
        case 'f':
        case 'q':
        case 'h': uv[n++] = c == 'f' ? "-f" : c == 'q' ? "-q" : "-h"; break;
        case 'r':
        case 'R':
        case 'p':
        case 'a':
        case OPT_CHUNK:
        case OPT_DEPTH: {
            char name[32];
            snprintf(name, sizeof name, "%s%s", c < 256 ? "" : "--", c < 256 ? flag : both_longs[idx].name);
            rc = usage_error("pack", "%s is for packing: with -d the other flags are unpack's", name);
            break;
        }
        case '?': rc = usage_error("pack", "%s", "bad option"); break;
        default: /* a long flag unpack has; --long's optional value must stay attached */
            if (!(made[nmade] = malloc(strlen(both_longs[idx].name) + (optarg ? strlen(optarg) : 0) + 4))) {
                rc = key_error("pack", "out of memory");
                break;
            }
            if (c == OPT_LONG && optarg)
                sprintf(made[nmade], "--long=%s", optarg);
            else
                sprintf(made[nmade], "--%s", both_longs[idx].name);
            uv[n++] = made[nmade++];
            if (optarg && c != OPT_LONG)
                uv[n++] = optarg;
        }
    }
    uv[n++] = "--";
    while (optind < argc)
        uv[n++] = argv[optind++];
    if (rc < 0)
        rc = sl_unpack_main(n, uv);
    for (size_t i = 0; i < nmade; i++)
        free(made[i]);
    free(made);
    free(uv);
    return rc;
}

int sl_pack_opts_parse(sl_pack_opts *o, int argc, char **argv)
{
    static const struct option longs[] = {
        {"passphrase-file", required_argument, 0, OPT_PASSFILE}, {"chunk", required_argument, 0, OPT_CHUNK},
        {"depth", required_argument, 0, OPT_DEPTH},             {"stats", no_argument, 0, OPT_STATS},
        {"no-fsync", no_argument, 0, OPT_NO_FSYNC},             {"help", no_argument, 0, 'h'},
        {"stdout", no_argument, 0, 'c'},                        {"keep", no_argument, 0, 'k'},
        {0, 0, 0, 0}};
    defaults(o);
    int want_tty = 0, c, rc;
    const char *passfile = NULL;
    char err[512];
    long v;
    uint64_t size;
    optind = 0;
    while ((c = getopt_long(argc, argv, "r:R:pal:j:o:fqhcT:k", longs, NULL)) != -1) {
        switch (c) {
        case 'r': {
            uint8_t pub[32];
            if (sl_agekey_parse_recipient(optarg, strlen(optarg), pub)) {
                const char *other = sl_agekey_unsupported(optarg, strlen(optarg));
                if (other) {
                    snprintf(err, sizeof err, "-r: '%.24s...' is %s", optarg, other);
                    return usage_error("pack", "%s", err);
                }
                return usage_error("pack", "-r: '%s' is not an age X25519 recipient (age1...)", optarg);
            }
            if (sl_keylist_add(&o->recipients, pub))
                return key_error("pack", "out of memory");
            break;
        }
        case 'R':
            if (sl_agekey_load_recipients(&o->recipients, optarg, err, sizeof err))
                return key_error("pack", err);
            break;
        case 'p': want_tty = 1; break;
        case OPT_PASSFILE: passfile = optarg; break;
        case 'a': o->armor = 1; break;
        case 'l':
            if (sl_args_uint(optarg, 1, 22, &v))
                return usage_error("pack", "-l: '%s' is not a zstd level (1-22)", optarg);
            o->level = (int)v;
            break;
        case OPT_CHUNK:
            if (sl_args_size(optarg, &size) || size == 0 || size > SL_PACK_MAX_CHUNK)
                return usage_error("pack", "--chunk: '%s' is not a size from 1 byte to 64M", optarg);
            o->chunk = (size_t)size;
            break;
        case OPT_DEPTH:
            if (sl_args_uint(optarg, 1, 1024, &v))
                return usage_error("pack", "--depth: '%s' is not a depth (1-1024)", optarg);
            o->depth = (size_t)v;
            break;
        case 'h': fputs(pack_usage, stdout); return 0;
        default:
            if ((rc = common_option(o, "pack", c)) >= 0)
                return rc;
        }
    }
    rc = positional(o, "pack", argc, argv);
    if (rc >= 0)
        return rc;
    if ((want_tty || passfile) && o->recipients.n)
        return usage_error("pack", "%s", "a passphrase cannot be combined with recipients (age forbids it)");
    if (want_tty && passfile)
        return usage_error("pack", "%s", "-p and --passphrase-file exclude each other");
    if (o->armor && !want_tty && !passfile && !o->recipients.n)
        return usage_error("pack", "%s", "-a armors age output: give -r, -R, -p or --passphrase-file");
    if (passfile && sl_pass_from_file(&o->pass, passfile, err, sizeof err))
        return key_error("pack", err);
    if (want_tty && sl_pass_from_tty(&o->pass, 1, err, sizeof err))
        return key_error("pack", err);
    finish_defaults(o);
    return -1;
}

int sl_unpack_opts_parse(sl_pack_opts *o, int argc, char **argv)
{
    static const struct option longs[] = {{"passphrase-file", required_argument, 0, OPT_PASSFILE},
                                          {"test", no_argument, 0, OPT_TEST},
                                          {"stats", no_argument, 0, OPT_STATS},
                                          {"no-fsync", no_argument, 0, OPT_NO_FSYNC},
                                          {"no-sparse", no_argument, 0, OPT_NO_SPARSE},
                                          {"memory", required_argument, 0, 'M'},
                                          {"long", optional_argument, 0, OPT_LONG},
                                          {"max-work-factor", required_argument, 0, OPT_MAX_WORK},
                                          {"range", required_argument, 0, OPT_RANGE},
                                          {"list", no_argument, 0, 'l'},
                                          {"help", no_argument, 0, 'h'},
                                          {"decompress", no_argument, 0, 'd'},
                                          {"uncompress", no_argument, 0, 'd'},
                                          {"stdout", no_argument, 0, 'c'},
                                          {"keep", no_argument, 0, 'k'},
                                          {0, 0, 0, 0}};
    defaults(o);
    int c, rc;
    char err[512];
    const char *passfile = NULL;
    size_t memory = 0, long_window = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "i:j:o:fqhM:ldcT:k", longs, NULL)) != -1) {
        switch (c) {
        case 'd': break; /* unpacking already: `tar -I "sluice unpack" -x` runs `sluice unpack -d` */
        case 'M':
            if (window_size(optarg, &memory))
                return usage_error("unpack", "--memory: '%s' is not a size from 1K to 2G", optarg);
            break;
        case OPT_LONG:
            if (window_log(optarg, &long_window))
                return usage_error("unpack", "--long: '%s' is not a window log from 10 to 31", optarg);
            break;
        case OPT_MAX_WORK: {
            long v;
            if (sl_args_uint(optarg, 1, SL_AGE_SCRYPT_LIMIT_LOGN, &v))
                return usage_error("unpack", "--max-work-factor: '%s' is not a work factor from 1 to 30", optarg);
            o->max_log_n = (int)v;
            break;
        }
        case 'i':
            if (sl_agekey_load_identities(&o->identities, optarg, err, sizeof err))
                return key_error("unpack", err);
            break;
        case OPT_PASSFILE: passfile = optarg; break;
        case OPT_TEST: o->test = 1; break;
        case OPT_NO_SPARSE: o->no_sparse = 1; break;
        case 'l': o->list = 1; break;
        case OPT_RANGE:
            if (sl_args_range(optarg, &o->range_off, &o->range_len, &o->range_to_end))
                return usage_error("unpack", "--range: '%s' is not OFFSET:LENGTH or OFFSET: (sizes in bytes, K, M, G)",
                                   optarg);
            o->range = 1;
            o->range_spec = optarg;
            break;
        case 'h': fputs(unpack_usage, stdout); return 0;
        default:
            if ((rc = common_option(o, "unpack", c)) >= 0)
                return rc;
        }
    }
    rc = positional(o, "unpack", argc, argv);
    if (rc >= 0)
        return rc;
    if (o->test && o->out)
        return usage_error("unpack", "%s", "--test writes nothing: drop -o");
    if (o->list && (o->out || o->test || o->range))
        return usage_error("unpack", "%s", "--list prints the frames and does nothing else: drop -o, --test, --range");
    if (passfile && sl_pass_from_file(&o->pass, passfile, err, sizeof err))
        return key_error("unpack", err);
    /* as zstd -d: --memory wins over --long, which wins over the default */
    o->max_window = memory ? memory : long_window ? long_window : (size_t)1 << SL_UNPACK_DEFAULT_WINDOW_LOG;
    finish_defaults(o);
    return -1;
}

void sl_pack_opts_free(sl_pack_opts *o)
{
    sl_keylist_free(&o->recipients);
    sl_keylist_free(&o->identities);
    sl_pass_free(&o->pass);
}

void sl_tool_tune_malloc(void)
{
    /* glibc raises its mmap threshold as big blocks are freed, after which
     * multi-MiB chunks come from the heap and freed ones stay resident,
     * spread over per-thread arenas.  A fixed threshold keeps big buffers
     * mapped, so RSS follows the blocks alive (block.c reuses them). */
    mallopt(M_MMAP_THRESHOLD, 128 << 10);
}
