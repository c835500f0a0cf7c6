# core: integer arithmetic, branches and memory traffic.
#
# Usage: core ROUNDS (work is linear in ROUNDS). Prints
# "core checksum 0x%08x". Equivalent C: core.c.
#
# Each round: a mixing pass over a 4096-word LCG-filled array (multiply,
# shifts, a data-dependent branch, scattered read-modify-write), 512
# inserts into an open-addressing hash table with linear probing, and one
# bubble pass (signed compares, swaps) over a 256-word window.

        .equ N, 4096
        .equ HT, 1024

        .text
        .globl main
        .type main, @function
main:
        addi    sp, sp, -56
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

        li      s3, 1                   # rounds (default 1)
        li      t0, 2
        blt     a0, t0, 1f
        ldw     a0, a1+4
        call    atoi
        mv      s3, rv
1:
        la      s0, core_a              # s0 = a
        li      s1, N - 1               # s1 = index mask
        li      s12, N                  # s12 = N
        li      s6, 0x9E3779B1          # s6 = mixing multiplier
        la      s7, core_hgen
        la      s8, core_hkey
        la      s9, core_hcnt
        li      s10, 2654435761         # s10 = hash multiplier
        li      s11, HT - 1

        # fill: seed = seed * 1664525 + 1013904223
        li      a0, 0x2545F491
        li      a1, 1664525
        li      a2, 1013904223
        mv      a3, s0
        add     a4, s0, s12
        add     a4, a4, s12
        add     a4, a4, s12
        add     a4, a4, s12             # end = a + 4N
2:      mul     a0, a0, a1
        add     a0, a0, a2
        stw     a3+0, a0
        addi    a3, a3, 4
        bne     a3, a4, 2b

        li      s4, 0                   # sum
        li      s2, 1                   # r
core_round:
        blt     s3, s2, done

        # --- 1: mix ---
        li      s5, 0                   # i
        mv      a5, s0                  # &a[i]
mix:
        ldw     a0, a5+0                # x
        mul     a1, a0, s6
        add     a1, a1, s5              # h = x * K + i
        srli    a2, a1, 15
        xor     a1, a1, a2              # h ^= h >> 15
        and     a2, a1, s1
        slli    a2, a2, 2
        add     a2, a2, s0              # &a[j]
        ldw     a3, a2+0                # v
        andi    a4, a0, 1
        beqz    a4, 3f
        xor     a4, a0, a1
        add     a3, a3, a4              # odd: v += x ^ h
        j       4f
3:      srli    a4, a0, 3
        or      a4, a4, s2
        sub     a3, a3, a4              # even: v -= (x >> 3) | r
4:      stw     a2+0, a3
        add     s4, s4, a3
        addi    s5, s5, 1
        addi    a5, a5, 4
        bne     s5, s12, mix

        # --- 2: hash table ---
        li      s5, 0                   # k
hash:
        slli    a0, s5, 3
        add     a0, a0, s2
        and     a0, a0, s1
        slli    a0, a0, 2
        add     a0, a0, s0
        ldw     a0, a0+0
        srli    a0, a0, 7
        andi    a0, a0, 0x3FF           # key
        mul     a1, a0, s10
        srli    a1, a1, 22              # slot
probe:
        slli    a2, a1, 2
        add     a3, a2, s7
        ldw     a4, a3+0                # hgen[slot]
        beq     a4, s2, 5f
        stw     a3+0, s2                # new entry
        add     a3, a2, s8
        stw     a3+0, a0
        add     a3, a2, s9
        li      a4, 1
        stw     a3+0, a4
        j       6f
5:      add     a3, a2, s8
        ldw     a4, a3+0                # hkey[slot]
        beq     a4, a0, 7f
        addi    a1, a1, 1
        and     a1, a1, s11
        j       probe
7:      add     a3, a2, s9
        ldw     a4, a3+0
        addi    a4, a4, 1
        stw     a3+0, a4
        mul     a4, a4, a0
        add     s4, s4, a4
6:      addi    s5, s5, 1
        li      t0, 512
        bne     s5, t0, hash

        # --- 3: bubble pass over a[base .. base+255] ---
        slli    s5, s2, 8
        and     s5, s5, s1              # i = base
        addi    a5, s5, 255             # end
        slli    a0, s5, 2
        add     a0, a0, s0              # &a[i]
bubble:
        ldw     a1, a0+0                # p
        ldw     a2, a0+4                # q
        ble     a1, a2, 8f
        stw     a0+0, a2
        stw     a0+4, a1
        add     s4, s4, s5
8:      addi    s5, s5, 1
        addi    a0, a0, 4
        bne     s5, a5, bubble

        addi    s2, s2, 1
        j       core_round

done:
        # fold the array into the sum
        li      a1, 16777619
        mv      a2, s0
        slli    a3, s12, 2
        add     a3, a3, s0
9:      ldw     a0, a2+0
        xor     s4, s4, a0
        mul     s4, s4, a1
        addi    a2, a2, 4
        bne     a2, a3, 9b

        la      a0, core_msg
        call    print_str
        mv      a0, s4
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
        addi    sp, sp, 56
        ret
        .size main, . - main

        .rodata
core_msg:
        .asciz  "core checksum "

        .bss
        .align  2
core_a:     .space 4 * N
core_hgen:  .space 4 * HT
core_hkey:  .space 4 * HT
core_hcnt:  .space 4 * HT
