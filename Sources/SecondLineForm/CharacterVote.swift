import Foundation

/// Settles readings of Chinese text that differ in a character or two (海晟 / 海晨, 聚乙烦 / 聚乙烯) by a
/// third network's vote on each differing character. `chi_sim` and `HanS` are unsure of different rare
/// characters; `chi_tra` is trained on other text again, so where it names one of the two candidates
/// two of three networks agree on that character.
enum CharacterVote {
    /// A vote's outcome: the first reading's characters, with the winner at each position that differed.
    struct Outcome: Equatable, Sendable {
        /// Position (in the compact reading, whitespace removed) → the character chosen there.
        var choices: [Int: Character]
        /// The compact reading with the choices made.
        var text: String
    }

    /// The most characters two readings may differ in for a vote; more means the readings are not of
    /// one text read twice with a slip, but of a line misread.
    static let mostDifferences = 2

    /// What a third reading says about two that differ.
    enum Verdict: Equatable, Sendable {
        case settled(Outcome)
        /// The third reading names another character where the two differ or where they agree: the
        /// line holds a character no reading may have right (宁波鑫达 read 夸, 侈 and 鑫).
        case contradicted
        /// The third reading does not line up with the two, or is unsure where it would decide.
        case undecided

        var outcome: Outcome? { if case .settled(let o) = self { o } else { nil } }
    }

    /// The positions where `first` and `second` (compact readings of one line) differ, when a vote can
    /// settle them: one length, 1…`mostDifferences` differing characters, at most two fifths of the line
    /// (聚乙米颗粒 / 肾乙烯颗粒), all of them Chinese characters. Nil otherwise.
    static func differences(_ first: String, _ second: String) -> [Int]? {
        let a = Array(first), b = Array(second)
        guard a.count == b.count, !a.isEmpty else { return nil }
        let differing = a.indices.filter { a[$0] != b[$0] }
        guard (1...mostDifferences).contains(differing.count), differing.count * 5 <= a.count * 2,
              differing.allSatisfy({ a[$0].isHan && b[$0].isHan }) else { return nil }
        return differing
    }

    /// `third`: the third network's compact reading; `thirdConfidence`: per character of it, the
    /// confidence of the word it was read in. Settled when the third names every character the two share
    /// and exactly one of the two at each position they differ, there with at least `minimumConfidence`.
    /// A third reading that names a shared character otherwise contradicts: that character may be misread
    /// by both (洋山港区四期码买 for …码头).
    static func settle(_ first: String, _ second: String, third: String, thirdConfidence: [Double]? = nil,
                       minimumConfidence: Double = 0) -> Verdict {
        guard let differing = differences(first, second) else { return .undecided }
        let a = Array(first), b = Array(second), c = Array(third)
        guard c.count == a.count else { return .undecided }
        guard a.indices.allSatisfy({ a[$0] != b[$0] || simplified(c[$0]).contains(a[$0]) }) else { return .contradicted }
        var choices: [Int: Character] = [:]
        var voted = a
        for i in differing {
            let named = simplified(c[i])
            let picks = [a[i], b[i]].filter { named.contains($0) }
            if picks.isEmpty { return .contradicted }
            guard picks.count == 1, confidence(at: i, in: thirdConfidence, of: c) >= minimumConfidence else { return .undecided }
            choices[i] = picks[0]
            voted[i] = picks[0]
        }
        return .settled(Outcome(choices: choices, text: String(voted)))
    }

    /// The confidence of character `i` of `reading`: 1 when none are given (tests), 0 when they do not
    /// line up with the reading.
    private static func confidence(at i: Int, in confidences: [Double]?, of reading: [Character]) -> Double {
        guard let confidences else { return 1 }
        return confidences.count == reading.count ? confidences[i] : 0
    }

    /// A reading's compact text and, per character, the confidence of the word it was read in.
    static func characterConfidences(_ words: [ReadWord]) -> (text: String, confidence: [Double]) {
        var text = "", confidence: [Double] = []
        for word in words {
            let chars = FieldParser.compact(word.text)
            text += chars
            confidence += Array(repeating: word.confidence, count: chars.count)
        }
        return (text, confidence)
    }

    /// Per character of `text` (a reading in a field's canonical form), the confidence of the word it was
    /// read in, from the reading's own characters (`read`); lined up by `lineUp` when canonical removed
    /// marks. 0 where it does not line up, so that no vote rests there.
    static func confidences(of text: String, from read: (text: String, confidence: [Double])) -> [Double] {
        let a = Array(text)
        guard read.confidence.count == read.text.count, let place = lineUp(a, Array(read.text)) else { return Array(repeating: 0, count: a.count) }
        return a.indices.map { place[$0].map { read.confidence[$0] } ?? 0 }
    }

    /// A reading's compact text and the positions in it of the Chinese characters of words read with
    /// less than `below` confidence.
    static func doubtful(_ words: [ReadWord], below: Double) -> (text: String, positions: Set<Int>) {
        let (text, confidence) = characterConfidences(words)
        let chars = Array(text)
        return (text, Set(chars.indices.filter { confidence[$0] < below && chars[$0].isHan }))
    }

    /// What a third reading says about characters two readings agree on.
    enum Check: Equatable, Sendable { case confirmed, contradicted, undecided }

