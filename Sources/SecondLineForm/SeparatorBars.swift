import SecondLineModel

/// Declaration elements are separated by a bar '|', which OCR confuses with 1, l and I and at times reads
/// twice (`ACMEI|` and `0|10|` for `ACME|` and `0|0|`). Text alone cannot tell `X1001|` from a doubled
/// bar; the ink can. A printed bar is one thin stroke much taller than any digit or capital, and each
/// character the model reads has a box: a bar-like character whose box holds a bar is the separator, one
/// that holds a glyph of letter height is that letter or digit, and one whose box holds no ink of its own
/// beside a separator was read where there is nothing.
enum SeparatorBars {
    /// Characters the models read for a printed bar.
    static let barLike: Set<Character> = ["|", "1", "l", "I", "i", "!", "j", "[", "]"]
    /// Digits and capitals of cap height whose ink is one component: the measure of a letter's height.
    private static let reference: Set<Character> = Set("023456789ABCDEFGHKLMNPRSTUVWXYZ")

    private struct Symbol {
        var word: Int; var text: String; var box: PixelBox
        var character: Character? { text.count == 1 ? text.first : nil }
        var isBarLike: Bool { SeparatorBars.isBarLike(text) }
    }

    /// A single character a model may read for a separator bar.
    private static func isBarLike(_ text: String) -> Bool { text.count == 1 && text.first.map(barLike.contains) == true }

    /// Whether the model placed each of the word's characters (`measure` and `resolve` need every box).
    private static func hasCharacterBoxes(_ word: ReadWord) -> Bool {
        !word.symbols.isEmpty && word.symbols.map(\.text).joined() == word.text
    }

    /// The words' characters, each with the ink components it owns and the components no character's box
    /// reaches, and the height of the line's digits and capitals. Nil when a word has no character boxes or
    /// the line has fewer than two digits or capitals to measure by.
    private static func measure(_ words: [ReadWord], ink: [PixelBox]) -> (symbols: [Symbol], owned: [[PixelBox]], unowned: [PixelBox], letterHeight: Double)? {
        var symbols: [Symbol] = []
        for (index, word) in words.enumerated() {
            guard hasCharacterBoxes(word) else { return nil }
            symbols += word.symbols.map { Symbol(word: index, text: $0.text, box: $0.box) }
        }
        // Each ink component belongs to the character whose box matches its extent best, on its line: the
        // model's boxes can be far too wide (a Chinese character's box reaching over the next digits).
        func overlap(_ a: PixelBox, _ b: PixelBox) -> Double {
            let shared = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
            return shared <= 0 ? 0 : Double(shared) / Double(max(a.x + a.width, b.x + b.width) - min(a.x, b.x))
        }
        var owned = Array(repeating: [PixelBox](), count: symbols.count)
        var unowned: [PixelBox] = []
        for component in ink {
            let best = symbols.indices.filter { sameLine(symbols[$0].box, component) }.max { overlap(symbols[$0].box, component) < overlap(symbols[$1].box, component) }
            if let best, overlap(symbols[best].box, component) > 0 { owned[best].append(component) } else { unowned.append(component) }
        }
        let heights = symbols.indices.compactMap { i -> Int? in
            guard let c = symbols[i].character, reference.contains(c), owned[i].count == 1 else { return nil }
            return owned[i][0].height
        }.sorted()
        guard heights.count >= 2 else { return nil }
        return (symbols, owned, unowned, Double(heights[heights.count / 2]))
    }

    private static func sameLine(_ a: PixelBox, _ b: PixelBox) -> Bool { min(a.y + a.height, b.y + b.height) > max(a.y, b.y) }

    /// One straight stroke much taller than a letter: a bracket （ or the 刂 of 制, as tall, is wider.
    private static func isBar(_ c: PixelBox, letterHeight: Double) -> Bool {
        Double(c.height) >= 1.25 * letterHeight && Double(c.width) <= max(2, 0.16 * Double(c.height))
    }

