/// Masked sharing (脱敏): what a list keeps when it leaves the village office (a WeChat group, the township, the
/// city): enough to recognise a person one knows, not enough to find one. Names keep their first and last
/// character (张*伟, 张*), id numbers their first 6 and last 4 digits (region and check, never the birth date),
/// phones their first 3 and last 4 (138****8000).
public enum Mask {
    public static func name(_ name: String) -> String {
        let chars = Array(name)
        switch chars.count {
        case 0: return ""
        case 1: return "*"
        case 2: return String(chars[0]) + "*"
        default:
            return String(chars[0]) + String(repeating: "*", count: chars.count - 2) + String(chars[chars.count - 1])
        }
    }

    public static func idNumber(_ number: String) -> String {
        keep(number, first: number.count >= 15 ? 6 : 2, last: number.count >= 15 ? 4 : 2)
    }

    public static func phone(_ phone: String) -> String { keep(phone, first: 3, last: 4) }

    /// `text` with all but its first `first` and last `last` characters as `*`; entirely `*` when that would
    /// leave most of it visible.
    static func keep(_ text: String, first: Int, last: Int) -> String {
        let chars = Array(text)
        guard chars.count > (first + last) * 3 / 2 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(first)) + String(repeating: "*", count: chars.count - first - last)
            + String(chars.suffix(last))
    }
}

extension Person {
    /// The person as a masked list shows them: name, id number and phone masked; birth date and address dropped
    /// (the birth date is in the id number; an address finds the house).
    public var masked: Person {
        var copy = self
        copy.name = Mask.name(name)
        copy.idNumber = Mask.idNumber(idNumber)
        copy.phone = phone.map(Mask.phone)
        copy.birthDate = nil
        copy.address = nil
        return copy
    }
}

extension PersonFile {
    /// The file with every person in it masked: the person, their household, their contacts.
    public var masked: PersonFile {
        var copy = self
        copy.person = person.masked
        copy.household = household.map(\.masked)
        copy.links = links.map { link in
            var link = link
            link.idNumber = Mask.idNumber(link.idNumber)
            link.name = link.name.map(Mask.name)
            link.other = link.other?.masked
            return link
        }
        return copy
    }
}

extension ExportRow {
    public var masked: ExportRow {
        var copy = self
        copy.id_number = Mask.idNumber(id_number)
        copy.name = Mask.name(name)
        copy.phone = phone.map(Mask.phone)
        copy.birth_date = nil
        copy.address = nil
        return copy
    }
}
