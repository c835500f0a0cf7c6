# Registers a compiled function keeps in CpuState (r21-r24 here, used only
# after a loop over thirteen others), across blocks: a read after a guest
# store and a branch is forwarded from the register's own store (no load),
# and a write that every successor overwrites before reading is never
# stored. aot/tests/programs.rs checks the optimized IR of it. (Numeric
# labels: a named label is a symbol, which makes its block a possible
# entry from outside, with every register reloaded there.)
# run: reg r21 0x00000005
# run: reg r22 0x00000002
# run: reg r23 0x00000007
# run: reg r24 0x0000000c
# run: exit 0
    .text
    .global _start
_start:
    li r5, 1
    li r6, 2
    li r7, 3
    li r8, 4
    li r9, 5
    li r10, 6
    li r11, 7
    li r12, 8
    li r13, 9
    li r14, 10
    li r15, 11
    li r16, 12
    li r17, 20
1:
    add r5, r5, r6
    add r6, r6, r7
    xor r7, r7, r8
    add r8, r8, r9
    sub r9, r9, r10
    add r10, r10, r11
    or r11, r11, r12
    add r12, r12, r13
    and r13, r13, r14
    add r14, r14, r15
    add r15, r15, r16
    add r16, r16, r5
    addi r17, r17, -1
    bne r17, r0, 1b
    la r18, buf
    addi r21, r0, 5            # read in both successors and after them
    addi r22, r0, 9            # dead: both successors write r22 first
    stw r18+0, r21             # a guest store
    bne r5, r0, 2f
    addi r22, r0, 1
    add r23, r21, r22
    beq r0, r0, 3f
2:
    addi r22, r0, 2
    add r23, r21, r22
3:
    add r24, r23, r21
    ldw r19, r18+0
    assert_eq r19, r21
    li r1, 0
    halt
    .data
    .p2align 2
buf:
    .word 0
