total = 0
FOR i = 1 TO 5000
  total = total + (i MOD 5) * 2 - i \ 3
  IF total > 5000 THEN total = total - 4999
NEXT i
PRINT total
s$ = ""
FOR i = 1 TO 500
  s$ = s$ + CHR$(66 + i MOD 20)
  IF LEN(s$) > 30 THEN s$ = MID$(s$, 2, 20)
NEXT i
PRINT s$
RUN
