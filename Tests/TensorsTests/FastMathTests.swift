import Foundation
import XCTest
@testable import Tensors

/// FastMath's contract: each function's error against the platform's double-precision libm
/// (the reference here, and only here) stays under a stated bound over dense grids and seeded
/// random samples of its whole range; the IEEE special values come out as specified; and the
/// identities that must hold exactly do, bit for bit.
final class FastMathTests: XCTestCase {
    // MARK: error measures

    /// |got − exact| in units of the Float spacing at `exact` (the subnormal spacing below 2^-126).
    /// An infinity counts as exact when `exact` is beyond the largest Float with the same sign.
    func floatULPs(_ got: Float, _ exact: Double) -> Double {
        if got.isNaN || exact.isNaN { return got.isNaN && exact.isNaN ? 0 : .infinity }
        if got.isInfinite {
            return Swift.abs(exact) > Double(Float.greatestFiniteMagnitude) && (got > 0) == (exact > 0) ? 0 : .infinity
        }
        if exact.isInfinite { return .infinity }
        let spacing = Double(sign: .plus, exponent: Swift.max(exact == 0 ? -126 : exact.exponent, -126) - 23, significand: 1)
        return Swift.abs(Double(got) - exact) / spacing
    }

    /// |got − exact|/|exact| (0 when equal, ∞ when one is special and the other not).
    func relativeError(_ got: Double, _ exact: Double) -> Double {
        if got.isNaN || exact.isNaN { return got.isNaN && exact.isNaN ? 0 : .infinity }
        if got == exact { return 0 }
        if !got.isFinite || !exact.isFinite { return .infinity }
        // Below the normals the spacing, not the value, is the scale.
        return Swift.abs(got - exact) / Swift.max(Swift.abs(exact), Double.leastNormalMagnitude)
    }

    // MARK: inputs

    /// A dense even grid over [lo, hi], seeded random values in it, and seeded random Float bit
    /// patterns in it (which reach tiny, huge and subnormal magnitudes), plus ±0.
    func floatInputs(_ lo: Float, _ hi: Float, grid: Int = 60_000, random: Int = 60_000, seed: UInt64 = 1) -> [Float] {
        var xs: [Float] = [0, -0.0, lo, hi]
        // lo·(1 − t) + hi·t rather than lo + (hi − lo)·t, which overflows on the whole range.
        for i in 0...grid { let t = Float(i) / Float(grid); xs.append(lo * (1 - t) + hi * t) }
        var g = RandomGenerator(seed: seed)
        for _ in 0..<random { let t = g.uniform(); xs.append(lo * (1 - t) + hi * t) }
        // Bit patterns of magnitudes up to the larger end, with either sign where the range has both.
        let top = Swift.max(Swift.abs(lo), Swift.abs(hi)).bitPattern
        var patterns = 0
        while patterns < random {
            let magnitude = Float(bitPattern: UInt32(g.below(UInt64(top) + 1)))
            let x = lo < 0 && (hi <= 0 || g.next() & 1 == 0) ? -magnitude : magnitude
            if x >= lo && x <= hi { xs.append(x); patterns += 1 }
        }
        return xs
    }

    /// The same for Double.
    func doubleInputs(_ lo: Double, _ hi: Double, grid: Int = 40_000, random: Int = 40_000, seed: UInt64 = 2) -> [Double] {
        var xs: [Double] = [0, -0.0, lo, hi]
        for i in 0...grid { let t = Double(i) / Double(grid); xs.append(lo * (1 - t) + hi * t) }
        var g = RandomGenerator(seed: seed)
        for _ in 0..<random { let t = g.uniformDouble(); xs.append(lo * (1 - t) + hi * t) }
        let top = Swift.max(Swift.abs(lo), Swift.abs(hi)).bitPattern
        var patterns = 0
        while patterns < random {
            let magnitude = Double(bitPattern: g.below(top + 1))
            let x = lo < 0 && (hi <= 0 || g.next() & 1 == 0) ? -magnitude : magnitude
            if x >= lo && x <= hi { xs.append(x); patterns += 1 }
        }
        return xs
    }

