/*
 * shm.c - sealed memfds, their mappings, and shared futexes.  See shm.h.
 */
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "park.h"
#include "sluice/chan.h"

int sl__shm_create(const char *name, size_t size)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -1;
    /* Seal before any other process can see the fd: from here on the
     * size is fixed, and F_SEAL_SEAL keeps anyone from sealing writes
     * away from us. */
    if (ftruncate(fd, (off_t)size) != 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

void *sl__shm_map(int fd, size_t size, int writable)
{
    int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    void *p = mmap(NULL, size, prot, MAP_SHARED, fd, 0);
    return p == MAP_FAILED ? NULL : p;
}

void sl__shm_unmap(void *p, size_t size)
{
    if (p)
        munmap(p, size);
}

size_t sl__shm_page(void)
{
    static size_t page;
    if (!page) {
        long n = sysconf(_SC_PAGESIZE);
        page = n > 0 ? (size_t)n : 4096;
    }
    return page;
}

void sl__shm_release(int fd, uint64_t off, uint64_t len)
{
    uint64_t page = sl__shm_page();
    uint64_t begin = (off + page - 1) / page * page, end = (off + len) / page * page;
    if (fd >= 0 && end > begin)
        fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)begin, (off_t)(end - begin));
}

/* The waker may be another process: a shared (not private) futex. */
int sl__shm_wait(_Atomic uint32_t *w, uint32_t expected, int64_t deadline)
{
    return sl__futex_wait_in(w, expected, deadline, 1);
}

void sl__shm_wake(_Atomic uint32_t *w, int n)
{
    sl__futex_wake_in(w, n, 1);
}
