import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry correct PERSON [--name N] [--phone P] [--address A]`: fixes a person's details.
    struct Correct: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "更正个人信息 / Correct a person's name, phone or address.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @Option(help: "姓名 / Name.") var name: String?
        @Option(help: "手机号（空字符串表示清除） / Phone (empty clears it).") var phone: String?
        @Option(help: "现住址（空字符串表示清除） / Address (empty clears it).") var address: String?

        func run() throws {
            try global.run { registry in
                let person = try registry.correct(
                    self.person, PersonCorrection(name: name, phone: phone, address: address))
                Console.out(
                    global.lang == .zh
                        ? "已更正：\(person.name) \(person.idNumber)" : "Corrected: \(person.name) \(person.idNumber)")
            }
        }
    }

    /// `registry delete PERSON`: removes a person registered by mistake (with their whole file); `restore` undoes it.
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "删除误登记的人员（可恢复） / Delete a person registered by mistake (restorable).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String
        @Option(help: "删除原因（必填，县里可见） / Why (required; the county sees it).") var reason: String

        func run() throws {
            try global.run { registry in
                let person = try registry.delete(self.person, reason: reason)
                Console.out(
                    global.lang == .zh
                        ? "已删除：\(person.name) \(person.idNumber)（可用 registry restore \(person.idNumber) 恢复）"
                        : "Deleted: \(person.name) \(person.idNumber) (registry restore \(person.idNumber) brings it back)"
                )
            }
        }
    }

    /// `registry restore PERSON`: brings back a deleted person with their whole file.
    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "恢复已删除的人员 / Restore a deleted person.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "身份证号或档案编号 / Id number or record id.") var person: String

        func run() throws {
            try global.run { registry in
                let person = try registry.restore(self.person)
                Console.out(
                    global.lang == .zh
                        ? "已恢复：\(person.name) \(person.idNumber)" : "Restored: \(person.name) \(person.idNumber)")
            }
        }
    }
}
