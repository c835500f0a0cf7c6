(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(display (fib 15)) (newline)
(define (sum-to i acc) (if (= i 0) acc (sum-to (- i 1) (+ acc i))))
(display (sum-to 5000 0)) (newline)
