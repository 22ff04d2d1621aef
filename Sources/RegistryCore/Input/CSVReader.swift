import Foundation

/// A CSV source as an import reads it: the header, and the data rows in order, as often as asked. A whole file in
/// memory (`CSVFile`) for the small lists (roster, risk areas, leads), or a file read in chunks (`CSVStream`) for an
/// import of arrivals, which may have a million rows.
public protocol CSVRows {
    /// The header row, trimmed, BOM removed.
    var header: [String] { get }
    /// The encoding the file is in.
    var encoding: TextDecoding.Encoding { get }
    /// Calls `body` with each data row that is not blank, with the line it starts on (the header is line 1).
    func forEachRow(_ body: (_ line: Int, _ fields: [String]) throws -> Void) throws
    /// The same file read with its header further down: the first of its first `within` rows that `isHeader`
    /// accepts (an Excel sheet usually has a title row or two above the header). Nil when none does.
    func locatingHeader(within: Int, _ isHeader: ([String]) -> Bool) throws -> Self?
}

extension CSVRows {
    /// The index of the first header among `names` (English JSON name or Chinese), if present.
    public func column(_ names: [String]) -> Int? {
        header.firstIndex { h in names.contains { $0.caseInsensitiveCompare(h) == .orderedSame } }
    }
}

/// Turns a parsed record's bytes into text in the file's encoding.
struct FieldDecoder {
    let encoding: TextDecoding.Encoding
    let file: String
    private let gb18030: TextDecoding.GB18030Decoder?

    init(_ encoding: TextDecoding.Encoding, file: String) {
        self.encoding = encoding
        self.file = file
        gb18030 = encoding == .gb18030 ? TextDecoding.GB18030Decoder() : nil
    }

