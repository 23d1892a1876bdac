// The vmath kernels, written once over a small set of vector primitives and instantiated per ISA:
// vmath_avx512.c, vmath_avx2.c and vmath.c (portable, one float per "vector") each define
//   V (float vector), VI (int32 vector), M (lane mask), LK_VW (lanes), LK_TARGET, LK_SUFFIX
//   v_set v_add v_sub v_mul v_div v_fma(a,b,c)=a·b+c
//   v_min v_max            x86 MINPS/MAXPS semantics: a<b?a:b / a>b?a:b, so a NaN in b passes through
//   v_and v_or             bitwise on floats
//   v_lt v_gt v_ge v_eq    ordered compares (false on NaN) -> M;  v_sel(m, a, b) = m ? a : b
//   v_bits v_float         bit casts V<->VI;  vi_set vi_add vi_sub vi_and vi_sra23 vi_cvt(int->float)
//   v_ldexp(p, n)          p·2^n, n in [-152, 130], rounded once (gradual underflow, overflow to inf)
//   v_load v_store, and when LK_VW > 1 v_load_n v_store_n (first cnt lanes; others read as 0)
// and then include this file. It defines lk_v<name>_<suffix> for the dispatcher in vmath.c.
//
// Error bounds (end of file) were measured against double-precision libm over all 2^32 inputs on
// every path (AVX-512, AVX2+FMA, and portable without FMA). Denormal inputs and outputs are handled
// (no flushing), NaN in gives NaN out, and the tail of an array goes through the same vector code
// (masked), so results never depend on n or alignment.

#define LK_CAT2(a, b) a##_##b
#define LK_CAT(a, b) LK_CAT2(a, b)
#define LK_NAME(f) LK_CAT(f, LK_SUFFIX)

static inline LK_TARGET V k_abs(V x) { return v_and(x, v_float(vi_set(0x7fffffff))); }

static inline LK_TARGET V k_copysign(V mag, V sgn) {   // mag >= 0 (or NaN)
    return v_or(mag, v_and(sgn, v_set(-0.0f)));
}

// exp(x). x is clamped to [-104, 89]: below, exp rounds to 0; above, it overflows to +inf.
// n = round(x·log2 e) via the 1.5·2^23 shifter (whose low mantissa bits then hold n),
// r = x − n·ln2 in two pieces (Cody–Waite; n·LN2_HI is exact since LN2_HI has 9 significant bits),
// exp(r) = 1 + r + r²·P(r) with P a degree-4 minimax fit on |r| <= 0.35 (rel. error 3e-9).
static inline LK_TARGET V k_exp(V x) {
    x = v_min(v_set(89.0f), v_max(v_set(-104.0f), x));
    V t = v_fma(x, v_set(1.44269504f), v_set(0x1.8p23f));
    VI n = vi_sub(v_bits(t), vi_set(0x4b400000));
    V nf = v_sub(t, v_set(0x1.8p23f));
    V r = v_fma(nf, v_set(-0.693359375f), x);
    r = v_fma(nf, v_set(2.12194440e-4f), r);
    V p = v_fma(r, v_set(1.381313312e-03f), v_set(8.369424380e-03f));
    p = v_fma(p, r, v_set(4.166845605e-02f));
    p = v_fma(p, r, v_set(1.666651517e-01f));
    p = v_fma(p, r, v_set(4.999999404e-01f));
    p = v_add(v_set(1.0f), v_fma(v_mul(r, r), p, r));
    return v_ldexp(p, n);
}

// log(x) + corr for finite x > 0, where corr is a small correction (|corr| <~ ulp(log x)).
// x = 2^e·m with m in [√½, √2) read from the bits (denormals prescaled by 2^23), f = m − 1,
// log(1+f) = f − f²/2 + f³·Q(f), Q a degree-7 minimax fit (rel. error 6e-9).
static inline LK_TARGET V k_log_core(V x, V corr) {
    M tiny = v_lt(x, v_set(0x1p-126f));
    x = v_sel(tiny, v_mul(x, v_set(0x1p23f)), x);
    VI ix = vi_sub(v_bits(x), vi_set(0x3f3504f3));
    V e = v_sub(vi_cvt(vi_sra23(ix)), v_sel(tiny, v_set(23.0f), v_set(0.0f)));
    V f = v_sub(v_float(vi_add(vi_and(ix, vi_set(0x007fffff)), vi_set(0x3f3504f3))), v_set(1.0f));
    V q = v_fma(f, v_set(-7.634499669e-02f), v_set(1.276158243e-01f));
    q = v_fma(q, f, v_set(-1.316018403e-01f));
    q = v_fma(q, f, v_set(1.420175731e-01f));
    q = v_fma(q, f, v_set(-1.662335694e-01f));
    q = v_fma(q, f, v_set(2.000122666e-01f));
    q = v_fma(q, f, v_set(-2.500081956e-01f));
    q = v_fma(q, f, v_set(3.333333135e-01f));
    V f2 = v_mul(f, f);
    V lo = v_fma(e, v_set(-2.12194440e-4f), corr);
    lo = v_fma(v_mul(f2, f), q, lo);
    lo = v_fma(f2, v_set(-0.5f), lo);
    return v_fma(e, v_set(0.693359375f), v_add(f, lo));
}

