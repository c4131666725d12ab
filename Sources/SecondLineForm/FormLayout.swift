import Foundation
import SecondLineModel

/// What kind of value a header cell holds; decides how its text is read and parsed.
public enum FieldKind: String, Sendable, Hashable, Decodable {
    case party, code, date, text, integer, decimal, charge, documents, overseasParty, empty
}

/// One cell as printed on one variant (import or export side of the form).
public struct CellSpec: Sendable, Hashable {
    public var label: String
    /// Declaration key (`customsPort`), nil for an empty cell.
    public var field: String?
    public var kind: FieldKind
    public var table: CodeTableName?
    public var maxLines: Int
}

/// One header cell of the printed grid, in millimetres from the page's top-left corner.
public struct LayoutCell: Sendable, Hashable {
    public var leftMm: Double
    public var widthMm: Double
    public var importSpec: CellSpec
    public var exportSpec: CellSpec

    public func spec(for formType: FormType) -> CellSpec { formType.isImport ? importSpec : exportSpec }
}

public struct LayoutRow: Sendable, Hashable {
    public var topMm: Double
    public var heightMm: Double
    public var cells: [LayoutCell]
}

/// A labelled value printed on a free line (top line, confirmations, declarant lines).
public struct LineField: Sendable, Hashable {
    public var xMm: Double
    public var topMm: Double
    public var label: String
    public var field: String
}

public struct ItemColumn: Sendable, Hashable {
    public var leftMm: Double
    public var widthMm: Double
    public var importLabel: String
    public var exportLabel: String
    public var key: String
    /// Per printed line (3): what the line holds, nil = empty.
    public var lines: [String?]
}

public struct ItemsLayout: Sendable, Hashable {
    public var headerTopMm: Double
    public var headerHeightMm: Double
    public var rowsPerPage: Int
    public var rowHeightMm: Double
    public var firstRowTopMm: Double
    public var lineTopsInRowMm: [Double]
    public var columns: [ItemColumn]
}

/// The printed geometry of the declaration form (`form-layout.json`), decoded once.
public struct FormLayout: Sendable {
    public var pageWidthMm: Double
    public var pageHeightMm: Double
    public var titles: [FormType: String]
    public var titleTopMm: Double
    public var titleFontMm: Double
    public var topLineTopMm: Double
    public var topLineFontMm: Double
    public var topLine: [LineField]
    public var labelFontMm: Double
    public var valueFontMm: Double
    public var firstValueLineTopMm: Double
    public var valueLineStepMm: Double
    public var gridLeftMm: Double
    public var gridWidthMm: Double
    public var rows: [LayoutRow]
    public var items: ItemsLayout
    public var confirmationsTopMm: Double
    public var confirmationsHeightMm: Double
    public var confirmations: [LineField]
    public var trueText: String
    public var falseText: String
    public var declarantTopMm: Double
    public var declarantHeightMm: Double
    public var declarantLeftWidthMm: Double
    public var declarantFields: [LineField]
    public var bottomMm: Double

    public var gridRightMm: Double { gridLeftMm + gridWidthMm }

