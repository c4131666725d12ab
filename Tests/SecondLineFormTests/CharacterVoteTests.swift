import Testing
import SecondLineModel
@testable import SecondLineForm

@Suite("A third network's vote on characters two readings differ in")
struct CharacterVoteTests {
    @Test("the bundled Traditional → Simplified table is read")
    func table() throws {
        #expect(CharacterVote.traditionalToSimplified.count > 4000)
        #expect(CharacterVote.simplified("鋁") == ["鋁", "铝"])
        #expect(CharacterVote.simplified("晟") == ["晟"])
    }

    @Test("the table's comment lines and malformed lines are skipped; a character may stand for several")
    func parseTable() {
        let table = CharacterVote.parseTable("# comment\n乾\t干 乾\n鋁\t铝\nbad line\n兩字\t两\n")
        #expect(table.count == 2)
        #expect(table["乾"] == ["干", "乾"])
        #expect(table["鋁"] == ["铝"])
    }

    @Test("confidences follow the characters when canonical removed a speck")
    func confidencesLineUp() {
        let read = (text: "聚乙烯顆粒.", confidence: [0.9, 0.8, 0.7, 0.6, 0.5, 0.1])
        #expect(CharacterVote.confidences(of: "聚乙烯顆粒", from: read) == [0.9, 0.8, 0.7, 0.6, 0.5])
        #expect(CharacterVote.confidences(of: "聚乙烯", from: read) == [0, 0, 0])
    }

    @Test("a vote needs the differences to be at most two fifths of the line")
    func twoFifths() {
        #expect(CharacterVote.differences("天津海晨物流公丁", "天津海晟物流公司") == [3, 7])   // 2 of 8
        #expect(CharacterVote.differences("晨物流公丁", "晟物流公司") == [0, 4])             // 2 of 5
        #expect(CharacterVote.differences("晨物公丁", "晟物公司") == nil)                     // 2 of 4
        #expect(CharacterVote.differences("晨物", "晟物") == nil)                             // 1 of 2
        #expect(CharacterVote.differences("天津海晨", "天津海晨") == nil)                     // none
    }

    @Test("the third reading names one candidate at each differing character",
          arguments: [
              ("苏州海晟进出口有限公司", "苏州海晨进出口有限公司", "蘇州海晟進出口有限公司", "苏州海晟进出口有限公司"),
              ("材质:6063钻合金", "材质:6063铝合金", "材質:6063鋁合金", "材质:6063铝合金"),
              ("天津海晨物流有限公丁", "天津海晟物流有限公司", "天津海晟物流有限公司", "天津海晟物流有限公司"),
              ("聚乙米颗粒", "肾乙烯颗粒", "聚乙烯顆粒", "聚乙烯颗粒"),                          // two of five, one from each
          ])
    func settles(first: String, second: String, third: String, voted: String) throws {
        let outcome = try #require(CharacterVote.settle(first, second, third: third).outcome)
        #expect(outcome.text == voted)
    }

    @Test("no vote when the third reading does not decide, or does not line up",
          arguments: [
              ("海口佬达精密机械有限公司", "海口狗达精密机械有限公司", "海口侈達精密机械有限公司"),  // names neither
              ("苏州海晟进出口", "苏州海晨进出口", "苏州海晟进出口公司"),                      // another length
              ("苏州海晟进出口有限公司", "苏州海晨进出口有限公司", "支州海晟進出口有限公司"),  // 苏 read otherwise
              ("洋而港区四期码买", "洋山港区四期码买", "洋山港區四期碼豆"),                    // 买 may be misread by both
              ("USD/6404/3", "USD/640473", "USD/6404/3"),                                    // not Chinese characters
              ("聚乙米颗粒", "肾乙烯颗粒", "聚乙煥顆粒"),                                      // 煥 names neither
              ("乾燥剂", "干燥剂", "乾燥劑"),                                                  // 乾 stands for both 乾 and 干
              ("胡和", "胡磊", "胡磊"),                                                        // half the line differs
          ])
    func noVote(first: String, second: String, third: String) {
        #expect(CharacterVote.settle(first, second, third: third).outcome == nil)
    }

    @Test("a third reading naming another character contradicts; one unsure where it decides is undecided")
    func verdicts() {
        // 鑫 read 夸 by chi_sim and 侈 by HanS: chi_tra's 鑫 names neither, so no later reading may vote.
        #expect(CharacterVote.settle("宁波夸达电子", "宁波侈达电子", third: "宁波鑫達電子") == .contradicted)
        #expect(CharacterVote.settle("洋而港区四期码买", "洋山港区四期码买", third: "洋山港區四期碼豆") == .contradicted)
        #expect(CharacterVote.settle("苏州海晟进出口", "苏州海晨进出口", third: "苏州海晟进出口公司") == .undecided)
        let unsure: [Double] = [0.77, 0.77, 0.13, 0.9, 0.9, 0.9]
        #expect(CharacterVote.settle("宁波夸达电子", "宁波侈达电子", third: "宁波侈達電子", thirdConfidence: unsure, minimumConfidence: 0.4) == .undecided)
        let sure: [Double] = [0.77, 0.77, 0.74, 0.9, 0.9, 0.9]
        #expect(CharacterVote.settle("宁波夸达电子", "宁波侈达电子", third: "宁波侈達電子", thirdConfidence: sure, minimumConfidence: 0.4).outcome?.text == "宁波侈达电子")
        // Confidences that do not line up with the reading decide nothing.
        #expect(CharacterVote.settle("宁波夸达电子", "宁波侈达电子", third: "宁波侈達電子", thirdConfidence: [], minimumConfidence: 0.4) == .undecided)
    }

