/// The risk category of an arrival, from the riskiest down. The order of `allCases` is the order of risk.
public enum Category: String, Choice {
    case closeContact = "close_contact"
    case inbound
    case highRisk = "high_risk"
    case secondaryContact = "secondary_contact"
    case midRisk = "mid_risk"
    case lowRiskSameCounty = "low_risk_same_county"
    case lowRisk = "low_risk"

    public var chinese: String {
        switch self {
        case .closeContact: "密切接触者"
        case .inbound: "入境人员"
        case .highRisk: "高风险区"
        case .secondaryContact: "密接的密接"
        case .midRisk: "中风险区"
        case .lowRiskSameCounty: "高中风险区所在县其他地区"
        case .lowRisk: "低风险区"
        }
    }

    public var aliases: [String] {
        switch self {
        case .closeContact: ["密接", "密切接触者"]
        case .inbound: ["入境", "入境人员"]
        case .highRisk: ["高风险", "高风险区"]
        case .secondaryContact: ["次密接", "密接的密接"]
        case .midRisk: ["中风险", "中风险区"]
        case .lowRiskSameCounty: ["同县低风险", chinese]
        case .lowRisk: ["低风险", "低风险区"]
        }
    }

    /// The categories a clerk may set by hand, because they are learned from outside the travel history.
    public static let overrides: [Category] = [.closeContact, .secondaryContact, .inbound]

    /// Rank in risk: lower is riskier. Used to pick the riskiest of several stays.
    var rank: Int { Category.allCases.firstIndex(of: self)! }
}

/// What a person is put under (管控措施).
public enum MeasureKind: String, Choice {
    case centralQuarantine = "central_quarantine"
    case homeQuarantine = "home_quarantine"
    case homeHealthMonitoring = "home_health_monitoring"
    case healthMonitoring = "health_monitoring"
    case none

    public var chinese: String {
        switch self {
        case .centralQuarantine: "集中隔离医学观察"
        case .homeQuarantine: "居家隔离医学观察"
        case .homeHealthMonitoring: "居家健康监测"
        case .healthMonitoring: "日常健康监测"
        case .none: "无需管控"
        }
    }

    public var aliases: [String] {
        switch self {
        case .centralQuarantine: [chinese, "集中隔离"]
        case .homeQuarantine: [chinese, "居家隔离"]
        default: [chinese]
        }
    }
}

/// Where a measure stands.
public enum MeasureStatus: String, Choice {
    case none, active, released, extended, transferred, escalated

    public var chinese: String {
        switch self {
        case .none: "无需管控"
        case .active: "管控中"
        case .released: "已解除"
        case .extended: "已延长"
        case .transferred: "已转出"
        case .escalated: "阳性转运"
        }
    }

    /// Whether the person is still under the measure (not released, not handed on).
    public var isOpen: Bool { self == .active || self == .extended || self == .escalated }
}

/// A nucleic-acid test result.
public enum TestResult: String, Choice {
    case pending, negative, positive, invalid

    public var chinese: String {
        switch self {
        case .pending: "待出结果"
        case .negative: "阴性"
        case .positive: "阳性"
        case .invalid: "无效"
        }
    }
}

/// Where the registry learned of an arrival.
public enum ArrivalSource: String, Choice {
    case selfReport = "self_report"
    case countyLead = "county_lead"
    case checkpoint
    case healthFeedback = "health_feedback"
    /// Put under a plan by contact tracing (流调), not by a trip: a household member or companion of a positive.
    case contactTracing = "contact_tracing"

    public var chinese: String {
        switch self {
        case .selfReport: "主动报备"
        case .countyLead: "上级推送"
        case .checkpoint: "卡口登记"
        case .healthFeedback: "卫健反馈"
        case .contactTracing: "流调判定"
        }
    }

    public var aliases: [String] {
        switch self {
        case .selfReport: [chinese, "自报"]
        case .countyLead: [chinese, "大数据推送", "协查"]
        case .checkpoint: [chinese, "卡口"]
        case .healthFeedback: [chinese]
        case .contactTracing: [chinese, "流调"]
        }
    }
}

/// The colour of a health code.
public enum HealthCode: String, Choice {
    case green, yellow, red

    public var chinese: String {
        switch self {
        case .green: "绿码"
        case .yellow: "黄码"
        case .red: "红码"
        }
    }

    public var aliases: [String] {
        switch self {
        case .green: [chinese, "绿"]
        case .yellow: [chinese, "黄"]
        case .red: [chinese, "红"]
        }
    }
}

