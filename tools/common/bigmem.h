/*
 * bigmem.h - large blocks mapped on 2 MiB boundaries and asked for
 * transparent huge pages, for any tool.
 *
 * The one idea: a first touch of a fresh 4 KiB page costs a fault (on a
 * virtual machine that shadows the guest's page tables, two), so a large
 * block written whole is better faulted in 2 MiB at a time.  mmap cannot
 * ask for an alignment: the block is mapped 2 MiB larger and the ends
 * outside the aligned part are unmapped again.  Where the kernel gives no
 * huge page the block is still ordinary memory.
 */
#ifndef SL_TOOL_BIGMEM_H
#define SL_TOOL_BIGMEM_H

#include <stddef.h>

/* n bytes (rounded up to whole 4 KiB pages) of fresh zeroed memory at a
 * 2 MiB boundary, marked MADV_HUGEPAGE; NULL when it cannot be mapped. */
void *sl_big_map(size_t n);

/* Gives back a block of sl_big_map(n); p may be NULL. */
void sl_big_unmap(void *p, size_t n);

#endif
