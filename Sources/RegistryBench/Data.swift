import Foundation
import RegistryCore

/// Realistic generated data: valid resident IDs, names, phones, a mix of trips from risk areas and elsewhere.
enum BenchData {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")
    /// Areas a trip may come from: high, mid, same-county and low-risk places (see `riskAreasCSV`).
    static let origins: [(code: String, name: String)] = [
        ("420102003", "武汉市江岸区某街道"), ("420102005", "武汉市江岸区另一街道"), ("310115", "上海市浦东新区"),
        ("440106", "广州市天河区"), ("110101", "北京市东城区"), ("510104", "成都市锦江区"), ("330106", "杭州市西湖区"),
    ]
    static let riskAreasCSV = """
        code,name,level,in_force_from,lifted_on
        420102003,武汉市江岸区某街道,高,2022-10-25,
        310115,上海市浦东新区,中,2022-10-20,
        440106,广州市天河区,高,2022-10-28,

        """

    /// Place names as clerks type them, from the gazetteer itself: for each county-level division its short name
    /// after its prefecture's (石家庄藁城), its full name, and its pinyin; every country's name.
    static func placeNames(_ gazetteer: Gazetteer) -> [String] {
        var names: [String] = []
        for code in gazetteer.codes {
            guard let place = gazetteer.place(code: code), place.successor == nil else { continue }
            if place.level == .country {
                names.append(place.name)
                continue
            }
            let parent = place.parent.flatMap { gazetteer.place(code: $0) }
            names.append((parent?.shortNames.first ?? parent?.name ?? "") + (place.shortNames.first ?? place.name))
            names.append(place.name)
            if let pinyin = place.pinyin.first { names.append(pinyin) }
        }
        return names
    }

    /// A valid 18-character resident ID for serial `n` (distinct for distinct n below 10 million).
    static func residentID(_ n: Int) -> String {
        let birth = Day(year: 1950 + n % 50, month: 1 + (n / 50) % 12, day: 1 + (n / 600) % 28)!
        let (y, m, d) = birth.components
        let body = "110105" + String(y) + String(format: "%02d%02d", m, d) + String(format: "%03d", (n / 16_800) % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body.utf8, weights).reduce(0) { $0 + Int($1.0 - 48) * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    /// A CSV of `count` arrivals over the 14 days up to 2022-11-05, Chinese headers, as Excel saves it.
    static func arrivalsCSV(count: Int) -> String {
        var out = "姓名,身份证号,手机号,来源地代码,来源地,离开日期,到达日期,交通方式\r\n"
        out.reserveCapacity(count * 100)
        let end = Day("2022-11-05")!
        for n in 0..<count {
            let origin = origins[n % origins.count]
            let arrived = end.adding(days: -(n % 14))
            let departed = arrived.adding(days: -(n % 3))
            let name = String(surnames[n % surnames.count]) + String(given[(n / 20) % given.count])
            out +=
                "\(name),\(residentID(n)),1\(3 + n % 7)\(String(format: "%09d", n)),\(origin.code),\(origin.name),\(departed),\(arrived),高铁\r\n"
        }
        return out
    }
}
