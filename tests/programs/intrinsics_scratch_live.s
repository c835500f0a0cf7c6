# A scratch register the routine writes (a4: the last word or byte it
# copied) is read after the call: that call must stay a guest call, the
# other (a4 dead after it) may be native.
# run: exit 0x49
        .text
        .global _start
_start:
        la      a0, buf
        la      a1, src
        li      a2, 9
        call    memcpy
        mv      s0, a4
        la      a0, buf
        addi    a0, a0, 16
        la      a1, src
        li      a2, 8
        call    memcpy
        mv      rv, s0
        .include "include/halt_clean.inc"

# ---- routines (what the compiler may replace) ------------------------------
        .include "include/mem_routines.inc"

        .rodata
src:    .ascii "ABCDEFGHIJ\0"
        .data
        .align 4
buf:    .space 64
