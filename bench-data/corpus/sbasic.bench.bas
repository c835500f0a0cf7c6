total = 0
FOR i = 1 TO 200000
  total = total + (i MOD 7) * 3 - i \ 5
  IF total > 100000 THEN total = total - 99991
NEXT i
PRINT total
s$ = ""
FOR i = 1 TO 10000
  s$ = s$ + CHR$(65 + i MOD 26)
  IF LEN(s$) > 40 THEN s$ = MID$(s$, 3, 30)
NEXT i
PRINT s$
RUN