// Patches the non-finite-or-nonpositive inputs of log: 0 -> -inf, +inf -> +inf, <0 or NaN -> NaN.
static inline LK_TARGET V k_log_special(V x, V y) {
    y = v_sel(v_eq(x, v_set(__builtin_inff())), x, y);
    y = v_sel(v_eq(x, v_set(0.0f)), v_set(-__builtin_inff()), y);
    return v_sel(v_ge(x, v_set(0.0f)), y, v_set(__builtin_nanf("")));
}

// log(1 + x) for any x. u = 1 + x loses the low bits of x; c = (1 + x) − u is recovered exactly
// (Fast2Sum, larger operand first) and log(u + c) = log(u) + c/u to first order. Below |x| = 2^-24,
// log1p(x) rounds to x itself, which also keeps the sign of −0.
static inline LK_TARGET V k_log1p(V x) {
    V u = v_add(v_set(1.0f), x);
    V c = v_sel(v_gt(x, v_set(1.0f)), v_sub(v_set(1.0f), v_sub(u, x)), v_sub(x, v_sub(u, v_set(1.0f))));
    V y = k_log_special(u, k_log_core(u, v_div(c, u)));
    return v_sel(v_lt(k_abs(x), v_set(0x1p-24f)), x, y);
}

// log(1 + e) for e in [0, 1] or NaN (no specials needed; NaN is restored by the caller).
static inline LK_TARGET V k_log1p_unit(V e) {
    V u = v_add(v_set(1.0f), e);
    return k_log_core(u, v_div(v_sub(e, v_sub(u, v_set(1.0f))), u));
}

// tanh: |x| < 0.625: x + x³·T(x²) (T degree-4 minimax, rel. error 4e-9); otherwise
// 1 − 2/(exp(2|x|) + 1), which has no cancellation there (tanh >= 0.55) and is exactly 1 once
// exp overflows. Computed on |x| and the sign put back, so tanh(−0) = −0.
static inline LK_TARGET V k_tanh(V x) {
    V a = k_abs(x);
    V a2 = v_mul(a, a);
    V t = v_fma(a2, v_set(-5.704985000e-03f), v_set(2.063908614e-02f));
    t = v_fma(t, a2, v_set(-5.373971537e-02f));
    t = v_fma(t, a2, v_set(1.333144158e-01f));
    t = v_fma(t, a2, v_set(-3.333328068e-01f));
    V small = v_fma(v_mul(a2, a), t, a);
    V big = v_sub(v_set(1.0f), v_div(v_set(2.0f), v_add(k_exp(v_add(a, a)), v_set(1.0f))));
    return k_copysign(v_sel(v_lt(a, v_set(0.625f)), small, big), x);
}

// σ(x) = s/(1 + e) with e = exp(−|x|) <= 1 (never overflows) and s = 1 for x >= 0, e otherwise,
// so tiny results for very negative x keep full relative accuracy down into the denormals.
static inline LK_TARGET V k_sigmoid(V x) {
    V e = k_exp(v_sub(v_set(0.0f), k_abs(x)));
    return v_div(v_sel(v_ge(x, v_set(0.0f)), v_set(1.0f), e), v_add(v_set(1.0f), e));
}

// softplus(x) = max(x, 0) + log1p(exp(−|x|)): x exactly once the log term drops below ulp(x)/2,
// and exp(x) to full accuracy for very negative x. max(0, x) lets a NaN through.
static inline LK_TARGET V k_softplus(V x) {
    return v_add(v_max(v_set(0.0f), x), k_log1p_unit(k_exp(v_sub(v_set(0.0f), k_abs(x)))));
}