    /// Whether the third reading names the characters of `text` at `positions`, lined up character by
    /// character, or by letters, digits and Chinese characters when marks make the lengths differ
    /// (`数控机床零件,` and `數控機床零件`). `thirdConfidence`: per character of `third`. Contradicted when it
    /// names another character at one of them with at least `minimumConfidence`; undecided when it does
    /// not line up, or is unsure.
    static func confirms(_ text: String, at positions: Set<Int>, third: String, thirdConfidence: [Double]? = nil,
                         minimumConfidence: Double = 0) -> Check {
        let a = Array(text), c = Array(third)
        guard let place = lineUp(a, c) else { return .undecided }
        var unsure = false
        for p in positions {
            guard let q = place[p] else { return .undecided }
            let named = simplified(c[q]).contains(a[p])
            let sure = confidence(at: q, in: thirdConfidence, of: c) >= minimumConfidence
            if !named && sure { return .contradicted }
            if !named || !sure { unsure = true }
        }
        return unsure ? .undecided : .confirmed
    }

    /// Whether the third reading, aligned to `text` by the fewest edits, names another character at one of
    /// `positions`, or none there (信和 read by both for 信, chi_tra 信電): at any confidence. A position
    /// counts as named only when every such alignment pairs it with its character (an extra 司 in 公司司 is
    /// either one). False when a reading of another length lines up on fewer than half of `text`'s
    /// characters (a reading of something else, or nothing).
    static func namesOtherwise(_ text: String, at positions: Set<Int>, third: String) -> Bool {
        let a = Array(text), c = Array(third)
        guard !a.isEmpty, !c.isEmpty else { return false }
        let same = { (i: Int, j: Int) in simplified(c[j]).contains(a[i]) }
        // cost[i][j]: edits between a[i...] and c[j...].
        var cost = Array(repeating: Array(repeating: 0, count: c.count + 1), count: a.count + 1)
        for i in (0...a.count).reversed() {
            for j in (0...c.count).reversed() {
                if i == a.count { cost[i][j] = c.count - j; continue }
                if j == c.count { cost[i][j] = a.count - i; continue }
                cost[i][j] = min(cost[i + 1][j + 1] + (same(i, j) ? 0 : 1), cost[i + 1][j] + 1, cost[i][j + 1] + 1)
            }
        }
        // Two alignments of fewest edits: one pairs characters as early as it can, one skips first.
        func matched(pairingFirst: Bool) -> Set<Int> {
            var i = 0, j = 0, found: Set<Int> = []
            while i < a.count && j < c.count {
                let pair = same(i, j) && cost[i][j] == cost[i + 1][j + 1]
                if pair && pairingFirst { found.insert(i); i += 1; j += 1 }
                else if cost[i][j] == cost[i + 1][j] + 1 { i += 1 }
                else if cost[i][j] == cost[i][j + 1] + 1 { j += 1 }
                else if pair { found.insert(i); i += 1; j += 1 }
                else { i += 1; j += 1 }
            }
            return found
        }
        let named = matched(pairingFirst: true).intersection(matched(pairingFirst: false))
        guard a.count == c.count || named.count * 2 >= a.count else { return false }
        return !positions.isSubset(of: named)
    }

    /// Position in `a` → position in `c`: one for one when the lengths are equal, else by the letters,
    /// digits and Chinese characters of each when they are as many. Nil when neither lines up.
    static func lineUp(_ a: [Character], _ c: [Character]) -> [Int: Int]? {
        if a.count == c.count { return Dictionary(uniqueKeysWithValues: a.indices.map { ($0, $0) }) }
        let significant = { (s: [Character]) in s.indices.filter { s[$0].isLetter || s[$0].isNumber || s[$0].isHan } }
        let sa = significant(a), sc = significant(c)
        guard sa.count == sc.count, !sa.isEmpty else { return nil }
        return Dictionary(uniqueKeysWithValues: zip(sa, sc).map { ($0, $1) })
    }

    /// `text` with the outcome's choices made, where `text` is a spacing of the reading the vote was on
    /// (its non-whitespace characters are the compact first reading). Nil when it is not.
    static func apply(_ outcome: Outcome, to text: String, compactFirst: String) -> String? {
        let first = Array(compactFirst)
        guard text.filter({ !$0.isWhitespace }).count == first.count else { return nil }
        var out = ""
        var index = 0
        for ch in text {
            if ch.isWhitespace { out.append(ch); continue }
            if let choice = outcome.choices[index] {
                guard ch == first[index] else { return nil }
                out.append(choice)
            } else {
                out.append(ch)
            }
            index += 1
        }
        return out
    }

    /// A character of the third reading and the Simplified characters it stands for (itself included).
    static func simplified(_ c: Character) -> Set<Character> {
        var names: Set<Character> = [c]
        if let more = traditionalToSimplified[c] { names.formUnion(more) }
        return names
    }

    /// `text` with each Traditional character replaced by its first Simplified form (數量 → 数量).
    static func simplifiedText(_ text: String) -> String {
        String(text.map { traditionalToSimplified[$0]?.first ?? $0 })
    }

    /// OpenCC's table of Traditional characters and their Simplified forms (a bundled data file).
    static let traditionalToSimplified: [Character: [Character]] = {
        guard let url = Bundle.module.url(forResource: "traditional-to-simplified", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            // Without the file a Traditional character names only itself: fewer votes, no wrong one.
            return [:]
        }
        return parseTable(text)
    }()

    /// `T<TAB>S1 S2` lines; `#` begins a comment line.
    static func parseTable(_ text: String) -> [Character: [Character]] {
        var table: [Character: [Character]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t")
            guard parts.count == 2, parts[0].count == 1, let key = parts[0].first else { continue }
            table[key] = parts[1].split(separator: " ").compactMap { $0.count == 1 ? $0.first : nil }
        }
        return table
    }
}
