# Doubles moved between memory and register pairs that compiled code keeps
# as f64 values, by `ldw rN; ldw rN+1` and `stw; stw` of the two halves
# (the AOT compiler makes each such pair one 8-byte access when the
# address is 8-aligned, so that the 8 bytes lie in one page): a loop over an array, then a double stored and
# loaded across a page boundary (the two words in different pages), and a
# pair whose second load uses the register the first one wrote (which must
# stay two loads).
# run: reg r10 0x00000000
# run: reg r11 0x40240000
# run: reg r12 0x40000000
# run: exit 0
    .text
    .global _start
_start:
    la r20, src
    la r21, dst
    li r22, 4
    li r10, 0
    li r11, 0                   # r10:r11 = sum = 0.0
loop:
    ldw r12, r20+0
    ldw r13, r20+4              # r12:r13 = src[i]
    fadd.d r10, r10, r12        # sum += src[i]
    fmul.d r14, r12, r12
    stw r21+0, r14
    stw r21+4, r15              # dst[i] = src[i]^2
    addi r20, r20, 8
    addi r21, r21, 8
    addi r22, r22, -1
    bne r22, r0, loop
    # sum = 1 + 2 + 3 + 4 = 10.0 = 0x40240000_00000000
    li r5, 0x40240000
    assert_eq r11, r5
    assert_eq r10, r0
    # dst[3] = 16.0 = 0x40300000_00000000
    la r21, dst
    ldw r5, r21+28
    li r6, 0x40300000
    assert_eq r5, r6
    ldw r5, r21+24
    assert_eq r5, r0

    # Across a page: the last 4 bytes of one page and the first 4 of the
    # next (the buffer spans three pages).
    la r23, buf
    addi r23, r23, 2047
    addi r23, r23, 2047
    ori r23, r23, 0xFFF         # last byte of a page inside buf
    addi r23, r23, -3           # 4 bytes before the page ends
    li r16, 0x89abcdef
    li r17, 0x40091eb8          # r16:r17 = some double
    fadd.d r18, r16, r16
    stw r23+0, r18
    stw r23+4, r19              # one word in each page
    ldw r24, r23+0
    ldw r25, r23+4
    assert_eq r24, r18
    assert_eq r25, r19
    ldw r14, r23+0
    ldw r15, r23+4
    fadd.d r14, r14, r14
    fsub.d r14, r14, r18
    fsub.d r14, r14, r18        # 0.0
    assert_eq r14, r0
    assert_eq r15, r0

    # The second load's base is the register the first one writes: two
    # loads, the second from the address just loaded.
    la r12, chain
    ldw r12, r12+0              # r12 = &two
    ldw r13, r12+4              # high word of 2.0 (0x40000000)
    li r12, 0
    fadd.d r12, r12, r12        # 2.0 + 2.0 = 4.0: r13 = 0x40100000
    li r5, 0x40100000
    assert_eq r13, r5
    li r12, 0x40000000          # checked by the run line above

    # One half written as an integer just before the pair is stored by
    # two word stores (the pending half must reach the 8-byte store).
    la r21, dst
    li r15, 0x40140000
    stw r21+0, r14
    stw r21+4, r15
    ldw r5, r21+4
    li r6, 0x40140000
    assert_eq r5, r6
    ldw r5, r21+0
    assert_eq r5, r14
    li r1, 0
    halt

    .data
src:
    .word 0, 0x3ff00000, 0, 0x40000000, 0, 0x40080000, 0, 0x40100000
dst:
    .space 32
chain:
    .word two
two:
    .word 0, 0x40000000
buf:
    .space 12288
