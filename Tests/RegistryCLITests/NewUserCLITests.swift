import Foundation
import GRDB
import Testing

/// What a new clerk met at the command line (issue 37), through the built `registry` binary.
@Suite("A new clerk's places", .serialized)
struct NewUserCLITests {
    @Test(
        "上海浦东 while 浦东新区 is a high-risk area: registered as 310115 under 集中隔离, not as 上海市 under 无需管控; 上海 alone is refused naming the level"
    )
    func pudong() throws {
        let helper = LateRiskCLITests()
        let cli = try helper.village()
        try helper.publish(cli, "310115,上海市浦东新区,高,2022-11-01,\n")
        let typed = try cli.run([
            "intake", "--name", "王强", "--id-number", "420102199003071232", "--phone", "13800138000", "--from", "上海浦东",
            "--departed", "2022-11-03", "--arrived", "2022-11-04",
        ])
        #expect(typed.status == 0, "\(typed.err)")
        #expect(!typed.out.contains("无需管控") && !typed.err.contains("不在区划库中"), "\(typed.out)\(typed.err)")
        let arrival = try helper.rows(cli, "SELECT category, json_extract(stays, '$[0].code') FROM arrival")
        #expect(arrival == [["high_risk", "310115"]], "\(arrival)")
        // A name that stops at the province: refused with one line, nothing written.
        let coarse = try cli.run([
            "intake", "--name", "李四", "--id-number", "32010219751201003X", "--phone", "13800138001", "--from", "上海",
            "--departed", "2022-11-03", "--arrived", "2022-11-04",
        ])
        #expect(coarse.status != 0 && coarse.err.contains("只认出省级地名 上海市（310000）：请写到区县"), "\(coarse.err)")
        #expect(try helper.rows(cli, "SELECT count(*) FROM person") == [["1"]])
        // An old code from an id number's era: 藁城市 130182 is registered as 藁城区 130109, with a note.
        let old = try cli.run([
            "intake", "--name", "赵六", "--id-number", "32010219751201003X", "--phone", "13800138001", "--from", "130182",
            "--departed", "2022-11-03", "--arrived", "2022-11-04",
        ])
        #expect(old.status == 0 && (old.out + old.err).contains("已调整为 130109"), "\(old.out)\(old.err)")
    }
}
