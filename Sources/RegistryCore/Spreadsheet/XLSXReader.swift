import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One sheet of an .xlsx workbook read as rows of text, for `registry import FILE.xlsx` and the pages' upload: the
/// same `CSVRows` the CSV readers give, so an import runs the same checks whichever file it was given. Cells come
/// out as a clerk saw them: shared and inline strings as written, dates (a date number format) as YYYY-MM-DD,
/// whole numbers with all their stored digits (a phone Excel stored as a number reads back exactly), other
/// numbers to the 15 significant digits Excel shows, booleans as TRUE/FALSE. The line of a row is its row number
/// in Excel, so a refusal names the row the clerk sees.
public struct XLSXFile: CSVRows, Sendable {
    public var header: [String]
    /// Data rows after the header, with their row numbers.
    public var rows: [(line: Int, fields: [String])]
    public var encoding: TextDecoding.Encoding { .utf8 }
    /// The sheet read and every sheet's name.
    public let sheet: String
    public let sheets: [String]
    private var all: [(line: Int, fields: [String])]

    /// Each part of the workbook is at most this large unpacked (a zip bomb is refused, not unpacked).
    static let maxPart: UInt64 = 128 << 20
    /// The columns a sheet may fill: registry sheets have a few dozen.
    static let maxColumns = 256
    /// How deep a part's elements may nest: a worksheet needs five levels (worksheet, sheetData, row, c, is/t).
    static let maxDepth = 64

