import Foundation

/// How many colours the terminal can show. Chosen once at start-up by the REPL; scripts and
/// transcripts (not a terminal) get `.none`, so their text is stable.
public enum ColorMode: String, Sendable {
    case truecolor, ansi256, none

    /// `NO_COLOR` (any value) turns colour off; a terminal announcing COLORTERM=truecolor or
    /// 24bit gets 24-bit colour; other terminals get the 256-colour palette.
    public static func detect(isTerminal: Bool,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> ColorMode {
        if environment["NO_COLOR"] != nil || !isTerminal { return .none }
        if environment["TERM"] == "dumb" { return .none }
        let ct = (environment["COLORTERM"] ?? "").lowercased()
        return ct.contains("truecolor") || ct.contains("24bit") ? .truecolor : .ansi256
    }
}
