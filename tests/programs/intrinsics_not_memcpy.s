# A routine named memcpy that is not one (it returns the count, not the
# destination) must be left alone; the program's result shows which ran.
# run: exit 12
        .text
        .global _start
_start:
        la      a0, buf
        la      a1, src
        li      a2, 12
        call    memcpy
        .include "include/halt_clean.inc"

        .globl memcpy
memcpy:
        mv      rv, a2
1:      beqz    a2, 2f
        ldbu    a3, a1+0
        stb     a0+0, a3
        addi    a0, a0, 1
        addi    a1, a1, 1
        addi    a2, a2, -1
        j       1b
2:      ret

        .rodata
src:    .ascii "ABCDEFGHIJKLMNOP\0"
        .data
buf:    .space 64