    /// Largest error of f against ref over xs, with the input where it occurred.
    func worst<T>(_ xs: [T], _ error: (T) -> Double) -> (error: Double, at: T?) {
        var w = 0.0, at: T?
        for x in xs { let e = error(x); if !(e <= w) { w = e; at = x } }
        return (w, at)
    }

    func assertFloatAccuracy(_ name: String, _ xs: [Float], maxULPs: Double, _ f: (Float) -> Float, _ ref: (Double) -> Double,
                             file: StaticString = #filePath, line: UInt = #line) {
        let (e, at) = worst(xs) { floatULPs(f($0), ref(Double($0))) }
        XCTAssertLessThanOrEqual(e, maxULPs, "\(name): \(e) ulp at \(at.map { "\($0)" } ?? "-")", file: file, line: line)
    }

    func assertDoubleAccuracy(_ name: String, _ xs: [Double], maxRelative: Double, _ f: (Double) -> Double, _ ref: (Double) -> Double,
                              file: StaticString = #filePath, line: UInt = #line) {
        let (e, at) = worst(xs) { relativeError(f($0), ref($0)) }
        XCTAssertLessThanOrEqual(e, maxRelative, "\(name): relative error \(e) at \(at.map { "\($0)" } ?? "-")", file: file, line: line)
    }

    /// One ulp of a double at the bottom of its binade, with room for the reference's own rounding.
    let doubleBound = 2.3e-16

    // MARK: Float functions

    func testFloatExpIsWithinOneULP() {
        // Overflow past 88.72, subnormals below −87.33, zero below −103.97 (exactly 0 from −176).
        assertFloatAccuracy("exp", floatInputs(-200, 100), maxULPs: 1, FastMath.exp, Foundation.exp)
        assertFloatAccuracy("exp near 0", floatInputs(-1, 1), maxULPs: 1, FastMath.exp, Foundation.exp)
    }

    func testFloatTanhIsWithinTwoPointOneULPs() {
        assertFloatAccuracy("tanh", floatInputs(-20, 20), maxULPs: 2.1, FastMath.tanh, Foundation.tanh)
        assertFloatAccuracy("tanh near 0", floatInputs(-1, 1), maxULPs: 2.1, FastMath.tanh, Foundation.tanh)
        assertFloatAccuracy("tanh wide", floatInputs(-Float.greatestFiniteMagnitude, .greatestFiniteMagnitude), maxULPs: 2.1, FastMath.tanh, Foundation.tanh)
    }

