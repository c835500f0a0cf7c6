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
        .include "include/halt_clean.inc"

# ---- routines (what the compiler may replace) ------------------------------
        .include "include/mem_routines.inc"

        .rodata
src:    .ascii "hello\0"
