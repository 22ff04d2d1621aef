import Foundation
import Testing

@testable import RegistryCore

/// What a new clerk typed (issue 37): 浦东 for 浦东新区, old codes that live on in id numbers and in speech, and a
/// name that names only a province or a prefecture.
extension GazetteerTests {
    @Test("新区 is dropped like 区: 浦东, 上海浦东, 滨海 resolve to the district; 清新区 keeps its 新")
    func newDistricts() throws {
        #expect(code("浦东") == "310115" && code("上海浦东") == "310115" && code("上海市浦东") == "310115")
        #expect(code("pudong") == "310115")
        #expect(code("天津滨海") == "120116" && code("沈北") == "210113")
        #expect(code("清新") == "441803")
        let stay = try Validate.place("上海浦东", county: true)
        #expect(stay.code == "310115" && stay.note == nil, "\(stay)")
    }

    @Test("codes and names replaced before 2018 resolve to their successors: 藁城市 130182, 密云县 110228")
    func olderCodes() throws {
        let gaocheng = try Validate.place("130182")
        #expect(gaocheng.code == "130109" && gaocheng.note?.zh.contains("已调整为 130109") == true)
        let miyun = try Validate.place("110228")
        #expect(miyun.code == "110118")
        #expect(code("藁城市") == "130109" && code("密云县") == "110118" && code("石家庄藁城市") == "130109")
    }

    @Test(
        "a stay named only by its province or prefecture is refused, naming the level and examples; a code or a county is taken"
    )
    func tooCoarse() throws {
        for text in ["上海", "上海市", "上海某某路", "武汉", "湖北省武汉市"] {
            #expect(throws: RegistryError.self, "\(text)") { try Validate.place(text, county: true) }
        }
        do {
            _ = try Validate.place("上海某某路", county: true)
        } catch let error as RegistryError {
            #expect(error.message(.zh).contains("只认出省级地名 上海市（310000）：请写到区县"), "\(error.message(.zh))")
        }
        #expect(try Validate.place("上海", county: false).code == "310000", "a risk area or a lead may be a province")
        #expect(try Validate.place("美国", county: true).code == "840", "a country is a place to come from")
        #expect(try Validate.place("310000", county: true).code == "310000", "a code is taken as typed")
    }
}