/// The kind of identity document.
public enum IDType: String, Choice {
    case residentID = "resident_id"
    case passport, other

    public var chinese: String {
        switch self {
        case .residentID: "居民身份证"
        case .passport: "护照"
        case .other: "其他证件"
        }
    }

    public var aliases: [String] {
        switch self {
        case .residentID: [chinese, "身份证"]
        default: [chinese]
        }
    }
}

/// The level of a risk area.
public enum RiskLevel: String, Choice {
    case high, mid

    public var chinese: String { self == .high ? "高风险" : "中风险" }
    public var aliases: [String] { self == .high ? ["高", "高风险", "高风险区"] : ["中", "中风险", "中风险区"] }

    /// The category of a stay inside an area of this level.
    var category: Category { self == .high ? .highRisk : .midRisk }
}

/// A symptom from the screening form: the national form's six (发热、干咳、乏力、咽痛、嗅（味）觉减退、腹泻), the other
/// presentations the ninth edition names (鼻塞、流涕、肌痛、结膜炎), what clerks commonly write (咳嗽、头痛、呼吸困难), and
/// 其他 for a word none of these match: the clerk's own words are kept beside the codes (see `SymptomWords`).
public enum Symptom: String, Choice {
    case fever
    case dryCough = "dry_cough"
    case fatigue
    case soreThroat = "sore_throat"
    case smellTasteLoss = "loss_of_smell_taste"
    case diarrhoea
    case cough
    case nasalCongestion = "nasal_congestion"
    case runnyNose = "runny_nose"
    case muscleAche = "muscle_ache"
    case conjunctivitis
    case headache
    case shortBreath = "short_of_breath"
    case other

    public var chinese: String {
        switch self {
        case .fever: "发热"
        case .dryCough: "干咳"
        case .fatigue: "乏力"
        case .soreThroat: "咽痛"
        case .smellTasteLoss: "嗅（味）觉减退"
        case .diarrhoea: "腹泻"
        case .cough: "咳嗽"
        case .nasalCongestion: "鼻塞"
        case .runnyNose: "流涕"
        case .muscleAche: "肌痛"
        case .conjunctivitis: "结膜炎"
        case .headache: "头痛"
        case .shortBreath: "呼吸困难"
        case .other: "其他"
        }
    }

    public var aliases: [String] {
        switch self {
        // What clerks actually write down, besides the labels of the national form.
        case .fever: [chinese, "发烧", "低烧", "高烧"]
        case .dryCough: [chinese, "干咳嗽"]
        case .fatigue: [chinese, "没力气", "浑身无力", "无力"]
        case .soreThroat: [chinese, "嗓子疼", "嗓子痛", "喉咙痛", "喉咙疼", "咽喉痛", "咽喉疼", "嗓子痒"]
        case .smellTasteLoss:
            [chinese, "嗅觉减退", "味觉减退", "嗅觉丧失", "味觉丧失", "闻不到味", "尝不出味", "loss_of_smell", "loss_of_taste"]
        case .diarrhoea: [chinese, "拉肚子", "拉稀", "diarrhea"]
        case .cough: [chinese, "咳", "有咳嗽", "咳痰"]
        case .nasalCongestion: [chinese, "鼻子堵", "鼻子不通气"]
        case .runnyNose: [chinese, "流鼻涕", "流清涕", "鼻涕"]
        case .muscleAche: [chinese, "肌肉酸痛", "肌肉痛", "浑身酸痛", "全身酸痛", "身上疼"]
        case .conjunctivitis: [chinese, "眼睛红", "红眼"]
        case .headache: [chinese, "头疼", "头痛头晕"]
        case .shortBreath: [chinese, "气短", "气促", "气喘", "喘不上气", "胸闷气短"]
        case .other: [chinese]
        }
    }
}

/// Who raised a lead: the county (协查, contact tracing) or the returnee, declaring at the county's page (返乡报备).
public enum LeadSource: String, Choice {
    case countyLead = "county_lead"
    case selfReport = "self_report"

    public var chinese: String {
        switch self {
        case .countyLead: "上级推送"
        case .selfReport: "自主申报"
        }
    }
}

/// How a county lead was closed by the village.
public enum LeadOutcome: String, Choice {
    case found, absent, unreachable

    public var chinese: String {
        switch self {
        case .found: "已找到并登记"
        case .absent: "不在本村"
        case .unreachable: "无法联系"
        }
    }
}
