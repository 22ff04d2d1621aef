import Crypto
import Foundation
import RegistryCore

/// What a server relays up when the server above is to see persons masked (`upstream set … --mask`): in persons,
/// contacts and leads the id number becomes its keyed hash (`MaskedForm`), the phone and the name are masked as
/// lists show them, and the address and birth date are left out. Everything else a lead, a merge run or the
/// dashboard needs (villages, measures, tests, checks, reports) goes up as it is.
///
/// The key is one for a province and every region in it (`sync-server mask-key generate`, handed out like a
/// token), so that the same person hashes alike in every county: a city still finds a person registered in two
/// counties, and a lead or a lab result at a city names a person by hashing the number with the same key given to
/// that command. A server above never stores the key; a county keeps it with its upstream link.
public struct RelayMask: Sendable {
    /// The key's 32 bytes (kept as bytes: `SymmetricKey` is not `Sendable`).
    let key: [UInt8]

    /// The tables whose rows name a person, and the columns masked in them.
    static let tables: Set<String> = [Person.databaseTableName, Contact.databaseTableName, Lead.databaseTableName]
    static let dropped: Set<String> = ["address", "birth_date"]
    /// Free text a clerk typed, which may name people (`密接：与 张三丰 同事`, a release reason, a stay's place as
    /// typed), by table: it goes up as its kind alone (`masked(text:)`), a stay with its code and days but no name,
    /// an event's detail not at all.
    static let freeText: [String: Set<String>] = [
        Arrival.databaseTableName: ["transport"], Measure.databaseTableName: ["reason"],
        MeasureEvent.databaseTableName: ["reason"], Lead.databaseTableName: ["reason"],
        Person.databaseTableName: ["deleted_reason"], Contact.databaseTableName: ["deleted_reason"],
    ]
    /// How the texts the registry writes itself begin (a policy's plan, a risk area known late): they name places
    /// and rules, never people, and the levels above count by them.
    static let systemTexts = ["政策 ", MeasureEvent.reclassifiedReasonPrefix]

    /// A free text as it goes up: the kind before the first `：` (密接：…), or nothing but a mark that there was one.
    static func masked(text: String) -> String {
        if text.isEmpty || systemTexts.contains(where: text.hasPrefix) { return text }
        if let colon = text.firstIndex(of: "："), text.distance(from: text.startIndex, to: colon) <= 12 {
            return String(text[...colon]) + "（已脱敏）"
        }
        return "（已脱敏）"
    }

    /// A key from its text form: 64 hex digits (32 bytes), surrounding white space ignored.
    public init(hex: String) throws {
        let text = hex.trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex),
            let byte = UInt8(text[index..<next], radix: 16)
        {
            bytes.append(byte)
            index = next
        }
        guard bytes.count == 32, index == text.endIndex else {
            throw RegistryError(
                nil, zh: "脱敏密钥应为 64 位十六进制数（sync-server mask-key generate 生成）",
                en: "a mask key is 64 hex digits (made by sync-server mask-key generate)")
        }
        key = bytes
    }

    /// Reads a key file (`--mask-key FILE`).
    public init(file: String) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw RegistryError(nil, zh: "无法读取脱敏密钥文件 \(file)", en: "cannot read the mask key file \(file)")
        }
        try self.init(hex: text)
    }

    /// The key's text form (what `upstream set` keeps with the link).
    public var hex: String { key.map { String(format: "%02x", $0) }.joined() }

    /// A new random key's text form.
    public static func generate() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }

    /// The hashed form of an id number (an already hashed one stays as it is, so that a city relaying masked rows
    /// on to its province masks nothing twice).
    public func hash(_ idNumber: String) -> String {
        if MaskedForm.isHashedID(idNumber) { return idNumber }
        let code = HMAC<SHA256>.authenticationCode(for: Data(idNumber.utf8), using: SymmetricKey(data: key))
        return MaskedForm.hashPrefix
            + code.prefix(MaskedForm.hashDigits / 2).map { String(format: "%02X", $0) }.joined()
    }

    /// The entry as the server above is to receive it.
    func mask(_ entry: RelayWire.Entry) -> RelayWire.Entry {
        let table = entry.change.table
        let free = Self.freeText[table] ?? []
        guard Self.tables.contains(table) || !free.isEmpty || table == MeasureEvent.databaseTableName else {
            return entry
        }
        var values = entry.change.columns.values
        for (column, value) in values {
            if free.contains(column), let text = value.stringValue {
                values[column] = .string(Self.masked(text: text))
                continue
            }
            if table == MeasureEvent.databaseTableName && column == "detail" {
                values[column] = .null
                continue
            }
            if table == Arrival.databaseTableName && column == "stays", let json = value.stringValue {
                values[column] = .string(Self.maskedStays(json))
                continue
            }
            guard Self.tables.contains(table) else { continue }
            switch (column, value.stringValue) {
            case ("id_number", let number?): values[column] = .string(hash(number))
            case ("phone", let phone?):
                values[column] = .string(MaskedForm.isMaskedPhone(phone) ? phone : Mask.phone(phone))
            case ("name", let name?): values[column] = .string(Mask.name(name))
            case _ where Self.dropped.contains(column): values[column] = .null
            default: break
            }
        }
        var change = entry.change
        change.columns = ColumnValues(values)
        return RelayWire.Entry(seq: entry.seq, scope: entry.scope, change: change)
    }

    /// A trip's stays with their codes and days, the names as typed left out (a clerk may write 张三家 there).
    static func maskedStays(_ json: String) -> String {
        guard var stays = try? JSONDecoder().decode([Stay].self, from: Data(json.utf8)) else { return "[]" }
        for i in stays.indices { stays[i].name = "" }
        return Stay.json(stays)
    }
}
