import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry assign PERSON --name N --role R --phone P`: who is responsible for a person under a measure (包保).
    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "指定包保责任人 / Make someone responsible for a person.",
            discussion: "角色：村干部|村医|网格员|民警|其他（或 cadre|doctor|grid|police|other）。同一人可有多名包保责任人；"
                + "告知书上印出，registry today --by-responsible 按责任人分别打印。")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "人员（身份证号或档案编号） / The person.") var person: String
        @Option(help: "责任人姓名 / Their name.") var name: String
        @Option(help: "角色 村干部|村医|网格员|民警|其他 / Role.") var role: String
        @Option(help: "责任人手机号 / Their phone.") var phone: String?

        func run() throws {
            try global.run { registry in
                let (person, responsible) = try registry.assign(person, name: name, role: role, phone: phone)
                Console.out(
                    global.lang == .zh
                        ? "\(person.name) 的包保责任人：" + responsible.map(\.label).joined(separator: "、")
                        : "Responsible for \(person.name): "
                            + responsible.map { "\($0.name) (\($0.role.rawValue))" }.joined(separator: ", "))
            }
        }
    }
}
