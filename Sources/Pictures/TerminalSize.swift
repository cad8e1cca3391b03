import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The terminal's width, so charts fill the line without wrapping.
public enum TerminalSize {
    /// Columns of standard output's terminal; 80 when it is not a terminal, so scripts and
    /// transcripts print the same charts everywhere.
    public static var columns: Int {
        if let fixed { return fixed }
        var w = winsize()
        if isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
        return 80
    }

    /// Charts are drawn at most this wide: wider lines are hard to read.
    public static var chartWidth: Int { max(40, min(columns, 100)) }

    /// A width that replaces the terminal's while set (see Rendering.asScript).
    nonisolated(unsafe) static var fixed: Int?
}
