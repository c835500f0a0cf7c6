# A hot loop whose branches are strongly biased for 1900 iterations and
# then go the other way: superblocks formed along the hot path (through a
# call and a direct jump) must take their side exits exactly. One branch
# alternates, so it is never followed.
# run: exit 0
    .text
    .global _start
_start:
    li r5, 0
    li r6, 2000
    li r7, 0
    li r8, 1900
loop:
    blt r5, r8, common
    addi r7, r7, 7
    j join
common:
    jal r31, f
    add r7, r7, r1
join:
    andi r9, r5, 1
    beq r9, r0, even
    addi r7, r7, 3
even:
    addi r5, r5, 1
    bne r5, r6, loop
    li r10, 0x00372944
    assert_eq r7, r10
    li r1, 0
    halt
f:
    slli r1, r5, 1
    xori r1, r1, 0x55
    jalr r0, r31, 0
