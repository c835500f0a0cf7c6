# Switches through jump tables in read-only memory, in the shapes a C
# compiler emits, which the AOT compiler turns into host table jumps
# indexed by the guest's index (the table's entries are known at compile
# time under W^X):
# - a masked index (`andi x, 7`, as Lua's interpreter loop dispatches),
#   with a JALR offset and two indices sharing a target;
# - a bounds-checked index that the shift, the add and the load overwrite
#   in place, whose block is also entered by a path that skips the check
#   with an index beyond it (the table is longer than the check says);
# - a table in .data that the program rewrites between two jumps: it is
#   not read-only, so its new entry must be taken.
# r20 checksums every path taken.
# run: reg r20 0x86fbbe8b
# run: exit 0
    .text
    .global _start
_start:
    li r20, 0                  # checksum
    li r21, 0                  # i
masked_loop:
    li r6, 50
    bge r21, r6, masked_done
    slli r10, r20, 3
    add r20, r20, r10          # r20 *= 9: the order of targets matters
    andi r7, r21, 7
    slli r7, r7, 2
    la r8, masked_table
    add r8, r8, r7
    ldw r9, r8+0
    jalr r0, r9, 4             # each entry names the word before its case
masked_next:
    addi r21, r21, 1
    j masked_loop
    j fail
m0: addi r20, r20, 1
    j masked_next
    j fail
m1: addi r20, r20, 2
    j masked_next
    j fail
m2: addi r20, r20, 3
    j masked_next
    j fail
m3: addi r20, r20, 4
    j masked_next
    j fail
m5: addi r20, r20, 6
    j masked_next
    j fail
m6: addi r20, r20, 7
    j masked_next
masked_done:

    # bounds-checked: indices 0..2 pass the check; 4 comes in through
    # `bypass`, past the check, and takes the table's fifth entry
    li r21, 0
bounded_loop:
    li r6, 12
    bge r21, r6, bounded_done
    slli r10, r20, 2
    add r20, r20, r10          # r20 *= 5
    li r7, 3
    rem r3, r21, r7            # 0..2
    li r7, 9
    beq r21, r7, bypass
    li r5, 2
    bltu r5, r3, bounded_default
bounded_jump:
    slli r3, r3, 2
    la r5, bounded_table
    add r3, r5, r3
    ldw r3, r3+0
    jalr r0, r3, 0
bypass:
    li r3, 4
    j bounded_jump
bounded_default:
    j fail
bounded_next:
    addi r21, r21, 1
    j bounded_loop
b0: addi r20, r20, 10
    j bounded_next
b1: addi r20, r20, 20
    j bounded_next
b2: addi r20, r20, 30
    j bounded_next
b3: j fail
b4: addi r20, r20, 50
    j bounded_next
bounded_done:

    # a writable table: rewritten between two jumps through it
    li r21, 0
data_loop:
    li r6, 2
    bge r21, r6, data_done
    andi r7, r21, 1
    slli r7, r7, 2
    la r8, data_table
    add r8, r8, r7
    ldw r9, r8+0
    jalr r0, r9, 0
data_next:
    la r8, data_table
    la r9, d2
    stw r8+4, r9               # entry 1 becomes d2
    addi r21, r21, 1
    j data_loop
d0: addi r20, r20, 100
    j data_next
d1: j fail
d2: addi r20, r20, 300
    j data_next
data_done:
    li r1, 0
    halt
fail:
    li r1, 1
    halt

    .section .rodata
masked_table:
    .word m0 - 4
    .word m1 - 4
    .word m2 - 4
    .word m3 - 4
    .word m2 - 4               # 4 shares case 2
    .word m5 - 4
    .word m6 - 4
    .word m1 - 4               # 7 shares case 1
bounded_table:
    .word b0
    .word b1
    .word b2
    .word b3
    .word b4

    .data
data_table:
    .word d0
    .word d1
