import Foundation
import SecondLineModel

/// Repairs of item values from the redundancy printed on the form: total price = declared quantity ×
/// unit price (rule XF-ITEM-TOTAL, rounded to 2 decimals) and item number = position of the row.
/// Pure functions of plain values, so that each decision can be tested without OCR.
///
/// A repair is made only when exactly one value explains what was read; whatever two values could
/// explain stays a gap, and three confident values that disagree stay as read for XF-ITEM-TOTAL to flag.
enum ItemRepairs {
    /// One numeric item field as read: the accepted value (nil when it became a gap) and the texts the
    /// readings of its pixels produced (first reading, second opinion …).
    struct NumberReading: Sendable, Hashable {
        var value: ExactDecimal?
        var texts: [String]
        /// The accepted value's confidence (0 when gapped).
        var confidence: Double

        init(value: ExactDecimal?, texts: [String], confidence: Double = 0.98) {
            self.value = value
            self.texts = texts
            self.confidence = value == nil ? 0 : confidence
        }
    }

    enum PriceField: String, Sendable, Hashable {
        case declaredQuantity = "declaredQuantity.value"
        case unitPrice, totalPrice

        /// The item field that gaps and findings name (a quantity's gap names value and unit together).
        var itemField: String { self == .declaredQuantity ? "declaredQuantity" : rawValue }
        /// As a broker says it.
        var title: String { switch self { case .declaredQuantity: "declared quantity"; case .unitPrice: "unit price"; case .totalPrice: "total price" } }
    }

    enum PriceOutcome: Sendable, Hashable {
        /// All three were read and quantity × unit price rounds exactly to the total.
        case confirmed(note: String)
        /// All three were read and agree within XF-ITEM-TOTAL's tolerance, but not exactly.
        case withinTolerance(note: String)
        /// All three were read confidently and cannot all be right: kept as read, XF-ITEM-TOTAL reports it.
        case disagree(note: String)
        /// The gapped field is recovered: exactly one of its readings fits the other two values.
        case repaired(PriceField, ExactDecimal, note: String)
        /// The gapped field stays a gap: several values fit, or its readings contradict the product.
        case unresolved(PriceField, note: String)
        /// Too little was read to check anything.
        case undetermined
    }

    /// Below this, an accepted value is not trusted to repair another one.
    static let minimumConfidence = 0.9

    static func product(_ quantity: ExactDecimal, _ unitPrice: ExactDecimal) -> ExactDecimal? {
        quantity.multiplied(by: unitPrice)?.rounded(toPlaces: 2)
    }

    /// Whether quantity × unit price gives the total to the cent and no unit price one digit away gives it
    /// too: then a misread of either price would have broken the product, and the readings settle both.
    static func pricesSettled(quantity: ExactDecimal, unitPrice: ExactDecimal, total: ExactDecimal) -> Bool {
        guard !quantity.isZero, !total.isZero, product(quantity, unitPrice) == total else { return false }
        return oneDigitVariants(of: unitPrice).allSatisfy { product(quantity, $0) != total }
    }

