/*
 * ctx_x86_64.S - the task switch for x86-64 (System V ABI); see ctx.h.
 *
 * Only the callee-saved registers travel: rbx, rbp, r12-r15.  Everything
 * else is dead across a call by the ABI.  Six pushes, one store, one load,
 * six pops and a return: a few nanoseconds, no system call.
 */
#if defined(__x86_64__)
#if defined(__CET__)
#define SL_LANDING endbr64
#else
#define SL_LANDING
#endif

    .text

/* void sl__ctx_switch(void **save, void *to): rdi = save, rsi = to */
    .globl  sl__ctx_switch
    .hidden sl__ctx_switch
    .type   sl__ctx_switch, @function
    .p2align 4
sl__ctx_switch:
    .cfi_startproc
    SL_LANDING
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, (%rdi)
    movq    %rsi, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret
    .cfi_endproc
    .size   sl__ctx_switch, .-sl__ctx_switch

/* The first return of a new context lands here with entry in r13 and its
 * argument in r12 (sl__ctx_make put them there).  entry never returns. */
    .globl  sl__ctx_start
    .hidden sl__ctx_start
    .type   sl__ctx_start, @function
    .p2align 4
sl__ctx_start:
    .cfi_startproc
    .cfi_undefined rip          /* the outermost frame: unwinders stop */
    SL_LANDING
    movq    %r12, %rdi
    callq   *%r13
    ud2
    .cfi_endproc
    .size   sl__ctx_start, .-sl__ctx_start
#endif

    .section .note.GNU-stack,"",@progbits
