/* float: an f64 n-body simulation (the classic five-body solar system).
 *
 * The C twin of float.s. Usage: float STEPS (work is linear in STEPS).
 * Prints "float energy 0x%016x checksum 0x%08x": the final energy's bits,
 * and a hash of every body's state bits plus (int32_t)(energy * 1e9).
 *
 * Bit-exact agreement with the guest needs the same operations in the
 * same order, each rounded: compile with -O2 -ffp-contract=off (no fused
 * multiply-add). The initial state is given as bit patterns (no decimal
 * literals to parse), and every other constant is made at run time from
 * integers (1.0 / 100.0 and so on), as the guest does with fcvt.d.w. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NB 5

struct body {
    double x, y, z, vx, vy, vz, mass;
};

/* sun, jupiter, saturn, uranus, neptune: x y z vx vy vz mass (velocities
 * already in AU/year, masses in units with G = 1). */
static const uint64_t init_bits[NB * 7] = {
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x4043bd3cc9be45deu,
    0x40135da0343cd92cu, 0xbff290abc01fdb7cu, 0xbfba86f96c25ebf0u, 0x3fe367069b93ccbcu, 0x40067ef2f57d949bu, 0xbf99d2d79a5a0715u, 0x3fa34c95d9ab33d8u,
    0x4020afcdc332ca67u, 0x40107fcb31de01b0u, 0xbfd9d353e1eb467cu, 0xbff02c21b8879442u, 0x3ffd35e9bf1f8f13u, 0x3f813c485f1123b4u, 0x3f871d490d07c637u,
    0x4029c9eacea7d9cfu, 0xc02e38e8d626667eu, 0xbfcc9557be257da0u, 0x3ff1531ca9911befu, 0x3febcc7f3e54bbc5u, 0xbf862f6bfaf23e7cu, 0x3f5c3dd29cf41eb3u,
    0x402ec267a905572au, 0xc039eb5833c8a220u, 0x3fc6f1f393abe540u, 0x3fef54b61659bc4au, 0x3fe307c631c4fba3u, 0xbfa1cb88587665f6u, 0x3f60a8f3531799acu,
};

static struct body b[NB];

static void advance(double dt) {
    for (int i = 0; i < NB; i++) {
        struct body *bi = &b[i];
        for (int j = i + 1; j < NB; j++) {
            struct body *bj = &b[j];
            double dx = bi->x - bj->x;
            double dy = bi->y - bj->y;
            double dz = bi->z - bj->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            double mj = bj->mass * mag;
            double mi = bi->mass * mag;
            bi->vx -= dx * mj;
            bi->vy -= dy * mj;
            bi->vz -= dz * mj;
            bj->vx += dx * mi;
            bj->vy += dy * mi;
            bj->vz += dz * mi;
        }
    }
    for (int i = 0; i < NB; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

static double energy(double half) {
    double e = 0.0;
    for (int i = 0; i < NB; i++) {
        e += half * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < NB; j++) {
            double dx = b[i].x - b[j].x;
            double dy = b[i].y - b[j].y;
            double dz = b[i].z - b[j].z;
            e -= (b[i].mass * b[j].mass) / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static uint64_t bits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

int main(int argc, char **argv) {
    int32_t steps = argc > 1 ? atoi(argv[1]) : 1;
    memcpy(b, init_bits, sizeof b);
    double one = (double)1;
    double dt = one / (double)100;
    double half = one / (double)2;
    /* offset the sun's momentum so the system's total is zero */
    double px = 0.0, py = 0.0, pz = 0.0;
    for (int i = 0; i < NB; i++) {
        px += b[i].vx * b[i].mass;
        py += b[i].vy * b[i].mass;
        pz += b[i].vz * b[i].mass;
    }
    double sm = b[0].mass;
    b[0].vx = -px / sm;
    b[0].vy = -py / sm;
    b[0].vz = -pz / sm;

    for (int32_t s = 0; s < steps; s++)
        advance(dt);

    double e = energy(half);
    uint32_t ck = 0;
    const double *d = &b[0].x;
    for (int i = 0; i < NB * 7; i++) {
        uint64_t u = bits(d[i]);
        ck = (ck ^ (uint32_t)u) * 16777619u;
        ck = (ck ^ (uint32_t)(u >> 32)) * 16777619u;
    }
    ck += (uint32_t)(int32_t)(e * (double)1000000000);
    uint64_t eb = bits(e);
    printf("float energy 0x%08x%08x checksum 0x%08x\n", (uint32_t)(eb >> 32), (uint32_t)eb, ck);
    return 0;
}