    /// Whether the ink holds more bars than `settled` (a reading whose separators `resolve` settled) holds
    /// separators: a bar read as nothing, its ink in a Chinese character's box (`英寸品牌` for `英寸|品牌`,
    /// by both networks). A Chinese character with a lone straight stroke (引) counts as a bar too: such a
    /// line is doubted, never changed.
    static func barsUnread(_ settled: [ReadWord], ink: [PixelBox]) -> Bool {
        guard let (_, _, _, letterHeight) = measure(settled, ink: ink) else { return false }
        let bars = ink.filter { isBar($0, letterHeight: letterHeight) }.count
        return bars > settled.map { $0.text.filter { $0 == "|" }.count }.reduce(0, +)
    }

    /// `words` with every bar-like character settled by the ink: bars become '|', doubled or inkless
    /// readings beside a bar are dropped. Nil when any bar-like character cannot be settled (its box holds
    /// something else, the line has no digit or capital to measure by, or a bar was read as nothing).
    /// Words left empty are dropped. `ink`: the boxes of the ink components of the read rectangle.
    static func resolve(_ words: [ReadWord], ink: [PixelBox]) -> [ReadWord]? {
        guard words.allSatisfy(hasCharacterBoxes) else { return nil }
        guard words.contains(where: { $0.symbols.contains { isBarLike($0.text) } }) else { return words }
        guard let (symbols, owned, unowned, letterHeight) = measure(words, ink: ink) else { return nil }
        func isBar(_ c: PixelBox) -> Bool { Self.isBar(c, letterHeight: letterHeight) }
        func isLetter(_ c: PixelBox) -> Bool { Double(c.height) >= 0.6 * letterHeight && Double(c.height) <= 1.15 * letterHeight }
        // A bar that no character's box reaches was not read at all.
        guard !unowned.contains(where: isBar) else { return nil }

        // A bar in the box of a letter or digit was read as that character (a Chinese character's box may
        // hold a stroke as tall).
        for i in symbols.indices where !symbols[i].isBarLike && owned[i].contains(where: isBar) {
            guard let c = symbols[i].character, c.isHan else { return nil }
        }
        var keep = Array(repeating: true, count: symbols.count)
        var replacement: [Int: Character] = [:]
        var isSeparator = Array(repeating: false, count: symbols.count)
        // The model's box of a '|' may reach over pieces of the next Chinese character; a 1, l or I that
        // holds a bar holds nothing of letter height besides.
        for i in symbols.indices where symbols[i].isBarLike && owned[i].filter(isBar).count == 1
            && (symbols[i].text == "|" || !owned[i].contains(where: isLetter)) {
            isSeparator[i] = true
            replacement[i] = "|"
        }
        for i in symbols.indices where symbols[i].isBarLike && !isSeparator[i] {
            let character = symbols[i].character!
            // A separator that also holds other ink may hold this character's: it is no neighbour to drop beside.
            let neighbours = [i - 1, i + 1].filter { symbols.indices.contains($0) && isSeparator[$0] && owned[$0].count == 1 }
            if owned[i].isEmpty {
                // Read where there is no ink of its own: beside a separator, the bar read twice.
                let box = symbols[i].box
                let middle = box.x + box.width / 2
                let inkAtMiddle = ink.filter { sameLine($0, box) && $0.x <= middle && middle < $0.x + $0.width }
                let onNeighbourBar = inkAtMiddle.allSatisfy { c in neighbours.contains { owned[$0].contains(c) } }
                guard !neighbours.isEmpty, onNeighbourBar else { return nil }
                keep[i] = false
            } else if "1lI".contains(character), owned[i].count == 1, isLetter(owned[i][0]) {
                continue
            } else if "ij".contains(character), owned[i].count == 2, owned[i].contains(where: isLetter) {
                continue
            } else {
                return nil
            }
        }
        return words.indices.compactMap { w in
            let indices = symbols.indices.filter { symbols[$0].word == w && keep[$0] }
            guard !indices.isEmpty else { return nil }
            var word = words[w]
            word.symbols = indices.map { ReadSymbol(text: replacement[$0].map(String.init) ?? symbols[$0].text, box: symbols[$0].box) }
            word.text = word.symbols.map(\.text).joined()
            return word
        }
    }
}
