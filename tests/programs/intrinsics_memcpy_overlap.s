# memcpy over overlapping ranges: the guest routine copies forwards and
# smears the first bytes (or words) along, which no C library memcpy
# promises. The calls are replaced, but the native code must see the
# overlap and leave them to the guest routine.
# run: exit 0x17b80946
        .text
        .global _start
_start:
        la      a0, buf
        addi    a0, a0, 1
        la      a1, buf
        li      a2, 20
        call    memcpy                  # bytes, dst = src + 1
        la      a0, buf
        addi    a0, a0, 36
        la      a1, buf
        addi    a1, a1, 32
        li      a2, 24
        call    memcpy                  # words, dst = src + 4
        la      a0, buf                 # checksum the buffer
        li      a1, 16
        li      rv, 0
1:      ldw     a2, a0+0
        slli    a3, rv, 5
        sub     rv, a3, rv
        add     rv, rv, a2
        addi    a0, a0, 4
        addi    a1, a1, -1
        bnez    a1, 1b
        .include "include/halt_clean.inc"

        .include "include/mem_routines.inc"

        .data
        .align 4
buf:    .ascii "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!?"
