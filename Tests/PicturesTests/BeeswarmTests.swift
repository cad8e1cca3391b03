import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Pictures

/// The pictures of global views: beeswarm strips in order of importance with dots marked by
/// the feature's value, dependence plots, whisker bars and partial dependence, as text and SVG.
final class BeeswarmTests: XCTestCase {
    func wellFormed(_ svg: String, file: StaticString = #filePath, line: UInt = #line) {
        let p = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(p.parse(), "\(p.parserError.map { "\($0)" } ?? "")", file: file, line: line)
    }

    /// Three features over 40 rows: "big" moves predictions most, with its value; "small" the least.
    let swarm: Beeswarm = {
        let rows = (0..<40).map(Double.init)
        let big = rows.map { ($0 - 20) / 5 }, mid = rows.map { $0.truncatingRemainder(dividingBy: 2) == 0 ? 1.0 : -1.0 }
        let small = rows.map { -$0 / 200 }
        return Beeswarm(names: ["small", "big", "mid <&>"], values: [small, big, mid],
                        levels: [FeatureValueColors.levels(rows), FeatureValueColors.levels(rows),
                                 FeatureValueColors.levels(rows)])
    }()

    func strips(_ text: String) -> [String] { text.components(separatedBy: "\n").filter { $0.hasPrefix("  ") } }

    func testStripsAreSortedByMeanAbsoluteAttributionWithTheMeanAtTheRight() {
        let text = swarm.terminal(width: 70, mode: .none)
        let lines = strips(text)
        XCTAssertTrue(lines[0].hasPrefix("  big"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("  mid"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("  small"), lines[2])
        let m = swarm.meanAbs
        XCTAssertTrue(lines[0].hasSuffix(String(format: "%8.4f", m[1])), lines[0])
        for l in lines.prefix(3) { XCTAssertEqual(TextWidth.of(l), 69, "fits the width: \(l)") }
        XCTAssertEqual(text, swarm.terminal(width: 70, mode: .none), "deterministic")
    }

    func testPlainTextMarksLowAndHighFeatureValuesAndZero() {
        let big = strips(swarm.terminal(width: 70, mode: .none))[0]
        let strip = big.dropFirst("  big".count)
        // "big" grows with the feature's value: low values (○) on the left, high (●) on the right.
        let o = strip.firstIndex(of: "○"), dot = strip.lastIndex(of: "●")
        XCTAssertNotNil(o)
        XCTAssertNotNil(dot)
        if let o, let dot { XCTAssertLessThan(o, dot) }
        let text = swarm.terminal(width: 70, mode: .none)
        XCTAssertTrue(text.contains("┴"), "the zero of the axis is marked")
        XCTAssertTrue(text.contains("○ low  ◐ middle  ● high"), "the legend")
    }

    func testLimitShowsTheMostImportantFeaturesAndCountsTheRest() {
        var s = swarm
        s.limit = 1
        let lines = strips(s.terminal(width: 60, mode: .none))
        XCTAssertTrue(lines[0].hasPrefix("  big"))
        XCTAssertTrue(lines[1].contains("… 2 more features"), lines[1])
    }

    func testColourModeColoursEachDotByItsFeatureValue() {
        let text = swarm.terminal(width: 70, mode: .truecolor)
        let high = FeatureValueColors.color(1), low = FeatureValueColors.color(0)
        XCTAssertTrue(text.contains("\u{1b}[38;2;\(high.r);\(high.g);\(high.b)m"))
        XCTAssertTrue(text.contains("\u{1b}[38;2;\(low.r);\(low.g);\(low.b)m"))
    }

    func testLevelsClipAtThe5thAnd95thPercentilesAndConstantsHaveNone() {
        let v = (0...100).map(Double.init)
        let l = FeatureValueColors.levels(v)
        XCTAssertEqual(l[0], 0)
        XCTAssertEqual(l[100], 1)
        XCTAssertEqual(l[50], 0.5, accuracy: 1e-12)
        XCTAssertTrue(FeatureValueColors.levels([2, 2, 2]).allSatisfy(\.isNaN))
        XCTAssertEqual(FeatureValueColors.mark(0.1), "○")
        XCTAssertEqual(FeatureValueColors.mark(0.5), "◐")
        XCTAssertEqual(FeatureValueColors.mark(0.9), "●")
    }

    func testSVGHasADotPerRowAndFeatureAndAColourBar() {
        let svg = swarm.svg()
        wellFormed(svg)
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 3 * 40)
        XCTAssertTrue(svg.contains(">High<") && svg.contains(">Low<"))
        XCTAssertTrue(svg.contains("mid &lt;&amp;&gt;"), "names are escaped")
    }

    func testDependenceWhiskerAndPartialDependenceFiguresDrawAsTextAndSVG() {
        let xs = (0..<30).map { Double($0) / 3 }
        let dep = DependencePlot(xs: xs, ys: xs.map { 2 * $0 - 5 }, levels: FeatureValueColors.levels(xs.reversed()),
                                 xLabel: "age", yLabel: "SHAP value of age", colorLabel: "income")
        wellFormed(dep.svg())
        XCTAssertEqual(dep.svg().components(separatedBy: "<circle").count - 1, 30)
        let depText = dep.terminal(width: 60, mode: .none)
        XCTAssertTrue(depText.contains("colour: income"))
        XCTAssertTrue(depText.contains("●") && depText.contains("○"))
        let bars = WhiskerBars(names: ["a", "b", "c"], means: [0.2, -0.01, 0.05], stds: [0.02, 0.02, 0.0],
                               valueLabel: "drop in accuracy")
        wellFormed(bars.svg())
        let barText = bars.terminal(width: 70, mode: .none).components(separatedBy: "\n")
        XCTAssertTrue(barText[0].hasPrefix("  a") && barText[0].hasSuffix("+0.2000 ± 0.0200"), barText[0])
        XCTAssertTrue(barText[2].hasPrefix("  b"), "largest mean first, negative last")
        let pd = PartialDependencePlot(grid: [0, 1, 2, 3], average: [0.1, 0.3, 0.5, 0.7],
                                       ice: [[0, 0.2, 0.4, 0.6], [0.2, 0.4, 0.6, 0.8]], deciles: [0.5, 1.5],
                                       xLabel: "x", yLabel: "probability")
        wellFormed(pd.svg())
        XCTAssertEqual(pd.svg().components(separatedBy: "stroke-opacity=\"0.22\"").count - 1, 2, "one path per ICE")
        XCTAssertTrue(pd.terminal(width: 60, mode: .none).contains("average (PDP)"))
    }
}
