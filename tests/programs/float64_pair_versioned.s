# Blocks with two or more moves of f64-resident pairs through a base
# register that still holds its value from the block's entry get two
# versions in compiled code: one alignment test at the entry, then each
# such move one 8-byte access without a test (stores too), or else the
# usual lowering (each load tests its own address, stores are two words).
# The loop runs one such block with each base 8-aligned and 4 mod 8 in
# turn (a pair at 4 mod 8 spans two 8-byte units; some span two pages),
# and moves a pair through a base rewritten inside the block, which the
# entry test does not cover. The words stored and loaded are summed.
# run: reg r10 0x5d01cfb6
# run: reg r11 0x40424450
# run: exit 0
    .text
    .global _start
_start:
    la r5, in
    li r7, 2048
    .include "include/fill_unit_doubles.inc"

    la r20, in
    addi r20, r20, 2047
    addi r20, r20, 2009         # in + 4056: 8-aligned, 40 bytes before a page
    la r21, out
    addi r21, r21, 2047
    addi r21, r21, 2001         # out + 4048: 8-aligned, 48 bytes before a page
    li r26, 0
    li r27, 0
    li r23, 24
again:
    ldw r12, r20+0
    ldw r13, r20+4
    ldw r14, r20+8
    ldw r15, r20+12
    ldw r16, r20+16
    ldw r17, r20+20
    fadd.d r18, r12, r14
    stw r21+0, r18
    stw r21+4, r19
    fmul.d r18, r14, r16
    stw r21+8, r18
    stw r21+12, r19
    fsub.d r18, r16, r12
    stw r21+16, r18
    stw r21+20, r19
    addi r21, r21, 12           # 8-aligned and 4 mod 8 in turn
    addi r20, r20, 4
    ldw r24, r20+0              # through the rewritten base
    ldw r25, r20+4
    fadd.d r26, r26, r24
    addi r23, r23, -1
    bne r23, r0, again

    # r10 = the words of out around the stores, summed with a multiplier.
    la r5, out
    addi r5, r5, 2047
    addi r5, r5, 1953           # out + 4000
    li r6, 120
    li r10, 0
sum:
    ldw r8, r5+0
    li r9, 31
    mul r10, r10, r9
    add r10, r10, r8
    addi r5, r5, 4
    addi r6, r6, -1
    bne r6, r0, sum
    add r10, r10, r26
    add r11, r27, r0            # the sum's high word
    li r1, 0
    halt

    .data
in:
    .space 8192
out:
    .space 8192
