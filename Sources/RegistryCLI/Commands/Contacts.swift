import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry contact add PERSON …`: a contact found by the clerk's own 流调 (流行病学调查).
    struct ContactCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "contact", abstract: "密接关系 / Contacts of a person.", subcommands: [Add.self, Delete.self])

        struct Delete: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "删除误记的密接关系（须说明原因） / Delete a contact link.")

            @OptionGroup var global: GlobalOptions
            @Argument(help: "记录该关系的人（身份证号或档案编号） / The person it was recorded on.") var person: String
            @Option(help: "对方身份证号 / The other's id number.") var idNumber: String
            @Option(help: "只删这种关系 同住|同行|同事|其他 / Only this relation.") var relation: String?
            @Option(help: "原因 / Why.") var reason: String

            func run() throws {
                try global.run { registry in
                    let n = try registry.deleteContact(
                        of: person, idNumber: idNumber, relation: relation, reason: reason)
                    Console.out(
                        global.lang == .zh
                            ? "已删除密接关系 \(n) 条（已定的管控方案不变，需要时请解除或更正）"
                            : "\(n) contact link(s) deleted (plans already set stay; release or correct them if needed)"
                    )
                }
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "登记一名密接 / Record a contact.",
                discussion: "对方不在本村登记时先登记为本村居民（无返乡记录），住在外村的加 --elsewhere（由县里推送外村核查）。"
                    + "若 PERSON 已核酸阳性，立即按现行政策的密接方案管控并安排当日采样。")

            @OptionGroup var global: GlobalOptions
            @Argument(help: "与其接触的人（身份证号或档案编号），通常是阳性 / The person they were with.") var person: String
            @Option(help: "密接姓名 / Name.") var name: String
            @Option(help: "密接身份证号 / Id number.") var idNumber: String
            @Option(help: "手机号 / Phone.") var phone: String?
            @Option(help: "关系 同住|同行|同事|其他.") var relation: String
            @Option(help: "末次接触日期（默认按关系推定） / Last day together.") var lastContact: String?
            @Flag(help: "住在外村：只记录关系，不在本村登记 / Lives in another village.") var elsewhere = false

            func run() throws {
                try global.run { registry in
                    let added = try registry.addContact(
                        to: person, name: name, idNumber: idNumber, phone: phone, relation: relation,
                        lastContact: lastContact, elsewhere: elsewhere)
                    let zh = global.lang == .zh
                    let who = "\(added.person?.name ?? name) \(added.person?.idNumber ?? added.link.idNumber)"
                    var lines = [
                        (zh ? "已记录密接：" : "Contact recorded: ") + who + "（\(added.link.relation.label(global.lang))）"
                            + (added.isNewPerson ? (zh ? "，已登记为本村居民" : ", registered as a resident") : "")
                            + (added.person == nil
                                ? (zh ? "，住在外村，同步后由县里推送核查" : ", lives elsewhere: the county sends a lead after sync")
                                : "")
                    ]
                    if let outcome = added.outcome { lines.append(ContactText.line(outcome, lang: global.lang)) }
                    Console.out(lines.joined(separator: "\n"))
                }
            }
        }
    }

    /// `registry household add PERSON …`: a household member who did not travel, or someone moved into the household.
    struct HouseholdCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "household", abstract: "同户人员 / Household members.", subcommands: [Add.self, Show.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "登记同户人员（未外出的家人） / Add a household member who did not travel.")

            @OptionGroup var global: GlobalOptions
            @Argument(help: "户内已登记的人（身份证号或档案编号） / Someone of the household.") var person: String
            @Option(help: "姓名 / Name.") var name: String
            @Option(help: "身份证号 / Id number.") var idNumber: String
            @Option(help: "手机号 / Phone.") var phone: String?

            func run() throws {
                try global.run { registry in
                    let added = try registry.addHouseholdMember(
                        to: person, name: name, idNumber: idNumber, phone: phone
                    ).get()
                    Console.out(HouseholdText.members(added.members, lang: global.lang))
                    if let outcome = added.contact { Console.out(ContactText.line(outcome, lang: global.lang)) }
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "列出同户人员 / List a household.")

            @OptionGroup var global: GlobalOptions
            @Argument(help: "户内任一人（身份证号或档案编号） / Anyone of the household.") var person: String

            func run() throws {
                try global.run { registry in
                    Console.out(HouseholdText.members(try registry.household(of: person), lang: global.lang))
                }
            }
        }
    }
}

/// How a contact put under the plan reads.
enum ContactText {
    static func line(_ outcome: ContactOutcome, lang: Language) -> String {
        let zh = lang == .zh
        let plan =
            outcome.planChanged
            ? outcome.measure.summary(lang) : (zh ? "已在管控，方案不变" : "already under a plan at least as strict: kept")
        return zh
            ? "  ⚠ \(outcome.person.name) \(outcome.person.idNumber)：\(outcome.reason)，第 0 天 \(outcome.dayZero)；\(plan)；今日采样"
            : "  ⚠ \(outcome.person.name) \(outcome.person.idNumber): close contact (\(outcome.reason)), day 0 \(outcome.dayZero); \(plan); sample today"
    }
}

/// A household as the clerk reads it.
enum HouseholdText {
    static func members(_ members: [Person], lang: Language) -> String {
        let zh = lang == .zh
        var lines = [zh ? "同户共 \(members.count) 人：" : "Household of \(members.count):"]
        for member in members {
            lines.append("  \(member.name)  \(member.idNumber)  \(member.phone ?? "")  \(member.address ?? "")")
        }
        return lines.joined(separator: "\n")
    }
}
