import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Pictures

/// Charts draw the same text every time, mark every series, and make well-formed SVG.
final class ChartTests: XCTestCase {
    func wellFormed(_ svg: String, file: StaticString = #filePath, line: UInt = #line) {
        let p = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(p.parse(), "\(p.parserError.map { "\($0)" } ?? "")", file: file, line: line)
    }

    let chart = LineChart(title: "loss", xLabel: "epoch", yLabel: "loss",
                          series: [.init("train", xs: [1, 2, 3, 4], ys: [1.0, 0.6, 0.4, 0.3]), .init("val", xs: [1, 2, 3, 4], ys: [1.1, 0.8, 0.7, 0.75])])

    func testPlainTextLineChartHasAxesMarkersAndLegend() {
        let text = chart.terminal(width: 60, height: 8, mode: .none)
        let lines = text.components(separatedBy: "\n")
        XCTAssertEqual(lines.first, "loss")
        XCTAssertTrue(lines[1].hasPrefix("1.1 ┤"), lines[1])
        XCTAssertTrue(lines.contains { $0.contains("└──") })
        XCTAssertTrue(lines.last!.contains("* train") && lines.last!.contains("o val"))
        XCTAssertTrue(text.contains("*") && text.contains("o"))
        XCTAssertTrue(lines.allSatisfy { $0.count <= 60 }, "fits the width")
        XCTAssertEqual(text, chart.terminal(width: 60, height: 8, mode: .none), "deterministic")
    }

    func testTerminalLineChartUsesBrailleAndColour() {
        let text = chart.terminal(width: 60, height: 8, mode: .truecolor)
        XCTAssertTrue(text.unicodeScalars.contains { $0.value >= 0x2801 && $0.value <= 0x28FF }, "braille dots")
        XCTAssertTrue(text.contains("\u{1b}[38;2;0;114;178m"), "the first series' colour")
    }

    func testSVGFiguresAreWellFormed() {
        wellFormed(chart.svg())
        wellFormed(BarFigure(title: "t", names: ["a<b", "c&d"], values: [1, -2]).svg())
        wellFormed(MatrixFigure(title: "m", values: [1, 2, 3, 4], rows: 2, cols: 2, rowLabels: ["x", "y"], colLabels: ["\"q\"", "r"], annotate: true, integers: true).svg())
        wellFormed(ImageFigure(pixels: (0..<64).map(Double.init), rows: 8, cols: 8).svg())
    }

    func testBarsSortByMagnitudeAndCountHiddenZeros() {
        let lines = BarChart.terminal(names: ["a", "b", "c", "d"], values: [0.1, -0.5, 0, 0.3], mode: .none, width: 60, limit: 2)
        XCTAssertTrue(lines[0].contains("b") && lines[0].hasSuffix("-0.5000"))
        XCTAssertTrue(lines[1].contains("d"))
        XCTAssertEqual(lines.last, "  … 2 more (1 of them exactly 0)")
    }

    func testMatrixWithoutColourPrintsNumbersWithLabels() {
        let text = MatrixFigure(values: [0.9, 0.1, 0.3, 0.7], rows: 2, cols: 2, rowLabels: ["a", "b"], colLabels: ["x", "y"]).terminal(width: 80, mode: .none)
        XCTAssertEqual(text, "       x     y\na   0.90  0.10\nb   0.30  0.70")
    }

    func testTicksAreRoundNumbersInsideTheRange() {
        XCTAssertEqual(SVG.ticks(0, 1), [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(SVG.ticks(0.049, 0.656), [0.2, 0.4, 0.6])
        XCTAssertEqual(SVG.label(0.25), "0.25")
        XCTAssertEqual(SVG.label(1234567), "1.23e+06")
    }
}
