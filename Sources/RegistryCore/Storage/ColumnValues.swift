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
        var out = "{"
        out.reserveCapacity(32 * names.count)
        for (i, key) in names.enumerated() {
            if i > 0 { out += "," }
            ColumnValues.appendString(key, to: &out)
            out += ":"
            appendValue(values[key]!, to: &out)
        }
        return out + "}"
    }

    /// One value as JSON: null, a number or a string.
    static func appendValue(_ value: ColumnValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .integer(let n): out += String(n)
        case .real(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): appendString(s, to: &out)
        }
    }

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

    static func appendString(_ s: String, to out: inout String) {
        // Most values need no escaping: append them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
