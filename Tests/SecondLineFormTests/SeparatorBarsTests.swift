import Testing
import SecondLineModel
@testable import SecondLineForm

/// Boxes measured on a generated form at 300 DPI: digits and capitals 24 px tall, a printed bar 3 × 34 px
/// reaching below the baseline.
@Suite("Separators settled by the printed bars")
struct SeparatorBarsTests {
    static func box(_ x0: Int, _ x1: Int, _ y0: Int = 26, _ y1: Int = 50) -> PixelBox { PixelBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0) }
    static func bar(_ x: Int) -> PixelBox { box(x, x + 3, 18, 52) }
    /// One word from (character, box) pairs.
    static func word(_ symbols: [(String, PixelBox)]) -> ReadWord {
        let boxes = symbols.map(\.1)
        let x0 = boxes.map(\.x).min() ?? 0, x1 = boxes.map { $0.x + $0.width }.max() ?? 0
        return ReadWord(text: symbols.map(\.0).joined(), box: box(x0, x1, 18, 52), confidence: 0.9,
                        symbols: symbols.map { ReadSymbol(text: $0.0, box: $0.1) })
    }
    static func text(_ words: [ReadWord]?) -> String? { words.map { $0.map(\.text).joined(separator: " ") } }

    @Test("a bar read twice ('0|10|'): the character with no ink of its own beside the separator is dropped")
    func doubledBar() {
        let words = [Self.word([("0", Self.box(15, 30)), ("|", Self.box(40, 43, 18, 52)), ("1", Self.box(43, 54, 18, 52)),
                                ("0", Self.box(52, 67)), ("|", Self.box(77, 80, 18, 52))])]
        let ink = [Self.box(15, 30), Self.bar(40), Self.box(52, 67), Self.bar(77)]
        #expect(Self.text(SeparatorBars.resolve(words, ink: ink)) == "0|0|")
    }

    @Test("a bar read as 1 or l is the separator")
    func barReadAsOne() {
        let words = [Self.word([("0", Self.box(15, 30)), ("1", Self.box(40, 43, 18, 52)), ("0", Self.box(52, 67)), ("l", Self.box(77, 80, 18, 52))])]
        let ink = [Self.box(15, 30), Self.bar(40), Self.box(52, 67), Self.bar(77)]
        #expect(Self.text(SeparatorBars.resolve(words, ink: ink)) == "0|0|")
    }

    @Test("'ACMEI|': an I read between a letter and the bar, where there is no ink, is dropped")
    func phantomBeforeBar() {
        let words = [Self.word([("A", Self.box(453, 470)), ("C", Self.box(462, 479, 10, 62)), ("M", Self.box(475, 498)),
                                ("E", Self.box(505, 518)), ("I", Self.box(514, 525, 10, 62)), ("|", Self.box(527, 530, 18, 52))])]
        let ink = [Self.box(453, 470), Self.box(475, 498), Self.box(505, 518), Self.bar(527)]
        #expect(Self.text(SeparatorBars.resolve(words, ink: ink)) == "ACME|")
    }

    @Test("a 1 of letter height beside a bar is a digit and stays ('X1001|')")
    func realDigitBesideBar() {
        let words = [Self.word([("X", Self.box(0, 15)), ("1", Self.box(18, 28)), ("0", Self.box(30, 45)), ("0", Self.box(48, 63)),
                                ("1", Self.box(66, 76)), ("|", Self.box(84, 87, 18, 52))])]
        let ink = [Self.box(0, 15), Self.box(19, 27), Self.box(30, 45), Self.box(48, 63), Self.box(67, 75), Self.bar(84)]
        #expect(Self.text(SeparatorBars.resolve(words, ink: ink)) == "X1001|")
    }

    @Test("a bar inside a Chinese character's box, read as nothing ('0|0|英品'), is a separator unread; each bar read is none")
    func barReadAsNothing() {
        let head = [("0", Self.box(15, 30)), ("|", Self.box(40, 43, 18, 52)), ("0", Self.box(52, 67)), ("|", Self.box(77, 80, 18, 52))]
        let ink = [Self.box(15, 30), Self.bar(40), Self.box(52, 67), Self.bar(77), Self.box(90, 120, 18, 52), Self.bar(124), Self.box(130, 160, 18, 52)]
        // 英's box reaches over the bar between the two characters.
        let dropped = SeparatorBars.resolve([Self.word(head + [("英", Self.box(90, 128, 18, 52)), ("品", Self.box(130, 160, 18, 52))])], ink: ink)
        #expect(Self.text(dropped) == "0|0|英品")
        #expect(SeparatorBars.barsUnread(dropped ?? [], ink: ink))
        let read = SeparatorBars.resolve([Self.word(head + [("英", Self.box(90, 120, 18, 52)), ("|", Self.box(123, 127, 18, 52)), ("品", Self.box(130, 160, 18, 52))])], ink: ink)
        #expect(Self.text(read) == "0|0|英|品")
        #expect(!SeparatorBars.barsUnread(read ?? [], ink: ink))
    }

    @Test("what the ink cannot settle is left to the caller (nil)")
    func unsettled() {
        let digits = [("0", Self.box(15, 30)), ("0", Self.box(52, 67))]
        let ink = [Self.box(15, 30), Self.box(52, 67)]
        // A '|' over a glyph of letter height: a 1, l or I, but which one?
        #expect(SeparatorBars.resolve([Self.word(digits + [("|", Self.box(80, 88))])], ink: ink + [Self.box(81, 87)]) == nil)
        // A bar that no character's box reaches: a separator was read as nothing.
        #expect(SeparatorBars.resolve([Self.word(digits + [("1", Self.box(80, 88))])], ink: ink + [Self.box(81, 87), Self.bar(200)]) == nil)
        // A bar inside a letter's box: the bar was read as that letter.
        #expect(SeparatorBars.resolve([Self.word(digits + [("|", Self.box(77, 80, 18, 52)), ("L", Self.box(95, 110))])],
                                      ink: ink + [Self.bar(77), Self.bar(100)]) == nil)
        // An inkless 1 beside a separator whose box holds a glyph of letter height as well: that may be the 1's.
        #expect(SeparatorBars.resolve([Self.word(digits + [("|", Self.box(72, 95, 18, 52)), ("1", Self.box(95, 105))])],
                                      ink: ink + [Self.bar(77), Self.box(84, 92)]) == nil)
        // A bracket as tall as a bar is wider than one stroke: read as 1, it is no separator (and a glyph too tall for a letter).
        #expect(SeparatorBars.resolve([Self.word(digits + [("1", Self.box(80, 90, 18, 52))])], ink: ink + [Self.box(81, 89, 18, 52)]) == nil)
        // An inkless 1 with no separator beside it.
        #expect(SeparatorBars.resolve([Self.word(digits + [("1", Self.box(32, 48))])], ink: ink) == nil)
        // Fewer than two digits or capitals to measure a letter's height by.
        #expect(SeparatorBars.resolve([Self.word([("0", Self.box(15, 30)), ("1", Self.box(40, 43, 18, 52))])],
                                      ink: [Self.box(15, 30), Self.bar(40)]) == nil)
        // Words whose characters do not make up their text.
        var broken = Self.word(digits + [("1", Self.box(40, 43, 18, 52))])
        broken.text = "0 0"
        #expect(SeparatorBars.resolve([broken], ink: ink + [Self.bar(40)]) == nil)
    }

    @Test("a line with no bar-like character is returned as read")
    func nothingToSettle() {
        let words = [Self.word([("用", Self.box(90, 118, 23, 52))]), Self.word([("途", Self.box(124, 154, 23, 54))])]
        #expect(SeparatorBars.resolve(words, ink: []) == words)
    }

    @Test("a Chinese character's tall stroke in its own box is no separator and settles nothing away")
    func chineseStroke() {
        let words = [Self.word([("0", Self.box(15, 30)), ("1", Self.box(40, 43, 18, 52)), ("0", Self.box(52, 67)), ("|", Self.box(77, 80, 18, 52)),
                                ("川", Self.box(90, 118, 20, 53))])]
        let ink = [Self.box(15, 30), Self.bar(40), Self.box(52, 67), Self.bar(77), Self.box(92, 95, 20, 53), Self.box(102, 105, 22, 50), Self.box(112, 115, 20, 53)]
        #expect(Self.text(SeparatorBars.resolve(words, ink: ink)) == "0|0|川")
    }

    @Test("a small letter among capitals that looks like its capital cannot be taken")
    func mixedCase() {
        #expect(PageReader.specificationProblem("0|0|用途:乘用车|品牌:AuTO")?.contains("'u'") == true)
        #expect(PageReader.specificationProblem("0|0|电压:3.7V|容量:3000mAh") == nil)
        #expect(PageReader.specificationProblem("0|0|品牌:ACME|型号:X100") == nil)
        #expect(PageReader.specificationProblem("9|0|材质:不锈钢")?.contains("brand type") == true)
    }
}

