# strlen, strcmp, memcpy, memmove and memset on the guest stack, far below
# its top and in its last 32 bytes (fewer readable bytes than compiled
# code scans or copies inline), and between the stack and data. Compiled
# code tests a range in the first accessible interval with one compare and
# walks the intervals for the others: both ways must give the guest
# routines' results.
# run: exit 0xa032dde1
        .text
        .global _start
_start:
        li      s0, 7
        mv      s1, sp                  # readable up to sp + 16
        addi    sp, sp, -1024
        addi    s2, s1, -600            # far: 600 bytes below the top
        addi    s3, s1, -14             # near: 30 bytes below the top

# far: a copy of the 80-byte src, compared and changed
        mv      a0, s2
        la      a1, src
        li      a2, 81
        call    memcpy
        call    mix
        mv      a0, s2
        call    strlen
        call    mix
        mv      a0, s2
        la      a1, src
        call    strcmp
        call    mix
        li      t0, 'A'
        stb     s2+47, t0
        mv      a0, s2
        la      a1, src
        call    strcmp
        call    mix
        la      a0, src
        mv      a1, s2
        call    strcmp
        call    mix
        addi    a0, s2, 3
        mv      a1, s2
        li      a2, 40
        call    memmove
        mv      a0, s2
        call    strlen
        call    mix
        addi    a0, s2, 10
        li      a1, 'z'
        li      a2, 30
        call    memset
        call    mix
        mv      a0, s2
        call    strlen
        call    mix
        mv      a0, s2
        la      a1, src
        call    strcmp
        call    mix
        addi    a0, s2, 100             # stack to stack, 50 bytes
        mv      a1, s2
        li      a2, 50
        call    memcpy
        call    mix
        addi    a0, s2, 100
        mv      a1, s2
        call    strcmp
        call    mix

# near the top: the last 20 bytes of src and its NUL
        mv      a0, s3
        la      a1, src
        addi    a1, a1, 60
        li      a2, 21
        call    memcpy
        call    mix
        mv      a0, s3
        call    strlen
        call    mix
        mv      a0, s3
        la      a1, src
        addi    a1, a1, 60
        call    strcmp
        call    mix
        li      t0, 'Q'
        stb     s3+5, t0
        mv      a0, s3
        la      a1, src
        addi    a1, a1, 60
        call    strcmp
        call    mix
        la      a0, src
        addi    a0, a0, 60
        mv      a1, s3
        call    strcmp
        call    mix
        mv      a0, s3                  # near against far
        mv      a1, s2
        call    strcmp
        call    mix
        mv      a0, s2
        mv      a1, s3
        call    strcmp
        call    mix
        addi    a0, s3, 2
        li      a1, 'x'
        li      a2, 10
        call    memset
        call    mix
        mv      a0, s3
        call    strlen
        call    mix
        addi    a0, s3, 1
        mv      a1, s3
        li      a2, 18
        call    memmove
        mv      a0, s3
        call    strlen
        call    mix
        addi    a0, s1, 8               # its last 8 bytes, from far below
        addi    a1, s2, 20
        li      a2, 8
        call    memcpy
        call    mix

# every byte of the two stack areas
        mv      a0, s2
        li      a1, 160
        call    sum_bytes
        addi    a0, s1, -32
        li      a1, 48
        call    sum_bytes
        mv      rv, s0
        .include "include/halt_clean.inc"

# s0 = s0 * 31 + rv
mix:
        slli    t0, s0, 5
        sub     s0, t0, s0
        add     s0, s0, rv
        ret

        .include "include/sum_bytes.inc"
        .include "include/mem_routines.inc"
        .include "include/strcmp_diff.inc"

        .data
src:    .ascii  "the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor "
        .byte   0