// log σ(x) = min(x, 0) − log1p(exp(−|x|)): both terms have the same sign (no cancellation), and
// it tends to x (never −inf) for very negative finite x.
static inline LK_TARGET V k_logsigmoid(V x) {
    return v_sub(v_min(v_set(0.0f), x), k_log1p_unit(k_exp(v_sub(v_set(0.0f), k_abs(x)))));
}

// erf: |x| < 1: x + x·(E(x²) − 1), E degree-6 minimax (rel. error 1.2e-9); adding x last keeps
// the rounding of the polynomial (|E − 1| < 0.16) small. 1 <= |x|: 1 − exp(G(|x|)) with
// G a degree-7 minimax fit of log erfc on [1, 3.93] (error in erf 2e-11 before rounding); past 3.93
// erf rounds to ±1, so |x| is clamped there (min lets NaN through).
static inline LK_TARGET V k_erf(V x) {
    V a = k_abs(x);
    V a2 = v_mul(a, a);
    V s = v_fma(a2, v_set(7.853861462e-05f), v_set(-8.010193706e-04f));
    s = v_fma(s, a2, v_set(5.188327748e-03f));
    s = v_fma(s, a2, v_set(-2.685381286e-02f));
    s = v_fma(s, a2, v_set(1.128358543e-01f));
    s = v_fma(s, a2, v_set(-3.761262596e-01f));
    s = v_fma(s, a2, v_set(1.283791671e-01f));
    s = v_fma(s, a, a);
    V b = v_min(v_set(3.93f), a);
    V g = v_fma(b, v_set(-2.168675746e-05f), v_set(4.413352290e-04f));
    g = v_fma(g, b, v_set(-4.204555880e-03f));
    g = v_fma(g, b, v_set(2.520824037e-02f));
    g = v_fma(g, b, v_set(-1.084185466e-01f));
    g = v_fma(g, b, v_set(-6.332198977e-01f));
    g = v_fma(g, b, v_set(-1.129578352e+00f));
    g = v_fma(g, b, v_set(1.880368509e-04f));
    V l = v_sub(v_set(1.0f), k_exp(g));
    return k_copysign(v_sel(v_lt(a, v_set(1.0f)), s, l), x);
}

static inline LK_TARGET V k_log(V x) { return k_log_special(x, k_log_core(x, v_set(0.0f))); }

// y[i] = K(x[i]) over whole vectors, then the last partial vector through masked loads/stores
// (same kernel, so the tail is bit-identical to the body). x and y may alias.
#if LK_VW > 1
#define LK_VM_LOOP(fn, K)                                                             \
    LK_TARGET void LK_NAME(fn)(const float *x, float *y, long n) {                    \
        long i = 0;                                                                   \
        for (; i + LK_VW <= n; i += LK_VW) v_store(y + i, K(v_load(x + i)));          \
        if (i < n) v_store_n(y + i, K(v_load_n(x + i, (int)(n - i))), (int)(n - i));  \
    }
#else
#define LK_VM_LOOP(fn, K)                                                             \
    LK_TARGET void LK_NAME(fn)(const float *x, float *y, long n) {                    \
        for (long i = 0; i < n; i++) y[i] = K(x[i]);                                  \
    }
#endif

// Maximum errors, measured over all 2^32 inputs against double libm (AVX-512 = AVX2 bit for bit;
// portable without FMA in parentheses where it differs). The tests check the bound in brackets.
LK_VM_LOOP(lk_vexp, k_exp)                 // 1.01 ulp (0.98)  [1.5 ulp]
LK_VM_LOOP(lk_vlog, k_log)                 // 0.86 ulp         [1.5 ulp]
LK_VM_LOOP(lk_vlog1p, k_log1p)             // 0.86 ulp (0.89)  [1.5 ulp]
LK_VM_LOOP(lk_vtanh, k_tanh)               // 1.33 ulp         [2 ulp]
LK_VM_LOOP(lk_vsigmoid, k_sigmoid)         // 2.40 ulp         [2.5 ulp]
LK_VM_LOOP(lk_vsoftplus, k_softplus)       // 1.65 ulp (1.66)  [2 ulp]
LK_VM_LOOP(lk_vlogsigmoid, k_logsigmoid)   // 1.65 ulp (1.66)  [2 ulp]
LK_VM_LOOP(lk_verf, k_erf)                 // 1.26 ulp (1.48), absolute 7.5e-8 (8.8e-8)  [2 ulp, 1e-7]
