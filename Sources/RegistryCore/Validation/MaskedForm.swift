/// The forms a server writes instead of a person's id number and phone when it relays to a server above that is to
/// see them masked (`sync-server upstream set … --mask`, `RelayMask` in the server): a keyed hash of the id number,
/// comparable across every region that holds the same key (so that a city still finds a person registered in two
/// counties, and a lead or a lab result names a person by hashing the number), and the phone as masked lists show it.
/// A server above accepts these forms in a relay only; a village's push must carry the real values.
public enum MaskedForm {
    /// `#` and 24 capital hex digits (96 bits of HMAC-SHA256): no document number has a `#`.
    public static let hashPrefix = "#"
    public static let hashDigits = 24

    public static func isHashedID(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return utf8.count == 1 + hashDigits && utf8[0] == UInt8(ascii: "#")
            && utf8.dropFirst().allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) }
    }

    /// `138****5678`: what `Mask.phone` makes of a stored mobile number.
    public static func isMaskedPhone(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count == 11, utf8[0] == UInt8(ascii: "1") else { return false }
        return utf8.indices.allSatisfy { i in
            (3..<7).contains(i) ? utf8[i] == UInt8(ascii: "*") : (0x30...0x39).contains(utf8[i])
        }
    }

    /// Whether `value` is the masked form of `column` (`id_number`, `phone`).
    static func accepts(_ column: String, _ value: ColumnValue) -> Bool {
        guard let text = value.stringValue else { return false }
        switch column {
        case "id_number": return isHashedID(text)
        case "phone": return isMaskedPhone(text)
        default: return false
        }
    }
}
