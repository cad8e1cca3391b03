import Foundation

/// A one-line live progress bar on the terminal (not part of any transcript).
final class ProgressBar {
    let live: Bool
    var drawn = false
    var lastDraw = 0.0
    init(live: Bool) { self.live = live }

    func update(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, accuracy: Double, rate: Double,
                eta: Double) {
        guard live else { return }
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        guard batch == batches || now - lastDraw > 0.05 else { return }
        lastDraw = now
        let width = 24
        let filled = Int(Double(width) * Double(batch) / Double(max(batches, 1)))
        let bar = String(repeating: "━", count: filled) + String(repeating: "╌", count: width - filled)
        let text = "\r\u{1B}[2Kepoch \(epoch)/\(epochs) " + bar + " \(batch)/\(batches)"
            + String(format: " · loss %.4f · acc %.3f · %.0f rows/s · ETA %.0f s", loss, accuracy, rate, eta)
        FileHandle.standardOutput.write(Data(text.utf8))
        drawn = true
    }

    func clear() {
        guard live, drawn else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8))
        drawn = false
    }
}
