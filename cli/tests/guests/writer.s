# writer.s: writes LINES copies of a 64-byte line to a file the way guest
# libc does (WRITE requests of what the guest buffered; the CLOSE that
# fclose sends), prints "written" on stdout, then ends as argv[1] says:
#   t  close the file, then trap (store to code)
#   T  leave the file open, then trap
#   s  close the file, then spin forever (for --max-instructions, --timeout)
#   S  leave the file open, then spin forever (for a kill from outside)
#   e  close the file, exit 0
# argv[2] is the file's path. Exit status 9 if the file cannot be opened,
# 8 if a write comes up short.
#
# Appended to the benchmark runtime (bench-data/programs/rt.s).

        .equ LINES, 2000
        .equ LINE_BYTES, 64
        .equ O_WR_CREATE_TRUNC, 0x1A

        .text
        .globl main
main:
        addi    sp, sp, -16
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        ldw     a4, a1+4
        ldbu    s0, a4+0                # mode
        ldw     a0, a1+8                # path
        li      a1, O_WR_CREATE_TRUNC
        call    open
        li      a5, -1
        li      a0, 9
        beq     rv, a5, exit
        mv      s1, rv                  # fd
        li      s2, LINES
1:      beqz    s2, 2f
        mv      a0, s1
        la      a1, line
        li      a2, LINE_BYTES
        call    write
        li      a5, LINE_BYTES
        li      a0, 8
        bne     rv, a5, exit
        addi    s2, s2, -1
        j       1b
2:      la      a0, msg_written
        call    print_str
        li      a4, 'T'
        beq     s0, a4, trap
        li      a4, 'S'
        beq     s0, a4, spin
        mv      a0, s1
        call    close
        li      a4, 't'
        beq     s0, a4, trap
        li      a4, 's'
        beq     s0, a4, spin
        li      a0, 0
        j       exit
trap:
        stw     zero+0, s0              # W^X: the code region is read-only
        halt
spin:
        addi    s2, s2, 1
        j       spin

        .rodata
line:
        .ascii  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\n"
msg_written:
        .asciz  "written\n"
