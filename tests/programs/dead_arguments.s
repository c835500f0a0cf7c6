# Arguments of native calls and jumps through complete tables, where
# compiled code passes a register that is dead at the target as 0
# (aot/src/liveness.rs): r4 is not read by the callee but by its return
# site, so it is live at the call; r3 is overwritten by the callee before
# any read, so it is not; a table entry reads the register that held the
# table's address, which must therefore survive the jump, and r4, which is
# therefore live at the call before (liveness follows the table's entries).
# run: reg r20 0x00000146
# run: reg r21 0x00000146
# run: reg r22 0x00001000
# run: reg r23 0x00000003
# run: reg r24 0x0000005b
# run: exit 0
    .text
    .global _start
_start:
    li r4, 77
    li r3, 5
    call big                   # r1 = 202: r3 is overwritten first
    add r20, r1, r4            # r4 survives the call: 202 + 77 + 47
    addi r20, r20, 47
    li r4, 77
    call big
    add r21, r1, r4
    addi r21, r21, 47
    li r4, 91                  # read only by table entry e3: live at the call
    call big2
    li r9, 3
    li r23, 0
dispatch:
    andi r5, r9, 3
    slli r5, r5, 2
    la r6, table
    add r5, r5, r6
    ldw r5, r5+0
    jr r5
e0:
    li r4, 0
    li r6, 0
    j out
e1:
    li r4, 0
    li r6, 0
    j out
e2:
    li r4, 0
    li r6, 0
    j out
e3:
    mv r22, r6                 # reads r6, the table address: live
    mv r24, r4
    addi r23, r23, 3
out:
    li r1, 0
    halt

# r1 = 202, ignoring its argument: too large to be inlined (more than 48
# instructions).
big:
    li r3, 5
    mv r1, r3
    addi r1, r1, 1
    addi r1, r1, 2
    addi r1, r1, 3
    addi r1, r1, 4
    addi r1, r1, 5
    addi r1, r1, 6
    addi r1, r1, 7
    addi r1, r1, 1
    addi r1, r1, 2
    addi r1, r1, 3
    addi r1, r1, 4
    addi r1, r1, 5
    addi r1, r1, 6
    addi r1, r1, 7
    addi r1, r1, 1
    addi r1, r1, 2
    addi r1, r1, 3
    addi r1, r1, 4
    addi r1, r1, 5
    addi r1, r1, 6
    addi r1, r1, 7
    addi r1, r1, 1
    addi r1, r1, 2
    addi r1, r1, 3
    addi r1, r1, 4
    addi r1, r1, 5
    addi r1, r1, 6
    addi r1, r1, 7
    addi r1, r1, 1
    addi r1, r1, 2
    addi r1, r1, 3
    addi r1, r1, 4
    addi r1, r1, 5
    addi r1, r1, 6
    addi r1, r1, 7
    addi r1, r1, 1
    addi r1, r1, 2
    addi r1, r1, 3
    addi r1, r1, 4
    addi r1, r1, 5
    addi r1, r1, 6
    addi r1, r1, 7
    addi r1, r1, 1
    addi r1, r1, 2
    addi r1, r1, 3
    addi r1, r1, 4
    addi r1, r1, 5
    addi r1, r1, 6
    addi r1, r1, 7
    addi r1, r1, 1
    ret

# Another, called once (its return site alone decides what is live).
big2:
    li r3, 5
    mv r1, r3
    addi r1, r1, 1
    xori r1, r1, 2
    addi r1, r1, 3
    xori r1, r1, 4
    addi r1, r1, 5
    xori r1, r1, 1
    addi r1, r1, 2
    xori r1, r1, 3
    addi r1, r1, 4
    xori r1, r1, 5
    addi r1, r1, 1
    xori r1, r1, 2
    addi r1, r1, 3
    xori r1, r1, 4
    addi r1, r1, 5
    xori r1, r1, 1
    addi r1, r1, 2
    xori r1, r1, 3
    addi r1, r1, 4
    xori r1, r1, 5
    addi r1, r1, 1
    xori r1, r1, 2
    addi r1, r1, 3
    xori r1, r1, 4
    addi r1, r1, 5
    xori r1, r1, 1
    addi r1, r1, 2
    xori r1, r1, 3
    addi r1, r1, 4
    xori r1, r1, 5
    addi r1, r1, 1
    xori r1, r1, 2
    addi r1, r1, 3
    xori r1, r1, 4
    addi r1, r1, 5
    xori r1, r1, 1
    addi r1, r1, 2
    xori r1, r1, 3
    addi r1, r1, 4
    xori r1, r1, 5
    addi r1, r1, 1
    xori r1, r1, 2
    addi r1, r1, 3
    xori r1, r1, 4
    addi r1, r1, 5
    xori r1, r1, 1
    addi r1, r1, 2
    xori r1, r1, 3
    addi r1, r1, 4
    xori r1, r1, 5
    ret
    .section .rodata
    .p2align 2
table:
    .word e0
    .word e1
    .word e2
    .word e3
