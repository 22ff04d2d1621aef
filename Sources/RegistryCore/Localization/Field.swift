/// A field a clerk fills in, named in both languages so that every refusal can say which field is wrong.
public enum Field: String, Sendable, CaseIterable {
    case village
    case villageName = "village_name"
    case name
    case idType = "id_type"
    case idNumber = "id_number"
    case phone, sex
    case address
    case from = "from_code"
    case fromName = "from_name"
    case stayedFrom = "stayed_from"
    case departed
    case arrived, category, transport
    case healthCode = "health_code"
    case vaccineDoses = "vaccine_doses"
    case source
    case date
    case time = "at"
    case temperature, symptom, result, sampled, person, code, level
    case inForceFrom = "in_force_from"
    case liftedOn = "lifted_on"
    case reason, days, policy, file, lab
    case lead, outcome, deadline, reporter, remarks, format
    case timeZone = "time_zone"
    case companions, household, relation
    case lastContact = "last_contact"
    case headName = "head_name"
    case headIdNumber = "head_id_number"
    case members, grid, visitor, role
    case sweepResult = "sweep_result"
    case due = "due"

    /// The field's name in `language`: the Chinese form label, or the English JSON/CSV column name.
    public func label(_ language: Language) -> String {
        language == .zh ? Field.chinese[self] ?? rawValue : rawValue
    }

    /// The field's name in a web form: the CLI's flag in snake_case (`from`, not the CSV column `from_code`).
    public var formName: String {
        switch self {
        case .from: "from"
        case .idType: "id_type"
        case .sweepResult: "result"
        default: rawValue
        }
    }

    static let chinese: [Field: String] = [
        .village: "村（社区）代码", .villageName: "村（社区）名称", .name: "姓名", .idType: "证件类型",
        .idNumber: "身份证号", .phone: "手机号", .sex: "性别", .address: "住址", .from: "来源地代码",
        .fromName: "来源地", .stayedFrom: "到达来源地日期", .departed: "离开日期", .arrived: "到达日期",
        .category: "人员类别", .transport: "交通方式", .healthCode: "健康码", .vaccineDoses: "疫苗剂次",
        .source: "信息来源", .date: "日期", .time: "时间", .temperature: "体温", .symptom: "症状",
        .result: "检测结果", .sampled: "采样日期", .person: "人员", .code: "区划代码", .level: "风险等级",
        .inForceFrom: "生效日期", .liftedOn: "解除日期", .reason: "原因", .days: "天数", .policy: "政策版本",
        .file: "文件", .lab: "检测机构", .lead: "核查任务", .outcome: "核查结果", .deadline: "截止日期",
        .reporter: "填报人", .remarks: "备注", .format: "格式", .timeZone: "时区",
        .companions: "同行人", .household: "同户", .relation: "关系", .lastContact: "末次接触日期",
        .headName: "户主", .headIdNumber: "户主身份证号", .members: "人口", .grid: "网格", .visitor: "排查人", .role: "角色",
        .sweepResult: "排查结果",
        .due: "完成时限",
    ]
}