    public init(path: String, sheet: String? = nil) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError(.file, zh: "无法读取文件 \(path)", en: "cannot read \(path)")
        }
        try self.init(data: data, file: path, sheet: sheet)
    }

    public init(data: Data, file: String, sheet wanted: String? = nil) throws {
        let notWorkbook = RegistryError(
            .file, zh: "\(file) 不是 Excel 工作簿（.xlsx）", en: "\(file) is not an Excel workbook (.xlsx)")
        guard let archive = try? Archive(data: data, accessMode: .read) else { throw notWorkbook }
        func part(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            guard entry.uncompressedSize <= Self.maxPart else {
                throw RegistryError(
                    .file, zh: "\(file) 的内容过大，不像登记表", en: "\(file) unpacks to more than a registry holds")
            }
            // The header's size can lie: the bytes are counted as they inflate, and extraction stops at the limit.
            var bytes = Data()
            var tooLarge = false
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    guard UInt64(bytes.count + chunk.count) <= Self.maxPart else {
                        tooLarge = true
                        throw CocoaError(.fileReadTooLarge)
                    }
                    bytes.append(chunk)
                }
            } catch {
                if tooLarge {
                    throw RegistryError(
                        .file, zh: "\(file) 的内容过大，不像登记表", en: "\(file) unpacks to more than a registry holds")
                }
                throw notWorkbook
            }
            return bytes
        }
        let tooDeep = RegistryError(
            .file, zh: "\(file) 的 XML 嵌套过深，不像登记表", en: "\(file) nests its XML deeper than any workbook does")
        func parse(_ data: Data) throws -> XMLTree? {
            let (tree, deep) = XMLTree.parse(data)
            if deep { throw tooDeep }
            return tree
        }
        guard let workbook = try part("xl/workbook.xml").map(parse) ?? nil else { throw notWorkbook }
        let relations = try part("xl/_rels/workbook.xml.rels").flatMap(parse)
        let targets = Dictionary(
            (relations?.all("Relationship") ?? []).compactMap { r in
                r["Id"].flatMap { id in r["Target"].map { (id, $0) } }
            },
            uniquingKeysWith: { a, _ in a })
        let sheetNodes = workbook.all("sheet")
        sheets = sheetNodes.compactMap { $0["name"] }
        guard let chosen = wanted.map({ name in sheetNodes.first { $0["name"] == name } }) ?? sheetNodes.first else {
            throw RegistryError(
                .file, zh: "工作簿里没有名为“\(wanted ?? "")”的工作表（有：\(sheets.joined(separator: "、"))）",
                en: "the workbook has no sheet named \"\(wanted ?? "")\" (it has: \(sheets.joined(separator: ", ")))")
        }
        sheet = chosen["name"] ?? ""
        guard let rid = chosen["r:id"] ?? chosen.attributes.first(where: { $0.key.hasSuffix(":id") })?.value,
            let target = targets[rid]
        else { throw notWorkbook }
        let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        let date1904 = workbook.all("workbookPr").first?["date1904"].map { $0 == "1" || $0 == "true" } ?? false
        let shared =
            try part("xl/sharedStrings.xml").flatMap(parse)?.children.filter { $0.name == "si" }.map { si in
                // Rich text: the runs' texts, without the phonetic guide (rPh) Japanese workbooks add.
                si.all("t", skipping: "rPh").map(\.text).joined()
            } ?? []
        let dateStyles = try Self.dateStyles(part("xl/styles.xml").flatMap(parse))
        guard let sheetXML = try part(sheetPath), let tree = try parse(sheetXML) else { throw notWorkbook }

        var rows: [(line: Int, fields: [String])] = []
        var nextRow = 1
        for row in tree.all("row") {
            let number = row["r"].flatMap(Int.init) ?? nextRow
            nextRow = number + 1
            var fields: [String] = []
            var nextColumn = 0
            for cell in row.children where cell.name == "c" {
                let index = cell["r"].flatMap(Self.columnIndex) ?? nextColumn
                nextColumn = index + 1
                guard index < 16_384 else { continue }
                let value = Self.value(cell, shared: shared, dateStyles: dateStyles, date1904: date1904)
                // An empty cell pads nothing; a filled one far to the right of any registry's columns is refused
                // rather than padded (20k rows with one cell at XFD once took 2 GB).
                if value.isEmpty { continue }
                guard index < Self.maxColumns else {
                    throw RegistryError(
                        .file, zh: "\(file) 第 \(number) 行第 \(index + 1) 列有内容：登记表最多 \(Self.maxColumns) 列",
                        en:
                            "\(file) row \(number) has a value in column \(index + 1): a registry sheet has at most \(Self.maxColumns) columns"
                    )
                }
                if index >= fields.count { fields += Array(repeating: "", count: index - fields.count + 1) }
                fields[index] = value
            }
            while fields.last?.isEmpty == true { fields.removeLast() }
            if !fields.isEmpty { rows.append((number, fields)) }
        }
        all = rows
        header = (rows.first?.fields ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        self.rows = Array(rows.dropFirst())
    }

    public func forEachRow(_ body: (Int, [String]) throws -> Void) throws {
        for row in rows { try body(row.line, row.fields) }
    }

    public func locatingHeader(within: Int, _ isHeader: ([String]) -> Bool) throws -> XLSXFile? {
        guard
            let at = all.prefix(within).firstIndex(where: {
                isHeader($0.fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
            })
        else { return nil }
        var copy = self
        copy.header = all[at].fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        copy.rows = Array(all.dropFirst(at + 1))
        return copy
    }

    /// Whether `data` is a zip archive (an .xlsx), by its first bytes.
    public static func isWorkbook(_ data: Data) -> Bool { data.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    /// A1-style reference → zero-based column.
    static func columnIndex(_ reference: String) -> Int? {
        var n = 0
        var seen = false
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            n = n * 26 + Int(scalar.value - 64)
            seen = true
        }
        return seen ? n - 1 : nil
    }

    /// The cell's text.
    static func value(_ cell: XMLTree, shared: [String], dateStyles: Set<Int>, date1904: Bool) -> String {
        let raw = cell.child("v")?.text ?? ""
        switch cell["t"] ?? "n" {
        case "s": return Int(raw).flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? ""
        case "inlineStr": return cell.child("is")?.all("t", skipping: "rPh").map(\.text).joined() ?? ""
        case "str", "e": return raw
        case "b": return raw == "1" ? "TRUE" : raw.isEmpty ? "" : "FALSE"
        case "d": return String(raw.prefix(10))
        default:
            guard !raw.isEmpty else { return "" }
            if let style = cell["s"].flatMap(Int.init), dateStyles.contains(style), let serial = Double(raw) {
                let base = date1904 ? Day(year: 1904, month: 1, day: 1)! : Day(year: 1899, month: 12, day: 30)!
                return "\(base.adding(days: Int(serial.rounded(.down))))"
            }
            return number(raw)
        }
    }

    /// A stored number as text: a whole number with every digit stored (no exponent, no ".0"); another number to
    /// 15 significant digits, as Excel shows it (36.799999999999997 → 36.8). A whole number of more than 15 digits
    /// cannot have been kept whole by a spreadsheet (it stores 15 significant digits): it is shown as Excel shows it,
    /// `1.30109199003071E+17`, so that an id number typed into a number cell is named as converted, not as a wrong
    /// check digit.
    static func number(_ raw: String) -> String {
        if let decimal = Decimal(string: raw, locale: Locale(identifier: "en_US_POSIX")), decimal.isFinite {
            var rounded = decimal
            var value = decimal
            NSDecimalRound(&rounded, &value, 0, .plain)
            if rounded == decimal {
                let digits = "\(rounded)".filter(\.isNumber)
                if digits.count > 15, let double = Double(raw) { return String(format: "%.14E", double) }
                return "\(rounded)"
            }
        }
        guard let double = Double(raw) else { return raw }
        return String(format: "%.15g", double)
    }

    /// The cell formats (indexes into cellXfs) whose number format shows a date.
    static func dateStyles(_ styles: XMLTree?) throws -> Set<Int> {
        guard let styles else { return [] }
        var custom: [Int: String] = [:]
        for format in styles.all("numFmt") {
            if let id = format["numFmtId"].flatMap(Int.init), let code = format["formatCode"] { custom[id] = code }
        }
        let builtinDates = Set(14...22).union(27...36).union(45...47).union(50...58)
        func isDate(_ id: Int) -> Bool {
            if let code = custom[id] {
                // Quoted text and [colour]/[locale] parts say nothing about the kind of number.
                let bare = code.replacingOccurrences(of: "\"[^\"]*\"", with: "", options: .regularExpression)
                    .replacingOccurrences(of: "\\[[^\\]]*\\]", with: "", options: .regularExpression).lowercased()
                return bare.contains("y") || bare.contains("d")
            }
            return builtinDates.contains(id)
        }
        let xfs = styles.children.first { $0.name == "cellXfs" }?.children.filter { $0.name == "xf" } ?? []
        return Set(
            xfs.enumerated().compactMap { i, xf in xf["numFmtId"].flatMap(Int.init).map(isDate) == true ? i : nil })
    }
}

