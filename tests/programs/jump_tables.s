# Indirect jumps through jump tables in .rodata: one site with 40 targets
# (the AOT compiler branches through a table jump) and one with 5 (a
# tree of compares), every entry taken, then a computed target that is in
# no table (the AOT fallback path) and an out-of-range index guarded by
# the program (r20 checksums every path taken).
# run: reg r20 0x3819f479
# run: exit 0
    .text
    .global _start
_start:
    li r20, 0                  # checksum
    li r21, 0                  # i
    li r22, 120                 # rounds over the big table
big_loop:
    bge r21, r22, big_done
    li r6, 40
    rem r7, r21, r6            # index
    slli r7, r7, 2
    la r8, big_table
    add r8, r8, r7
    ldw r9, r8+0
    jalr r0, r9, 0
big_next:
    addi r21, r21, 1
    j big_loop
big_0:
    slli r10, r20, 1
    xori r10, r10, 1
    add r20, r20, r10
    j big_next
big_1:
    slli r10, r20, 1
    xori r10, r10, 38
    add r20, r20, r10
    j big_next
big_2:
    slli r10, r20, 1
    xori r10, r10, 75
    add r20, r20, r10
    j big_next
big_3:
    slli r10, r20, 1
    xori r10, r10, 112
    add r20, r20, r10
    j big_next
big_4:
    slli r10, r20, 1
    xori r10, r10, 149
    add r20, r20, r10
    j big_next
big_5:
    slli r10, r20, 1
    xori r10, r10, 186
    add r20, r20, r10
    j big_next
big_6:
    slli r10, r20, 1
    xori r10, r10, 223
    add r20, r20, r10
    j big_next
big_7:
    slli r10, r20, 1
    xori r10, r10, 260
    add r20, r20, r10
    j big_next
big_8:
    slli r10, r20, 1
    xori r10, r10, 297
    add r20, r20, r10
    j big_next
big_9:
    slli r10, r20, 1
    xori r10, r10, 334
    add r20, r20, r10
    j big_next
big_10:
    slli r10, r20, 1
    xori r10, r10, 371
    add r20, r20, r10
    j big_next
big_11:
    slli r10, r20, 1
    xori r10, r10, 408
    add r20, r20, r10
    j big_next
big_12:
    slli r10, r20, 1
    xori r10, r10, 445
    add r20, r20, r10
    j big_next
big_13:
    slli r10, r20, 1
    xori r10, r10, 482
    add r20, r20, r10
    j big_next
big_14:
    slli r10, r20, 1
    xori r10, r10, 519
    add r20, r20, r10
    j big_next
big_15:
    slli r10, r20, 1
    xori r10, r10, 556
    add r20, r20, r10
    j big_next
big_16:
    slli r10, r20, 1
    xori r10, r10, 593
    add r20, r20, r10
    j big_next
big_17:
    slli r10, r20, 1
    xori r10, r10, 630
    add r20, r20, r10
    j big_next
big_18:
    slli r10, r20, 1
    xori r10, r10, 667
    add r20, r20, r10
    j big_next
big_19:
    slli r10, r20, 1
    xori r10, r10, 704
    add r20, r20, r10
    j big_next
big_20:
    slli r10, r20, 1
    xori r10, r10, 741
    add r20, r20, r10
    j big_next
big_21:
    slli r10, r20, 1
    xori r10, r10, 778
    add r20, r20, r10
    j big_next
big_22:
    slli r10, r20, 1
    xori r10, r10, 815
    add r20, r20, r10
    j big_next
big_23:
    slli r10, r20, 1
    xori r10, r10, 852
    add r20, r20, r10
    j big_next
big_24:
    slli r10, r20, 1
    xori r10, r10, 889
    add r20, r20, r10
    j big_next
big_25:
    slli r10, r20, 1
    xori r10, r10, 926
    add r20, r20, r10
    j big_next
big_26:
    slli r10, r20, 1
    xori r10, r10, 963
    add r20, r20, r10
    j big_next
big_27:
    slli r10, r20, 1
    xori r10, r10, 1000
    add r20, r20, r10
    j big_next
big_28:
    slli r10, r20, 1
    xori r10, r10, 1037
    add r20, r20, r10
    j big_next
big_29:
    slli r10, r20, 1
    xori r10, r10, 1074
    add r20, r20, r10
    j big_next
big_30:
    slli r10, r20, 1
    xori r10, r10, 1111
    add r20, r20, r10
    j big_next
big_31:
    slli r10, r20, 1
    xori r10, r10, 1148
    add r20, r20, r10
    j big_next
big_32:
    slli r10, r20, 1
    xori r10, r10, 1185
    add r20, r20, r10
    j big_next
big_33:
    slli r10, r20, 1
    xori r10, r10, 1222
    add r20, r20, r10
    j big_next
big_34:
    slli r10, r20, 1
    xori r10, r10, 1259
    add r20, r20, r10
    j big_next
big_35:
    slli r10, r20, 1
    xori r10, r10, 1296
    add r20, r20, r10
    j big_next
big_36:
    slli r10, r20, 1
    xori r10, r10, 1333
    add r20, r20, r10
    j big_next
big_37:
    slli r10, r20, 1
    xori r10, r10, 1370
    add r20, r20, r10
    j big_next
big_38:
    slli r10, r20, 1
    xori r10, r10, 1407
    add r20, r20, r10
    j big_next
big_39:
    slli r10, r20, 1
    xori r10, r10, 1444
    add r20, r20, r10
    j big_next
big_done:
    jal r31, small_fn
    j after_small

# A function of its own, so that its jump site knows only its 5 targets.
small_fn:
    li r21, 0
small_loop:
    li r6, 25
    bge r21, r6, small_done
    andi r7, r21, 7            # 0..7: 5..7 are out of range
    li r6, 5
    bgeu r7, r6, small_skip
    slli r7, r7, 2
    la r8, small_table
    add r8, r8, r7
    ldw r9, r8+0
    jalr r0, r9, 0
small_next:
    addi r21, r21, 1
    j small_loop
small_skip:
    addi r20, r20, 3
    j small_next
small_0:
    addi r20, r20, 5
    j small_next
small_1:
    addi r20, r20, 16
    j small_next
small_2:
    addi r20, r20, 27
    j small_next
small_3:
    addi r20, r20, 38
    j small_next
small_4:
    addi r20, r20, 49
    j small_next
small_done:
    jalr r0, r31, 0
after_small:
    # a target computed at run time, in no table: 'hidden' is reached only
    # through this jump
    la r9, hidden_base
    addi r9, r9, 8
    jalr r0, r9, 0
hidden_base:
    j fail
    j fail
    addi r20, r20, 1000        # hidden_base + 8
    li r1, 0
    halt
fail:
    li r1, 1
    halt

    .section .rodata
big_table:
    .word big_0
    .word big_1
    .word big_2
    .word big_3
    .word big_4
    .word big_5
    .word big_6
    .word big_7
    .word big_8
    .word big_9
    .word big_10
    .word big_11
    .word big_12
    .word big_13
    .word big_14
    .word big_15
    .word big_16
    .word big_17
    .word big_18
    .word big_19
    .word big_20
    .word big_21
    .word big_22
    .word big_23
    .word big_24
    .word big_25
    .word big_26
    .word big_27
    .word big_28
    .word big_29
    .word big_30
    .word big_31
    .word big_32
    .word big_33
    .word big_34
    .word big_35
    .word big_36
    .word big_37
    .word big_38
    .word big_39
small_table:
    .word small_0
    .word small_1
    .word small_2
    .word small_3
    .word small_4
