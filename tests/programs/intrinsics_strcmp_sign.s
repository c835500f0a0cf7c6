# As intrinsics_mem.s with a strcmp returning -1/0/1 over signed chars.
# run: exit 0xbc7d99ef
        .text
        .global _start
_start:
        li      s0, 7
        la      a0, buf
        addi    a0, a0, 1
        li      a1, 0x141
        li      a2, 37
        call    memset
        add     s0, s0, rv
        la      a0, buf
        addi    a0, a0, 64
        la      a1, src
        li      a2, 45
        call    memcpy
        add     s0, s0, rv
        la      a0, buf
        addi    a0, a0, 131
        la      a1, src
        addi    a1, a1, 2
        li      a2, 29
        call    memcpy
        add     s0, s0, rv
        la      a0, buf
        addi    a0, a0, 200
        la      a1, src
        li      a2, 0
        call    memcpy
        la      a0, buf
        addi    a0, a0, 65
        addi    a1, a0, -1
        li      a2, 20
        call    memmove
        la      a0, buf
        addi    a0, a0, 140
        addi    a1, a0, 6
        li      a2, 21
        call    memmove
        la      a0, src
        call    strlen
        slli    s0, s0, 1
        add     s0, s0, rv
        la      a0, src
        addi    a0, a0, 5
        call    strlen
        slli    s0, s0, 1
        add     s0, s0, rv
        la      a0, empty
        call    strlen
        add     s0, s0, rv
        la      a0, s1
        la      a1, s2
        call    strcmp
        slli    s0, s0, 1
        add     s0, s0, rv
        la      a0, s2
        la      a1, s1
        call    strcmp
        slli    s0, s0, 1
        add     s0, s0, rv
        la      a0, s1
        la      a1, s1
        call    strcmp
        slli    s0, s0, 1
        add     s0, s0, rv
        la      a0, s1
        la      a1, s3
        call    strcmp
        slli    s0, s0, 1
        add     s0, s0, rv
        call    checksum
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

# s0 = s0 * 31 + each byte of buf[0..256)
checksum:
        la      a0, buf
        li      a1, 256
1:      ldbu    a2, a0+0
        li      a3, 31
        mul     s0, s0, a3
        add     s0, s0, a2
        addi    a0, a0, 1
        addi    a1, a1, -1
        bnez    a1, 1b
        ret

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

# strcmp: -1/0/1 comparing signed chars.
        .globl strcmp
strcmp:
1:      ldb     a2, a0+0
        ldb     a3, a1+0
        bne     a2, a3, 2f
        beqz    a2, 3f
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      li      rv, 1
        blt     a3, a2, 4f
        li      rv, -1
4:      ret
3:      li      rv, 0
        ret

        .rodata
src:    .ascii "The quick brown fox jumps over the lazy dog, \xc3\xa9t\xe9 \xff!\0"
empty:  .byte 0
s1:     .ascii "abc\x80xyz\0"
s2:     .ascii "abc\x01xyz\0"
s3:     .ascii "abc\0"
        .data
        .align 4
buf:    .space 256
