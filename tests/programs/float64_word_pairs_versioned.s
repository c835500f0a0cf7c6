# Register pairs that compiled code keeps as two words (their integer uses
# outweigh their FP ones), moved by `ldw; ldw` and `stw; stw` in blocks
# with an alignment test at the entry (see float64_pair_versioned.s):
# where the base is 8-aligned, a pair an FP instruction reads next is
# loaded as one 8-byte f64, and a pair an FP instruction computed is
# stored as one. The bases alternate between 8-aligned and 4 mod 8. The
# words stored, and the integer uses of the pair's halves, are summed.
# run: reg r10 0xb102aaa6
# run: reg r11 0xcab09746
# run: exit 0x4c0e2492
    .text
    .global _start
_start:
    la r5, in
    li r7, 512
    .include "include/fill_unit_doubles.inc"

    la r20, in
    la r21, out
    li r8, 0
    lui r9, 0x3ff80             # r8:r9 = 1.5
    li r10, 0
    li r11, 0
    li r22, 100
again:
    ldw r4, r20+0
    ldw r5, r20+4               # read next by an FP instruction
    fmul.d r6, r4, r8
    stw r21+0, r6
    stw r21+4, r7               # computed by an FP instruction
    fadd.d r4, r4, r8
    stw r21+8, r4
    stw r21+12, r5              # likewise, a pair kept in words
    add r10, r10, r4            # integer uses of the halves
    xor r10, r10, r5
    slli r10, r10, 1
    add r11, r11, r5
    xor r11, r11, r4
    srli r12, r11, 3
    add r11, r11, r12
    sub r10, r10, r5
    or r12, r4, r5
    add r10, r10, r12
    addi r20, r20, 4            # 8-aligned and 4 mod 8 in turn
    addi r21, r21, 12
    addi r22, r22, -1
    bne r22, r0, again

    la r5, out                  # r1 = the words stored, summed
    li r6, 300
    li r1, 0
sum:
    ldw r8, r5+0
    li r9, 31
    mul r1, r1, r9
    add r1, r1, r8
    addi r5, r5, 4
    addi r6, r6, -1
    bne r6, r0, sum
    li r9, 0
    assert_eq r9, r0
    halt

    .data
    .align 3
in:
    .space 2048
out:
    .space 2048
