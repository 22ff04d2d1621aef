import Testing

@testable import RegistryCore

@Suite("Resident ID (GB 11643)")
struct ResidentIDTests {
    @Test(
        "valid numbers, with their birth date and sex",
        arguments: [
            ("420102199003071232", "420102199003071232", "1990-03-07", Sex.male),
            ("11010519491231002X", "11010519491231002X", "1949-12-31", Sex.female),
            ("11010519491231002x", "11010519491231002X", "1949-12-31", Sex.female),  // lower-case x stored upper-case
            ("110105200002290013", "110105200002290013", "2000-02-29", Sex.male),  // 29 Feb, leap year divisible by 400
            ("110105198002290013", "110105198002290013", "1980-02-29", Sex.male),  // 29 Feb of an ordinary leap year
            ("32010219751201003X", "32010219751201003X", "1975-12-01", Sex.male),
            ("４２０１０２１９９００３０７１２３２", "420102199003071232", "1990-03-07", Sex.male),  // full-width, from a Chinese IME
            (" 4201 0219 9003 0712 32 ", "420102199003071232", "1990-03-07", Sex.male),
        ])
    func valid(text: String, stored: String, birth: String, sex: Sex) throws {
        let id = try ResidentID(text)
        #expect(id.number == stored)
        #expect(id.birthDate == Day(birth))
        #expect(id.sex == sex)
        #expect(id.hasKnownProvince)
    }

    @Test(
        "refusals name the id number and the reason",
        arguments: [
            ("420102199003071231", "check character"),  // last digit mistyped
            ("420102199003071332", "check character"),  // a middle digit mistyped
            ("11010519810229001X", "does not exist"),  // 29 February 1981: not a leap year
            ("110105190002290011", "does not exist"),  // 1900 was not a leap year
            ("420102199013071232", "does not exist"),  // month 13
            ("42010219900307123", "18 characters"),  // one digit short
            ("4201021990030712321", "18 characters"),
            ("42010219900307123A", "first 17"),
            ("", "required"),
        ])
    func refused(text: String, reason: String) {
        do {
            _ = try ResidentID(text)
            Issue.record("\(text) was accepted")
        } catch let error as RegistryError {
            #expect(error.field == .idNumber)
            #expect(error.message(.en).contains(reason), "\(error.message(.en))")
            #expect(error.message(.zh).hasPrefix("身份证号："))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a 15-digit legacy number is upgraded to 18 with its check character")
    func legacy() throws {
        let id = try ResidentID("420102850612123")
        #expect(id.number == "420102198506121233")
        #expect(id.wasUpgraded)
        #expect(id.birthDate == Day("1985-06-12"))
    }

    @Test("an unknown province prefix is a warning, not an error")
    func unknownProvince() throws {
        let id = try ResidentID("990102199001010015")
        #expect(!id.hasKnownProvince)
        var f = IntakeForm()
        f.name = "王五"
        f.idNumber = id.number
        f.stays = [.init(code: "420102", to: "2022-07-01")]
        f.arrived = "2022-07-02"
        let intake = try f.validated(today: Day("2022-07-10")!)
        #expect(intake.warnings.count == 1)
    }

    @Test("a birth date after today is refused")
    func futureBirth() {
        #expect(throws: RegistryError.self) { try ResidentID("420102200101010017", today: Day("2000-12-31")!) }
    }
}

@Suite("Phones, codes, dates")
struct FieldValidationTests {
    @Test(
        "phones",
        arguments: [
            ("13800138000", "13800138000"), ("+86 138 0013 8000", "13800138000"), ("138-0013-8000", "13800138000"),
            ("8613800138000", "13800138000"), ("0086 13800138000", "13800138000"), ("１９９１２３４５６７８", "19912345678"),
        ])
    func phones(text: String, stored: String) throws {
        #expect(try Validate.phone(text) == stored)
    }

    @Test(
        "bad phones are refused naming the phone field",
        arguments: ["12800138000", "1380013800", "138001380001", "010-12345678", "abc"])
    func badPhones(text: String) {
        #expect { try Validate.phone(text) } throws: { ($0 as? RegistryError)?.field == .phone }
    }

    @Test("area codes are 6, 9 or 12 digits")
    func areaCodes() throws {
        #expect(try Validate.areaCode("420102") == "420102")
        #expect(try Validate.areaCode("420102001") == "420102001")
        #expect(try Validate.areaCode("420102001001") == "420102001001")
        for bad in ["42010", "4201020", "42010200100", "42010A", ""] {
            #expect(throws: RegistryError.self) { try Validate.areaCode(bad) }
        }
    }

    @Test("dates: real days only, in the forms clerks write")
    func dates() throws {
        #expect(Day("2024-02-29") != nil)
        #expect(Day("2023-02-29") == nil)
        #expect(Day("2100-02-29") == nil)
        #expect(Day("2022/7/1") == Day("2022-07-01"))
        #expect(Day("20220701") == Day("2022-07-01"))
        #expect(Day("2022-13-01") == nil)
        #expect(Day("22-07-01") == nil)
        #expect(Day("2022-07-01")!.adding(days: 31).description == "2022-08-01")
        #expect(Day("2024-12-31")!.adding(days: 1).description == "2025-01-01")
        #expect(Day("1970-01-01")!.ordinal == 0)
    }

    @Test("a refusal reads as one line naming the field, in both languages")
    func messages() {
        let error = RegistryError.badDate(.arrived, "2022-02-30")
        #expect(error.message(.zh) == "到达日期：“2022-02-30”不是有效日期（格式 YYYY-MM-DD）")
        #expect(error.message(.en) == "arrived: \"2022-02-30\" is not a valid date (YYYY-MM-DD)")
        #expect(!error.message(.zh).contains("\n"))
    }
}

@Suite("Display width")
struct DisplayWidthTests {
    @Test func widths() {
        #expect("abc".displayWidth == 3)
        #expect("张三".displayWidth == 4)
        #expect("Ａ１".displayWidth == 4)
        #expect("高风险区 a".displayWidth == 10)
    }

    @Test("a table of Chinese names lines up by display width")
    func alignedTable() {
        let table = TextTable(headers: ["姓名", "#编号"], rows: [["张三", "#1"], ["欧阳娜娜", "#2"], ["Li", "#3"]])
        let lines = table.aligned.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        // The display column where the second cell starts is the same on every line.
        let secondStarts = lines.filter { !$0.hasPrefix("-") }.map { line in
            String(line.prefix { $0 != "#" }).displayWidth
        }
        #expect(Set(secondStarts).count == 1, "\(lines)")
    }
}
