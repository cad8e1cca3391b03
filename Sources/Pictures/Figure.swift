/// Anything drawn both as terminal text and as an SVG figure for notebooks.
public protocol Figure {
    var title: String { get }
    /// Text for the terminal (colour per `mode`; plain text when `.none`).
    func terminal(width: Int, mode: ColorMode) -> String
    /// A self-contained <svg> element.
    func svg() -> String
}

extension LineChart: Figure {
    public func terminal(width: Int, mode: ColorMode) -> String { terminal(width: width, height: 10, mode: mode) }
    public func svg() -> String { svg(width: 560, height: 300) }
}

/// Named values as horizontal bars.
public struct BarFigure: Figure {
    public var title: String
    public var names: [String]
    public var values: [Double]
    public init(title: String = "", names: [String], values: [Double]) {
        self.title = title; self.names = names; self.values = values
    }
    public func terminal(width: Int, mode: ColorMode) -> String {
        let bars = BarChart.terminal(names: names, values: values, mode: mode, width: width, limit: 20)
        return ((title.isEmpty ? [] : [title]) + bars).joined(separator: "\n")
    }
    public func svg() -> String { BarChart.svg(names: names, values: values, limit: 30) }
}
