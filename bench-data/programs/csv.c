/* csv: a goto-driven state-machine CSV validator.
 *
 * The C twin of csv.s: same state machine, same counts and checksum,
 * same output. Usage: csv FILE. Reads FILE in 64 KiB chunks.
 *
 * Grammar (RFC 4180, plus bare LF line ends): records end with LF or CRLF
 * (a final record may end at EOF); fields are separated by ','; a field
 * is either unquoted (no '"', CR or LF inside) or quoted ('"' ... '"',
 * anything inside, '""' for a literal quote). An empty line is a record
 * with one empty field. Every record must have as many fields as the
 * first.
 *
 * Output: "csv records R fields F valid V checksum 0x%08x", and when the
 * input is invalid " error_at OFFSET" before the newline: the offset of
 * the offending byte, of the end of the input for an unterminated quote or
 * a final CR, or just past the record whose field count differs. Counts cover the complete records before
 * the error. Field length = bytes from the field's first byte up to its
 * delimiter (quotes included, the CR of a CRLF excluded); per field
 * ck = (ck ^ length) * 16777619, per record ck += fields in the record. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define CHUNK 65536

static unsigned char buf[CHUNK];

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs("usage: csv FILE\n", stderr);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        fputs("csv: cannot open input\n", stderr);
        return 1;
    }
    uint32_t records = 0, fields = 0, nf = 0, cols = 0, ck = 0;
    uint32_t valid = 1, err_at = 0;
    uint32_t base = 0;        /* file offset of buf[0] */
    uint32_t fstart = 0;      /* file offset where the current field began */
    const unsigned char *p = buf, *end = buf;
    int c;
    long n;

/* Next byte into c, or jump to label eof_ at the end of the input. */
#define NEXT(eof_)                                   \
    do {                                             \
        if (p == end) {                              \
            base += (uint32_t)(end - buf);           \
            p = end = buf;                           \
            n = read(fd, buf, CHUNK);                \
            if (n <= 0)                              \
                goto eof_;                           \
            end = buf + n;                           \
        }                                            \
        c = *p++;                                    \
    } while (0)
/* Offset of the byte just consumed / of the next byte. */
#define POS_LAST (base + (uint32_t)(p - buf) - 1)
#define POS_NEXT (base + (uint32_t)(p - buf))
#define END_FIELD(at)                                \
    do {                                             \
        ck = (ck ^ ((at) - fstart)) * 16777619u;     \
        nf++;                                        \
    } while (0)
#define END_RECORD()                                 \
    do {                                             \
        if (cols == 0)                               \
            cols = nf;                               \
        else if (nf != cols)                         \
            goto bad_count;                          \
        records++;                                   \
        fields += nf;                                \
        ck += nf;                                    \
        nf = 0;                                      \
    } while (0)

record_start:
    NEXT(done);
    fstart = POS_LAST;
    goto dispatch;
field_start:
    NEXT(eof_field_start);
    fstart = POS_LAST;
dispatch:
    if (c == '"')
        goto quoted;
    if (c == ',') {
        END_FIELD(POS_LAST);
        goto field_start;
    }
    if (c == '\n') {
        END_FIELD(POS_LAST);
        END_RECORD();
        goto record_start;
    }
    if (c == '\r') {
        END_FIELD(POS_LAST);
        goto cr;
    }
unquoted:
    NEXT(eof_field);
    if (c > '"' && c != ',')
        goto unquoted;
    if (c == ',') {
        END_FIELD(POS_LAST);
        goto field_start;
    }
    if (c == '\n') {
        END_FIELD(POS_LAST);
        END_RECORD();
        goto record_start;
    }
    if (c == '\r') {
        END_FIELD(POS_LAST);
        goto cr;
    }
    if (c == '"') {
        err_at = POS_LAST;
        goto bad;
    }
    goto unquoted;
quoted:
    NEXT(eof_quoted);
    if (c != '"')
        goto quoted;
    /* a quote: the end of the field, or the first half of "" */
    NEXT(eof_field);
    if (c == '"')
        goto quoted;
    if (c == ',') {
        END_FIELD(POS_LAST);
        goto field_start;
    }
    if (c == '\n') {
        END_FIELD(POS_LAST);
        END_RECORD();
        goto record_start;
    }
    if (c == '\r') {
        END_FIELD(POS_LAST);
        goto cr;
    }
    err_at = POS_LAST;
    goto bad;
cr:
    NEXT(eof_cr);
    if (c == '\n') {
        END_RECORD();
        goto record_start;
    }
    err_at = POS_LAST;
    goto bad;

eof_field_start: /* "a,b," at EOF: the last field is empty */
eof_field:
    END_FIELD(POS_NEXT);
    END_RECORD();
    goto done;
eof_quoted: /* unterminated quoted field */
eof_cr:     /* CR not followed by LF */
    err_at = POS_NEXT;
    goto bad;
bad_count: /* reported just past the offending record */
    err_at = POS_NEXT;
bad:
    valid = 0;
done:
    close(fd);
    printf("csv records %u fields %u valid %u checksum 0x%08x", records, fields, valid, ck);
    if (!valid)
        printf(" error_at %u", err_at);
    printf("\n");
    return 0;
}