/// A parsed XML part as a small tree (workbook parts are a few MB at most; the zip reader caps them).
final class XMLTree: @unchecked Sendable {
    let name: String
    let attributes: [String: String]
    var children: [XMLTree] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    subscript(_ attribute: String) -> String? { attributes[attribute] }

    func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    /// Every element named `name` below this one, in document order, not looking inside `skipping` elements.
    func all(_ name: String, skipping: String? = nil) -> [XMLTree] {
        var found: [XMLTree] = []
        func walk(_ node: XMLTree) {
            for child in node.children where child.name != skipping {
                if child.name == name { found.append(child) }
                walk(child)
            }
        }
        walk(self)
        return found
    }

    /// The document's root, or nil when it is not well-formed XML, and whether it nested deeper than
    /// `XLSXFile.maxDepth` (parsing stops there: a 3 KB part of 100,000 nested elements once crashed the reader).
    /// Element names lose their namespace prefix (`x:row` → `row`), attributes keep theirs (`r:id`).
    static func parse(_ data: Data) -> (tree: XMLTree?, tooDeep: Bool) {
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        return (ok && !builder.tooDeep ? builder.root : nil, builder.tooDeep)
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLTree?
        var stack: [XMLTree] = []
        var tooDeep = false

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard stack.count < XLSXFile.maxDepth else {
                tooDeep = true
                parser.abortParsing()
                return
            }
            let local = name.split(separator: ":").last.map(String.init) ?? name
            let node = XMLTree(name: local, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if !stack.isEmpty { stack.removeLast() }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}
