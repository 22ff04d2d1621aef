extension String {
    /// Columns the text takes in a terminal: East Asian wide and full-width characters take two, combining
    /// marks none, the rest one. This is what lines up a table of Chinese names.
    public var displayWidth: Int {
        unicodeScalars.reduce(0) { $0 + $1.displayWidth }
    }
}

extension Unicode.Scalar {
    var displayWidth: Int {
        let v = value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if properties.generalCategory == .nonspacingMark || properties.generalCategory == .enclosingMark
            || v == 0x200B || (0xFE00...0xFE0F).contains(v)
        {
            return 0
        }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}

extension String {
    /// The text as it may be printed to a terminal: control characters removed (an ESC sequence in a pushed name
    /// once cleared the county operator's screen), and the bidirectional overrides that can disguise text. Line
    /// breaks (`\n`, `\r\n`) and tabs stay.
    public var terminalSafe: String {
        let scalars = unicodeScalars
        guard
            scalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || String.isBidiControl($0) })
        else { return self }
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in scalars.reversed() {  // backwards, so that a CR is kept only before an LF
            defer { previous = scalar }
            if scalar == "\n" || scalar == "\t" || (scalar == "\r" && previous == "\n") {
                out.append(scalar)
                continue
            }
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || String.isBidiControl(scalar) { continue }
            out.append(scalar)
        }
        return String(String.UnicodeScalarView(out.reversed()))
    }

    /// The bidirectional embeddings, overrides and isolates, and the direction marks (U+200E, U+200F, U+061C):
    /// invisible, they reorder what a reader sees (U+202E turns `420102…` around on a printed notice).
    static func isBidiControl(_ s: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value) || s.value == 0x200E
            || s.value == 0x200F || s.value == 0x061C
    }

    /// The text as one line of a log: `terminalSafe`, its line breaks and tabs made spaces, so that what someone
    /// typed can never forge a line of its own.
    public var oneLine: String {
        String(
            String.UnicodeScalarView(
                terminalSafe.unicodeScalars.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 }))
    }

    /// The text without the bidirectional controls (`isBidiControl`): what every typed value is stored as.
    public var withoutBidiControls: String {
        guard unicodeScalars.contains(where: String.isBidiControl) else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.filter { !String.isBidiControl($0) }))
    }
}
