# Loads and stores: extension, misalignment, code readable, wrap-around.
# run: exit 0
    .text
    .global _start
_start:
    la r30, buf
    ldb r7, r30+0
    li r8, 0xffffff80
    assert_eq r7, r8
    ldbu r7, r30+0
    li r8, 0x00000080
    assert_eq r7, r8
    ldh r7, r30+0
    li r8, 0xffff8180
    assert_eq r7, r8
    ldhu r7, r30+0
    li r8, 0x00008180
    assert_eq r7, r8
    ldw r7, r30+1
    li r8, 0x007f0181
    assert_eq r7, r8
    # misaligned loads are allowed
    ldw r7, r30+3
    li r8, 0x0000007f
    assert_eq r7, r8
    ldh r7, r30+1
    li r8, 0x00000181
    assert_eq r7, r8
    ldhu r7, r30+3
    li r8, 0x0000007f
    assert_eq r7, r8
    # misaligned store, byte exact
    la r29, zeros
    li r5, 0xaabbccdd
    stw r29+1, r5
    ldw r7, r29+0
    li r8, 0xbbccdd00
    assert_eq r7, r8
    ldw r7, r29+4
    li r8, 0x000000aa
    assert_eq r7, r8
    # sth stores only 16 bits
    la r29, fives
    li r5, 0x1122eeff
    sth r29+3, r5
    ldw r7, r29+0
    li r8, 0xff555555
    assert_eq r7, r8
    # negative offsets
    la r29, fives
    addi r29, r29, 16
    ldw r7, r29+-16
    li r8, 0xff555555
    assert_eq r7, r8
    # the code region is readable: the first word is this program's first instruction
    ldw r7, r0+0
    la r6, _start
    ldw r8, r6+0
    assert_eq r7, r8
    # address arithmetic wraps mod 2^32
    la r6, buf
    addi r6, r6, 4
    li r9, 0xFFFFFFFC
    add r6, r6, r9
    ldw r7, r6+0
    ldw r8, r30+0
    assert_eq r7, r8
    li r1, 0
    halt
    .data
buf:
    .byte 0x80, 0x81, 0x01, 0x7F, 0, 0, 0, 0
zeros:
    .word 0, 0, 0
fives:
    .word 0x55555555, 0x55555555
