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
    .include "include/busy_registers.inc"
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