    func testFloatSigmoidIsWithinTwoAndAHalfULPs() {
        // Exact in double: 1/(1 + e^−x), and e^x/(1 + e^x) where e^−x would overflow.
        let exact = { (x: Double) in x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x)) }
        assertFloatAccuracy("sigmoid", floatInputs(-120, 120), maxULPs: 2.5, FastMath.sigmoid, exact)
        assertFloatAccuracy("sigmoid near 0", floatInputs(-4, 4), maxULPs: 2.5, FastMath.sigmoid, exact)
    }

    func testFloatFunctionsThroughDoubleAreCorrectlyRoundedButForTheDoubleError() {
        // One rounding of a double within 1 ulp: at most half a Float ulp and a hair.
        let half = 0.5 + 1e-6
        let big = Float.greatestFiniteMagnitude
        assertFloatAccuracy("log", floatInputs(0, big), maxULPs: half, FastMath.log, Foundation.log)
        assertFloatAccuracy("log near 1", floatInputs(0.5, 2), maxULPs: half, FastMath.log, Foundation.log)
        assertFloatAccuracy("log1p", floatInputs(-1, big), maxULPs: half, FastMath.log1p, Foundation.log1p)
        assertFloatAccuracy("log1p near 0", floatInputs(-1e-3, 1e-3), maxULPs: half, FastMath.log1p, Foundation.log1p)
        assertFloatAccuracy("sin", floatInputs(-10, 10), maxULPs: half, FastMath.sin, Foundation.sin)
        assertFloatAccuracy("cos", floatInputs(-10, 10), maxULPs: half, FastMath.cos, Foundation.cos)
        // Every Float, including those far beyond 2^20·π/2, where reduction needs all of 2/π.
        assertFloatAccuracy("sin wide", floatInputs(-big, big), maxULPs: half, FastMath.sin, Foundation.sin)
        assertFloatAccuracy("cos wide", floatInputs(-big, big), maxULPs: half, FastMath.cos, Foundation.cos)
        var g = RandomGenerator(seed: 3)
        let pairs = (0..<60_000).map { _ in (g.uniform() * 50, g.uniform() * 60 - 30) }
        let (e, at) = worst(pairs) { floatULPs(FastMath.pow($0.0, $0.1), Foundation.pow(Double($0.0), Double($0.1))) }
        XCTAssertLessThanOrEqual(e, half, "pow: \(e) ulp at \(String(describing: at))")
    }

    func testStandardNormalMatchesErfcAndTheDensity() {
        // Abramowitz–Stegun 7.1.26 in float: Φ to 3e-7 absolute; φ relative to 2^-23 per unit of
        // the exponent x²/2 (its rounding), which is what GELU's slope needs.
        let xs = floatInputs(-12, 12)
        let (cdfError, cdfAt) = worst(xs) { x in
            Swift.abs(Double(FastMath.standardNormal(x).cdf) - 0.5 * erfc(-Double(x) / 2.0.squareRoot()))
        }
        XCTAssertLessThanOrEqual(cdfError, 3e-7, "Φ at \(String(describing: cdfAt))")
        let (pdfError, pdfAt) = worst(xs) { x in
            let exact = Foundation.exp(-Double(x) * Double(x) / 2) / (2 * Double.pi).squareRoot()
            return relativeError(Double(FastMath.standardNormal(x).pdf), exact) / (1 + Double(x) * Double(x) / 2)
        }
        XCTAssertLessThanOrEqual(pdfError, 1.2e-7, "φ at \(String(describing: pdfAt))")
    }

    // MARK: Double functions

    func testDoubleExpIsWithinOneULP() {
        assertDoubleAccuracy("exp", doubleInputs(-750, 712), maxRelative: doubleBound, FastMath.exp, Foundation.exp)
        assertDoubleAccuracy("exp near 0", doubleInputs(-1, 1), maxRelative: doubleBound, FastMath.exp, Foundation.exp)
    }

    func testDoubleLogIsWithinOneULP() {
        assertDoubleAccuracy("log", doubleInputs(0, .greatestFiniteMagnitude), maxRelative: doubleBound, FastMath.log, Foundation.log)
        assertDoubleAccuracy("log near 1", doubleInputs(0.5, 2), maxRelative: doubleBound, FastMath.log, Foundation.log)
        assertDoubleAccuracy("log subnormal", doubleInputs(0, 0x1p-1000), maxRelative: doubleBound, FastMath.log, Foundation.log)
    }

    func testDoubleSinAndCosAreWithinOneULPEverywhere() {
        for (lo, hi) in [(-10.0, 10.0), (-2e6, 2e6), (-1e22, 1e22), (-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude)] {
            let xs = doubleInputs(lo, hi, grid: 20_000, random: 20_000)
            assertDoubleAccuracy("sin on [\(lo), \(hi)]", xs, maxRelative: doubleBound, FastMath.sin, Foundation.sin)
            assertDoubleAccuracy("cos on [\(lo), \(hi)]", xs, maxRelative: doubleBound, FastMath.cos, Foundation.cos)
        }
        // Near multiples of π/2 the result is small and only an exact reduction keeps it accurate.
        for k in 1...2000 {
            let x = Double(k) * Double.pi / 2
            XCTAssertLessThanOrEqual(relativeError(FastMath.sin(x), Foundation.sin(x)), doubleBound, "sin(\(k)π/2)")
            XCTAssertLessThanOrEqual(relativeError(FastMath.cos(x), Foundation.cos(x)), doubleBound, "cos(\(k)π/2)")
        }
    }

    func testDoublePowIsWithinOneULP() {
        var g = RandomGenerator(seed: 4)
        func check(_ name: String, _ pairs: [(Double, Double)]) {
            let (e, at) = worst(pairs) { relativeError(FastMath.pow($0.0, $0.1), Foundation.pow($0.0, $0.1)) }
            XCTAssertLessThanOrEqual(e, doubleBound, "pow \(name): relative error \(e) at \(String(describing: at))")
        }
        check("moderate", (0..<40_000).map { _ in (g.uniformDouble() * 100, g.uniformDouble() * 100 - 50) })
        // Results across the whole range: y chosen so that y·log x spans ±700.
        check("wide", (0..<40_000).map { _ in
            var x: Double
            repeat { x = Double(bitPattern: g.next() >> 1) } while !x.isFinite || x == 0 || x == 1
            return (x, (g.uniformDouble() * 1400 - 700) / Foundation.log(x))
        })
        check("near 1", (0..<40_000).map { _ in (0.999 + 0.002 * g.uniformDouble(), g.uniformDouble() * 2e5 - 1e5) })
        check("integer powers", (0..<40_000).map { _ in (g.uniformDouble() * 20 - 10, Double(Int(g.below(1025)) - 512)) })
        check("large integer powers", (0..<10_000).map { _ in (1 + g.uniformDouble(), Double(Int(g.below(100_000)) - 50_000)) })
    }

    func testIntegerPowersAreCorrectlyRounded() {
        // 10^k against the decimal literal (parsed with correct rounding), for every double power of ten.
        for k in -307...308 { XCTAssertEqual(FastMath.pow(10.0, Double(k)), Double("1e\(k)")!, "10^\(k)") }
        XCTAssertEqual(FastMath.pow(3.0, 20.0), 3_486_784_401)
        XCTAssertEqual(FastMath.pow(1.5, 7.0), 17.0859375)
        XCTAssertEqual(FastMath.pow(-2.0, 63.0), -0x1p63)
        XCTAssertEqual(FastMath.pow(2.0, -1074.0), .leastNonzeroMagnitude)
        XCTAssertEqual(FastMath.pow(Float(2), Float(-149)), .leastNonzeroMagnitude)
        var g = RandomGenerator(seed: 5)
        for _ in 0..<1000 {
            let x = g.uniformDouble() * 1e6 + 1e-3
            XCTAssertEqual(FastMath.pow(x, -1.0), 1 / x, "1/x at \(x)")
            XCTAssertEqual(FastMath.pow(x, 2.0), x * x, "x² at \(x)")
            XCTAssertEqual(FastMath.pow(x, 0.5), x.squareRoot(), "√x at \(x)")
        }
    }

    // MARK: special values

    func testSpecialValuesOfFloatFunctions() {
        let inf = Float.infinity, nan = Float.nan
        XCTAssertEqual(FastMath.exp(inf), inf)
        XCTAssertEqual(FastMath.exp(-inf), 0)
        XCTAssertEqual(FastMath.exp(Float(89)), inf)
        XCTAssertEqual(FastMath.exp(Float(-104)), 0)
        XCTAssertEqual(FastMath.exp(Float(-176)), 0)
        XCTAssertEqual(FastMath.exp(-Float.greatestFiniteMagnitude), 0)
        XCTAssertGreaterThan(FastMath.exp(Float(-100)), 0, "subnormal, not flushed")
        XCTAssertTrue(FastMath.exp(nan).isNaN)

        XCTAssertEqual(FastMath.tanh(inf), 1)
        XCTAssertEqual(FastMath.tanh(-inf), -1)
        XCTAssertEqual(FastMath.tanh(Float(20)), 1)
        XCTAssertEqual(FastMath.tanh(Float(-0.0)).sign, .minus)
        XCTAssertTrue(FastMath.tanh(nan).isNaN)

        XCTAssertEqual(FastMath.sigmoid(inf), 1)
        XCTAssertEqual(FastMath.sigmoid(-inf), 0)
        XCTAssertGreaterThan(FastMath.sigmoid(Float(-100)), 0, "subnormal, not flushed")
        XCTAssertTrue(FastMath.sigmoid(nan).isNaN)

        XCTAssertEqual(FastMath.log(Float(0)), -inf)
        XCTAssertEqual(FastMath.log(Float(-0.0)), -inf)
        XCTAssertEqual(FastMath.log(inf), inf)
        XCTAssertTrue(FastMath.log(Float(-1)).isNaN)
        XCTAssertTrue(FastMath.log(-inf).isNaN)
        XCTAssertTrue(FastMath.log(nan).isNaN)
        XCTAssertEqual(FastMath.log(Float.leastNonzeroMagnitude), -103.27893, accuracy: 1e-5)

        XCTAssertEqual(FastMath.log1p(Float(-1)), -inf)
        XCTAssertEqual(FastMath.log1p(inf), inf)
        XCTAssertEqual(FastMath.log1p(Float(-0.0)).sign, .minus)
        XCTAssertEqual(FastMath.log1p(Float(1e-30)), 1e-30)
        XCTAssertTrue(FastMath.log1p(Float(-2)).isNaN)
        XCTAssertTrue(FastMath.log1p(nan).isNaN)

        for f in [FastMath.sin as (Float) -> Float, FastMath.cos] {
            XCTAssertTrue(f(inf).isNaN)
            XCTAssertTrue(f(-inf).isNaN)
            XCTAssertTrue(f(nan).isNaN)
        }
    }

    func testSpecialValuesOfDoubleFunctions() {
        let inf = Double.infinity, nan = Double.nan
        XCTAssertEqual(FastMath.exp(inf), inf)
        XCTAssertEqual(FastMath.exp(-inf), 0)
        XCTAssertEqual(FastMath.exp(710.0), inf)
        XCTAssertEqual(FastMath.exp(-746.0), 0)
        XCTAssertEqual(FastMath.exp(-745.0), .leastNonzeroMagnitude)
        XCTAssertTrue(FastMath.exp(nan).isNaN)

        XCTAssertEqual(FastMath.log(0.0), -inf)
        XCTAssertEqual(FastMath.log(-0.0), -inf)
        XCTAssertEqual(FastMath.log(inf), inf)
        XCTAssertTrue(FastMath.log(-1e-300).isNaN)
        XCTAssertTrue(FastMath.log(-inf).isNaN)
        XCTAssertTrue(FastMath.log(nan).isNaN)

        XCTAssertEqual(FastMath.sin(-0.0).sign, .minus)
        XCTAssertEqual(FastMath.sin(1e-300), 1e-300)
        XCTAssertEqual(FastMath.cos(1e-300), 1)
        for f in [FastMath.sin as (Double) -> Double, FastMath.cos] {
            XCTAssertTrue(f(inf).isNaN)
            XCTAssertTrue(f(-inf).isNaN)
            XCTAssertTrue(f(nan).isNaN)
        }
    }

    func testSpecialCasesOfPow() {
        let inf = Double.infinity, nan = Double.nan
        // x^±0 = 1 and 1^y = 1, even for NaN.
        for x in [0.0, -0.0, 2, -3.5, inf, -inf, nan] {
            XCTAssertEqual(FastMath.pow(x, 0.0), 1)
            XCTAssertEqual(FastMath.pow(x, -0.0), 1)
        }
        for y in [0.5, -7.0, 1e300, inf, -inf, nan] { XCTAssertEqual(FastMath.pow(1.0, y), 1) }
        XCTAssertTrue(FastMath.pow(nan, 1.0).isNaN)
        XCTAssertTrue(FastMath.pow(2.0, nan).isNaN)
        // A negative base only to an integer power.
        XCTAssertEqual(FastMath.pow(-2.0, 3.0), -8)
        XCTAssertEqual(FastMath.pow(-2.0, -2.0), 0.25)
        XCTAssertEqual(FastMath.pow(-2.0, 0x1p60), inf)
        XCTAssertTrue(FastMath.pow(-8.0, 1.0 / 3).isNaN)
        // ±∞ exponents.
        XCTAssertEqual(FastMath.pow(-1.0, inf), 1)
        XCTAssertEqual(FastMath.pow(-1.0, -inf), 1)
        XCTAssertEqual(FastMath.pow(0.5, inf), 0)
        XCTAssertEqual(FastMath.pow(-0.5, -inf), inf)
        XCTAssertEqual(FastMath.pow(2.0, inf), inf)
        XCTAssertEqual(FastMath.pow(-2.0, -inf), 0)
        // ±0 bases: the sign survives odd integer powers.
        XCTAssertEqual(FastMath.pow(0.0, -1.0), inf)
        XCTAssertEqual(FastMath.pow(-0.0, -1.0), -inf)
        XCTAssertEqual(FastMath.pow(-0.0, -2.0), inf)
        XCTAssertEqual(FastMath.pow(-0.0, -0.5), inf)
        XCTAssertEqual(FastMath.pow(-0.0, 3.0).sign, .minus)
        XCTAssertEqual(FastMath.pow(-0.0, 2.0).sign, .plus)
        XCTAssertEqual(FastMath.pow(-0.0, 0.5).sign, .plus)
        // ±∞ bases.
        XCTAssertEqual(FastMath.pow(inf, -1.0), 0)
        XCTAssertEqual(FastMath.pow(inf, 0.5), inf)
        XCTAssertEqual(FastMath.pow(-inf, 3.0), -inf)
        XCTAssertEqual(FastMath.pow(-inf, 2.0), inf)
        XCTAssertEqual(FastMath.pow(-inf, -3.0).sign, .minus)
        XCTAssertEqual(FastMath.pow(-inf, -3.0), 0)
        XCTAssertEqual(FastMath.pow(-inf, 0.5), inf)
        // Overflow and underflow.
        XCTAssertEqual(FastMath.pow(2.0, 1024.0), inf)
        XCTAssertEqual(FastMath.pow(10.0, 400.5), inf)
        XCTAssertEqual(FastMath.pow(10.0, -400.5), 0)
        XCTAssertEqual(FastMath.pow(-10.0, 401.0), -inf)
        XCTAssertEqual(FastMath.pow(Float(10), Float(39)), .infinity)
    }

    // MARK: exact identities

    func testIdentitiesThatHoldExactly() {
        XCTAssertEqual(FastMath.exp(Float(0)), 1)
        XCTAssertEqual(FastMath.exp(Float(-0.0)), 1)
        XCTAssertEqual(FastMath.exp(0.0), 1)
        XCTAssertEqual(FastMath.log(Float(1)), 0)
        XCTAssertEqual(FastMath.log(1.0), 0)
        XCTAssertEqual(FastMath.log1p(Float(0)), 0)
        XCTAssertEqual(FastMath.sin(Float(0)), 0)
        XCTAssertEqual(FastMath.sin(0.0), 0)
        XCTAssertEqual(FastMath.cos(Float(0)), 1)
        XCTAssertEqual(FastMath.cos(0.0), 1)
        XCTAssertEqual(FastMath.tanh(Float(0)), 0)
        XCTAssertEqual(FastMath.sigmoid(Float(0)), 0.5)
        XCTAssertEqual(FastMath.standardNormal(0).cdf, 0.5)
        XCTAssertEqual(FastMath.pow(2.0, 10.0), 1024)
        XCTAssertEqual(FastMath.pow(Float(2), Float(10)), 1024)
        XCTAssertEqual(FastMath.pow(10.0, -2.0), 0.01)
        XCTAssertEqual(FastMath.pow(2.0, 0.5), 2.0.squareRoot())
        XCTAssertEqual(FastMath.cos(Double.pi), -1)
        XCTAssertEqual(FastMath.sin(Double.pi / 2), 1)
        // log(2^k) = k·ln 2 for every exponent, subnormals included.
        for k in -1074...1023 {
            XCTAssertEqual(FastMath.log(Double(sign: .plus, exponent: k, significand: 1)), Double(k) * 0.6931471805599453,
                           accuracy: 2.3e-16 * Double(Swift.abs(k)) * 0.6931471805599453, "log 2^\(k)")
        }
        // Symmetries hold bit for bit: tanh and sin odd, cos even.
        var g = RandomGenerator(seed: 6)
        for _ in 0..<20_000 {
            let f = Float(g.uniform() * 40 - 20)
            XCTAssertEqual(FastMath.tanh(-f).bitPattern, (-FastMath.tanh(f)).bitPattern)
            let d = Double(bitPattern: g.next() >> 2)
            XCTAssertEqual(FastMath.sin(-d).bitPattern, (-FastMath.sin(d)).bitPattern)
            XCTAssertEqual(FastMath.cos(-d).bitPattern, FastMath.cos(d).bitPattern)
        }
    }
}
