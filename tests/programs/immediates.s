# Immediate extension: ORI/ANDI/XORI/SLTIU zero-extend, the rest sign-extend.
# run: exit 0
    .text
    .global _start
_start:
    # addi 0x00000000, -1 -> 0xffffffff 
    li r5, 0x00000000
    addi r7, r5, -1
    li r8, 0xffffffff
    assert_eq r7, r8
    # addi 0xffffffff, -1 -> 0xfffffffe 
    li r5, 0xffffffff
    addi r7, r5, -1
    li r8, 0xfffffffe
    assert_eq r7, r8
    # ori 0x00000000, -1 -> 0x00000fff zero-extended
    li r5, 0x00000000
    ori r7, r5, -1
    li r8, 0x00000fff
    assert_eq r7, r8
    # ori 0x12345678, -2048 -> 0x12345e78 
    li r5, 0x12345678
    ori r7, r5, -2048
    li r8, 0x12345e78
    assert_eq r7, r8
    # andi 0xffffffff, -1 -> 0x00000fff 
    li r5, 0xffffffff
    andi r7, r5, -1
    li r8, 0x00000fff
    assert_eq r7, r8
    # andi 0x12345678, -2048 -> 0x00000000 
    li r5, 0x12345678
    andi r7, r5, -2048
    li r8, 0x00000000
    assert_eq r7, r8
    # xori 0x00000000, -1 -> 0x00000fff 
    li r5, 0x00000000
    xori r7, r5, -1
    li r8, 0x00000fff
    assert_eq r7, r8
    # xori 0xffffffff, -1 -> 0xfffff000 
    li r5, 0xffffffff
    xori r7, r5, -1
    li r8, 0xfffff000
    assert_eq r7, r8
    # slti 0xfffffffe, -1 -> 0x00000001 
    li r5, 0xfffffffe
    slti r7, r5, -1
    li r8, 0x00000001
    assert_eq r7, r8
    # slti 0x00000064, -1 -> 0x00000000 
    li r5, 0x00000064
    slti r7, r5, -1
    li r8, 0x00000000
    assert_eq r7, r8
    # slti 0xfffff000, -2048 -> 0x00000001 
    li r5, 0xfffff000
    slti r7, r5, -2048
    li r8, 0x00000001
    assert_eq r7, r8
    # sltiu 0xfffffffe, -1 -> 0x00000000 compares with 4095
    li r5, 0xfffffffe
    sltiu r7, r5, -1
    li r8, 0x00000000
    assert_eq r7, r8
    # sltiu 0x00000064, -1 -> 0x00000001 
    li r5, 0x00000064
    sltiu r7, r5, -1
    li r8, 0x00000001
    assert_eq r7, r8
    # sltiu 0x00000ffe, -1 -> 0x00000001 
    li r5, 0x00000ffe
    sltiu r7, r5, -1
    li r8, 0x00000001
    assert_eq r7, r8
    # sltiu 0x00000fff, -1 -> 0x00000000 
    li r5, 0x00000fff
    sltiu r7, r5, -1
    li r8, 0x00000000
    assert_eq r7, r8
    lui r7, 0xFFFFF
    li r8, 0xfffff000
    assert_eq r7, r8
    lui r7, 0x80000
    li r8, 0x80000000
    assert_eq r7, r8
    # writes to r0 are discarded
    addi r0, r0, 5
    lui r0, 1
    assert_eq r0, r0
    add r7, r0, r0
    li r8, 0
    assert_eq r7, r8
    li r1, 0
    halt
