# A routine named __udivsi3 that is wrong for one divisor (0x80000000:
# it answers 2) must be left alone; the program's result shows which ran.
# run: exit 2
        .text
        .global _start
_start:
        li      a0, 0xffffffff
        li      a1, 0x80000000
        call    __udivsi3
        .include "include/halt_clean.inc"

        .globl __udivsi3
__udivsi3:
        li      rv, -1
        beqz    a1, 3f
        li      rv, 2
        li      t0, 0x80000000
        beq     a1, t0, 3f
        li      rv, 0
        li      a2, 0
        li      a3, 32
1:      srli    t0, a0, 31
        slli    a2, a2, 1
        or      a2, a2, t0
        slli    a0, a0, 1
        slli    rv, rv, 1
        bltu    a2, a1, 2f
        sub     a2, a2, a1
        ori     rv, rv, 1
2:      addi    a3, a3, -1
        bnez    a3, 1b
3:      ret
