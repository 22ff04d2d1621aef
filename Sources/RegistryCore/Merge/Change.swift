import Foundation

/// One change-log entry as it travels between sites: which row, the changed columns' values, and the version
/// (clock and origin site) they were written at, with the entry's sequence number at its origin.
public struct Change: Codable, Sendable, Hashable {
    /// The synced table.
    public var table: String
    /// The row's id.
    public var pk: String
    /// The changed columns and their values.
    public var columns: ColumnValues
    /// The hybrid logical clock of the write.
    public var hlc: Int64
    /// The site that wrote it.
    public var origin: String
    /// Its sequence number at the origin.
    public var originSeq: Int64

    /// A change from its parts.
    public init(table: String, pk: String, columns: ColumnValues, hlc: Int64, origin: String, originSeq: Int64) {
        self.table = table
        self.pk = pk
        self.columns = columns
        self.hlc = hlc
        self.origin = origin
        self.originSeq = originSeq
    }

    enum CodingKeys: String, CodingKey {
        case table, pk, columns, hlc, origin
        case originSeq = "origin_seq"
    }

    /// The version every column of this change carries.
    public var version: Version { Version(hlc: HLC(raw: hlc), origin: origin) }
}

extension ColumnValues: Codable {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var values: [String: ColumnValue] = [:]
        for key in container.allKeys {
            // Strings first: most values are text, and every failed attempt costs a thrown error.
            if let s = try? container.decode(String.self, forKey: key) {
                values[key.stringValue] = .string(s)
            } else if try container.decodeNil(forKey: key) {
                values[key.stringValue] = .null
            } else if let n = try? container.decode(Int64.self, forKey: key) {
                values[key.stringValue] = .integer(n)
            } else if let d = try? container.decode(Double.self, forKey: key) {
                values[key.stringValue] = .real(d)
            } else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription: "a column value must be a string, a number or null")
            }
        }
        self.init(values)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in values {
            let key = Key(stringValue: name)
            switch value {
            case .null: try container.encodeNil(forKey: key)
            case .integer(let n): try container.encode(n, forKey: key)
            case .real(let d): try container.encode(d, forKey: key)
            case .string(let s): try container.encode(s, forKey: key)
            }
        }
    }
}
