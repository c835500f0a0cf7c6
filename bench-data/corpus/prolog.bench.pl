app([], L, L).
app([H|T], L, [H|R]) :- app(T, L, R).
nrev([], []).
nrev([H|T], R) :- nrev(T, RT), app(RT, [H], R).
numlist(N, N, [N]) :- !.
numlist(I, N, [I|T]) :- I < N, I1 is I + 1, numlist(I1, N, T).
rep(0) :- !.
rep(N) :- numlist(1, 30, L), nrev(L, _), N1 is N - 1, rep(N1).
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
?- rep(10), write(done), nl.
