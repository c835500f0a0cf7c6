# An indirect jump with bit 0 of its address set (JALR clears it), in a
# function with more indirect targets than a tree of compares serves: a
# profile-guided build switches on them with one table, indexed by the
# address before masking (every target is a multiple of 4). An odd address
# must miss the table and still land on its target, the way the general
# path masks it. Each of 40 primitives adds its number plus one to r20;
# every fourth cell of the thread is odd. Three rounds: 3 * 820.
# run: reg r20 0x0000099c
# run: reg r21 0x00000000
# run: exit 0
    .text
    .global _start
_start:
    li r21, 3                  # rounds
round:
    la r26, thread             # IP
next:
    ldw r24, r26+0
    addi r26, r26, 4
    jalr r0, r24, 0
p0: addi r20, r20, 1
    j next
p1: addi r20, r20, 2
    j next
p2: addi r20, r20, 3
    j next
p3: addi r20, r20, 4
    j next
p4: addi r20, r20, 5
    j next
p5: addi r20, r20, 6
    j next
p6: addi r20, r20, 7
    j next
p7: addi r20, r20, 8
    j next
p8: addi r20, r20, 9
    j next
p9: addi r20, r20, 10
    j next
p10: addi r20, r20, 11
    j next
p11: addi r20, r20, 12
    j next
p12: addi r20, r20, 13
    j next
p13: addi r20, r20, 14
    j next
p14: addi r20, r20, 15
    j next
p15: addi r20, r20, 16
    j next
p16: addi r20, r20, 17
    j next
p17: addi r20, r20, 18
    j next
p18: addi r20, r20, 19
    j next
p19: addi r20, r20, 20
    j next
p20: addi r20, r20, 21
    j next
p21: addi r20, r20, 22
    j next
p22: addi r20, r20, 23
    j next
p23: addi r20, r20, 24
    j next
p24: addi r20, r20, 25
    j next
p25: addi r20, r20, 26
    j next
p26: addi r20, r20, 27
    j next
p27: addi r20, r20, 28
    j next
p28: addi r20, r20, 29
    j next
p29: addi r20, r20, 30
    j next
p30: addi r20, r20, 31
    j next
p31: addi r20, r20, 32
    j next
p32: addi r20, r20, 33
    j next
p33: addi r20, r20, 34
    j next
p34: addi r20, r20, 35
    j next
p35: addi r20, r20, 36
    j next
p36: addi r20, r20, 37
    j next
p37: addi r20, r20, 38
    j next
p38: addi r20, r20, 39
    j next
p39: addi r20, r20, 40
    j next
done:
    addi r21, r21, -1
    bnez r21, round
    li r1, 0
    halt

    .data
thread:
    .word p0, p1+1, p2, p3, p4, p5+1, p6, p7
    .word p8, p9+1, p10, p11, p12, p13+1, p14, p15
    .word p16, p17+1, p18, p19, p20, p21+1, p22, p23
    .word p24, p25+1, p26, p27, p28, p29+1, p30, p31
    .word p32, p33+1, p34, p35, p36, p37+1, p38, p39
    .word done
