# Two registers of one pair (r22, r23) that a compiled function keeps in
# CpuState: r23 is stored, then r22, and r23 is read in the next block.
# Its slot is an alias region of its own (r22 and r23 are not an f64
# pair), so the read is forwarded from r23's own store across the store
# to r22; with one region per pair it was loaded again.
# aot/tests/programs.rs checks the optimized IR of it.
# run: reg r22 0x00000009
# run: reg r23 0x00000005
# run: reg r24 0x0000000e
# run: reg r25 0x00000013
# run: exit 0
    .text
    .global _start
_start:
    .include "include/busy_registers.inc"
    addi r23, r0, 5
    bne r5, r0, 1f             # r23 is read in another guest block
1:
    addi r22, r0, 9            # the other slot of r23's pair
    add r24, r23, r22
    add r25, r24, r23
    li r1, 0
    halt
