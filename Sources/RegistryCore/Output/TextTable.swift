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
    /// The table as CSV; the cells of id-number, phone and code columns (by their header, `CSV.textHeaders`) are
    /// written so that a spreadsheet keeps them as text (`CSV.textCell`).
    public func csv(bom: Bool = false) -> String {
        let text = Set(headers.indices.filter { CSV.textHeaders.contains(headers[$0].lowercased()) })
        func line(_ cells: [String], isHeader: Bool) -> String {
            cells.enumerated().map { i, cell in !isHeader && text.contains(i) ? CSV.textCell(cell) : CSV.quote(cell) }
                .joined(separator: ",")
        }
        return (bom ? "\u{FEFF}" : "")
            + ([line(headers, isHeader: true)] + rows.map { line($0, isHeader: false) })
            .joined(separator: "\r\n") + "\r\n"
    }
}

/// CSV helpers shared by exports and imports.
public enum CSV {
    /// Headers of columns that hold digits which are not numbers: id numbers, phones, area and village codes.
    /// Excel reads a bare 18-digit cell as a number, keeps 15 significant digits, and a file saved again has lost
    /// every id number (420102199003071232 → 420102199003071000).
    public static let textHeaders: Set<String> = [
        "身份证号", "身份证号码", "证件号码", "证件号", "id_number", "手机号", "手机号码", "联系电话", "phone",
        "来源地代码", "区划代码", "from_code", "村代码", "村（社区）代码", "village", "code", "乡镇代码", "township_code",
        "同行人", "companions", "ids", "villages",
    ]

    /// A cell of a text column: digits (and an id number's X) are written as the formula `="…"`, which Excel and
    /// LibreOffice show as the text itself, all digits, and which a spreadsheet saving the file again writes back
    /// as the plain digits. Anything else is quoted as usual (`quote`, which also defuses formulas).
    public static func textCell(_ field: String) -> String {
        guard !field.isEmpty, field.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }) else {
            return quote(field)
        }
        return "\"=\"\"\(field)\"\"\""
    }

    /// A field as a spreadsheet wrote it back to text: `="…"` (our own export, or LibreOffice keeping the formula
    /// as text) becomes what is between the quotes; any other field is unchanged.
    public static func unwrapText(_ field: String) -> String {
        guard field.hasPrefix("=\""), field.hasSuffix("\""), field.count >= 3 else { return field }
        let inner = field.dropFirst(2).dropLast()
        return inner.contains("\"") ? field : String(inner)
    }

    /// A field quoted when it holds a comma, a quote, or a line break; leading `=`, `+`, `-`, `@`, tab or carriage
    /// return get a `'` so that Excel does not run it as a formula (a negative number stays a number). Every CSV
    /// the project writes goes through here: exports, rejected rows, the county's merge.
    public static func quote(_ field: String) -> String {
        var text = field
        if let first = text.unicodeScalars.first,
            "=+@\t\r".unicodeScalars.contains(first) || (first == "-" && Double(text) == nil)
        {
            text = "'" + text
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
