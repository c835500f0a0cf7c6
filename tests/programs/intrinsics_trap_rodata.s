# memset into read-only data: the helper declines, the guest routine's
# store faults (W^X) at its own PC.
# run: trap store_fault pc=0xF4 addr=0x1002
        .text
        .global _start
_start:
        la      a0, buf
        li      a1, 7
        li      a2, 10
        call    memset
        la      a0, ro
        addi    a0, a0, 2
        li      a1, 0
        li      a2, 8
        call    memset
        .include "include/halt_clean.inc"

# ---- routines (what the compiler may replace) ------------------------------
        .include "include/mem_routines.inc"

        .rodata
ro:     .word 1, 2, 3, 4
        .data
buf:    .space 16