    /// The layout shipped with SecondLineModel's resources.
    public static func bundled() throws(FormReadError) -> FormLayout {
        let url = CodeTables.resourceDirectory.appendingPathComponent("form-layout.json")
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .layout("the form layout file \(url.path) could not be read: \(error.localizedDescription)")
        }
        return try decode(data)
    }

    public static func decode(_ data: Data) throws(FormReadError) -> FormLayout {
        let raw: RawLayout
        do { raw = try JSONDecoder().decode(RawLayout.self, from: data) } catch {
            throw .layout("the form layout is not valid: \(error)")
        }
        return try FormLayout(raw)
    }

    /// Horizontal ruled lines every printing of the form has, top to bottom (mm).
    public var expectedHorizontalLinesMm: [Double] {
        var ys = rows.map(\.topMm)
        ys.append(items.headerTopMm)
        ys.append(items.firstRowTopMm)
        ys.append(confirmationsTopMm)
        ys.append(declarantTopMm)
        ys.append(bottomMm)
        return Array(Set(ys)).sorted()
    }

    /// All header fields a variant carries, in form order.
    public func fieldKeys(for formType: FormType) -> [String] {
        var keys = topLine.map(\.field).filter { $0 != "page" }
        for row in rows { for cell in row.cells { if let f = cell.spec(for: formType).field { keys.append(f) } } }
        keys += confirmations.map(\.field)
        keys += declarantFields.map(\.field)
        return keys
    }

    init(_ raw: RawLayout) throws(FormReadError) {
        pageWidthMm = raw.page.widthMm
        pageHeightMm = raw.page.heightMm
        var titles: [FormType: String] = [:]
        for (key, title) in raw.titles {
            guard let type = FormType(rawValue: key) else { throw .layout("unknown form type \(key) in the layout") }
            titles[type] = title
        }
        guard titles.count == FormType.allCases.count else { throw .layout("the layout lacks a title for some form type") }
        self.titles = titles
        titleTopMm = raw.title.topMm
        titleFontMm = raw.title.fontMm
        topLineTopMm = raw.topLine.topMm
        topLineFontMm = raw.topLine.fontMm
        topLine = raw.topLine.items.map { LineField(xMm: $0.xMm, topMm: raw.topLine.topMm, label: $0.label, field: $0.field) }
        labelFontMm = raw.text.labelFontMm
        valueFontMm = raw.text.valueFontMm
        firstValueLineTopMm = raw.text.firstValueLineTopMm
        valueLineStepMm = raw.text.valueLineStepMm
        gridLeftMm = raw.grid.leftMm
        gridWidthMm = raw.grid.widthMm
        func spec(_ r: RawLayout.Spec) throws(FormReadError) -> CellSpec {
            var table: CodeTableName? = nil
            if let name = r.table {
                guard let t = CodeTableName(rawValue: name) else { throw .layout("unknown code table \(name) in the layout") }
                table = t
            }
            return CellSpec(label: r.label, field: r.field, kind: r.kind, table: table, maxLines: r.maxLines ?? (r.kind == .party ? 2 : 1))
        }
        var rows: [LayoutRow] = []
        for row in raw.grid.rows {
            var cells: [LayoutCell] = []
            for c in row.cells {
                cells.append(LayoutCell(leftMm: c.leftMm, widthMm: c.widthMm, importSpec: try spec(c.import), exportSpec: try spec(c.export)))
            }
            rows.append(LayoutRow(topMm: row.topMm, heightMm: row.heightMm, cells: cells))
        }
        self.rows = rows
        let i = raw.items
        items = ItemsLayout(
            headerTopMm: i.headerTopMm, headerHeightMm: i.headerHeightMm, rowsPerPage: i.rowsPerPage,
            rowHeightMm: i.rowHeightMm, firstRowTopMm: i.firstRowTopMm, lineTopsInRowMm: i.lineTopsInRowMm,
            columns: i.columns.map {
                ItemColumn(leftMm: $0.leftMm, widthMm: $0.widthMm, importLabel: $0.label, exportLabel: $0.exportLabel ?? $0.label,
                           key: $0.key, lines: $0.lines)
            })
        confirmationsTopMm = raw.confirmations.topMm
        confirmationsHeightMm = raw.confirmations.heightMm
        confirmations = raw.confirmations.items.map {
            LineField(xMm: $0.xMm, topMm: raw.confirmations.topMm, label: $0.label, field: $0.field)
        }
        trueText = raw.confirmations.values["true"] ?? "是"
        falseText = raw.confirmations.values["false"] ?? "否"
        declarantTopMm = raw.declarant.topMm
        declarantHeightMm = raw.declarant.heightMm
        declarantLeftWidthMm = raw.declarant.leftWidthMm
        var declarantFields: [LineField] = []
        for line in raw.declarant.lines {
            for part in line.parts {
                if let field = part.field, let label = part.label {
                    declarantFields.append(LineField(xMm: part.xMm, topMm: raw.declarant.topMm + line.topOffsetMm, label: label, field: field))
                }
            }
        }
        self.declarantFields = declarantFields
        bottomMm = raw.bottomMm
    }
}

/// The JSON shape of form-layout.json.
struct RawLayout: Decodable {
    struct Page: Decodable { var widthMm: Double; var heightMm: Double }
    struct Title: Decodable { var topMm: Double; var fontMm: Double }
    struct TopItem: Decodable { var xMm: Double; var label: String; var field: String }
    struct TopLine: Decodable { var topMm: Double; var fontMm: Double; var items: [TopItem] }
    struct Text: Decodable {
        var labelFontMm: Double; var valueFontMm: Double; var firstValueLineTopMm: Double; var valueLineStepMm: Double
    }
    struct Spec: Decodable { var label: String; var field: String?; var kind: FieldKind; var table: String?; var maxLines: Int? }
    struct Cell: Decodable { var leftMm: Double; var widthMm: Double; var `import`: Spec; var export: Spec }
    struct Row: Decodable { var topMm: Double; var heightMm: Double; var cells: [Cell] }
    struct Grid: Decodable { var leftMm: Double; var widthMm: Double; var rows: [Row] }
    struct Column: Decodable {
        var leftMm: Double; var widthMm: Double; var label: String; var exportLabel: String?; var key: String; var lines: [String?]
    }
    struct Items: Decodable {
        var headerTopMm: Double; var headerHeightMm: Double; var rowsPerPage: Int; var rowHeightMm: Double
        var firstRowTopMm: Double; var lineTopsInRowMm: [Double]; var columns: [Column]
    }
    struct ConfirmationItem: Decodable { var xMm: Double; var label: String; var field: String }
    struct Confirmations: Decodable { var topMm: Double; var heightMm: Double; var items: [ConfirmationItem]; var values: [String: String] }
    struct Part: Decodable { var xMm: Double; var label: String?; var field: String?; var text: String? }
    struct DeclarantLine: Decodable { var topOffsetMm: Double; var parts: [Part] }
    struct Declarant: Decodable {
        var topMm: Double; var heightMm: Double; var leftWidthMm: Double; var rightWidthMm: Double; var lines: [DeclarantLine]
    }
    var page: Page
    var titles: [String: String]
    var title: Title
    var topLine: TopLine
    var text: Text
    var grid: Grid
    var items: Items
    var confirmations: Confirmations
    var declarant: Declarant
    var bottomMm: Double
}