    /// Checks quantity × unit price against the total, and recovers a gapped total or unit price.
    static func checkPrice(quantity: NumberReading, unitPrice: NumberReading, total: NumberReading) -> PriceOutcome {
        let q = quantity.value, u = unitPrice.value, t = total.value
        if let q, let u, let t {
            guard let p = product(q, u) else { return .undetermined }
            if p == t { return .confirmed(note: "declared quantity \(q) × unit price \(u) = \(p), the total price read") }
            let tolerance = (ExactDecimal("0.01")!).adding(t.magnitude.percent(ExactDecimal("0.01")!) ?? ExactDecimal(0)) ?? ExactDecimal("0.01")!
            if let d = t.subtracting(p)?.magnitude, d <= tolerance {
                return .withinTolerance(note: "declared quantity \(q) × unit price \(u) = \(p), within XF-ITEM-TOTAL's tolerance of the total \(t)")
            }
            return .disagree(note: "declared quantity \(q) × unit price \(u) = \(p) but the total reads \(t): one of the three is misread or misprinted")
        }
        // A value is repaired only from two others read confidently.
        func sure(_ r: NumberReading) -> Bool { r.value != nil && r.confidence >= minimumConfidence }
        if t == nil, let q, let u, sure(quantity), sure(unitPrice) {
            guard let p = product(q, u), !p.isZero else { return .undetermined }
            let candidates = numberCandidates(total.texts)
            guard !candidates.isEmpty else { return .undetermined }
            if candidates.contains(p) {
                let shown = total.texts.filter { !$0.isEmpty }.map { "'\(FieldParser.normalize($0))'" }.joined(separator: " / ")
                return .repaired(.totalPrice, p, note: "read as \(shown); declared quantity \(q) × unit price \(u) = \(p) matches a reading, so the total is \(p)")
            }
            return .unresolved(.totalPrice, note: "no reading of the total fits declared quantity \(q) × unit price \(u) = \(p)")
        }
        if u == nil, let q, let t, sure(quantity), sure(total), !q.isZero {
            let fitting = Array(Set(numberCandidates(unitPrice.texts).filter { product(q, $0) == t }))
            guard !fitting.isEmpty else {
                return numberCandidates(unitPrice.texts).isEmpty ? .undetermined
                    : .unresolved(.unitPrice, note: "no reading of the unit price gives the total \(t) with declared quantity \(q)")
            }
            guard fitting.count == 1, let c = fitting.first else {
                return .unresolved(.unitPrice, note: "several readings of the unit price (\(fitting.map(\.description).joined(separator: ", "))) fit the total \(t)")
            }
            // Another unit price one digit away that gives the same rounded total could have been printed.
            let rivals = oneDigitVariants(of: c).filter { product(q, $0) == t }
            guard rivals.isEmpty else {
                return .unresolved(.unitPrice, note: "unit price \(c) fits the total \(t), but so would \(rivals[0]): the total does not settle it")
            }
            let shown = unitPrice.texts.filter { !$0.isEmpty }.map { "'\(FieldParser.normalize($0))'" }.joined(separator: " / ")
            return .repaired(.unitPrice, c, note: "read as \(shown); only \(c) gives the total \(t) with declared quantity \(q)")
        }
        if q == nil, let u, let t, sure(unitPrice), sure(total), !u.isZero {
            let candidates = numberCandidates(quantity.texts)
            let fitting = Array(Set(candidates.filter { product($0, u) == t }))
            guard !fitting.isEmpty else {
                return candidates.isEmpty ? .undetermined
                    : .unresolved(.declaredQuantity, note: "no reading of the declared quantity gives the total \(t) with unit price \(u)")
            }
            guard fitting.count == 1, let c = fitting.first else {
                return .unresolved(.declaredQuantity, note: "several readings of the declared quantity (\(fitting.map(\.description).joined(separator: ", "))) fit the total \(t)")
            }
            let rivals = oneDigitVariants(of: c).filter { product($0, u) == t }
            guard rivals.isEmpty else {
                return .unresolved(.declaredQuantity, note: "declared quantity \(c) fits the total \(t), but so would \(rivals[0]): the total does not settle it")
            }
            let shown = quantity.texts.filter { !$0.isEmpty }.map { "'\(FieldParser.normalize($0))'" }.joined(separator: " / ")
            return .repaired(.declaredQuantity, c, note: "read as \(shown); only \(c) gives the total \(t) with unit price \(u)")
        }
        return .undetermined
    }

    /// Numbers a set of readings of one printed number can stand for: each reading as a whole with the
    /// letters a Latin model confuses with digits mapped back (O → 0, S → 5 …) and stray dots at either
    /// end removed, and every run of digits with a decimal point inside it.
    /// When the gapped one of quantity, unit price and total stays unresolved: the values kept for the
    /// other two that a reading of the gapped one would fit with one digit changed (776 × 904 = 701504.00
    /// against a total read 701304.00). The arithmetic then points at them, so they are not confirmed.
    /// Returns each such field with the value that would fit.
    static func suspects(gapped: PriceField, quantity: NumberReading, unitPrice: NumberReading, total: NumberReading) -> [(PriceField, ExactDecimal)] {
        var out: [(PriceField, ExactDecimal)] = []
        func firstFit(_ field: PriceField, _ value: ExactDecimal?, _ fits: (ExactDecimal) -> Bool) {
            guard let value, let fit = oneDigitVariants(of: value).first(where: fits) else { return }
            out.append((field, fit))
        }
        switch gapped {
        case .totalPrice:
            guard let q = quantity.value, let u = unitPrice.value else { return [] }
            let readings = numberCandidates(total.texts)
            firstFit(.declaredQuantity, q) { v in product(v, u).map(readings.contains) ?? false }
            firstFit(.unitPrice, u) { v in product(q, v).map(readings.contains) ?? false }
        case .unitPrice:
            guard let q = quantity.value, let t = total.value else { return [] }
            let readings = numberCandidates(unitPrice.texts)
            firstFit(.totalPrice, t) { v in readings.contains { product(q, $0) == v } }
            firstFit(.declaredQuantity, q) { v in readings.contains { product(v, $0) == t } }
        case .declaredQuantity:
            guard let u = unitPrice.value, let t = total.value else { return [] }
            let readings = numberCandidates(quantity.texts)
            firstFit(.totalPrice, t) { v in readings.contains { product($0, u) == v } }
            firstFit(.unitPrice, u) { v in readings.contains { product($0, v) == t } }
        }
        return out
    }

