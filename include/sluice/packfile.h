/*
 * packfile.h - random access into a file written by `sluice pack`.
 *
 * Such a file is a zstd seekable stream (independent frames, then a seek
 * table), plain or as the plaintext of an age file.  sl_packfile_open
 * reads the seek table from the end - in an age file, by decrypting only
 * the last 64 KiB STREAM chunks - and sl_packfile_read restores any range
 * of the original bytes by reading, decrypting and decompressing only the
 * frames (and their chunks) that hold it.  Every byte it returns was
 * authenticated first (age: each chunk; plain zstd: each frame's
 * checksum, and the headers of the frames before it against the seek
 * table, which places the bytes).  One handle serves any number of
 * threads reading at once.
 *
 * This is libsluice_pack, apart from libsluice because it needs libzstd,
 * libsodium and libcrypto: link with `-lsluice_pack -lzstd -lsodium
 * -lcrypto -lpthread` (`pkg-config --libs sluice-pack`).  Reference: docs/api/packfile.md.
 */
#ifndef SLUICE_PACKFILE_H
#define SLUICE_PACKFILE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_packfile sl_packfile;

/* What unlocks an encrypted file; all zero for a plain one. */
typedef struct sl_packfile_key {
    const char *identity_file; /* a file of AGE-SECRET-KEY-1... lines, as age-keygen writes, or NULL */
    const char *identity;      /* or one AGE-SECRET-KEY-1... string, or NULL */
    const char *passphrase;    /* for a passphrase-encrypted file (NUL-terminated), or NULL */
    int max_work_factor;       /* the most scrypt work (log2 N) to accept; 0: 22, as age */
} sl_packfile_key;

/* Status codes: 0 for success, negative for each kind of failure; the
 * err buffer of the call says more, naming the file and the place. */
enum {
    SL_PACKFILE_OK = 0,
    SL_PACKFILE_EIO = -1,     /* cannot open or read the file */
    SL_PACKFILE_EFORMAT = -2, /* not a seekable zstd stream, plain or in binary age; malformed */
    SL_PACKFILE_EKEY = -3,    /* needs a key, or no identity or passphrase opens it */
    SL_PACKFILE_EAUTH = -4,   /* a chunk failed to authenticate or a frame to verify: corrupted */
    SL_PACKFILE_ERANGE = -5,  /* the range reaches past the end of the original */
    SL_PACKFILE_ENOMEM = -6,
    SL_PACKFILE_ENOSEEK = -7, /* not a regular file (a pipe, a device): it cannot be read at random */
    SL_PACKFILE_ENOTABLE = -8 /* a zstd stream (maybe in age) without a seek table at its end */
};

/* One frame, as the seek table describes it. */
typedef struct sl_packfile_frame {
    uint64_t offset;            /* where it starts in the original */
    uint64_t size;              /* its original (decompressed) bytes */
    uint64_t stream_offset;     /* where it starts in the compressed stream */
    uint32_t compressed_size;   /* its bytes in the compressed stream */
    uint32_t checksum;          /* low 32 bits of XXH64, when the table has them */
    int has_checksum;
} sl_packfile_frame_info;

/* Opens `path` (a regular file).  key may be NULL for a plain file.
 * Returns 0 with *pf set, or a status code with the reason in err. */
int sl_packfile_open(sl_packfile **pf, const char *path, const sl_packfile_key *key, char *err, size_t errlen);
/* The same on an open descriptor of a regular file, which the handle
 * duplicates (the caller may close fd); `name` is used in messages. */
int sl_packfile_open_fd(sl_packfile **pf, int fd, const char *name, const sl_packfile_key *key, char *err,
                        size_t errlen);
void sl_packfile_close(sl_packfile *pf);

/* The original's size in bytes. */
uint64_t sl_packfile_size(const sl_packfile *pf);
/* 1 if the stream is inside age. */
int sl_packfile_encrypted(const sl_packfile *pf);
/* The number of frames, and frame i (0 <= i < frames) into *f. */
size_t sl_packfile_frames(const sl_packfile *pf);
int sl_packfile_frame(const sl_packfile *pf, size_t i, sl_packfile_frame_info *f);

/* Reads original bytes [offset, offset + len) into buf: all of them, or
 * none (on failure buf is zeroed and a status code returned).  Safe to
 * call from many threads at once on one handle.  Past the end:
 * SL_PACKFILE_ERANGE, nothing read. */
int sl_packfile_read(sl_packfile *pf, uint64_t offset, void *buf, size_t len, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
