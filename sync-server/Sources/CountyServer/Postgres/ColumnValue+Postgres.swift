import PostgresNIO
import RegistryCore

// The PostgreSQL store's edge: sync's column values to and from PostgreSQL's. Text is text, flags and counts are
// BIGINT, temperatures DOUBLE PRECISION (schema/postgres).

extension PostgresBindings {
    /// Appends one column value as a bind.
    mutating func append(_ value: ColumnValue) {
        switch value {
        case .null: appendNull()
        case .integer(let n): append(n)
        case .real(let d): append(d)
        case .string(let s): append(s)
        }
    }
}

extension ColumnValue {
    /// A cell as sync carries it: null, a whole number, a number or text (any other type reads as its text).
    init(_ cell: PostgresCell) throws {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int8, .int4, .int2: self = .integer(try cell.decode(Int64.self))
        case .float8, .float4, .numeric: self = .real(try cell.decode(Double.self))
        default: self = .string(try cell.decode(String.self))
        }
    }
}

extension PostgresQuery {
    /// A query from SQL built here (never from pushed text: table and column names come from the schema's rules)
    /// and its binds, `$1`, `$2`… in order.
    static func sql(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}

/// One column of many rows as one PostgreSQL array bind (binary format, NULLs kept), for `INSERT … SELECT FROM
/// unnest(…)`: a push group's rows go as one bind per column instead of one per cell, and the statement's text no
/// longer grows with the rows (PostgreSQL parsed and planned a 40,000-parameter INSERT per group: 5 ms parse, 7 ms
/// bind, and as long again here building `($1, $2, …)`; docs/PERFORMANCE.md). The element type follows the values, as
/// one bind at a time did: numbers with a fraction make it `float8` (a whole temperature comes as an integer), whole
/// numbers `int8`, else text. `sqlType` is nil for a column of NULLs only, which the caller inserts as an untyped NULL.
struct ColumnArray: PostgresDynamicTypeEncodable {
    enum Kind { case text, bigint, double }
    let kind: Kind?
    let values: [ColumnValue]

    init(_ values: [ColumnValue]) {
        self.values = values
        var kind: Kind?
        for value in values {
            switch value {
            case .null: continue
            case .string: kind = .text
            case .real: if kind != .text { kind = .double }
            case .integer: if kind == nil { kind = .bigint }
            }
            if kind == .text { break }
        }
        self.kind = kind
    }

    /// The array's type as SQL writes it (`$1::text[]`), nil for a column of NULLs only.
    var sqlType: String? {
        switch kind {
        case .text: "text[]"
        case .bigint: "bigint[]"
        case .double: "float8[]"
        case nil: nil
        }
    }

    var psqlType: PostgresDataType {
        switch kind {
        case .bigint: .int8Array
        case .double: .float8Array
        case .text, nil: .textArray
        }
    }
    var psqlFormat: PostgresFormat { .binary }

    /// PostgreSQL's binary array: dimensions, a has-NULLs flag, the element type, the length and lower bound, then
    /// each element as its length (-1 for NULL) and bytes.
    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        let element: PostgresDataType =
            switch kind {
            case .bigint: .int8
            case .double: .float8
            case .text, nil: .text
            }
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(Int32(values.contains(.null) ? 1 : 0))
        buffer.writeInteger(element.rawValue)
        buffer.writeInteger(Int32(values.count))
        buffer.writeInteger(Int32(1))
        for value in values {
            switch (kind, value) {
            case (_, .null), (nil, _):
                buffer.writeInteger(Int32(-1))
            case (.bigint, .integer(let n)):
                buffer.writeInteger(Int32(8))
                buffer.writeInteger(n)
            case (.double, .integer(let n)):
                buffer.writeInteger(Int32(8))
                buffer.writeInteger(Double(n).bitPattern)
            case (.double, .real(let d)):
                buffer.writeInteger(Int32(8))
                buffer.writeInteger(d.bitPattern)
            case (_, let other):
                // Text, or a number in a column that also holds text (the column rules refuse that before here).
                let text =
                    switch other {
                    case .string(let s): s
                    case .integer(let n): String(n)
                    case .real(let d): String(d)
                    case .null: ""
                    }
                let start = buffer.writerIndex
                buffer.writeInteger(Int32(0))
                let length = buffer.writeString(text)
                buffer.setInteger(Int32(length), at: start)
            }
        }
    }
}