    static func numberCandidates(_ texts: [String]) -> [ExactDecimal] {
        var out: [ExactDecimal] = []
        func add(_ s: Substring) {
            var s = s
            while s.first == "." { s.removeFirst() }
            while s.last == "." { s.removeLast() }
            guard !s.isEmpty, s.filter({ $0 == "." }).count <= 1, let v = ExactDecimal(s), !out.contains(where: { $0 == v && $0.description == v.description }) else { return }
            out.append(v)
        }
        for text in texts {
            let compact = text.filter { !$0.isWhitespace }
            if let mapped = OCRConfusion.digitsOnly(compact) { add(Substring(mapped)) }
            for run in text.split(whereSeparator: { !($0.isASCIIDigit || $0 == ".") }) where run.contains(".") {
                add(run)
            }
        }
        return out
    }

    /// Every number that differs from `value` in exactly one digit (same scale).
    static func oneDigitVariants(of value: ExactDecimal) -> [ExactDecimal] {
        let text = value.magnitude.description
        var out: [ExactDecimal] = []
        let chars = Array(text)
        for i in chars.indices where chars[i].isASCIIDigit {
            for d in "0123456789" where d != chars[i] {
                var copy = chars
                copy[i] = d
                if let v = ExactDecimal(String(copy)), v != value { out.append(v) }
            }
        }
        return out
    }

    /// The item number printed in row `row` (0-based) of printed page `page` when items run 1, 2, 3 …
    /// across pages of `rowsPerPage` rows.
    static func positionalItemNumber(page: Int, row: Int, rowsPerPage: Int) -> Int {
        (page - 1) * rowsPerPage + row + 1
    }

    /// An unreadable item number recovered from its row's position: only when a reading of it says that
    /// number (with letters confused with digits mapped back) or holds its digits in a number no item can
    /// have (`225` for `25`: a mark read beside it), and every other reading does too or is part of its
    /// digits (a digit dropped, as in `5` for `15`), never another possible item number in digits.
    /// A declaration lists at most 50 items (XF-ITEM-COUNT).
    static let maximumItems = 50

    static func repairItemNumber(texts: [String], expected: Int) -> String? {
        let numbers = texts.compactMap { text -> (value: Int, lettersOnly: Bool)? in
            let compact = text.filter { !$0.isWhitespace }
            guard !compact.isEmpty, var mapped = OCRConfusion.digitsOnly(compact) else { return nil }
            while mapped.last == "." { mapped.removeLast() }
            guard !mapped.isEmpty, mapped.allSatisfy(\.isASCIIDigit), let value = Int(mapped) else { return nil }
            return (value, !compact.contains(where: \.isASCIIDigit))
        }
        let digits = String(expected)
        let holds = { (n: Int) in n == expected || (n > Self.maximumItems && String(n).contains(digits)) }
        // Letters alone (`dd` for 4, `D` for 5) may say the number through a known confusion, but are too weak
        // to speak against a reading in digits; once one is passed over, a reading in digits must say it.
        let passedOver = numbers.contains { $0.lettersOnly && !holds($0.value) && !digits.contains(String($0.value)) }
        guard numbers.contains(where: { holds($0.value) && !(passedOver && $0.lettersOnly) }),
              numbers.allSatisfy({ holds($0.value) || digits.contains(String($0.value)) || $0.lettersOnly }) else { return nil }
        let shown = texts.filter { !$0.isEmpty }.map { "'\(FieldParser.normalize($0))'" }.joined(separator: " / ")
        return "read as \(shown); the row's position on its page (item \(expected)) confirms \(expected)"
    }
}
