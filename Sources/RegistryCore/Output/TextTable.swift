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
        let widths = columnWidths(of: [headers] + rows)
        var lines = [line(headers, widths), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map { line($0, widths) }
        return lines.joined(separator: "\n")
    }

    /// The rows alone, aligned, each line starting with `indent`.
    public func alignedRows(indent: String = "") -> String {
        let widths = columnWidths(of: rows)
        return rows.map { indent + line($0, widths) }.joined(separator: "\n")
    }

    private func columnWidths(of all: [[String]]) -> [Int] {
        var widths = [Int](repeating: 0, count: all.map(\.count).max() ?? 0)
        for row in all {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.displayWidth) }
        }
        return widths
    }

    private func line(_ row: [String], _ widths: [Int]) -> String {
        var out = ""
        for (i, cell) in row.enumerated() {
            out += cell
            if i < row.count - 1 { out += String(repeating: " ", count: max(0, widths[i] - cell.displayWidth + 2)) }
        }
        // No trailing blanks when the last cells are empty.
        while out.hasSuffix(" ") { out.removeLast() }
        return out
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
    /// A field quoted when it holds a comma, a quote, or a line break; leading `=`, `+`, `-`, `@`, tab or carriage
    /// return get a `'` so that Excel does not run it as a formula (a negative number stays a number). Every CSV
    /// the project writes goes through here: exports, rejected rows, the county's merge.
    public static func quote(_ field: String) -> String {
        var text = field
        if let first = text.unicodeScalars.first, "=+@\t\r".unicodeScalars.contains(first) || (first == "-" && Double(text) == nil) {
            text = "'" + text
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
