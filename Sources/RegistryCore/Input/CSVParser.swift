/// RFC 4180 parsing over bytes, fed in chunks of any size: what both a whole CSV file (`CSVFile`) and one read as a
/// stream (`CSVStream`) use. Splitting on bytes is safe in both encodings the registry reads: in UTF-8 and in GB18030
/// no byte of a multi-byte character is a comma, a quote, CR or LF. Fields come out as bytes, decoded by the caller.
struct CSVParser {
    /// A record: the line it starts on (the header is line 1) and its fields' bytes.
    typealias Record = (line: Int, fields: [[UInt8]])

    private var fields: [[UInt8]] = []
    private var field: [UInt8] = []
    private var inQuotes = false, atFieldStart = true, quotePending = false, crPending = false
    private var line = 1, recordLine = 1

    /// Parses `bytes`, calling `emit` for each record completed in them.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes, emit: (Record) throws -> Void) rethrows
    where Bytes.Element == UInt8 {
        for byte in bytes { try step(byte, emit) }
    }

    /// Ends the input: the last record if it had no line end.
    mutating func finish(emit: (Record) throws -> Void) rethrows {
        quotePending = false
        crPending = false
        if !field.isEmpty || !fields.isEmpty {
            endField()
            try emit((recordLine, fields))
            fields = []
        }
    }

    private mutating func endField() {
        if fields.isEmpty { fields.reserveCapacity(16) }
        fields.append(field)
        // Room for a usual cell at once, rather than growing byte by byte through four reallocations.
        field = []
        field.reserveCapacity(48)
        atFieldStart = true
    }

    private mutating func endRecord(_ emit: (Record) throws -> Void) rethrows {
        endField()
        try emit((recordLine, fields))
        fields = []
        line += 1
        recordLine = line
    }

    private mutating func step(_ byte: UInt8, _ emit: (Record) throws -> Void) rethrows {
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        if crPending {  // a CR ends a record; an LF right after it belongs to the same line end
            crPending = false
            if byte == lf { return }
        }
        if inQuotes {
            if quotePending {  // a quote inside quotes: doubled, or the end of the quoted part
                quotePending = false
                if byte == quote {
                    field.append(quote)
                    return
                }
                inQuotes = false
                try step(byte, emit)
                return
            }
            if byte == quote {
                quotePending = true
            } else {
                if byte == lf { line += 1 }
                field.append(byte)
            }
            return
        }
        switch byte {
        case quote where atFieldStart:
            inQuotes = true
            atFieldStart = false
        case comma:
            endField()
        case cr:
            try endRecord(emit)
            crPending = true
        case lf:
            try endRecord(emit)
        default:
            field.append(byte)
            atFieldStart = false
        }
    }
}
