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
# memcpy: word-at-a-time when both pointers are word-aligned, rv = dst.
        .globl memcpy
memcpy:
        mv      rv, a0
        or      a3, a0, a1
        andi    a3, a3, 3
        bnez    a3, 2f
1:      sltiu   a3, a2, 4
        bnez    a3, 2f
        ldw     a4, a1+0
        stw     a0+0, a4
        addi    a0, a0, 4
        addi    a1, a1, 4
        addi    a2, a2, -4
        j       1b
2:      beqz    a2, 3f
        ldbu    a4, a1+0
        stb     a0+0, a4
        addi    a0, a0, 1
        addi    a1, a1, 1
        addi    a2, a2, -1
        j       2b
3:      ret

# memmove: byte-wise, backwards when dst > src; rv untouched.
        .globl memmove
memmove:
        bgeu    a1, a0, 2f
        add     a0, a0, a2
        add     a1, a1, a2
1:      beqz    a2, 3f
        addi    a0, a0, -1
        addi    a1, a1, -1
        ldbu    a3, a1+0
        stb     a0+0, a3
        addi    a2, a2, -1
        j       1b
2:      beqz    a2, 3f
        ldbu    a3, a1+0
        stb     a0+0, a3
        addi    a0, a0, 1
        addi    a1, a1, 1
        addi    a2, a2, -1
        j       2b
3:      ret

# memset: byte-wise, rv = dst.
        .globl memset
memset:
        mv      rv, a0
1:      beqz    a2, 2f
        stb     a0+0, a1
        addi    a0, a0, 1
        addi    a2, a2, -1
        j       1b
2:      ret

# strlen: byte-wise.
        .globl strlen
strlen:
        mv      a1, a0
1:      ldbu    a2, a1+0
        beqz    a2, 2f
        addi    a1, a1, 1
        j       1b
2:      sub     rv, a1, a0
        ret

        .rodata
ro:     .word 1, 2, 3, 4
        .data
buf:    .space 16
