import Foundation
import RegistryCore

/// The optional `contact` column of `villages import` (联系人: a clerk's name and phone), read and checked before the
/// roster is written, so that a bad value refuses the whole file as any bad roster value does.
public enum VillageContacts {
    /// The longest contact text: a name and one or two phone numbers.
    static let maximumLength = 60

    /// The contacts of the roster file, by village code; empty when the file has no contact column.
    public static func parse(_ csv: CSVFile) throws -> [String: String] {
        guard let column = csv.column(["contact", "联系人", "联系方式", "联系人及电话"]),
            let code = csv.column(["code", "村代码", "村（社区）代码", "区划代码"])
        else { return [:] }
        var contacts: [String: String] = [:]
        for row in csv.rows {
            func cell(_ i: Int) -> String { i < row.fields.count ? row.fields[i] : "" }
            let text = cell(column).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            guard text.count <= maximumLength,
                !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw RegistryError(
                    .file, zh: "第 \(row.line) 行：联系人最多 \(maximumLength) 个字，不能含控制字符",
                    en: "line \(row.line): contact: at most \(maximumLength) characters, no control characters")
            }
            contacts[try Validate.areaCode(cell(code), field: .village, lengths: [12])] = text
        }
        return contacts
    }
}
