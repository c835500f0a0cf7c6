# strings: memcpy/strlen/strcmp/memset-heavy text processing.
#
# Usage: strings ROUNDS (work is linear in ROUNDS). Prints
# "strings checksum 0x%08x". Equivalent C (and the workload): strings.c.
#
# memcpy, strlen, strcmp and memset are real global functions with the C
# library's signatures and the standard calling convention (arguments in
# a0..a2, result in rv, only a0..a7, t0 and rv clobbered), so a compiler
# may replace calls to them with native versions. They work a word at a
# time where alignment allows, as a libc does.

        .equ NSTR, 1024
        .equ MAXLEN, 71

        .text
        .globl main
        .type main, @function
main:
        addi    sp, sp, -72
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        stw     sp+16, s3
        stw     sp+20, s4
        stw     sp+24, s5
        stw     sp+28, s6
        stw     sp+32, s7
        stw     sp+36, s8
        stw     sp+40, s9
        stw     sp+44, s10
        stw     sp+48, s11
        stw     sp+52, s12
        stw     sp+56, s13
        stw     sp+60, s14
        stw     sp+64, s15
        stw     sp+68, s16
        li      s7, 1                   # rounds (default 1)
        li      t0, 2
        blt     a0, t0, 1f
        ldw     a0, a1+4
        call    atoi
        mv      s7, rv
1:
        # --- generate the strings ---
        li      s0, 12345               # seed
        la      s1, str_pool            # p
        la      s2, str_ptrs
        li      s3, 0                   # i
        la      s4, str_tmpl
        li      s5, 1664525
        li      s6, 1013904223
gen_i:
        mul     s0, s0, s5
        add     s0, s0, s6
        srli    a0, s0, 16
        andi    a0, a0, 63
        addi    a0, a0, 8               # len = 8 + ((seed >> 16) & 63)
        srli    a1, s0, 8
        andi    a1, a1, 31              # shared prefix length
        slli    a2, s3, 2
        add     a2, a2, s2
        stw     a2+0, s1                # strs[i] = p
        li      a3, 0                   # k
gen_k:
        bgeu    a3, a0, 4f
        bgeu    a3, a1, 2f
        add     a4, s4, a3
        ldbu    a4, a4+0                # prefix: the template
        j       3f
2:      mul     s0, s0, s5
        add     s0, s0, s6
        srli    a4, s0, 24
        andi    a4, a4, 7
        addi    a4, a4, 'a'             # then random letters a..h
3:      add     a5, s1, a3
        stb     a5+0, a4
        addi    a3, a3, 1
        j       gen_k
4:      add     a5, s1, a0
        stb     a5+0, zero
        addi    s1, a5, 1
        addi    s3, s3, 1
        li      t0, NSTR
        bne     s3, t0, gen_i

        # --- rounds ---
        # s2 strs, s7 rounds, s8 r, s9 sum, s10 o, s11 i, s12 s, s13 n,
        # s14 k, s15 line, s16 copy
        la      s15, str_line
        la      s16, str_copy
        li      s8, 0
        li      s9, 0
str_round:
        bge     s8, s7, done
        mv      s10, s15
        li      s11, 0
str_loop:
        li      t0, 7
        mul     s14, s11, t0
        add     s14, s14, s8
        andi    s14, s14, NSTR - 1      # k = (i * 7 + r) & (NSTR - 1)
        slli    a1, s14, 2
        add     a1, a1, s2
        ldw     s12, a1+0               # s = strs[k]
        mv      a0, s12
        call    strlen
        mv      s13, rv                 # n
        mv      a0, s10
        mv      a1, s12
        mv      a2, s13
        call    memcpy
        add     s10, s10, s13
        li      t0, ','
        stb     s10+0, t0
        addi    s10, s10, 1
        addi    a1, s14, 1
        andi    a1, a1, NSTR - 1
        slli    a1, a1, 2
        add     a1, a1, s2
        ldw     a1, a1+0
        mv      a0, s12
        call    strcmp
        slt     a0, rv, zero            # sign: 1 if < 0, 2 if > 0
        slt     a1, zero, rv
        slli    a1, a1, 1
        or      a0, a0, a1
        slli    t0, s9, 5
        sub     s9, t0, s9
        add     s9, s9, s13
        add     s9, s9, a0              # sum = sum * 31 + n + sign
        addi    s11, s11, 1
        li      t0, NSTR
        bne     s11, t0, str_loop
        stb     s10+0, zero

        mv      a0, s15
        call    strlen
        mv      s13, rv                 # total
        mv      a0, s16
        mv      a1, s15
        addi    a2, s13, 1
        call    memcpy
        li      t0, 13
        mul     a0, s8, t0
        andi    a0, a0, 1023
        sub     a0, s13, a0
        addi    a0, a0, -1
        add     a0, a0, s16
        ldbu    a1, a0+0
        xori    a1, a1, 1
        stb     a0+0, a1                # copy[total - 1 - ((r * 13) & 1023)] ^= 1
        mv      a0, s15
        mv      a1, s16
        call    strcmp
        slt     s14, rv, zero
        slt     a1, zero, rv
        slli    a1, a1, 1
        or      s14, s14, a1            # sign
        mv      a0, s16
        andi    a1, s8, 15
        addi    a1, a1, 'a'
        srli    a2, s13, 1
        call    memset
        slli    t0, s9, 5
        sub     s9, t0, s9
        add     s9, s9, s13
        add     s9, s9, s14             # sum = sum * 31 + total + sign
        li      t0, 7
        mul     a0, s8, t0
        andi    a0, a0, 1023
        add     a0, a0, s16
        ldbu    a0, a0+0
        slli    t0, s9, 5
        sub     s9, t0, s9
        add     s9, s9, a0              # sum = sum * 31 + copy[(r * 7) & 1023]
        mv      a0, s16
        call    strlen
        slli    t0, s9, 5
        sub     s9, t0, s9
        add     s9, s9, rv              # sum = sum * 31 + strlen(copy)
        addi    s8, s8, 1
        j       str_round

