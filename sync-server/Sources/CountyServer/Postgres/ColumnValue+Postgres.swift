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
