import Foundation
import Pictures
import Training

/// The record of fit() or distill(): one line per epoch, with its loss and accuracy.
public final class HistoryObject: HostObject {
    public let history: History
    init(_ h: History) { history = h }
    public var typeName: String { "History" }
    public var summary: String {
        "training history · \(history.epochs.count) epochs" + (history.stopped != nil ? " (stopped early)" : "")
    }
    public var display: String {
        let validated = history.epochs.first?.validationAccuracy != nil
        var lines = ["epoch  loss    acc" + (validated ? "     val_loss  val_acc" : "")]
        for e in history.epochs {
            var l = String(format: "%5d  %.4f  %.3f", e.epoch, e.loss, e.accuracy)
            if let vl = e.validationLoss, let va = e.validationAccuracy {
                l += String(format: "   %.4f    %.3f", vl, va)
            }
            lines.append(l)
        }
        return lines.joined(separator: "\n")
    }
    public var propertyNames: [String] { ["loss", "accuracy", "val_loss", "val_accuracy", "epochs", "stopped"] }
    public func property(_ name: String) throws -> Value? {
        name == "epochs" ? .int(history.epochs.count) : history.column(name)
    }
}

/// The record of masked-language-model pre-training: per epoch, the loss and accuracy of
/// predicting the hidden tokens (and on held-out sentences when given).
public final class MLMHistoryObject: HostObject, FigureProviding, LineChartProviding {
    let history: History
    init(_ h: History) { history = h }
    public var typeName: String { "MLMHistory" }
    public var summary: String {
        guard let last = history.epochs.last else { return "masked-LM history · no epochs" }
        var s = String(format: "masked-LM history · %d epochs · loss %.4f · masked accuracy %.3f",
                       last.epoch, last.loss, last.accuracy)
        if let v = last.validationAccuracy { s += String(format: " · held-out accuracy %.3f", v) }
        return s + (history.stopped != nil ? " (stopped early)" : "")
    }
    var chart: LineChart {
        let xs = history.epochs.map { Double($0.epoch) }
        var series: [LineChart.Series] = [.init("train", xs: xs, ys: history.epochs.map(\.loss))]
        let v = history.epochs.compactMap(\.validationLoss)
        if v.count == xs.count { series.append(.init("held-out", xs: xs, ys: v)) }
        return LineChart(title: "masked-token loss (nats)", xLabel: "epoch", yLabel: "cross-entropy", series: series)
    }
    public var figureHTML: String { "<figure class=\"xai-figure\">\n\(chart.svg())\n</figure>\n" }
    public var propertyNames: [String] { ["epochs", "loss", "accuracy", "val_loss", "val_accuracy", "stopped"] }
    public func property(_ name: String) throws -> Value? {
        name == "epochs" ? .list(history.epochs.map { .int($0.epoch) }) : history.column(name)
    }
}

extension History {
    /// A per-epoch column both training records show (loss, accuracy, val_loss,
    /// val_accuracy), or whether training stopped early.
    func column(_ name: String) -> Value? {
        let e = epochs
        switch name {
        case "loss": return .list(e.map { .float($0.loss) })
        case "accuracy": return .list(e.map { .float($0.accuracy) })
        case "val_loss": return .list(e.map { $0.validationLoss.map { .float($0) } ?? Value.none })
        case "val_accuracy": return .list(e.map { $0.validationAccuracy.map { .float($0) } ?? Value.none })
        case "stopped": return .bool(stopped != nil)
        default: return nil
        }
    }
}

/// The training record of a language model: loss and validation loss at each evaluation.
public final class LMHistoryObject: HostObject, FigureProviding, LineChartProviding {
    let history: LanguageModel.History
    init(_ h: LanguageModel.History) { history = h }
    public var typeName: String { "LMHistory" }
    public var summary: String {
        guard let last = history.records.last else { return "language-model history · no evaluations" }
        return String(format: "language-model history · %d steps · validation loss %.4f nats/token",
                      last.step, last.validationLoss)
            + (history.stoppedAt != nil ? " (stopped early)" : "")
    }
    public var display: String {
        (["  step   loss     val_loss"]
            + history.records.map { String(format: "%6d   %.4f   %.4f", $0.step, $0.loss, $0.validationLoss) })
            .joined(separator: "\n")
    }
    var chart: LineChart {
        let xs = history.records.map { Double($0.step) }
        return LineChart(title: "language model loss (nats per token)", xLabel: "step", yLabel: "cross-entropy",
                         series: [.init("train", xs: xs, ys: history.records.map(\.loss)),
                                  .init("validation", xs: xs, ys: history.records.map(\.validationLoss))])
    }
    public var figureHTML: String { "<figure class=\"xai-figure\">\n\(chart.svg())\n</figure>\n" }
    public var propertyNames: [String] { ["steps", "loss", "val_loss", "stopped"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "steps": return .list(history.records.map { .int($0.step) })
        case "loss": return .list(history.records.map { .float($0.loss) })
        case "val_loss": return .list(history.records.map { .float($0.validationLoss) })
        case "stopped": return .bool(history.stoppedAt != nil)
        default: return nil
        }
    }
}
