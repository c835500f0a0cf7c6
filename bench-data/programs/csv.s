# csv: a goto-driven state-machine CSV validator.
#
# Usage: csv FILE. Reads FILE through the MMIO OPEN/READ services in
# 64 KiB chunks (READ_DIRECT straight into the guest buffer; the runtime
# falls back to READ + copy if the host refuses it). Prints
#   csv records R fields F valid V checksum 0x%08x[ error_at OFFSET]
# Equivalent C (and the grammar, counts and checksum): csv.c.
#
# Every state is a label; the byte loop of each state is a few
# instructions: end-of-chunk check, load, advance, classify.

        .equ CSV_CHUNK, 65536
        .equ CSV_FNV, 16777619

# Registers, for the whole of main:
#   s0  p: next byte          s1  end of the bytes in the buffer
#   s2  bias: file offset of byte q is q + bias
#   s3  fstart: file offset of the current field's first byte
#   s4  nf: fields in the current record
#   s5  cols: fields per record (from the first record; 0 before it)
#   s6  records               s7  fields
#   s8  ck: checksum          s9  fd
#   s10 16777619              s11 ','
#   s12 '"'                   s13 '\n'
#   s14 '\r'                  s15 err_at
#   s16 valid                 s17 the buffer

        .text
        .globl main
        .type main, @function
main:
        addi    sp, sp, -76
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        stw     sp+16, s3
        stw     sp+20, s4
        stw     sp+24, s5
        stw     sp+28, s6
        stw     sp+32, s7
        stw     sp+36, s8
        stw     sp+40, s9
        stw     sp+44, s10
        stw     sp+48, s11
        stw     sp+52, s12
        stw     sp+56, s13
        stw     sp+60, s14
        stw     sp+64, s15
        stw     sp+68, s16
        stw     sp+72, s17

        li      t0, 2
        bge     a0, t0, 1f
        la      a0, csv_usage
        call    eprint_str
        li      rv, 2
        j       ret_main
1:      ldw     a0, a1+4
        li      a1, 1                   # read only
        call    open
        bgez    rv, 2f
        la      a0, csv_noopen
        call    eprint_str
        li      rv, 1
        j       ret_main
2:      mv      s9, rv
        la      s17, csv_buf
        mv      s0, s17                 # p = end = buf
        mv      s1, s17
        sub     s2, zero, s17           # bias: offset 0 at buf[0]
        li      s3, 0
        li      s4, 0
        li      s5, 0
        li      s6, 0
        li      s7, 0
        li      s8, 0
        li      s10, CSV_FNV
        li      s11, ','
        li      s12, '"'
        li      s13, '\n'
        li      s14, '\r'
        li      s15, 0
        li      s16, 1

# --- record start: EOF here ends the input cleanly ---
record_start:
        beq     s0, s1, rs_refill
rs_go:  ldbu    t0, s0+0
        addi    s0, s0, 1
        add     s3, s0, s2
        addi    s3, s3, -1              # fstart = offset of this byte
        j       dispatch
rs_refill:
        call    refill
        blez    rv, done
        j       rs_go

# --- field start (after a comma): EOF means a final empty field ---
field_start:
        beq     s0, s1, fs_refill
fs_go:  ldbu    t0, s0+0
        addi    s0, s0, 1
        add     s3, s0, s2
        addi    s3, s3, -1
dispatch:
        beq     t0, s12, quoted
        bgeu    s12, t0, 3f             # c <= '"': maybe a delimiter
        beq     t0, s11, comma
        j       unquoted
3:      beq     t0, s13, newline
        beq     t0, s14, carriage
        j       unquoted
fs_refill:
        call    refill
        blez    rv, eof_field
        j       fs_go

# --- inside an unquoted field ---
unquoted:
        beq     s0, s1, uq_refill
        ldbu    t0, s0+0
        addi    s0, s0, 1
        bgeu    s12, t0, uq_low         # c <= '"'
        bne     t0, s11, unquoted       # c != ','
        j       comma
uq_low: beq     t0, s13, newline
        beq     t0, s14, carriage
        bne     t0, s12, unquoted
        j       bad_here                # a quote inside an unquoted field
uq_refill:
        call    refill
        blez    rv, eof_field
        j       unquoted

# --- inside a quoted field ---
quoted:
        beq     s0, s1, q_refill
        ldbu    t0, s0+0
        addi    s0, s0, 1
        bne     t0, s12, quoted
# a quote: the end of the field, or the first half of ""
quote_seen:
        beq     s0, s1, qs_refill
        ldbu    t0, s0+0
        addi    s0, s0, 1
        beq     t0, s12, quoted
        beq     t0, s11, comma
        beq     t0, s13, newline
        beq     t0, s14, carriage
        j       bad_here
