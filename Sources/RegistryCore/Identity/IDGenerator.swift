import Foundation

/// Makes record ids: time-ordered UUIDs (RFC 9562 version 7) from an injected clock and random source, so
/// that keys sort by creation time and tests can fix them.
public struct IDGenerator: Sendable {
    private let next: @Sendable () -> UUID

    /// A generator from any source of UUIDs.
    public init(_ next: @escaping @Sendable () -> UUID) { self.next = next }

    /// Version-7 UUIDs from `clock` and the system's random numbers.
    public static func v7(clock: RegistryClock) -> IDGenerator {
        IDGenerator {
            var generator = SystemRandomNumberGenerator()
            return makeV7(milliseconds: UInt64(max(0, clock.milliseconds)), random: generator.next())
        }
    }

    /// Version-7 UUIDs counted up from a seed: deterministic, for tests.
    public static func sequential(clock: RegistryClock, seed: UInt64 = 1) -> IDGenerator {
        let counter = Counter(seed)
        return IDGenerator { makeV7(milliseconds: UInt64(max(0, clock.milliseconds)), random: counter.next()) }
    }

    /// A new id, lower-case text.
    public func make() -> String { Self.text(next()) }

    /// A UUID as lower-case text, written straight from its bytes (`uuidString.lowercased()` made two strings per
    /// id, 1.7 % of an import).
    static func text(_ uuid: UUID) -> String {
        let hex = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var n = 0
                for (i, byte) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[n] = UInt8(ascii: "-")
                        n += 1
                    }
                    out[n] = hex[Int(byte >> 4)]
                    out[n + 1] = hex[Int(byte & 0x0F)]
                    n += 2
                }
                return n
            }
        }
    }

    static func makeV7(milliseconds: UInt64, random: UInt64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(i))) }
        // Big-endian random part, so that the sequential generator's ids also sort in creation order.
        // 62 random bits within a millisecond are plenty for one village's devices.
        bytes[6] = 0x70
        for i in 8..<16 { bytes[i] = UInt8(truncatingIfNeeded: random >> (8 * UInt64(15 - i))) }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// A stable id for a natural key (a risk area's code and start, a village's report for a date), so that the
    /// same thing written on two sites is one row after sync, not two. Version-8 UUID from two FNV-1a hashes.
    public static func stable(_ key: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var h: UInt64 = seed
            for byte in key.utf8 {
                h ^= UInt64(byte)
                h = h &* 0x0000_0100_0000_01B3
            }
            return h
        }
        let a = fnv(0xCBF2_9CE4_8422_2325)
        let b = fnv(0x8422_2325_CBF2_9CE4)
        var bytes =
            (0..<8).map { UInt8(truncatingIfNeeded: a >> (8 * UInt64($0))) }
            + (0..<8).map { UInt8(truncatingIfNeeded: b >> (8 * UInt64($0))) }
        bytes[6] = 0x80 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        let uuid = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
        return text(uuid)
    }
}

private final class Counter: @unchecked Sendable {
    private var value: UInt64
    private let lock = NSLock()
    init(_ seed: UInt64) { value = seed }
    func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        value &+= 1
        return value
    }
}
