# policy_probe.s: asks the host for one thing per argument and prints what
# the guest sees, so a test can check the policy through the guest's eyes.
#
# Each argument is a tag character followed by a path. The tag keeps the
# CLI from granting the path as one of the program's inputs (`fast32 run`
# grants every argument that names an existing host path).
#   r<path>  OPEN read-only, READ up to 64 bytes, CLOSE
#   w<path>  OPEN write|create|truncate, WRITE "PWNED", CLOSE
#   s        SOCKET(AF_INET, SOCK_STREAM, IPPROTO_TCP)
#   e<name>  GETENV(name)
#   /path    like r/path, for an untagged path (which the CLI grants
#   ../path  when it exists, as one of the program's inputs)
# One line per argument on stdout: "<arg>: ok <data>" or "<arg>: error <errno>".
# The exit status is the number of refused requests.
#
# Appended to the benchmark runtime (bench-data/programs/rt.s), which
# supplies _start, open/read/write/close and the print helpers.

        .equ OP_SOCKET, 0x40
        .equ OP_GETENV, 0x64
        .equ ENVBUF_BYTES, 256
        .equ SOCK_TCP, 0x060102         # AF_INET | SOCK_STREAM << 8 | IPPROTO_TCP << 16
        .equ O_RD, 0x01
        .equ O_WR_CREATE_TRUNC, 0x1A    # WRITE | CREATE | TRUNC

        .text
        .globl main
main:
        addi    sp, sp, -28
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        stw     sp+16, s3
        stw     sp+20, s4
        stw     sp+24, s5
        mv      s0, a0                  # argc
        mv      s1, a1                  # argv
        li      s2, 1                   # i
        li      s3, 0                   # refusals
1:      bge     s2, s0, 9f
        slli    a4, s2, 2
        add     a4, a4, s1
        ldw     s4, a4+0                # argv[i]
        mv      a0, s4
        call    print_str
        la      a0, msg_colon
        call    print_str
        ldbu    a5, s4+0                # tag
        li      a4, '/'
        beq     a5, a4, 2f              # untagged: the argument is the path
        li      a4, '.'
        beq     a5, a4, 2f
        addi    s4, s4, 1               # path
        li      a4, 'r'
        beq     a5, a4, 2f
        li      a4, 'w'
        beq     a5, a4, 3f
        li      a4, 'e'
        beq     a5, a4, 4f
        # 's': a TCP socket. __rt_request returns the status in rv and the
        # response length (the errno on failure) in t0.
        li      a0, OP_SOCKET
        li      a1, 0
        li      a2, 0
        li      a3, SOCK_TCP
        call    __rt_request
        li      a5, -1
        beq     rv, a5, 6f
        mv      s5, rv
        la      a0, msg_ok
        call    print_str
        mv      a0, s5
        call    print_dec               # the guest fd
        li      a0, 10
        call    print_char
        mv      a0, s5
        call    close
        j       8f
2:      mv      a0, s4                  # open() leaves the errno in t0
        li      a1, O_RD
        call    open
        li      a5, -1
        beq     rv, a5, 6f
        mv      a0, rv
        call    show_file
        j       8f
3:      mv      a0, s4
        li      a1, O_WR_CREATE_TRUNC
        call    open
        li      a5, -1
        beq     rv, a5, 6f
        mv      a0, rv
        call    write_mark
        j       8f
4:      mv      a0, s4                  # GETENV: the name, with its NUL,
        call    __rt_strlen             # into the data buffer
        addi    s5, rv, 1
        la      a0, __mmio_base + RT_DATA
        mv      a1, s4
        mv      a2, s5
        call    __rt_copy
        li      a0, OP_GETENV
        mv      a1, s5
        li      a2, 0
        li      a3, 0
        call    __rt_request
        li      a5, -1
        beq     rv, a5, 6f
        mv      s5, t0                  # the value's length, at most
        li      a5, ENVBUF_BYTES        # what envbuf holds
        bleu    s5, a5, 5f
        mv      s5, a5
5:      la      a0, envbuf              # out of the data buffer before
        la      a1, __mmio_base + RT_DATA   # write() reuses it
        mv      a2, s5
        call    __rt_copy
        la      a0, msg_ok
        call    print_str
        li      a0, 1
        la      a1, envbuf
        mv      a2, s5
        call    write
        li      a0, 10
        call    print_char
        j       8f
6:      mv      s5, t0                  # errno
        addi    s3, s3, 1
        la      a0, msg_error
        call    print_str
        mv      a0, s5
        call    print_dec
        li      a0, 10
        call    print_char
8:      addi    s2, s2, 1
        j       1b
9:      mv      rv, s3
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        ldw     s3, sp+16
        ldw     s4, sp+20
        ldw     s5, sp+24
        addi    sp, sp, 28
        ret

# show_file(a0 = fd): prints "ok " and up to 64 bytes of the file, closes it.
show_file:
        addi    sp, sp, -76
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        mv      s0, a0
        la      a0, msg_ok
        call    print_str
        mv      a0, s0
        addi    a1, sp, 12
        li      a2, 64
        call    read
        mv      s1, rv
        blez    s1, 1f
        li      a0, 1
        addi    a1, sp, 12
        mv      a2, s1
        call    write
1:      li      a0, 10
        call    print_char
        mv      a0, s0
        call    close
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        addi    sp, sp, 76
        ret

# write_mark(a0 = fd): writes "PWNED" to the file, closes it, prints "ok wrote".
write_mark:
        addi    sp, sp, -8
        stw     sp+0, lr
        stw     sp+4, s0
        mv      s0, a0
        la      a1, msg_mark
        li      a2, 5
        call    write
        mv      a0, s0
        call    close
        la      a0, msg_ok
        call    print_str
        la      a0, msg_wrote
        call    print_str
        ldw     lr, sp+0
        ldw     s0, sp+4
        addi    sp, sp, 8
        ret

        .rodata
msg_colon:
        .asciz  ": "
msg_ok:
        .asciz  "ok "
msg_error:
        .asciz  "error "
msg_mark:
        .asciz  "PWNED"
msg_wrote:
        .asciz  "wrote\n"

        .bss
envbuf:
        .space  ENVBUF_BYTES
