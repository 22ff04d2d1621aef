/// One column value as sync carries it: null, a whole number, a number or text. The wire model's own type, so that
/// changes, batches and the merge do not depend on a storage library; each store converts at its edge
/// (`ColumnValue+GRDB.swift` for SQLite).
public enum ColumnValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case string(String)

    /// The text of a text value ("" for any other).
    public var text: String {
        if case .string(let s) = self { return s }
        return ""
    }

    /// The text of a text value, nil for any other.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number of a whole-number value, nil for any other.
    public var integerValue: Int64? {
        if case .integer(let n) = self { return n }
        return nil
    }

    /// The number of a whole or real value, nil for any other.
    public var doubleValue: Double? {
        switch self {
        case .integer(let n): Double(n)
        case .real(let d): d
        default: nil
        }
    }

    public var isNull: Bool { self == .null }
}

extension ColumnValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}
