/*
 * ctx.h - switching the CPU from one stack to another: the two assembly
 * routines under every task switch (ctx_x86_64.S, ctx_aarch64.S).
 *
 * A context is nothing but a saved stack pointer: sl__ctx_switch pushes
 * the callee-saved registers on the current stack, stores the stack
 * pointer in *save, loads `to` and pops that stack's registers.  The
 * C calling convention already makes the caller save everything else, so
 * this is all a switch needs: no system call, no signal mask (which is
 * what makes swapcontext slow), no floating-point environment (it belongs
 * to the worker thread, as in Go).
 */
#ifndef SLUICE_CTX_H
#define SLUICE_CTX_H

#include <stdint.h>

#define SL__HIDDEN __attribute__((visibility("hidden")))

SL__HIDDEN void sl__ctx_switch(void **save, void *to);

/* Where a new context starts: takes `arg` and `entry` from the registers
 * that sl__ctx_make filled, calls entry(arg), which must never return. */
SL__HIDDEN void sl__ctx_start(void);

/* Lays out a first frame at the top of a stack so that switching to the
 * returned stack pointer calls entry(arg) on that stack.  `top` must be
 * 16-byte aligned. */
static inline void *sl__ctx_make(void *top, void (*entry)(void *), void *arg)
{
#if defined(__x86_64__)
    /* Popped by sl__ctx_switch: r15 r14 r13 r12 rbx rbp, then the return
     * address.  72 bytes below a 16-aligned top leaves the stack 16-aligned
     * when sl__ctx_start calls entry, as the ABI wants. */
    uint64_t *sp = (uint64_t *)((char *)top - 72);
    sp[0] = 0;                           /* r15 */
    sp[1] = 0;                           /* r14 */
    sp[2] = (uint64_t)(uintptr_t)entry;  /* r13 */
    sp[3] = (uint64_t)(uintptr_t)arg;    /* r12 */
    sp[4] = 0;                           /* rbx */
    sp[5] = 0;                           /* rbp: ends frame-pointer walks */
    sp[6] = (uint64_t)(uintptr_t)sl__ctx_start;
    sp[7] = 0;
    return sp;
#elif defined(__aarch64__)
    /* Popped by sl__ctx_switch: x19..x28, x29 (fp), x30 (lr), d8..d15. */
    uint64_t *sp = (uint64_t *)((char *)top - 176);
    for (int i = 0; i < 22; i++)
        sp[i] = 0;
    sp[0] = (uint64_t)(uintptr_t)arg;    /* x19 */
    sp[1] = (uint64_t)(uintptr_t)entry;  /* x20 */
    sp[11] = (uint64_t)(uintptr_t)sl__ctx_start; /* x30: where ret goes */
    return sp;
#else
#error "sluice tasks need x86-64 or aarch64 (lib/ctx_*.S)"
#endif
}

#endif
