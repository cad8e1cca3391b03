/// xai's elementary functions, written with +, −, ×, ÷, square roots and integer and bit
/// operations only, so that every result is the same bit pattern on every machine (the
/// platform libm picks different code by CPU and by OS). Nothing here calls libm or fma, and
/// Swift does not contract a·b + c, so each expression rounds the same way everywhere.
///
/// Float: `exp`, `tanh`, `sigmoid` and `standardNormal` are branch-free single-precision code
/// that inlines into loops and vectorizes (softmax, attention, LSTM and GELU call them per
/// element); `log`, `log1p`, `sin`, `cos` and `pow` are computed through the Double functions
/// and rounded once. Double: fdlibm's algorithms (exp, log, and the sin and cos kernels), with
/// an exact reduction by π/2 for large arguments and a double-double logarithm inside `pow`.
/// The accuracies quoted are against the exact values; FastMathTests measures them.
public enum FastMath {
    // MARK: Float, vectorizable

    /// e^x (Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2, a polynomial for e^r, and 2^n put into
    /// the exponent bits). Within 1 ulp (0.99 over every Float), subnormal results included;
    /// below −103.98 it is 0, above 88.72 ∞. No branches, also where it does not vectorize.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        // From −176 down (−∞ from masks, typically) both scale factors below are exactly 0, so
        // the result is 0 without computing an underflow, which costs a microcode assist per
        // element on x86. Above 89 the result is ∞ anyway. NaN passes through min and max.
        let (q, k) = reduced(Swift.min(Swift.max(x, -176), 89))
        // 2^k as two factors 2^(k/2)·2^(k−k/2), normal floats for k in [−252, 128] (the first is 0
        // below): the first product is exact and the second rounds once, also into the subnormals.
        let k1 = k >> 1, k2 = k &- k1
        return (1 + q) * Float(bitPattern: UInt32(bitPattern: (k1 &+ 127) << 23))
            * Float(bitPattern: UInt32(bitPattern: (k2 &+ 127) << 23))
    }

    /// tanh x within 2.1 ulp (2.03 over every Float), from one exponential:
    /// tanh|x| = (1 − e)/(1 + e) with e = e^(−2|x|) kept as 2^k·(1 + q), q = e^r − 1, so that
    /// 1 − e does not cancel near 0; then the sign bit of x. No branches.
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let a = Swift.abs(x)
        // Beyond |x| = 20, tanh rounds to 1; the clamp keeps 2^k normal.
        let (q, k) = reduced(Swift.max(-2 * a, -40))
        let scale = Float(bitPattern: UInt32(bitPattern: (k &+ 127) << 23))
        // e = scale·(1 + q): 1 − e and 1 + e each with one rounding (1 ± scale is exact for
        // scale ≥ 2^-23, and scale·q is exact), so nothing cancels near 0.
        let magnitude = ((1 - scale) - scale * q) / ((1 + scale) + scale * q)
        // x's sign bit, so that tanh(−x) = −tanh(x) exactly, −0 included.
        return Float(bitPattern: magnitude.bitPattern | x.bitPattern & 0x8000_0000)
    }

    /// The logistic function 1/(1 + e^−x) within 2.5 ulp (2.40 over every Float), from one `exp`:
    /// e^(−|x|)/(1 + e^(−|x|)) for negative x, so that it neither overflows nor loses the small
    /// values. The numerator is picked by arithmetic on the sign bit rather than a select, which
    /// scalar code would turn into an unpredictable branch. No branches.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        let e = exp(-Swift.abs(x))
        let negative = Float(x.bitPattern >> 31)     // 1 for x < 0 (and −0), else 0; both terms exact
        return (negative * e + (1 - negative)) / (1 + e)
    }

    /// Cephes expf's reduction and polynomial for c in [−176, 89]: k = round(c·log₂e) and
    /// q = e^r − 1 for r = c − k·ln2 (ln2 in two parts, |r| ≤ ln2/2 or a hair more).
    @inlinable @inline(__always)
    static func reduced(_ c: Float) -> (q: Float, k: Int32) {
        // Adding 1.5·2²³ rounds c·log₂e to the integer n and leaves n in the low mantissa bits:
        // rounding and an integer conversion without libm's floorf or a range-checked convert,
        // either of which keeps loops from vectorizing.
        let t = c * 1.44269504088896341 + 12_582_912
        let n = t - 12_582_912
        let r = c - n * 0.693359375 + n * 2.12194440e-4
        let p = ((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r
                 + 1.6666665459e-1) * r + 5.0000001201e-1
        return (p * (r * r) + r, Int32(bitPattern: t.bitPattern) &- 0x4B40_0000)
    }

    /// Φ(x) and φ(x) of the standard normal (GELU's two factors) from one `exp`:
    /// Φ(−|x|) = ½·erfc(|x|/√2) with Abramowitz–Stegun 7.1.26. Φ has absolute error under 3e-7
    /// (the formula's 1.5e-7 and float rounding; less relative accuracy deep in the lower tail,
    /// where x·Φ(x) is tiny); φ has relative error under 1.2e-7·(1 + x²/2), the rounding of x²/2
    /// carried through the exponential. No calls: GELU's loop over it vectorizes.
    @inlinable @inline(__always)
    public static func standardNormal(_ x: Float) -> (cdf: Float, pdf: Float) {
        let e = exp(-0.5 * x * x)
        let t = 1 / (1 + 0.3275911 * 0.70710678 * Swift.abs(x))
        let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
        let tail = 0.5 * poly * e
        return (x >= 0 ? 1 - tail : tail, e * 0.3989422804014327)
    }

    // MARK: Float, through Double (rounded once at the end: within half an ulp and a hair)

    /// Natural logarithm: −∞ at ±0, NaN below 0.
    public static func log(_ x: Float) -> Float { Float(log(Double(x))) }

    /// log(1 + x), accurate also for tiny x: log(u)·x/(u − 1) with u = 1 + x rounded, whose
    /// second factor cancels the rounding of u.
    public static func log1p(_ x: Float) -> Float {
        let d = Double(x), u = 1 + d
        if u == 1 || u == .infinity { return x }
        return Float(log(u) * (d / (u - 1)))
    }

    /// Sine, accurate over the whole Float range.
    public static func sin(_ x: Float) -> Float { Float(sin(Double(x))) }

    /// Cosine, accurate over the whole Float range.
    public static func cos(_ x: Float) -> Float { Float(cos(Double(x))) }

    /// x^y with the special cases of `pow(Double, Double)`.
    public static func pow(_ x: Float, _ y: Float) -> Float {
        let dx = Double(x), dy = Double(y)
        // For a positive finite x, e^(y·log x) in plain double is within about 2^-45 of x^y
        // (|y·log x| ≤ 104 wherever the Float result is neither 0 nor ∞), ample for a Float and
        // several times cheaper than the double-double route.
        if dx > 0 && dx < .infinity && Swift.abs(dy) < .infinity { return Float(exp(dy * log(dx))) }
        return Float(pow(dx, dy))
    }

    // MARK: Double

    /// e^x within 1 ulp (fdlibm's exp): x = k·ln2 + r with ln2 in two parts, a degree-5
    /// polynomial in r², then 2^k. Overflows to ∞ above 709.78; subnormal, then 0, below −708.4.
    public static func exp(_ x: Double) -> Double { exp(x, tail: 0) }

    /// Natural logarithm within 1 ulp (fdlibm's log): x = 2^k·m with m in [√½, √2),
    /// log m = 2·atanh(s), s = (m − 1)/(m + 1), by a degree-14 polynomial. −∞ at ±0, NaN below 0.
    public static func log(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        let (k, m, highMantissa) = decompose(x)
        let f = m - 1
        let dk = Double(k)
        if f < 0x1p-20 && f >= -0x1p-20 {
            // log(1 + f) = f − f²/2 + f³/3 to within 2^-60 of f.
            if f == 0 { return dk * ln2Hi + dk * ln2Lo }
            let r = f * f * (0.5 - 0.33333333333333333 * f)
            return dk * ln2Hi - ((r - dk * ln2Lo) - f)
        }
        let s = f / (2 + f)
        let z = s * s, w = z * z
        let t1 = w * (0.3999999999940941908 + w * (0.2222219843214978396 + w * 0.1531383769920937332))
        let t2 = z * (0.6666666666666735130 + w * (0.2857142874366239149 + w * (0.1818357216161805012
            + w * 0.1479819860511658591)))
        let r = t2 + t1
        // fdlibm's choice of the form that rounds least: with ½f² split out where |f| is largest.
        if highMantissa >= 0x6147A && highMantissa <= 0x6B851 {
            let hfsq = 0.5 * f * f
            return dk * ln2Hi - ((hfsq - (s * (hfsq + r) + dk * ln2Lo)) - f)
        }
        return dk * ln2Hi - ((s * (f - r) - dk * ln2Lo) - f)
    }

    /// Sine within 1 ulp for every finite x (fdlibm's kernels; x reduced by π/2 exactly enough
    /// for every double: three-part Cody–Waite below 2^20·π/2, Payne–Hanek above). NaN at ±∞.
    public static func sin(_ x: Double) -> Double {
        let a = Swift.abs(x)
        if a < 0x1p-26 { return x }          // x³/6 is below half an ulp (keeps −0)
        if a <= 0.78539816339744828 { return sinKernel(x, 0) }
        if !x.isFinite { return .nan }
        let (n, hi, lo) = reduceByHalfPi(x)
        switch n & 3 {
        case 0: return sinKernel(hi, lo)
        case 1: return cosKernel(hi, lo)
        case 2: return -sinKernel(hi, lo)
        default: return -cosKernel(hi, lo)
        }
    }

    /// Cosine within 1 ulp for every finite x (see `sin`). NaN at ±∞.
    public static func cos(_ x: Double) -> Double {
        let a = Swift.abs(x)
        if a < 0x1p-27 { return 1 }           // x²/2 is below half an ulp of 1
        if a <= 0.78539816339744828 { return cosKernel(x, 0) }
        if !x.isFinite { return .nan }
        let (n, hi, lo) = reduceByHalfPi(x)
        switch n & 3 {
        case 0: return cosKernel(hi, lo)
        case 1: return -sinKernel(hi, lo)
        case 2: return -cosKernel(hi, lo)
        default: return sinKernel(hi, lo)
        }
    }

    /// x^y within 1 ulp, with C's special cases: x^±0 = 1 and 1^y = 1 (even for NaN),
    /// x^1 = x, (−1)^±∞ = 1, ±0 and ±∞ by the sign and parity of y, a negative x only to an
    /// integer power (NaN otherwise). Integer powers up to 512 in magnitude are products carried
    /// in double-double (to about 2^-100) and rounded once, so they are correctly rounded but for
    /// near-ties (2^10 = 1024, 10^−2 the double nearest 0.01); the rest are e^(y·log x) with
    /// log x and the product in double-double.
    public static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 || x == 1 { return 1 }
        if x.isNaN || y.isNaN { return .nan }
        let ax = Swift.abs(x), ay = Swift.abs(y)
        if y.isInfinite {
            if ax == 1 { return 1 }
            return (ax > 1) == (y > 0) ? .infinity : 0
        }
        // Every double of magnitude 2^52 or more is an integer, from 2^53 on an even one.
        let isInteger = ay >= 0x1p52 || nearestInteger(ay) == ay
        let isOdd = isInteger && ay < 0x1p53 && Int64(y) & 1 != 0
        if x == 0 {
            // ±0: the sign survives odd powers.
            if y < 0 { return isOdd ? 1 / x : .infinity }
            return isOdd ? x : 0
        }
        if x.isInfinite {
            if x > 0 { return y < 0 ? 0 : .infinity }
            if y < 0 { return isOdd ? -0.0 : 0 }
            return isOdd ? -.infinity : .infinity
        }
        if x < 0 && !isInteger { return .nan }
        if y == 1 { return x }
        if y == 0.5 { return x.squareRoot() }
        let magnitude = isInteger && ay <= 512
            ? integerPower(ax, Int(ay), reciprocal: y < 0) : exp(ofProduct: y, logDoubleDouble(ax))
        return x < 0 && isOdd ? -magnitude : magnitude
    }

    // MARK: internals

    static let ln2Hi = 6.93147180369123816490e-01   // 32 significant bits: k·ln2Hi is exact
    static let ln2Lo = 1.90821492927058770002e-10

    /// x = 2^k·m for positive finite x, with m in [√½, √2) (fdlibm's boundary), and the top 20
    /// mantissa bits of x (log chooses its form by them).
    static func decompose(_ x: Double) -> (k: Int, m: Double, highMantissa: UInt64) {
        var bits = x.bitPattern, k = 0
        if bits < 0x0010_0000_0000_0000 { bits = (x * 0x1p54).bitPattern; k = -54 }   // subnormal
        k += Int(bits >> 52) - 1023
        let mantissa = bits & 0x000F_FFFF_FFFF_FFFF
        let high = mantissa >> 32
        let aboveRoot2 = high >= 0x6A09C
        if aboveRoot2 { k += 1 }
        let m = Double(bitPattern: mantissa | (aboveRoot2 ? 0x3FE0_0000_0000_0000 : 0x3FF0_0000_0000_0000))
        return (k, m, high)
    }

    /// e^(x + tail) for a double-double x + tail (|tail| ≤ ½ulp(x)); `exp` is the tail 0 case.
    static func exp(_ x: Double, tail: Double) -> Double {
        if x.isNaN { return x }
        if x > 7.09782712893383973096e+02 { return .infinity }
        if x < -7.45133219101941108420e+02 { return 0 }
        let k = nearestInteger(x * 1.44269504088896338700)
        let hi = x - k * ln2Hi                // exact
        let lo = k * ln2Lo - tail
        let r = hi - lo
        let t = r * r
        let c = r - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 + t * (6.61375632143793436117e-05
            + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))))
        let y = 1 - ((lo - (r * c) / (2 - c)) - hi)
        return scaled(y, byPowerOfTwo: Int(k))
    }

    /// y·2^n rounded once (musl's scalbn): n beyond the exponent range is applied in steps that
    /// stay exact, with the last step rounding into the subnormals.
    static func scaled(_ y: Double, byPowerOfTwo n: Int) -> Double {
        var y = y, n = n
        if n > 1023 {
            y *= 0x1p1023; n -= 1023
            if n > 1023 { y *= 0x1p1023; n = Swift.min(n - 1023, 1023) }
        } else if n < -1022 {
            // Stops 53 short of the subnormals so that only the last product rounds.
            y *= 0x1p-969; n += 969
            if n < -1022 { y *= 0x1p-969; n = Swift.max(n + 969, -1022) }
        }
        return y * Double(bitPattern: UInt64(n + 1023) << 52)
    }

    // Double-double arithmetic: a value carried as hi + lo with |lo| ≤ ½ulp(hi).

    /// a + b = s + error exactly (Knuth's two-sum).
    @inline(__always) static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b, bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    /// a + b = s + error exactly when |a| ≥ |b| (Dekker's fast two-sum).
    @inline(__always) static func fastTwoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        return (s, b - (s - a))
    }

    /// a·b = p + error exactly (Dekker's product with Veltkamp's split; |a|, |b| below 2^995).
    @inline(__always) static func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
        let p = a * b
        let ca = 134_217_729 * a, ah = ca - (ca - a), al = a - ah
        let cb = 134_217_729 * b, bh = cb - (cb - b), bl = b - bh
        return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }

    /// (a.0 + a.1)·(b.0 + b.1) to about 2^-104.
    @inline(__always) static func multiply(_ a: (Double, Double), _ b: (Double, Double)) -> (Double, Double) {
        let (p, e) = twoProduct(a.0, b.0)
        return fastTwoSum(p, e + (a.0 * b.1 + a.1 * b.0))
    }

    /// x^n or x^−n for positive finite x and 1 ≤ n ≤ 512: x = 2^k·m with m in [1, 2), m^n by
    /// squaring in double-double (below 2^512, far from overflow), then one rounding and 2^(k·n).
    static func integerPower(_ x: Double, _ n: Int, reciprocal: Bool) -> Double {
        var bits = x.bitPattern, k = 0
        if bits < 0x0010_0000_0000_0000 { bits = (x * 0x1p54).bitPattern; k = -54 }
        k += Int(bits >> 52) - 1023
        var base = (Double(bitPattern: bits & 0x000F_FFFF_FFFF_FFFF | 0x3FF0_0000_0000_0000), 0.0)
        var power = (1.0, 0.0), e = n
        while true {
            if e & 1 == 1 { power = multiply(power, base) }
            e >>= 1
            if e == 0 { break }
            base = multiply(base, base)
        }
        if reciprocal {
            // 1/(h + l) = q + (1 − q·h − q·l)/h, with q·h exact.
            let q = 1 / power.0
            let (p, pe) = twoProduct(q, power.0)
            power = fastTwoSum(q, ((((1 - p) - pe) - q * power.1) / power.0))
        }
        // power.0 is the rounded double; split off its exponent so that one scaling applies all.
        let v = power.0
        let ev = Int(v.bitPattern >> 52) - 1023
        let mv = Double(bitPattern: v.bitPattern & 0x000F_FFFF_FFFF_FFFF | 0x3FF0_0000_0000_0000)
        let total = Swift.max(-2200, Swift.min(2200, (reciprocal ? -k : k) * n + ev))
        return scaled(mv, byPowerOfTwo: total)
    }

    /// log x as a double-double (relative error about 2^-66) for positive finite x:
    /// k·ln2 + 2·atanh(s) with s = (m − 1)/(m + 1) carried in double-double and the series'
    /// leading terms 2s + ⅔s³ in double-double, the rest (below 2^-12 of the total) in double.
    static func logDoubleDouble(_ x: Double) -> (Double, Double) {
        let (k, m, _) = decompose(x)
        let f = m - 1                                   // exact
        let d = twoSum(1, m)
        let sh = f / d.0
        let (p, pe) = twoProduct(sh, d.0)
        let sl = (((f - p) - pe) - sh * d.1) / d.0
        // z = s², c = s³, t = ⅔s³, each in double-double.
        let (zh, ze) = twoProduct(sh, sh)
        let zl = ze + 2 * sh * sl
        let c = multiply((sh, sl), (zh, zl))
        let t = multiply((0.6666666666666666, 3.700743415417188e-17), c)
        // 2s⁵/5 + 2s⁷/7 + … + 2s²⁵/25 (|s| ≤ 0.1716, so the next term is below 2^-66 of log m).
        let q = zh * (0.4 + zh * (2.0 / 7 + zh * (2.0 / 9 + zh * (2.0 / 11 + zh * (2.0 / 13 + zh * (2.0 / 15
            + zh * (2.0 / 17 + zh * (2.0 / 19 + zh * (2.0 / 21 + zh * (2.0 / 23 + zh * (2.0 / 25)))))))))))
        let rest = c.0 * q
        let (u, ue) = twoSum(2 * sh, t.0)
        let logM = fastTwoSum(u, ue + (2 * sl + (t.1 + rest)))
        let dk = Double(k)
        let (v, ve) = twoSum(dk * ln2Hi, logM.0)
        return fastTwoSum(v, ve + (logM.1 + dk * ln2Lo))
    }

    /// e^(y·(l.0 + l.1)), the product in double-double.
    static func exp(ofProduct y: Double, _ l: (Double, Double)) -> Double {
        let estimate = y * l.0
        if estimate > 710 { return .infinity }
        if estimate < -746 { return 0 }
        let (p, pe) = twoProduct(y, l.0)
        let (h, t) = fastTwoSum(p, pe + y * l.1)
        return exp(h, tail: t)
    }

    /// fdlibm's __kernel_sin: sin(x + y) for |x| ≤ π/4, y the tail of the reduced argument.
    static func sinKernel(_ x: Double, _ y: Double) -> Double {
        let z = x * x, w = z * z
        let r = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * 2.75573137070700676789e-06)
            + z * w * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)
        let v = z * x
        if y == 0 { return x + v * (-1.66666666666666324348e-01 + z * r) }
        return x - ((z * (0.5 * y - v * r) - y) - v * -1.66666666666666324348e-01)
    }

    /// fdlibm's __kernel_cos: cos(x + y) for |x| ≤ π/4.
    static func cosKernel(_ x: Double, _ y: Double) -> Double {
        let z = x * x, w = z * z
        let r = z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * 2.48015872894767294178e-05))
            + w * w * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11))
        let hz = 0.5 * z
        let v = 1 - hz
        return v + (((1 - v) - hz) + (z * r - x * y))
    }

    /// x = n·π/2 + (hi + lo) with |hi + lo| ≤ π/4 (about), for finite |x| > π/4.
    static func reduceByHalfPi(_ x: Double) -> (n: Int, hi: Double, lo: Double) {
        if Swift.abs(x) >= 0x1p20 * 1.5707963267948966 { return reduceByHalfPiExactly(x) }
        // fdlibm's medium case: π/2 in three 33-bit parts, so n·part is exact for n < 2^20;
        // further parts only when the first leaves too few significant bits.
        let fn = nearestInteger(x * 6.36619772367581382433e-01)
        var r = x - fn * 1.57079632673412561417e+00
        var w = fn * 6.07710050650619224932e-11
        var y0 = r - w
        let ex = exponent(x)
        if ex - exponent(y0) > 16 {
            var t = r
            w = fn * 6.07710050630396597660e-11
            r = t - w
            w = fn * 2.02226624879595063154e-21 - ((t - r) - w)
            y0 = r - w
            if ex - exponent(y0) > 49 {
                t = r
                w = fn * 2.02226624871116645580e-21
                r = t - w
                w = fn * 8.47842766036889956997e-32 - ((t - r) - w)
                y0 = r - w
            }
        }
        return (Int(fn), y0, (r - y0) - w)
    }

    @inline(__always) static func exponent(_ x: Double) -> Int { Int((x.bitPattern >> 52) & 0x7FF) }

    /// The integer nearest v (ties to even) for |v| < 2^51: adding 1.5·2^52 leaves no fraction
    /// bits. Plain arithmetic, where `rounded()` may become a libm call on x86-64 without SSE4.1.
    @inline(__always) static func nearestInteger(_ v: Double) -> Double { (v + 0x1.8p52) - 0x1.8p52 }

    /// Payne–Hanek reduction in integers: x = M·2^e (M < 2^53), and x·2/π mod 4 from the product
    /// of M with the 192 bits of 2/π that matter at this e (the bits above give multiples of 4,
    /// those below are beyond 2^-137), then the fraction times π/2 in double-double.
    static func reduceByHalfPiExactly(_ x: Double) -> (n: Int, hi: Double, lo: Double) {
        let bits = x.bitPattern & 0x7FFF_FFFF_FFFF_FFFF
        let mantissa = bits & 0x000F_FFFF_FFFF_FFFF | 0x0010_0000_0000_0000
        let e = Int(bits >> 52) - 1075
        // Bits i0 … i0+191 of 2/π (bit i weighs 2^-i), so the product's bit 190 weighs 1.
        let i0 = e - 1
        let w2 = twoOverPiWord(from: i0), w1 = twoOverPiWord(from: i0 + 64), w0 = twoOverPiWord(from: i0 + 128)
        let p0 = mantissa.multipliedFullWidth(by: w0)
        let p1 = mantissa.multipliedFullWidth(by: w1)
        let p2 = mantissa.multipliedFullWidth(by: w2)
        // Bits 0…191 of the product; what carries above is a multiple of 4.
        let word0 = p0.low
        let (word1, carry) = p0.high.addingReportingOverflow(p1.low)
        let word2 = p1.high &+ p2.low &+ (carry ? 1 : 0)
        var n = Int(word2 >> 62)
        // The fraction, 190 bits, taken to [−½, ½) by rounding n to nearest.
        var f2 = word2 & 0x3FFF_FFFF_FFFF_FFFF, f1 = word1, f0 = word0
        let negative = f2 >> 61 == 1
        if negative {
            n += 1
            // 2^190 − fraction.
            f0 = ~f0; f1 = ~f1; f2 = ~f2 & 0x3FFF_FFFF_FFFF_FFFF
            let (a0, o0) = f0.addingReportingOverflow(1)
            f0 = a0
            if o0 {
                let (a1, o1) = f1.addingReportingOverflow(1)
                f1 = a1
                if o1 { f2 &+= 1 }
            }
        }
        // Shift left by s so the leading one is bit 63 of `top`: fraction = (top + mid·2^-64)·2^(−62−s).
        // A double is never within 2^-62 of a multiple of π/2, so s stays below about 130.
        var top = f2, mid = f1, low = f0, s = 0
        while top == 0 && s < 192 { top = mid; mid = low; low = 0; s += 64 }
        if top == 0 { return (n, 0, 0) }
        let lz = top.leadingZeroBitCount
        if lz > 0 {
            top = top << lz | mid >> (64 - lz)
            mid = mid << lz | low >> (64 - lz)
        }
        s += lz
        let scale = Double(bitPattern: UInt64(1023 - 51 - s) << 52)    // 2^(−51−s)
        let fh = Double(top >> 11) * scale                              // 53 bits, exact
        let fl = Double((top & 0x7FF) << 53 | mid >> 11) * 0x1p-64 * scale
        let f = fastTwoSum(fh, fl)
        var r = multiply(f, (1.5707963267948966, 6.123233995736766e-17))
        if negative { r = (-r.0, -r.1) }
        if x < 0 { return (-n, -r.0, -r.1) }
        return (n, r.0, r.1)
    }

    /// 64 bits of 2/π starting at bit i (bit i weighs 2^-i; bits before the first are 0).
    @inline(__always) static func twoOverPiWord(from i: Int) -> UInt64 {
        let j = i - 1
        if j <= -64 { return 0 }
        if j < 0 { return twoOverPi[0] >> UInt64(-j) }
        let q = j >> 6, r = j & 63
        if r == 0 { return twoOverPi[q] }
        return twoOverPi[q] << UInt64(r) | twoOverPi[q + 1] >> UInt64(64 - r)
    }

    /// The first 1280 bits of 2/π, enough for the largest double.
    static let twoOverPi: [UInt64] = [
        0xA2F9836E4E441529, 0xFC2757D1F534DDC0, 0xDB6295993C439041, 0xFE5163ABDEBBC561,
        0xB7246E3A424DD2E0, 0x06492EEA09D1921C, 0xFE1DEB1CB129A73E, 0xE88235F52EBB4484,
        0xE99C7026B45F7E41, 0x3991D639835339F4, 0x9C845F8BBDF9283B, 0x1FF897FFDE05980F,
        0xEF2F118B5A0A6D1F, 0x6D367ECF27CB09B7, 0x4F463F669E5FEA2D, 0x7527BAC7EBE5F17B,
        0x3D0739F78A5292EA, 0x6BFB5FB11F8D5D08, 0x56033046FC7B6BAB, 0xF0CFBC209AF4361D,
    ]
}
