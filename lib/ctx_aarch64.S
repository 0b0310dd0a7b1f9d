/*
 * ctx_aarch64.S - the task switch for aarch64 (AAPCS64); see ctx.h.
 *
 * Only the callee-saved registers travel: x19-x28, the frame pointer x29,
 * the link register x30 and the low halves of v8-v15 (d8-d15).  The frame
 * is 176 bytes (11 pairs), keeping sp 16-byte aligned.  make test
 * assembles it (ctx_aarch64_assembles); scripts/test-aarch64.sh runs the
 * task suite on it under qemu-aarch64.  See docs/design/runtime.md.
 */
#if defined(__aarch64__)
    .text

/* void sl__ctx_switch(void **save, void *to): x0 = save, x1 = to */
    .globl  sl__ctx_switch
    .hidden sl__ctx_switch
    .type   sl__ctx_switch, %function
    .p2align 4
sl__ctx_switch:
    .cfi_startproc
    sub     sp, sp, #176
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    stp     d8, d9, [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    mov     x2, sp
    str     x2, [x0]
    mov     sp, x1
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8, d9, [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    add     sp, sp, #176
    ret
    .cfi_endproc
    .size   sl__ctx_switch, .-sl__ctx_switch

/* The first return of a new context lands here (x30 in the first frame)
 * with the argument in x19 and entry in x20.  entry never returns. */
    .globl  sl__ctx_start
    .hidden sl__ctx_start
    .type   sl__ctx_start, %function
    .p2align 4
sl__ctx_start:
    .cfi_startproc
    .cfi_undefined x30          /* the outermost frame: unwinders stop */
    mov     x0, x19
    blr     x20
    brk     #0
    .cfi_endproc
    .size   sl__ctx_start, .-sl__ctx_start
#endif

    .section .note.GNU-stack,"",%progbits
