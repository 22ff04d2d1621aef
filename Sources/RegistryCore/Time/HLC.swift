/// A hybrid logical clock value: 48 bits of wall-clock milliseconds and a 16-bit counter in one `Int64`.
///
/// Ordering by the raw value orders by time, then counter. Ties between sites are broken by the origin site id
/// (see `Version`). A site's clock never goes backward even when the computer's clock does.
public struct HLC: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The packed value: `milliseconds << 16 | counter`.
    public let raw: Int64

    /// A clock value from its packed form.
    public init(raw: Int64) { self.raw = raw }

    /// A clock value from its parts.
    public init(milliseconds: Int64, counter: Int) {
        raw = milliseconds << 16 | Int64(counter & 0xFFFF)
    }

    /// Wall-clock milliseconds since 1970.
    public var milliseconds: Int64 { raw >> 16 }
    /// The logical counter within one millisecond.
    public var counter: Int { Int(raw & 0xFFFF) }

    /// The zero clock, before every write.
    public static let zero = HLC(raw: 0)

    /// The next value for a local write at wall time `now`: later than every value seen so far.
    public func tick(now: Int64) -> HLC {
        if now > milliseconds { return HLC(milliseconds: now, counter: 0) }
        // Counter overflow carries into the milliseconds: at most 65,536 writes a millisecond.
        return HLC(raw: raw + 1)
    }

    /// The value after receiving `remote` at wall time `now`: later than both.
    public func receive(_ remote: HLC, now: Int64) -> HLC {
        let top = Swift.max(raw, remote.raw)
        if now > HLC(raw: top).milliseconds { return HLC(milliseconds: now, counter: 0) }
        return HLC(raw: top + 1)
    }

    public static func < (a: HLC, b: HLC) -> Bool { a.raw < b.raw }

    public var description: String { "\(milliseconds).\(counter)" }
}

/// The version of one column's value: the clock of the write that set it and the site that wrote it.
/// Last writer wins: the larger version, compared on clock first, then site id.
public struct Version: Hashable, Comparable, Sendable {
    /// When the value was written.
    public var hlc: HLC
    /// The site (device or server) that wrote it.
    public var origin: String

    /// A version from its parts.
    public init(hlc: HLC, origin: String) {
        self.hlc = hlc
        self.origin = origin
    }

    public static func < (a: Version, b: Version) -> Bool {
        a.hlc != b.hlc ? a.hlc < b.hlc : a.origin < b.origin
    }
}
