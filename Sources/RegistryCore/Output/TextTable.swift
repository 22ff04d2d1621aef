/// A table of text, printable aligned for a terminal (by display width), as CSV, or as JSON rows.
public struct TextTable: Sendable {
    /// Column headers, in the reader's language.
    public var headers: [String]
    /// Rows of cells, as many as the headers.
    public var rows: [[String]]

    /// A table from headers and rows.
    public init(headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    /// The table aligned in columns, two spaces apart, a rule under the header.
    public var aligned: String {
        let all = [headers] + rows
        var widths = headers.map { _ in 0 }
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.displayWidth) }
        }
        func line(_ row: [String]) -> String {
            var out = ""
            for (i, cell) in row.enumerated() {
                let pad = i == row.count - 1 ? 0 : widths[i] - cell.displayWidth + 2
                out += cell + String(repeating: " ", count: max(0, pad))
            }
            return out
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }

    /// RFC 4180 CSV with CRLF line ends; `bom` starts it with a UTF-8 byte-order mark so that Excel reads it as
    /// UTF-8 rather than the system code page.
    public func csv(bom: Bool = false) -> String {
        (bom ? "\u{FEFF}" : "") + ([headers] + rows).map { $0.map(CSV.quote).joined(separator: ",") }
            .joined(separator: "\r\n") + "\r\n"
    }
}

/// CSV helpers shared by exports and imports.
public enum CSV {
    /// A field quoted when it holds a comma, a quote, or a line break; leading `=`, `+`, `-`, `@` get a `'` so
    /// that Excel does not run it as a formula.
    public static func quote(_ field: String) -> String {
        var text = field
        if let first = text.unicodeScalars.first, "=+@".unicodeScalars.contains(first) || (first == "-" && Double(text) == nil) {
            text = "'" + text
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
