# A load in the third block of a hot superblock's path starts faulting
# after 700 iterations (its address moves by 1 GiB, by arithmetic, not by
# a branch): the trap names that load's PC and the instruction count is
# exact.
# run: trap load_fault pc=0x3c addr=0x4fffff80
    .text
    .global _start
_start:
    li r5, 0
    li r6, 5000
    li r12, 700
    li r7, 0
    j loop
loop:
    div r10, r5, r12
    slli r11, r10, 30
    bne r5, r6, body
    j done
body:
    add r9, sp, r11
    addi r7, r7, 1
    j more
done:
    li r1, 0
    halt
more:
    ldw r13, r9+-112
    add r7, r7, r13
    addi r5, r5, 1
    j loop
