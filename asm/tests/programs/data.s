# Data in every section: a jump table in .rodata, initialized words in
# .data, a counter in .bss. Prints "abc" via a table of handlers and
# counts the calls; exits with the count (3).

        .text
        .globl  _start
_start:
        la      r20, table
        la      r21, table_end
        lui     r22, %hi(calls)     # explicit %hi/%lo pair
1:      bgeu    r20, r21, 2f
        ldw     r5, r20+0
        jalr    lr, r5, 0           # indirect call through the table
        ldw     r6, r22+%lo(calls)
        addi    r6, r6, 1
        stw     r22+%lo(calls), r6
        addi    r20, r20, 4
        j       1b
2:      ldw     r1, r22+%lo(calls)
        halt

put_a:  la      r4, letters
        ldw     r4, r4+0
        j       put
put_b:  la      r4, letters
        ldw     r4, r4+4
        j       put
put_c:  la      r4, letters
        ldw     r4, r4+8
put:    debug   r4
        ret

        .rodata
        .p2align 2
table:  .word   put_a, put_b, put_c
table_end:
        .equ    TABLE_LEN, (table_end - table) / 4

        .data
letters: .word  'a', 'b', 'c'
        .word   TABLE_LEN

        .bss
        .p2align 2
calls:  .zero   4
