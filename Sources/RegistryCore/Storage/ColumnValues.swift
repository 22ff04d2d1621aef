import Foundation

/// A row's column values as the change log carries them: a JSON object of column name to text, number or
/// null. Encoded by hand, with sorted keys, because it runs once per written row.
public struct ColumnValues: Sendable, Hashable {
    /// The values, by column name.
    public var values: [String: ColumnValue]

    /// Column values from a dictionary.
    public init(_ values: [String: ColumnValue]) { self.values = values }

    /// The JSON text, keys sorted.
    public var json: String { ColumnValues.json(sortedNames: values.keys.sorted(), values: values) }

    /// The JSON text of the `names` of `values`, in the order given (sorted, for the log's canonical form).
    static func json(sortedNames names: [String], values: [String: ColumnValue]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(32 * names.count)
        for (i, key) in names.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(values[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    // The JSON is written as UTF-8 bytes and made a String once: appending to a String piece by piece cost a third
    // of the log's text in the import's profile (each append checks capacity and the string's form).

    /// One value as JSON: null, a number or a string.
    static func appendValue(_ value: ColumnValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .integer(let n): out.append(contentsOf: String(n).utf8)
        case .real(let d): out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
        case .string(let s): appendString(s, to: &out)
        }
    }

    /// A string as JSON, quoted, with quotes, backslashes and control characters escaped.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Most values need no escaping: appended whole.
            guard bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 0x22: out.append(contentsOf: "\\\"".utf8)
                case 0x5C: out.append(contentsOf: "\\\\".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                case ..<0x20: out.append(contentsOf: ("\\u" + String(byte, radix: 16).leftPadded(4)).utf8)
                default: out.append(byte)  // UTF-8 of other scalars is copied as it is
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A string as JSON, appended to text.
    static func appendString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        appendString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }
}

extension ColumnValues {
    /// Column values from their JSON text; nil when it is not a flat JSON object of scalars.
    public init?(json: String) {
        guard let scalars = try? JSONDecoder().decode([String: Scalar].self, from: Data(json.utf8)) else { return nil }
        values = scalars.mapValues(\.value)
    }

    /// The column names of a log entry's JSON, read from the bytes without decoding the values (merging needs
    /// only the names); falls back to a full decode for anything unusual (escaped names).
    public static func names(json: String) -> [String] {
        if let fast = json.utf8.withContiguousStorageIfAvailable({ scanNames($0) }) ?? nil { return fast }
        return ColumnValues(json: json).map { Array($0.values.keys) } ?? []
    }

    private static func scanNames(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        guard bytes.first == UInt8(ascii: "{") else { return nil }
        var names: [String] = []
        var i = 1
        var expectingName = true
        while i < bytes.count {
            let byte = bytes[i]
            if byte == quote {
                // A string: a name (before a colon) or a value; values may hold escapes, names may not.
                var end = i + 1
                var escaped = false
                while end < bytes.count && bytes[end] != quote {
                    if bytes[end] == backslash {
                        escaped = true
                        end += 1
                    }
                    end += 1
                }
                guard end < bytes.count else { return nil }
                if expectingName {
                    if escaped { return nil }
                    names.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 1)..<end]), as: UTF8.self))
                    expectingName = false
                }
                i = end + 1
            } else {
                if byte == UInt8(ascii: ",") { expectingName = true }
                if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") { return nil }
                i += 1
            }
        }
        return names
    }

    /// One JSON scalar: integers stay integers (flags, counts), other numbers are doubles.
    private struct Scalar: Decodable {
        let value: ColumnValue
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .null
            } else if let n = try? container.decode(Int64.self) {
                value = .integer(n)
            } else if let d = try? container.decode(Double.self) {
                value = .real(d)
            } else {
                value = .string(try container.decode(String.self))
            }
        }
    }

}