@Suite("Where a value begins after its label's colon")
struct ValueStartTests {
    static let mm = 300 / 25.4

    @Test("a narrow colon in one word with the value: the value starts where the model placed the colon's end")
    func narrowColon() {
        // ';天津' at 300 DPI: the semicolon 6 px wide, each Chinese character about 30 px.
        let symbols = [ReadSymbol(text: ";", box: PixelBox(x: 300, y: 0, width: 6, height: 30)),
                       ReadSymbol(text: "天", box: PixelBox(x: 318, y: 0, width: 30, height: 30)),
                       ReadSymbol(text: "津", box: PixelBox(x: 352, y: 0, width: 30, height: 30))]
        let word = ReadWord(text: ";天津", box: PixelBox(x: 300, y: 0, width: 82, height: 30), confidence: 0.5, symbols: symbols)
        let start = PageReader.start(after: 0, in: word, mm: Self.mm)
        #expect(start > 306 && start <= 318)
        // Without the characters' boxes the estimate from the character count stands.
        var plain = word
        plain.symbols = []
        #expect(PageReader.start(after: 0, in: plain, mm: Self.mm) == 300 + Int(82 * 0.2) + Int(0.6 * Self.mm))
        // A placement further right than the estimate is not taken: the estimate never cuts less.
        var late = word
        late.symbols[0].box.x = 370
        #expect(PageReader.start(after: 0, in: late, mm: Self.mm) == PageReader.start(after: 0, in: plain, mm: Self.mm))
    }
}