done:
        la      a0, strings_msg
        call    print_str
        mv      a0, s9
        call    print_hex
        li      a0, 10
        call    print_char
        li      rv, 0
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        ldw     s3, sp+16
        ldw     s4, sp+20
        ldw     s5, sp+24
        ldw     s6, sp+28
        ldw     s7, sp+32
        ldw     s8, sp+36
        ldw     s9, sp+40
        ldw     s10, sp+44
        ldw     s11, sp+48
        ldw     s12, sp+52
        ldw     s13, sp+56
        ldw     s14, sp+60
        ldw     s15, sp+64
        ldw     s16, sp+68
        addi    sp, sp, 72
        ret
        .size main, . - main

# ---------------------------------------------------------------------------
# void *memcpy(void *dst = a0, const void *src = a1, size_t n = a2)
# Same alignment mod 4: bytes up to a word boundary, then 16 and 4 bytes
# at a time, then the tail; otherwise byte by byte.
        .globl memcpy
        .type memcpy, @function
memcpy:
        mv      rv, a0
        xor     a3, a0, a1
        andi    a3, a3, 3
        bnez    a3, 4f
1:      andi    a3, a0, 3               # head bytes
        beqz    a3, 2f
        beqz    a2, 5f
        ldbu    a4, a1+0
        stb     a0+0, a4
        addi    a0, a0, 1
        addi    a1, a1, 1
        addi    a2, a2, -1
        j       1b
2:      sltiu   a3, a2, 16              # 16 bytes at a time
        bnez    a3, 3f
        ldw     a4, a1+0
        ldw     a5, a1+4
        ldw     a6, a1+8
        ldw     a7, a1+12
        stw     a0+0, a4
        stw     a0+4, a5
        stw     a0+8, a6
        stw     a0+12, a7
        addi    a0, a0, 16
        addi    a1, a1, 16
        addi    a2, a2, -16
        j       2b
3:      sltiu   a3, a2, 4               # words
        bnez    a3, 4f
        ldw     a4, a1+0
        stw     a0+0, a4
        addi    a0, a0, 4
        addi    a1, a1, 4
        addi    a2, a2, -4
        j       3b
4:      beqz    a2, 5f                  # bytes
        ldbu    a4, a1+0
        stb     a0+0, a4
        addi    a0, a0, 1
        addi    a1, a1, 1
        addi    a2, a2, -1
        j       4b
5:      ret
        .size memcpy, . - memcpy

# ---------------------------------------------------------------------------
# size_t strlen(const char *s = a0)
# Bytes up to a word boundary, then a word at a time: a word has a zero
# byte iff (w - 0x01010101) & ~w & 0x80808080 is non-zero.
        .globl strlen
        .type strlen, @function
strlen:
        mv      a1, a0
1:      andi    a2, a1, 3
        beqz    a2, 2f
        ldbu    a3, a1+0
        beqz    a3, 5f
        addi    a1, a1, 1
        j       1b
2:      li      a4, 0x01010101
        li      a5, 0x80808080
3:      ldw     a3, a1+0
        sub     a2, a3, a4
        and     a6, a3, a5
        xor     a6, a6, a5              # ~w & 0x80808080
        and     a2, a2, a6
        bnez    a2, 4f
        addi    a1, a1, 4
        j       3b
4:      ldbu    a3, a1+0                # the zero is in this word
        beqz    a3, 5f
        addi    a1, a1, 1
        j       4b
5:      sub     rv, a1, a0
        ret
        .size strlen, . - strlen

# ---------------------------------------------------------------------------
# int strcmp(const char *a = a0, const char *b = a1): compares unsigned
# bytes; the result is the difference of the first pair that differs.
        .globl strcmp
        .type strcmp, @function
strcmp:
1:      ldbu    a2, a0+0
        ldbu    a3, a1+0
        bne     a2, a3, 2f
        beqz    a2, 3f
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      sub     rv, a2, a3
        ret
3:      li      rv, 0
        ret
        .size strcmp, . - strcmp

# ---------------------------------------------------------------------------
# void *memset(void *dst = a0, int c = a1, size_t n = a2)
        .globl memset
        .type memset, @function
memset:
        mv      rv, a0
        andi    a1, a1, 255
1:      andi    a3, a0, 3               # head bytes
        beqz    a3, 2f
        beqz    a2, 5f
        stb     a0+0, a1
        addi    a0, a0, 1
        addi    a2, a2, -1
        j       1b
2:      slli    a3, a1, 8               # the byte in all four lanes
        or      a1, a1, a3
        slli    a3, a1, 16
        or      a1, a1, a3
3:      sltiu   a3, a2, 4               # words
        bnez    a3, 4f
        stw     a0+0, a1
        addi    a0, a0, 4
        addi    a2, a2, -4
        j       3b
4:      beqz    a2, 5f                  # tail bytes
        stb     a0+0, a1
        addi    a0, a0, 1
        addi    a2, a2, -1
        j       4b
5:      ret
        .size memset, . - memset

        .rodata
strings_msg:
        .asciz  "strings checksum "
str_tmpl:
        .asciz  "the quick brown fox jumps over the lazy dog"

        .bss
        .align  2
str_ptrs:       .space 4 * NSTR
str_pool:       .space NSTR * (MAXLEN + 1)
        .align  2
str_line:       .space NSTR * (MAXLEN + 1) + 16
        .align  2
str_copy:       .space NSTR * (MAXLEN + 1) + 16
