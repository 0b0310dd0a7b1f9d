/*
 * shm.h - shared memory between processes: sealed memfd mappings, and
 * futex waits on words inside them.
 *
 * The one idea: a mapping another process can also write is only safe to
 * read if it cannot shrink under the reader (a read past the end of a
 * shrunken file is SIGBUS).  So every object is a memfd sealed against
 * shrinking and growing before anyone else sees it: whatever a peer writes
 * into it, every byte of the mapping stays readable.  A memfd has no name
 * in any file system, so nothing is left behind when the last process
 * holding it exits, however it exits.
 *
 * The futex calls here are the shared (non-private) kind: the kernel keys
 * them by the page's file offset, so a wait in one process is woken by a
 * wake in another on the same word.
 */
#ifndef SLUICE_SHM_H
#define SLUICE_SHM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A new memfd of `size` bytes (zero-filled, sparse: no memory is used
 * until pages are touched), close-on-exec, sealed against shrinking and
 * growing.  Returns the fd, or -1 with errno set. */
int sl__shm_create(const char *name, size_t size);

/* Maps `size` bytes of `fd` shared, read-write or read-only; NULL on
 * failure. */
void *sl__shm_map(int fd, size_t size, int writable);
void sl__shm_unmap(void *p, size_t size);

/* Gives the pages of [off, off + len) back to the system (the range reads
 * as zeros afterwards); only whole pages inside the range are released. */
void sl__shm_release(int fd, uint64_t off, uint64_t len);

/* Waits while *w == expected, until woken or the absolute deadline on the
 * sl_now() clock: SL_OK (woken, changed, or spurious) or SL_TIMEDOUT. */
int sl__shm_wait(_Atomic uint32_t *w, uint32_t expected, int64_t deadline);
/* Wakes up to n waiters of *w, in any process. */
void sl__shm_wake(_Atomic uint32_t *w, int n);

/* The system page size. */
size_t sl__shm_page(void);

#endif
