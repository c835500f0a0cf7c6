# The registers memset and strlen leave besides their result are read
# after the calls: memset leaves the end of its range in a0 and 0 in a2
# (a0 untouched when the count is 0), strlen the end of the string in a1
# and 0 in a2. The plan reproduces them, so the calls are still replaced
# by native code, which must then set them as the routines do.
# run: exit 0x88e5f9a7
        .text
        .global _start
_start:
        li      s0, 7
        la      a0, buf
        addi    a0, a0, 3
        li      a1, 0x5a
        li      a2, 37
        call    memset
        jal     fold
        la      a0, buf
        addi    a0, a0, 50
        li      a1, 0x11
        li      a2, 0
        call    memset                  # count 0: a0 and a2 unchanged
        jal     fold
        la      a0, src
        li      a2, 99                  # (strlen zeroes it)
        call    strlen
        jal     fold
        la      a0, empty
        li      a2, 98
        call    strlen
        jal     fold
        la      a0, buf                 # and what memset wrote
        li      a1, 12
1:      ldw     a2, a0+0
        add     s0, s0, a2
        addi    a0, a0, 4
        addi    a1, a1, -1
        bnez    a1, 1b
        mv      rv, s0
        .include "include/halt_clean.inc"

# s0 = s0 * 31 + rv, then a0, a1 and a2 as the routine left them.
fold:
        slli    t0, s0, 5
        sub     s0, t0, s0
        add     s0, s0, rv
        xor     s0, s0, a0
        slli    t0, a1, 1
        add     s0, s0, t0
        xor     s0, s0, a2
        jalr    r0, lr, 0

        .include "include/mem_routines.inc"
# (mem_routines.inc has no strcmp; the plan only needs the names above.)

        .rodata
src:    .ascii "The quick brown fox\0"
empty:  .byte 0
        .data
        .align 4
buf:    .space 64