q_refill:
        call    refill
        blez    rv, bad_eof             # unterminated quoted field
        j       quoted
qs_refill:
        call    refill
        blez    rv, eof_field
        j       quote_seen

# --- after a CR: only LF may follow ---
cr_state:
        beq     s0, s1, cr_refill
        ldbu    t0, s0+0
        addi    s0, s0, 1
        beq     t0, s13, end_record
        j       bad_here
cr_refill:
        call    refill
        blez    rv, bad_eof
        j       cr_state

# --- delimiters: the field ended at the byte just consumed ---
comma:
        add     t0, s0, s2
        addi    t0, t0, -1
        sub     t0, t0, s3
        xor     s8, s8, t0
        mul     s8, s8, s10
        addi    s4, s4, 1
        j       field_start
carriage:
        add     t0, s0, s2
        addi    t0, t0, -1
        sub     t0, t0, s3
        xor     s8, s8, t0
        mul     s8, s8, s10
        addi    s4, s4, 1
        j       cr_state
newline:
        add     t0, s0, s2
        addi    t0, t0, -1
        sub     t0, t0, s3
        xor     s8, s8, t0
        mul     s8, s8, s10
        addi    s4, s4, 1
end_record:
        bnez    s5, 4f
        mv      s5, s4                  # the first record sets the width
4:      bne     s4, s5, bad_count
        addi    s6, s6, 1
        add     s7, s7, s4
        add     s8, s8, s4
        li      s4, 0
        j       record_start

# --- end of input inside a field: it ends there, and so does the record
eof_field:
        add     t0, s0, s2              # offset of the end of the input
        sub     t0, t0, s3
        xor     s8, s8, t0
        mul     s8, s8, s10
        addi    s4, s4, 1
        bnez    s5, 5f
        mv      s5, s4
5:      bne     s4, s5, bad_count
        addi    s6, s6, 1
        add     s7, s7, s4
        add     s8, s8, s4
        j       done

bad_here:                               # the byte just consumed is wrong
        add     s15, s0, s2
        addi    s15, s15, -1
        j       bad
bad_eof:                                # the input ended too early
bad_count:                              # just past the offending record
        add     s15, s0, s2
bad:    li      s16, 0

done:
        mv      a0, s9
        call    close
        la      a0, csv_m_records
        call    print_str
        mv      a0, s6
        call    print_dec
        la      a0, csv_m_fields
        call    print_str
        mv      a0, s7
        call    print_dec
        la      a0, csv_m_valid
        call    print_str
        mv      a0, s16
        call    print_dec
        la      a0, csv_m_checksum
        call    print_str
        mv      a0, s8
        call    print_hex
        bnez    s16, 6f
        la      a0, csv_m_error
        call    print_str
        mv      a0, s15
        call    print_dec
6:      li      a0, 10
        call    print_char
        li      rv, 0

ret_main:
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        ldw     s3, sp+16
        ldw     s4, sp+20
        ldw     s5, sp+24
        ldw     s6, sp+28
        ldw     s7, sp+32
        ldw     s8, sp+36
        ldw     s9, sp+40
        ldw     s10, sp+44
        ldw     s11, sp+48
        ldw     s12, sp+52
        ldw     s13, sp+56
        ldw     s14, sp+60
        ldw     s15, sp+64
        ldw     s16, sp+68
        ldw     s17, sp+72
        addi    sp, sp, 76
        ret
        .size main, . - main

# refill: called with p == end. Moves the window on (bias += end - buf,
# p = end = buf) and reads the next chunk: rv = bytes read (<= 0: no more).
# Works on main's s0, s1, s2, s9 and s17 directly.
        .type refill, @function
refill:
        addi    sp, sp, -4
        stw     sp+0, lr
        add     s2, s2, s1
        sub     s2, s2, s17             # bias += end - buf
        mv      s0, s17
        mv      s1, s17
        mv      a0, s9
        mv      a1, s17
        li      a2, CSV_CHUNK
        call    read
        blez    rv, 1f
        add     s1, s17, rv
1:      ldw     lr, sp+0
        addi    sp, sp, 4
        ret
        .size refill, . - refill

        .rodata
csv_usage:      .asciz "usage: csv FILE\n"
csv_noopen:     .asciz "csv: cannot open input\n"
csv_m_records:  .asciz "csv records "
csv_m_fields:   .asciz " fields "
csv_m_valid:    .asciz " valid "
csv_m_checksum: .asciz " checksum "
csv_m_error:    .asciz " error_at "

        .bss
        .align  4
csv_buf:        .space CSV_CHUNK