    @Test("an agreement one network had no confidence in is checked at that word's Chinese characters only")
    func doubtfulAgreement() {
        let box = PixelBox(x: 0, y: 0, width: 10, height: 10)
        let words = [ReadWord(text: "宁波", box: box, confidence: 0.93), ReadWord(text: "嘉", box: box, confidence: 0.74),
                     ReadWord(text: "不", box: box, confidence: 0.0), ReadWord(text: "精密机械", box: box, confidence: 0.95)]
        let doubt = CharacterVote.doubtful(words, below: 0.1)
        #expect(doubt.text == "宁波嘉不精密机械")
        #expect(doubt.positions == [3])
        #expect(CharacterVote.confirms(doubt.text, at: doubt.positions, third: "宁波嘉禾精密机械") == .contradicted)
        #expect(CharacterVote.confirms(doubt.text, at: doubt.positions, third: "寧彼嘉不精密機械") == .confirmed)  // misreads elsewhere do not count
        #expect(CharacterVote.confirms(doubt.text, at: doubt.positions, third: "宁波嘉不精密机") == .undecided)   // does not line up
        let unsure: [Double] = [0.9, 0.9, 0.9, 0.2, 0.9, 0.9, 0.9, 0.9]
        #expect(CharacterVote.confirms(doubt.text, at: doubt.positions, third: "宁波嘉不精密机械", thirdConfidence: unsure, minimumConfidence: 0.4) == .undecided)
        // Only a sure reading of another character contradicts.
        #expect(CharacterVote.confirms(doubt.text, at: doubt.positions, third: "宁波嘉禾精密机械", thirdConfidence: unsure, minimumConfidence: 0.4) == .undecided)
        // A mark read by one network only does not stop the characters lining up.
        #expect(CharacterVote.confirms("数控机床零件,", at: [5], third: "數控機床零件") == .confirmed)
        #expect(CharacterVote.confirms("数控机床零件,", at: [5], third: "數控機床零部") == .contradicted)
        // A doubtful mark or digit is not a character the Traditional model can check.
        #expect(CharacterVote.doubtful([ReadWord(text: "657个", box: box, confidence: 0.9), ReadWord(text: "-", box: box, confidence: 0.05)], below: 0.1).positions.isEmpty)
    }

    @Test("a Traditional reading is put in Simplified characters for matching a table's names")
    func simplifiedText() {
        #expect(CharacterVote.simplifiedText("64千克") == "64千克")
        #expect(CharacterVote.simplifiedText("3個") == "3个")
        #expect(CharacterVote.simplifiedText("數控機床") == "数控机床")
    }

    @Test("a third reading aligned by edits names another character, or none, at a doubtful place",
          arguments: [
            // 钻 read by both networks for 铝; chi_tra names 鉑 (铂) there.
            ("材质:6063钻合金", Set([7]), "材質:6063鉑合金", true),
            // An extra 和 read by both; chi_tra reads 信 followed by 電 (电): nothing there.
            ("苏州华信和电子科技有限公司", Set([3, 4]), "燭州華信電子科技有限公司", true),
            // Traditional forms of the same characters, and misreads away from the doubtful place, do not count.
            ("苏州华信电子科技有限公司", Set([3]), "燭州華信電子科技有限公司", false),
            // A reading of something else (or of nothing) says nothing.
            ("苏州华信和电子科技有限公司", Set([4]), "报关", false),
            ("苏州华信和电子科技有限公司", Set([4]), "", false),
            // A repeated character read once: either copy may be the one missing.
            ("有限公司司", Set([3]), "有限公司", true),
            ("有限公司司", Set([4]), "有限公司", true),
            // A one-character field is compared one for one.
            ("铝", Set([0]), "鉑", true),
            ("铝", Set([0]), "鋁", false),
          ])
    func namesOtherwise(text: String, doubtful: Set<Int>, third: String, expected: Bool) {
        #expect(CharacterVote.namesOtherwise(text, at: doubtful, third: third) == expected)
    }

    @Test("the choices are made in a spaced text and in a stored value that differs elsewhere")
    func apply() throws {
        let outcome = try #require(CharacterVote.settle("010|材质:6063钻合金", "010|材质:6063铝合金", third: "010|材質:6063鋁合金").outcome)
        #expect(CharacterVote.apply(outcome, to: "010| 材 质 :6063 钻 合金", compactFirst: "010|材质:6063钻合金") == "010| 材 质 :6063 铝 合金")
        #expect(CharacterVote.apply(outcome, to: "0|0|材质:6063钻合金", compactFirst: "010|材质:6063钻合金") == "0|0|材质:6063铝合金")
        // A stored value of another length, or another character where the vote was, is not changed.
        #expect(CharacterVote.apply(outcome, to: "0|0|材质:6063合金", compactFirst: "010|材质:6063钻合金") == nil)
        #expect(CharacterVote.apply(outcome, to: "010|材质:6063铜合金", compactFirst: "010|材质:6063钻合金") == nil)
    }
}
