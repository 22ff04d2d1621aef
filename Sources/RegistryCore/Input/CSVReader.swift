import Foundation

/// A CSV file as clerks save it from Excel: any of the encodings `TextDecoding` reads, quoted fields with
/// commas, quotes and line breaks inside, CRLF or LF line ends, blank trailing lines.
public struct CSVFile: Sendable {
    /// The header row, trimmed, BOM removed.
    public var header: [String]
    /// The data rows with the line number each starts on (the header is line 1).
    public var rows: [(line: Int, fields: [String])]
    /// The encoding the file was in.
    public var encoding: TextDecoding.Encoding

    /// Reads and parses `data`; refuses a file that is not text in a known encoding, or has no header.
    public init(data: Data, file: String) throws {
        guard let (text, encoding) = TextDecoding.decode(data) else {
            throw RegistryError(.file, zh: "\(file) 不是 UTF-8 或 GB18030 编码的文本", en: "\(file) is not UTF-8 or GB18030 text")
        }
        let records = CSVFile.parse(text)
        guard let first = records.first, first.fields.contains(where: { !$0.trimmed.isEmpty }) else {
            throw RegistryError(.file, zh: "\(file) 没有表头", en: "\(file) has no header row")
        }
        header = first.fields.map(\.trimmed)
        rows = records.dropFirst().filter { !$0.fields.allSatisfy { $0.trimmed.isEmpty } }
        self.encoding = encoding
    }

    /// Reads `path`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError(.file, zh: "无法读取文件 \(path)", en: "cannot read the file \(path)")
        }
        try self.init(data: data, file: (path as NSString).lastPathComponent)
    }

    /// The index of the first header among `names` (English JSON name or Chinese), if present.
    public func column(_ names: [String]) -> Int? {
        header.firstIndex { h in names.contains { $0.caseInsensitiveCompare(h) == .orderedSame } }
    }

    /// RFC 4180 parsing over unicode scalars; a quote only opens a quoted field at the start of a field.
    static func parse(_ text: String) -> [(line: Int, fields: [String])] {
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false, atFieldStart = true
        var line = 1, recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            atFieldStart = true
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atFieldStart:
                inQuotes = true
                atFieldStart = false
            case ",":
                endField()
            case "\r":
                let next = iterator.next()
                if next != "\n" { pending = next }
                fallthrough
            case "\n":
                endField()
                records.append((recordLine, fields))
                fields = []
                line += 1
                recordLine = line
            default:
                field.append(c)
                atFieldStart = false
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            endField()
            records.append((recordLine, fields))
        }
        return records
    }
}
