# Shift amounts use the low 5 bits, register and immediate alike.
# run: exit 0
    .text
    .global _start
_start:
    # sll 0x87654321, 0x00000000 -> 0x87654321 
    li r5, 0x87654321
    li r6, 0x00000000
    sll r7, r5, r6
    li r8, 0x87654321
    assert_eq r7, r8
    # srl 0x87654321, 0x00000000 -> 0x87654321 
    li r5, 0x87654321
    li r6, 0x00000000
    srl r7, r5, r6
    li r8, 0x87654321
    assert_eq r7, r8
    # sra 0x87654321, 0x00000000 -> 0x87654321 
    li r5, 0x87654321
    li r6, 0x00000000
    sra r7, r5, r6
    li r8, 0x87654321
    assert_eq r7, r8
    # sll 0x87654321, 0x00000020 -> 0x87654321 
    li r5, 0x87654321
    li r6, 0x00000020
    sll r7, r5, r6
    li r8, 0x87654321
    assert_eq r7, r8
    # srl 0x87654321, 0x00000020 -> 0x87654321 
    li r5, 0x87654321
    li r6, 0x00000020
    srl r7, r5, r6
    li r8, 0x87654321
    assert_eq r7, r8
    # sra 0x87654321, 0x00000020 -> 0x87654321 
    li r5, 0x87654321
    li r6, 0x00000020
    sra r7, r5, r6
    li r8, 0x87654321
    assert_eq r7, r8
    # sll 0x87654321, 0x00000100 -> 0x87654321 
    li r5, 0x87654321
    li r6, 0x00000100
    sll r7, r5, r6
    li r8, 0x87654321
    assert_eq r7, r8
    # srl 0x87654321, 0x00000100 -> 0x87654321 
    li r5, 0x87654321
    li r6, 0x00000100
    srl r7, r5, r6
    li r8, 0x87654321
    assert_eq r7, r8
    # sra 0x87654321, 0x00000100 -> 0x87654321 
    li r5, 0x87654321
    li r6, 0x00000100
    sra r7, r5, r6
    li r8, 0x87654321
    assert_eq r7, r8
    # sll 0x87654321, 0x00000001 -> 0x0eca8642 
    li r5, 0x87654321
    li r6, 0x00000001
    sll r7, r5, r6
    li r8, 0x0eca8642
    assert_eq r7, r8
    # srl 0x87654321, 0x00000001 -> 0x43b2a190 
    li r5, 0x87654321
    li r6, 0x00000001
    srl r7, r5, r6
    li r8, 0x43b2a190
    assert_eq r7, r8
    # sra 0x87654321, 0x00000001 -> 0xc3b2a190 
    li r5, 0x87654321
    li r6, 0x00000001
    sra r7, r5, r6
    li r8, 0xc3b2a190
    assert_eq r7, r8
    # sll 0x87654321, 0x00000021 -> 0x0eca8642 
    li r5, 0x87654321
    li r6, 0x00000021
    sll r7, r5, r6
    li r8, 0x0eca8642
    assert_eq r7, r8
    # srl 0x87654321, 0x00000021 -> 0x43b2a190 
    li r5, 0x87654321
    li r6, 0x00000021
    srl r7, r5, r6
    li r8, 0x43b2a190
    assert_eq r7, r8
    # sra 0x87654321, 0x00000021 -> 0xc3b2a190 
    li r5, 0x87654321
    li r6, 0x00000021
    sra r7, r5, r6
    li r8, 0xc3b2a190
    assert_eq r7, r8
    # sll 0x87654321, 0xffffffe1 -> 0x0eca8642 
    li r5, 0x87654321
    li r6, 0xffffffe1
    sll r7, r5, r6
    li r8, 0x0eca8642
    assert_eq r7, r8
    # srl 0x87654321, 0xffffffe1 -> 0x43b2a190 
    li r5, 0x87654321
    li r6, 0xffffffe1
    srl r7, r5, r6
    li r8, 0x43b2a190
    assert_eq r7, r8
    # sra 0x87654321, 0xffffffe1 -> 0xc3b2a190 
    li r5, 0x87654321
    li r6, 0xffffffe1
    sra r7, r5, r6
    li r8, 0xc3b2a190
    assert_eq r7, r8
    # sll 0x87654321, 0x0000001f -> 0x80000000 
    li r5, 0x87654321
    li r6, 0x0000001f
    sll r7, r5, r6
    li r8, 0x80000000
    assert_eq r7, r8
    # srl 0x87654321, 0x0000001f -> 0x00000001 
    li r5, 0x87654321
    li r6, 0x0000001f
    srl r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # sra 0x87654321, 0x0000001f -> 0xffffffff 
    li r5, 0x87654321
    li r6, 0x0000001f
    sra r7, r5, r6
    li r8, 0xffffffff
    assert_eq r7, r8
    # sll 0x87654321, 0x0000003f -> 0x80000000 
    li r5, 0x87654321
    li r6, 0x0000003f
    sll r7, r5, r6
    li r8, 0x80000000
    assert_eq r7, r8
    # srl 0x87654321, 0x0000003f -> 0x00000001 
    li r5, 0x87654321
    li r6, 0x0000003f
    srl r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # sra 0x87654321, 0x0000003f -> 0xffffffff 
    li r5, 0x87654321
    li r6, 0x0000003f
    sra r7, r5, r6
    li r8, 0xffffffff
    assert_eq r7, r8
    # sll 0x87654321, 0xffffffff -> 0x80000000 
    li r5, 0x87654321
    li r6, 0xffffffff
    sll r7, r5, r6
    li r8, 0x80000000
    assert_eq r7, r8
    # srl 0x87654321, 0xffffffff -> 0x00000001 
    li r5, 0x87654321
    li r6, 0xffffffff
    srl r7, r5, r6
    li r8, 0x00000001
    assert_eq r7, r8
    # sra 0x87654321, 0xffffffff -> 0xffffffff 
    li r5, 0x87654321
    li r6, 0xffffffff
    sra r7, r5, r6
    li r8, 0xffffffff
    assert_eq r7, r8
    # slli 0x87654321, 0 -> 0x87654321 
    li r5, 0x87654321
    slli r7, r5, 0
    li r8, 0x87654321
    assert_eq r7, r8
    # srli 0x87654321, 0 -> 0x87654321 
    li r5, 0x87654321
    srli r7, r5, 0
    li r8, 0x87654321
    assert_eq r7, r8
    # srai 0x87654321, 0 -> 0x87654321 
    li r5, 0x87654321
    srai r7, r5, 0
    li r8, 0x87654321
    assert_eq r7, r8
    # slli 0x87654321, 32 -> 0x87654321 
    li r5, 0x87654321
    slli r7, r5, 32
    li r8, 0x87654321
    assert_eq r7, r8
    # srli 0x87654321, 32 -> 0x87654321 
    li r5, 0x87654321
    srli r7, r5, 32
    li r8, 0x87654321
    assert_eq r7, r8
    # srai 0x87654321, 32 -> 0x87654321 
    li r5, 0x87654321
    srai r7, r5, 32
    li r8, 0x87654321
    assert_eq r7, r8
    # slli 0x87654321, -32 -> 0x87654321 
    li r5, 0x87654321
    slli r7, r5, -32
    li r8, 0x87654321
    assert_eq r7, r8
    # srli 0x87654321, -32 -> 0x87654321 
    li r5, 0x87654321
    srli r7, r5, -32
    li r8, 0x87654321
    assert_eq r7, r8
    # srai 0x87654321, -32 -> 0x87654321 
    li r5, 0x87654321
    srai r7, r5, -32
    li r8, 0x87654321
    assert_eq r7, r8
    # slli 0x87654321, 1 -> 0x0eca8642 
    li r5, 0x87654321
    slli r7, r5, 1
    li r8, 0x0eca8642
    assert_eq r7, r8
    # srli 0x87654321, 1 -> 0x43b2a190 
    li r5, 0x87654321
    srli r7, r5, 1
    li r8, 0x43b2a190
    assert_eq r7, r8
    # srai 0x87654321, 1 -> 0xc3b2a190 
    li r5, 0x87654321
    srai r7, r5, 1
    li r8, 0xc3b2a190
    assert_eq r7, r8
    # slli 0x87654321, 33 -> 0x0eca8642 
    li r5, 0x87654321
    slli r7, r5, 33
    li r8, 0x0eca8642
    assert_eq r7, r8
    # srli 0x87654321, 33 -> 0x43b2a190 
    li r5, 0x87654321
    srli r7, r5, 33
    li r8, 0x43b2a190
    assert_eq r7, r8
    # srai 0x87654321, 33 -> 0xc3b2a190 
    li r5, 0x87654321
    srai r7, r5, 33
    li r8, 0xc3b2a190
    assert_eq r7, r8
    # slli 0x87654321, 31 -> 0x80000000 
    li r5, 0x87654321
    slli r7, r5, 31
    li r8, 0x80000000
    assert_eq r7, r8
    # srli 0x87654321, 31 -> 0x00000001 
    li r5, 0x87654321
    srli r7, r5, 31
    li r8, 0x00000001
    assert_eq r7, r8
    # srai 0x87654321, 31 -> 0xffffffff 
    li r5, 0x87654321
    srai r7, r5, 31
    li r8, 0xffffffff
    assert_eq r7, r8
    # slli 0x87654321, -1 -> 0x80000000 
    li r5, 0x87654321
    slli r7, r5, -1
    li r8, 0x80000000
    assert_eq r7, r8
    # srli 0x87654321, -1 -> 0x00000001 
    li r5, 0x87654321
    srli r7, r5, -1
    li r8, 0x00000001
    assert_eq r7, r8
    # srai 0x87654321, -1 -> 0xffffffff 
    li r5, 0x87654321
    srai r7, r5, -1
    li r8, 0xffffffff
    assert_eq r7, r8
    # slli 0x87654321, 2047 -> 0x80000000 
    li r5, 0x87654321
    slli r7, r5, 2047
    li r8, 0x80000000
    assert_eq r7, r8
    # srli 0x87654321, 2047 -> 0x00000001 
    li r5, 0x87654321
    srli r7, r5, 2047
    li r8, 0x00000001
    assert_eq r7, r8
    # srai 0x87654321, 2047 -> 0xffffffff 
    li r5, 0x87654321
    srai r7, r5, 2047
    li r8, 0xffffffff
    assert_eq r7, r8
    li r1, 0
    halt
