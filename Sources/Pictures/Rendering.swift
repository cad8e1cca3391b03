/// Pictures are drawn for where they go: at a terminal in its colours and width, in a script's
/// transcript in plain text 80 columns wide. A session at the prompt draws each picture both
/// ways, shows the first and saves the second, so that a saved session replays.
public enum Rendering {
    /// Whether pictures drawn now are already what a script prints.
    public static var isScriptLike: Bool { Palette.mode == .none && TerminalSize.columns == 80 }

    /// From now on, draws as a script prints: `xai run`, `check` and `export` give the same
    /// bytes at a terminal of any width as through a pipe.
    public static func useScriptSettings() {
        Palette.mode = .none
        TerminalSize.fixed = 80
    }

    /// Runs `draw` with a script's settings: no colour, 80 columns.
    public static func asScript<T>(_ draw: () throws -> T) rethrows -> T {
        let (mode, fixed) = (Palette.mode, TerminalSize.fixed)
        Palette.mode = .none
        TerminalSize.fixed = 80
        defer { Palette.mode = mode; TerminalSize.fixed = fixed }
        return try draw()
    }
}
