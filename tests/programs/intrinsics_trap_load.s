# strlen of an unmapped address: the native helper declines and the guest
# routine faults at its own load, exactly as the interpreter does.
# run: trap load_fault pc=0x100 addr=0xF0000010
        .text
        .global _start
_start:
        la      a0, src
        call    strlen
        mv      s0, rv
        lui     a0, 0xF0000
        addi    a0, a0, 16
        call    strlen
        mv      rv, s0
# Every scratch register overwritten before HALT (HALT makes all live).
        li      t0, 0
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      a5, 0
        li      a6, 0
        li      a7, 0
        halt

# ---- routines (what the compiler may replace) ------------------------------
        .include "include/mem_routines.inc"

        .rodata
src:    .ascii "hello\0"
