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

    // MARK: wide characters and numbers on pictures

    /// The column where `marker` starts on a line, counted in terminal columns.
    func column(of marker: Character, in line: String) -> Int? {
        guard let i = line.firstIndex(of: marker) else { return nil }
        return TextWidth.of(String(line[..<i]))
    }

    func testDisplayWidthCountsWideCombiningAndEmojiCharacters() {
        XCTAssertEqual(TextWidth.of("abc"), 3)
        XCTAssertEqual(TextWidth.of("可解释性"), 8)
        XCTAssertEqual(TextWidth.of("ｘ"), 2, "fullwidth forms")
        XCTAssertEqual(TextWidth.of("e\u{301}"), 1, "a combining accent takes no column")
        XCTAssertEqual(TextWidth.of("👍"), 2)
        XCTAssertEqual(TextWidth.of("한국어"), 6)
        XCTAssertEqual(TextWidth.pad("模型", to: 6), "模型  ")
        XCTAssertEqual(TextWidth.truncate("可解释性", to: 5), "可解…")
        XCTAssertEqual(TextWidth.padLeft("权重", to: 5), " 权重")
    }

    func testBarsLineUpWhateverTheLabelsScript() {
        for mode in [ColorMode.none, .ansi256] {
            let lines = BarChart.terminal(names: ["模型", "可解释性", "a", "naïve"], values: [0.5, -0.2, 0.9, 0.1], mode: mode, width: 80)
            let centres = Set(lines.compactMap { column(of: "│", in: Palette.stripEscapes($0)) })
            XCTAssertEqual(centres.count, 1, "every bar's centre line in one column:\n" + lines.joined(separator: "\n"))
        }
    }

    func testHeatmapColumnsLineUpAndShowTheirNumbersAtAColourTerminal() {
        let m = MatrixFigure(values: [0.9, 0.1, 0.3, 0.7], rows: 2, cols: 2, rowLabels: ["注意力", "y"], colLabels: ["p", "权重"])
        for mode in [ColorMode.none, .truecolor] {
            let lines = Palette.stripEscapes(m.terminal(width: 80, mode: mode)).components(separatedBy: "\n")
            XCTAssertEqual(lines.count, 3, lines.joined(separator: "\n"))
            // Each value ends in the column its label ends in.
            let header = lines[0]
            for row in lines.dropFirst() {
                XCTAssertEqual(TextWidth.of(row.trimmingCharacters(in: .whitespaces).isEmpty ? "" : row.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)),
                               TextWidth.of(header.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)), "\(mode): \(lines)")
            }
            XCTAssertTrue(lines[1].contains("0.90") && lines[2].contains("0.70"), "\(mode): the numbers are on the cells: \(lines)")
        }
        // A confusion matrix's counts, at a colour terminal too.
        let confusion = MatrixFigure(values: [12, 3, 1, 40], rows: 2, cols: 2, integers: true)
        let text = Palette.stripEscapes(confusion.terminal(width: 80, mode: .ansi256))
        XCTAssertTrue(text.contains("12") && text.contains("40"), text)
    }

    func testNotebookHeatmapsWriteTheirValuesAndWholeLabels() {
        let m = MatrixFigure(values: [0.25, 0.75, 1, 0], rows: 2, cols: 2, rowLabels: ["a_rather_long_row_label", "b"],
                             colLabels: ["a_long_column_label_here", "d"])
        let svg = m.svg()
        wellFormed(svg)
        XCTAssertTrue(svg.contains(">0.25</text>") && svg.contains(">0.75</text>"), "values written on the cells")
        XCTAssertTrue(svg.contains(">a_rather_long_row_label</text>") && svg.contains(">a_long_column_label_here</text>"), "labels whole")
    }
}
