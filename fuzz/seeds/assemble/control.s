# Branches, jumps, links, loops, recursion and a jump table.
# run: exit 0
    .text
    .global _start
_start:
    # JALR clears bit 0 of the target
    la r5, t1
    addi r5, r5, 1
    jalr r31, r5, 0
    j fail
t1:
    # JALR with rd == rs1 jumps to the old value
    la r5, t2
    jalr r5, r5, 0
    j fail
t2:
    # link register value is PC+4
    jal r31, t3
t3_ret:
    j t4
t3:
    la r6, t3_ret
    assert_eq r31, r6
    jalr r0, r31, 0
t4:
    # all six branch kinds, taken and not taken
    li r5, 0x00000005
    li r6, 0x00000005
    beq r5, r6, L_beq_5_5
    j fail
L_beq_5_5:
    li r5, 0x00000005
    li r6, 0x00000006
    beq r5, r6, L_beq_5_6
    j L_beq_5_6_ok
L_beq_5_6:
    j fail
L_beq_5_6_ok:
    li r5, 0x00000005
    li r6, 0x00000006
    bne r5, r6, L_bne_5_6
    j fail
L_bne_5_6:
    li r5, 0x00000005
    li r6, 0x00000005
    bne r5, r6, L_bne_5_5
    j L_bne_5_5_ok
L_bne_5_5:
    j fail
L_bne_5_5_ok:
    li r5, 0xffffffff
    li r6, 0x00000001
    blt r5, r6, L_blt_ffffffff_1
    j fail
L_blt_ffffffff_1:
    li r5, 0x00000001
    li r6, 0xffffffff
    blt r5, r6, L_blt_1_ffffffff
    j L_blt_1_ffffffff_ok
L_blt_1_ffffffff:
    j fail
L_blt_1_ffffffff_ok:
    li r5, 0x00000001
    li r6, 0xffffffff
    bge r5, r6, L_bge_1_ffffffff
    j fail
L_bge_1_ffffffff:
    li r5, 0xffffffff
    li r6, 0x00000001
    bge r5, r6, L_bge_ffffffff_1
    j L_bge_ffffffff_1_ok
L_bge_ffffffff_1:
    j fail
L_bge_ffffffff_1_ok:
    li r5, 0x00000001
    li r6, 0xffffffff
    bltu r5, r6, L_bltu_1_ffffffff
    j fail
L_bltu_1_ffffffff:
    li r5, 0xffffffff
    li r6, 0x00000001
    bltu r5, r6, L_bltu_ffffffff_1
    j L_bltu_ffffffff_1_ok
L_bltu_ffffffff_1:
    j fail
L_bltu_ffffffff_1_ok:
    li r5, 0xffffffff
    li r6, 0x00000001
    bgeu r5, r6, L_bgeu_ffffffff_1
    j fail
L_bgeu_ffffffff_1:
    li r5, 0x00000001
    li r6, 0xffffffff
    bgeu r5, r6, L_bgeu_1_ffffffff
    j L_bgeu_1_ffffffff_ok
L_bgeu_1_ffffffff:
    j fail
L_bgeu_1_ffffffff_ok:
    li r5, 0x00000002
    li r6, 0x00000001
    bgt r5, r6, L_bgt_2_1
    j fail
L_bgt_2_1:
    li r5, 0x00000002
    li r6, 0x00000001
    ble r5, r6, L_ble_2_1
    j L_ble_2_1_ok
L_ble_2_1:
    j fail
L_ble_2_1_ok:
    li r5, 0xffffffff
    li r6, 0x00000001
    bgtu r5, r6, L_bgtu_ffffffff_1
    j fail
L_bgtu_ffffffff_1:
    li r5, 0xffffffff
    li r6, 0x00000001
    bleu r5, r6, L_bleu_ffffffff_1
    j L_bleu_ffffffff_1_ok
L_bleu_ffffffff_1:
    j fail
L_bleu_ffffffff_1_ok:
    # a counted loop
    li r5, 0
    li r6, 100
loop:
    addi r5, r5, 3
    addi r6, r6, -1
    bne r6, r0, loop
    li r8, 0x0000012c
    assert_eq r5, r8
    # recursion: fib(15) = 610
    li r3, 15
    jal r31, fib
    li r8, 0x00000262
    assert_eq r1, r8
    # jump table
    la r5, table
    ldw r6, r5+8
    jalr r0, r6, 0
    j fail
case0:
    j fail
case1:
    j fail
case2:
    li r7, 2
    j joined
joined:
    li r8, 0x00000002
    assert_eq r7, r8
    li r1, 0
    halt
fail:
    li r1, 1
    halt
fib:
    li r2, 2
    blt r3, r2, fib_base
    addi sp, sp, -12
    stw sp+0, lr
    stw sp+4, r3
    addi r3, r3, -1
    jal r31, fib
    stw sp+8, r1
    ldw r3, sp+4
    addi r3, r3, -2
    jal r31, fib
    ldw r2, sp+8
    add r1, r1, r2
    ldw lr, sp+0
    addi sp, sp, 12
    ret
fib_base:
    mv r1, r3
    ret
    .rodata
table:
    .word case0, case1, case2