    func decode(_ record: CSVParser.Record) throws -> [String] {
        try record.fields.map { bytes in
            if let gb18030 {
                guard let text = gb18030.decode(bytes) else { throw CSVFile.notText(file) }
                return CSV.unwrapText(text)
            }
            return CSV.unwrapText(String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// A CSV file as clerks save it from Excel, read whole: any of the encodings `TextDecoding` reads, quoted fields
/// with commas, quotes and line breaks inside, CRLF or LF line ends, blank trailing lines.
public struct CSVFile: CSVRows, Sendable {
    public var header: [String]
    /// The data rows with the line number each starts on (the header is line 1).
    public var rows: [(line: Int, fields: [String])]
    public var encoding: TextDecoding.Encoding

    static func notText(_ file: String) -> RegistryError {
        RegistryError(.file, zh: "\(file) 不是 UTF-8 或 GB18030 编码的文本", en: "\(file) is not UTF-8 or GB18030 text")
    }

    static func noHeader(_ file: String) -> RegistryError {
        RegistryError(.file, zh: "\(file) 没有表头", en: "\(file) has no header row")
    }

    /// Reads and parses `data`; refuses a file that is not text in a known encoding, or has no header.
    public init(data: Data, file: String) throws {
        var given: [UInt8]? = Array(data)
        encoding = TextDecoding.detect {
            defer { given = nil }
            return given
        }
        let decoder = FieldDecoder(encoding, file: file)
        var parser = CSVParser()
        var records: [(line: Int, fields: [String])] = []
        let body = encoding == .utf8BOM ? data.dropFirst(3) : data[...]
        try parser.feed(body) { records.append(($0.line, try decoder.decode($0))) }
        try parser.finish { records.append(($0.line, try decoder.decode($0))) }
        guard let first = records.first, first.fields.contains(where: { !$0.trimmed.isEmpty }) else {
            throw CSVFile.noHeader(file)
        }
        header = first.fields.map(\.trimmed)
        rows = records.dropFirst().filter { !$0.fields.allSatisfy { $0.trimmed.isEmpty } }
    }

    /// Reads `path`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError(.file, zh: "无法读取文件 \(path)", en: "cannot read the file \(path)")
        }
        try self.init(data: data, file: (path as NSString).lastPathComponent)
    }

    public func forEachRow(_ body: (Int, [String]) throws -> Void) throws {
        for row in rows { try body(row.line, row.fields) }
    }

    public func locatingHeader(within: Int, _ isHeader: ([String]) -> Bool) throws -> CSVFile? {
        if isHeader(header) { return self }
        guard let i = rows.prefix(within).firstIndex(where: { isHeader($0.fields.map(\.trimmed)) }) else { return nil }
        var found = self
        found.header = rows[i].fields.map(\.trimmed)
        found.rows = Array(rows[(i + 1)...])
        return found
    }
}

/// A CSV file read in chunks of a megabyte each time its rows are walked: memory stays bounded however long the file
/// is (a 1,000,000-row import once took 1.39 GB read whole).
public struct CSVStream: CSVRows, Sendable {
    public let path: String
    public private(set) var header: [String]
    /// How many records come before the data rows (the header and any title rows above it).
    private var skipped = 1
    public let encoding: TextDecoding.Encoding
    let file: String

    static let chunkSize = 1 << 20

    /// Opens `path`: finds its encoding (one pass over the bytes) and reads its header.
    public init(path: String) throws {
        self.path = path
        file = (path as NSString).lastPathComponent
        encoding = try CSVStream.chunks(path, file: file) { next in try TextDecoding.detect(next) }
        var header: [String]?
        let decoder = FieldDecoder(encoding, file: file)
        try CSVStream.records(path, file: file, encoding: encoding) { record in
            header = try decoder.decode(record)
            return false
        }
        guard let header, header.contains(where: { !$0.trimmed.isEmpty }) else { throw CSVFile.noHeader(file) }
        self.header = header.map(\.trimmed)
    }

    public func locatingHeader(within: Int, _ isHeader: ([String]) -> Bool) throws -> CSVStream? {
        let decoder = FieldDecoder(encoding, file: file)
        var index = 0
        var found: (Int, [String])?
        try CSVStream.records(path, file: file, encoding: encoding) { record in
            let fields = try decoder.decode(record).map(\.trimmed)
            if isHeader(fields) {
                found = (index, fields)
                return false
            }
            index += 1
            return index <= within
        }
        guard let (at, header) = found else { return nil }
        var stream = self
        stream.header = header
        stream.skipped = at + 1
        return stream
    }

    public func forEachRow(_ body: (Int, [String]) throws -> Void) throws {
        let decoder = FieldDecoder(encoding, file: file)
        // A local, not `self.skipped`: the closure below would capture the whole stream, and the parser, specialised
        // for it, copied it (retaining and releasing its strings) for every byte: 5 % of an import's samples.
        let skipped = skipped
        var seen = 0
        try CSVStream.records(path, file: file, encoding: encoding) { record in
            if seen < skipped {
                seen += 1
                return true
            }  // the header, and title rows above it
            let fields = try decoder.decode(record)
            if !fields.allSatisfy({ $0.trimmed.isEmpty }) { try body(record.line, fields) }
            return true
        }
    }

    /// Calls `body` with a function that hands out the file's bytes a chunk at a time (nil at the end).
    private static func chunks<T>(_ path: String, file: String, _ body: (() throws -> [UInt8]?) throws -> T) throws -> T
    {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RegistryError(.file, zh: "无法读取文件 \(path)", en: "cannot read the file \(path)")
        }
        defer { try? handle.close() }
        return try body {
            guard let data = try handle.read(upToCount: chunkSize), !data.isEmpty else { return nil }
            return Array(data)
        }
    }

    /// Parses the file's records in order, until `body` returns false.
    private static func records(
        _ path: String, file: String, encoding: TextDecoding.Encoding,
        _ body: (CSVParser.Record) throws -> Bool
    ) throws {
        struct Stop: Error {}
        var parser = CSVParser()
        do {
            try chunks(path, file: file) { next in
                var first = true
                while var chunk = try next() {
                    if first && encoding == .utf8BOM { chunk.removeFirst(3) }
                    first = false
                    try parser.feed(chunk) { if try !body($0) { throw Stop() } }
                }
                try parser.finish { if try !body($0) { throw Stop() } }
            }
        } catch is Stop {}
    }
}
