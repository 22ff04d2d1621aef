import GRDB
import RegistryCore

/// Finding registered persons by id number, for a lab's results and a lead addressed to a named person. A server
/// above a region that masks (`RelayMask`) holds those persons under the keyed hash of their number: it finds them
/// by hashing the number with the key the command was given, and never keeps the key.
extension CountyDatabase {
    /// The persons (not deleted) registered under each of `numbers`, by the number as given.
    static func persons(_ db: Database, numbers: [String], mask: RelayMask?) throws -> [String: [(
        id: String, village: String
    )]] {
        try requireMaskKey(db, mask: mask)
        // Each form a number may be held under, and the number it stands for.
        var forms: [String: String] = [:]
        for number in Set(numbers) {
            forms[number] = number
            if let mask { forms[mask.hash(number)] = number }
        }
        var persons: [String: [(id: String, village: String)]] = [:]
        let keys = Array(forms.keys)
        // Read in batches (the county keeps no index on id numbers; one scan per batch).
        for person in try db.rows(
            forKeys: keys,
            {
                "SELECT id, village, id_number FROM person WHERE deleted = 0 AND id_number IN (\($0))"
            })
        {
            if let number = forms[person["id_number"]] {
                persons[number, default: []].append((person["id"], person["village"]))
            }
        }
        return persons
    }

    /// Refuses to look numbers up without the key where persons arrived masked: every row would seem unregistered.
    static func requireMaskKey(_ db: Database, mask: RelayMask?) throws {
        guard mask == nil,
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM person WHERE id_number LIKE ?)",
                arguments: [MaskedForm.hashPrefix + "%"]) == true
        else { return }
        throw RegistryError(
            nil, zh: "本级收到的人员已脱敏：用 --mask-key 文件 给出本省的脱敏密钥，才能按身份证号匹配",
            en: "persons here arrived masked: give the province's mask key (--mask-key FILE) to match id numbers")
    }
}
