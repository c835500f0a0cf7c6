# Every small size: memcpy, memmove (overlapping both ways) and memset of 0..70 bytes at four alignments, strlen of strings of 0..80 bytes, and strcmp stopping at every position 0..80 (a difference either way, both ending, one ending), over bytes >= 0x80. Compiled code does sizes up to 64 inline and the rest through calls: both checked against the guest routines.
# run: exit 0x94f8447f
        .text
        .global _start
_start:
        li      s0, 7
# src[i] = (i * 37 + 11) & 255, never 0 (0 becomes 1): 160 bytes.
        la      a0, src
        li      a1, 0
1:      li      t0, 37
        mul     a2, a1, t0
        addi    a2, a2, 11
        andi    a2, a2, 255
        bnez    a2, 2f
        li      a2, 1
2:      add     a3, a0, a1
        stb     a3+0, a2
        addi    a1, a1, 1
        li      t0, 160
        bne     a1, t0, 1b

# memcpy(dst + off, src + len, len)
        li      s1, 0
mc_len: li      s2, 0
mc_off: la      a0, dst
        add     a0, a0, s2
        la      a1, src
        add     a1, a1, s1
        mv      a2, s1
        call    memcpy
        add     s0, s0, rv
        call    sum_dst
        addi    s2, s2, 1
        li      t0, 4
        bne     s2, t0, mc_off
        addi    s1, s1, 1
        li      t0, 71
        bne     s1, t0, mc_len

# memmove(dst + off, dst + off + d, len) for d in -5, -1, 1, 3
        li      s1, 0
mm_len: li      s2, 0
mm_off: la      s3, deltas
mm_d:   ldw     a1, s3+0
        la      a0, dst
        add     a0, a0, s2
        add     a1, a1, a0
        mv      a2, s1
        call    memmove
        call    sum_dst
        addi    s3, s3, 4
        la      t0, deltas_end
        bne     s3, t0, mm_d
        addi    s2, s2, 1
        li      t0, 4
        bne     s2, t0, mm_off
        addi    s1, s1, 1
        li      t0, 71
        bne     s1, t0, mm_len

# memset(dst + off, len * 13 + 0x141, len)
        li      s1, 0
ms_len: li      s2, 0
ms_off: la      a0, dst
        add     a0, a0, s2
        li      t0, 13
        mul     a1, s1, t0
        addi    a1, a1, 0x141
        mv      a2, s1
        call    memset
        add     s0, s0, rv
        call    sum_dst
        addi    s2, s2, 1
        li      t0, 4
        bne     s2, t0, ms_off
        addi    s1, s1, 1
        li      t0, 71
        bne     s1, t0, ms_len

# strlen(src + off) with src[off + len] = 0 for len in 0..80
        li      s1, 0
sl_len: li      s2, 0
sl_off: la      s3, src
        add     s3, s3, s2
        add     s3, s3, s1
        ldbu    s4, s3+0
        stb     s3+0, zero
        la      a0, src
        add     a0, a0, s2
        call    strlen
        slli    t0, s0, 5
        sub     s0, t0, s0
        add     s0, s0, rv
        stb     s3+0, s4
        addi    s2, s2, 1
        li      t0, 4
        bne     s2, t0, sl_off
        addi    s1, s1, 1
        li      t0, 81
        bne     s1, t0, sl_len

# strcmp: a copy of src (NUL at 120) against src, stopping at p in 0..80
        la      a0, cmp
        la      a1, src
        li      a2, 160
        call    memcpy
        la      a0, cmp
        stb     a0+120, zero
        la      a0, src
        stb     a0+120, zero
        li      s1, 0
sc_p:   la      s3, cmp
        add     s3, s3, s1
        ldbu    s4, s3+0
        xori    t0, s4, 0x81            # a difference (its sign varies with p)
        stb     s3+0, t0
        call    cmp_both
        stb     s3+0, zero              # cmp ends first
        call    cmp_both
        la      s5, src
        add     s5, s5, s1
        stb     s5+0, zero              # both end: equal
        call    cmp_both
        stb     s3+0, s4                # src ends first
        call    cmp_both
        stb     s5+0, s4
        addi    s1, s1, 1
        li      t0, 81
        bne     s1, t0, sc_p

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

# s0 = s0 * 31 + strcmp(cmp, src), then the same for strcmp(src, cmp)
cmp_both:
        addi    sp, sp, -4
        stw     sp+0, lr
        la      a0, cmp
        la      a1, src
        call    strcmp
        slli    t0, s0, 5
        sub     s0, t0, s0
        add     s0, s0, rv
        la      a0, src
        la      a1, cmp
        call    strcmp
        slli    t0, s0, 5
        sub     s0, t0, s0
        add     s0, s0, rv
        ldw     lr, sp+0
        addi    sp, sp, 4
        ret

# s0 = s0 * 31 + each byte of area[0..96) (dst is area + 16)
sum_dst:
        la      a0, area
        li      a1, 96
        j       sum_bytes

        .include "include/sum_bytes.inc"
        .include "include/mem_routines.inc"
        .include "include/strcmp_diff.inc"

        .rodata
        .align 4
deltas: .word -5, -1, 1, 3
deltas_end:
        .data
        .align 4
area:   .space 16
dst:    .space 112
src:    .space 160
cmp:    .space 160
