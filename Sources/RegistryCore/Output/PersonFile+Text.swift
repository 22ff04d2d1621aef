extension Phase {
    /// `集中隔离医学观察 2022-07-01 至 2022-07-07`.
    public func text(_ lang: Language) -> String {
        lang == .zh ? "\(kind.chinese) \(startsOn) 至 \(endsOn)" : "\(kind.rawValue) \(startsOn) to \(endsOn)"
    }
}

extension Measure {
    /// The plan in one line: status and phases, or "no measure".
    public func summary(_ lang: Language) -> String {
        if phases.isEmpty { return MeasureStatus.none.label(lang) }
        let plan = phases.map { $0.text(lang) }.joined(separator: lang == .zh ? "，然后 " : ", then ")
        var line = "\(status.label(lang))：\(plan)"
        if lang == .en { line = "\(status.label(lang)): \(plan)" }
        if let releasedOn { line += lang == .zh ? "（\(releasedOn) 解除）" : " (released \(releasedOn))" }
        return line
    }
}

extension LabTest {
    /// The test as a clerk reads it: the day the sample was taken (with the planned day when it differs) and the
    /// result, or the planned day and that no sample was taken yet.
    public func text(_ lang: Language) -> String {
        let zh = lang == .zh
        guard let sampled = sampledOn else {
            return "\(dueOn.map { "\($0)" } ?? "?") " + (zh ? "待采样" : "not sampled")
        }
        if zh {
            return "\(sampled) 采样" + (dueOn.flatMap { $0 == sampled ? nil : "（应检 \($0)）" } ?? " ") + result.label(lang)
        }
        return "sampled \(sampled)" + (dueOn.flatMap { $0 == sampled ? nil : " (due \($0))" } ?? "") + " "
            + result.label(lang)
    }
}

extension PersonFile {
    /// The file as a clerk reads it on screen.
    public func text(_ lang: Language) -> String {
        let zh = lang == .zh
        var lines: [String] = []
        let p = person
        let sex = p.sex.map { $0.label(lang) } ?? ""
        lines.append("\(p.name)  \(p.idNumber)  \(sex)  \(p.birthDate.map { "\($0)" } ?? "")")
        lines.append(
            (zh ? "手机号：" : "Phone: ") + (p.phone ?? "—") + (zh ? "    住址：" : "    Address: ") + (p.address ?? "—"))
        lines.append((zh ? "档案编号：" : "Record id: ") + p.id)
        if !responsible.isEmpty {
            lines.append(
                (zh ? "包保责任人：" : "Responsible: ")
                    + responsible.map {
                        zh ? $0.label : "\($0.name) (\($0.role.rawValue)\($0.phone.map { ", \($0)" } ?? ""))"
                    }
                    .joined(separator: zh ? "、" : "; "))
        }
        if !household.isEmpty {
            lines.append(
                (zh ? "同户（共 \(household.count + 1) 人）：" : "Household (\(household.count + 1) people): ")
                    + household.map { "\($0.name) \($0.idNumber)" }.joined(separator: zh ? "、" : ", "))
        }
        if !links.isEmpty {
            lines.append(zh ? "密接关系：" : "Contacts:")
            for link in links {
                let who = [link.name, link.idNumber.isEmpty ? nil : link.idNumber].compactMap { $0 }.joined(
                    separator: " ")
                let since = String(link.contact.createdAt.prefix(10))
                if zh {
                    let last = link.contact.lastContactOn.map { "，末次接触 \($0)" } ?? ""
                    lines.append(
                        "  \(link.contact.relation.chinese)  \(who)（\(link.other != nil ? "本村已登记" : "未在本村登记")，"
                            + "\(link.recordedHere ? "本人登记" : "对方登记")，\(since) 起\(last)）")
                } else {
                    let last = link.contact.lastContactOn.map { ", last contact \($0)" } ?? ""
                    lines.append(
                        "  \(link.contact.relation.rawValue)  \(who) (\(link.other != nil ? "registered here" : "not registered here"), "
                            + "\(link.recordedHere ? "named by this person" : "named by them"), since \(since)\(last))")
                }
            }
        }
        for (i, trip) in trips.enumerated() {
            let a = trip.arrival
            lines.append("")
            if a.source == .contactTracing {
                lines.append(
                    zh
                        ? "\(a.arrivedOn) 流调判定为密接，末次接触 \(a.dayZero)"
                        : "\(a.arrivedOn) close contact by tracing, last contact \(a.dayZero)")
            } else {
                lines.append(
                    zh
                        ? "第 \(trips.count - i) 次返乡：\(a.arrivedOn) 到达，\(a.departedOn) 离开来源地"
                        : "Trip \(trips.count - i): arrived \(a.arrivedOn), left \(a.departedOn)")
            }
            for stay in a.stays {
                let span =
                    stay.from.map { zh ? "\($0) 至 \(stay.to)" : "\($0) to \(stay.to)" }
                    ?? (zh ? "\(stay.to) 离开" : "left \(stay.to)")
                lines.append("  " + (zh ? "旅居：" : "Stay: ") + "\(stay.place) \(span)")
            }
            lines.append(
                "  " + (zh ? "类别：" : "Category: ") + a.category.label(lang)
                    + (zh ? "    第 0 天：" : "    Day 0: ") + "\(a.dayZero)" + (zh ? "    政策：" : "    Policy: ")
                    + (zh ? PolicyBook.label(a.policy) : a.policy)
                    + (a.healthCode.map { (zh ? "    健康码：" : "    Health code: ") + $0.label(lang) } ?? ""))
            lines.append("  " + (zh ? "措施：" : "Measure: ") + trip.measure.summary(lang))
            if !trip.tests.isEmpty {
                lines.append(
                    "  " + (zh ? "核酸检测：" : "Tests: ")
                        + trip.tests.map { $0.text(lang) }.joined(separator: zh ? "；" : "; "))
            }
            // The trip's own plan is shown above; plans set by contact tracing say why.
            for event in trip.events
            where event.action != .planned || event.reason.hasPrefix(MeasureEvent.contactReasonPrefix) {
                lines.append("  " + "\(event.onDate) \(event.action.label(lang)) — \(event.reason) (\(event.actor))")
            }
        }
        if !checks.isEmpty {
            lines.append("")
            lines.append(zh ? "体温监测（最近 6 次）：" : "Checks (latest 6):")
            for check in checks.prefix(6) {
                let symptoms = SymptomWords.display(codes: check.symptoms, written: check.symptomsWritten, lang)
                let flag = check.flagged ? (zh ? "  ⚠ 异常" : "  ⚠ abnormal") : ""
                lines.append("  \(check.takenAt)  \(check.temperature)°C  \(symptoms)\(flag)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
