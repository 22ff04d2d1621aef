import Foundation

/// What a place typed by a clerk resolves to.
public enum PlaceMatch: Sendable, Equatable {
    /// Digits: an area code, taken as typed (checked by `Validate.areaCode`).
    case code(String)
    /// One place.
    case place(Place)
    /// Several places have that name: the clerk must say which.
    case ambiguous([Place])
    /// The start of the text is a place; the rest (a street, a village) is deeper than the gazetteer goes.
    case partial(Place, rest: String)
    case unknown
}

extension Gazetteer {
    /// Resolves a place as a clerk types it: a code; a full name (藁城区); a name without its suffix (藁城); with or
    /// without its province and prefecture, full or short (石家庄藁城, 河北省石家庄市藁城区); pinyin or its initials
    /// (gaocheng, gc); a country (美国, 韩国, United States, 840). A replaced division resolves to its successor.
    /// `partial` allows a text whose start is a place and whose rest is not (湖北省武汉市江岸区二七街道).
    public func resolve(_ text: String, partial: Bool = false) -> PlaceMatch {
        let t = text.asciiCompacted
        if t.isEmpty { return .unknown }
        if t.isAllASCIIDigits { return .code(t) }
        // An import meets the same few places on thousands of rows: each distinct text is resolved once.
        let key = partial ? "+" + t : t
        if let known = resolved.get(key) { return known }
        let match = resolveName(t, partial: partial)
        resolved.set(key, match)
        return match
    }

    func resolveName(_ t: String, partial: Bool) -> PlaceMatch {
        if let found = decide(candidates(t)) { return found }
        if t.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == " ") }) {
            let key = t.lowercased()
            if let found = decide((full: byName[key] ?? [], short: byPinyin[key] ?? [])) { return found }
        }
        guard partial else { return .unknown }
        var prefix = t
        while prefix.count > 1 {
            prefix.removeLast()
            if let found = decide(candidates(prefix)) {
                let rest = String(t.dropFirst(prefix.count))
                switch found {
                case .place(let place): return .partial(place, rest: rest)
                default: return found
                }
            }
        }
        return .unknown
    }

    /// Places up to `limit` whose name, short name, path or pinyin contains or starts with `text`: `registry places`.
    public func search(_ text: String, limit: Int = 20) -> [Place] {
        let t = text.asciiCompacted
        let key = t.lowercased()
        if t.isEmpty { return [] }
        switch resolve(t) {
        case .place(let place): return [place]
        case .ambiguous(let places): return Array(places.prefix(limit))
        case .code(let code): return place(code: code).map { [$0] } ?? []
        default: break
        }
        let ascii = t.allSatisfy(\.isASCII)
        return byCode.values
            .filter { p in
                ascii
                    ? p.pinyin.contains { $0.hasPrefix(key) } || p.english?.lowercased().contains(key) == true
                    : p.name.contains(t) || path(p).contains(t)
            }
            .sorted {
                ($0.successor != nil ? 1 : 0, $0.level, $0.code) < ($1.successor != nil ? 1 : 0, $1.level, $1.code)
            }
            .prefix(limit).map { $0 }
    }

    /// Places whose name (full: `full`, short: `short`) ends `t`, with what comes before it naming their province or
    /// prefecture (full or short), in order; nothing before is fine too.
    func candidates(_ t: String) -> (full: [Place], short: [Place]) {
        var full: [Place] = []
        var short: [Place] = []
        let characters = Array(t)
        for start in 0..<characters.count {
            let suffix = String(characters[start...])
            let prefix = String(characters[..<start])
            for place in byName[suffix] ?? [] where consumes(prefix, ancestorsOf: place) { full.append(place) }
            for place in byShortName[suffix] ?? [] where consumes(prefix, ancestorsOf: place) { short.append(place) }
        }
        return (full, short)
    }

    /// Whether `prefix` is the names of some of `place`'s ancestors, top first, each full or short.
    func consumes(_ prefix: String, ancestorsOf place: Place) -> Bool {
        if prefix.isEmpty { return true }
        var ancestors: [Place] = []
        var parent = place.parent
        while let code = parent, let up = byCode[code], ancestors.count < 4 {
            ancestors.append(up)
            parent = up.parent
        }
        func consume(_ rest: Substring, from index: Int) -> Bool {
            if rest.isEmpty { return true }
            for i in index..<ancestors.count {
                for name in [ancestors[i].name] + ancestors[i].shortNames where rest.hasSuffix(name) {
                    if consume(rest.dropLast(name.count), from: i + 1) { return true }
                }
            }
            return false
        }
        return consume(Substring(prefix), from: 0)
    }

    /// One place, several, or nil for none: full-name matches over short ones, divisions in force over replaced
    /// ones (which resolve to their successors).
    func decide(_ found: (full: [Place], short: [Place])) -> PlaceMatch? {
        var list = found.full.isEmpty ? found.short : found.full
        if list.isEmpty { return nil }
        let inForce = list.filter { $0.successor == nil }
        list = inForce.isEmpty ? list.map(current) : inForce
        var seen: Set<String> = []
        list = list.filter { seen.insert($0.code).inserted }
        return list.count == 1 ? .place(list[0]) : .ambiguous(list.sorted { ($0.level, $0.code) < ($1.level, $1.code) })
    }
}

extension Validate {
    /// A place typed as a code or a name (see `Gazetteer.resolve`): its code, the name to record (the typed
    /// `name` if any, else the gazetteer's full path), and a note when the gazetteer changed what was typed (a
    /// replaced code, a name known only in part). Ambiguous and unknown names are refused, naming the candidates.
    /// `abroad`: whether a country is a valid answer (a stay, not a risk area). `county`: whether a name must name at
    /// least a county (a stay: a name that resolves only to a province or prefecture, 上海 or 上海某地, would put the
    /// trip in the whole province, where no risk area is listed, and classify the person 低风险 silently).
    public static func place(
        _ text: String, name: String = "", field: Field = .from, lengths: Set<Int> = [6, 9, 12],
        partial: Bool = true, abroad: Bool = true, county: Bool = false
    ) throws -> (code: String, name: String, note: Localized?) {
        // What `Stay.place` writes (an export's 来源地: 湖北省武汉市江岸区（420102）) reads back as that code and name.
        if let written = Self.nameAndCode(text.trimmed) {
            return try place(
                written.code, name: name.trimmed.isEmpty ? written.name : name, field: field,
                lengths: lengths,
                partial: partial, abroad: abroad)
        }
        let gazetteer = Gazetteer.shared
        var match = gazetteer.resolve(text, partial: partial)
        if !abroad, case .place(let place) = match, place.level == .country {
            match = .unknown
        }
        if county {
            switch match {
            case .place(let place), .partial(let place, _):
                if place.level < .county { throw Self.tooCoarse(text, place, field: field) }
            default: break
            }
        }
        switch match {
        case .code(let digits):
            if abroad, digits.count == 3, let country = gazetteer.place(code: digits) {
                return (digits, name.trimmed.isEmpty ? country.name : name.trimmed, nil)
            }
            var code = try areaCode(digits, field: field, lengths: lengths)
            var note: Localized?
            if code.count == 6, let known = gazetteer.place(code: code), known.successor != nil {
                let now = gazetteer.current(known)
                note = Localized(
                    zh: "区划代码 \(code)（\(known.name)）已调整为 \(now.code)（\(gazetteer.path(now))）",
                    en: "area code \(code) (\(known.name)) was replaced by \(now.code) (\(gazetteer.path(now)))")
                code = now.code
            }
            return (code, name.trimmed.isEmpty ? gazetteer.name(ofCode: code) ?? "" : name.trimmed, note)
        case .place(let place):
            return (place.code, name.trimmed.isEmpty ? gazetteer.path(place) : name.trimmed, nil)
        case .partial(let place, let rest):
            return (
                place.code, name.trimmed.isEmpty ? text.trimmed : name.trimmed,
                Localized(
                    zh: "“\(rest)”不在区划库中，按 \(gazetteer.path(place))（\(place.code)）登记",
                    en: "\"\(rest)\" is not in the gazetteer; recorded as \(gazetteer.path(place)) (\(place.code))")
            )
        case .ambiguous(let places):
            let list = places.prefix(8).enumerated().map {
                "\($0.offset + 1). \(gazetteer.path($0.element))（\($0.element.code)）"
            }
            throw RegistryError(
                field,
                zh: "“\(text.trimmed)”对应多个地方：\(list.joined(separator: "；"))\(places.count > 8 ? "……" : "")。请写全或填代码",
                en:
                    "\"\(text.trimmed)\" matches several places: \(list.joined(separator: "; ")). Write it in full or give the code"
            )
        case .unknown:
            if text.trimmed.isEmpty { throw RegistryError.missing(field) }
            throw RegistryError(
                field, zh: "不认识的地名“\(text.trimmed)”，请填区划代码或更完整的地名（registry places 查询）",
                en: "unknown place \"\(text.trimmed)\"; give the area code or a fuller name (see registry places)")
        }
    }

    /// `湖北省武汉市江岸区（420102）` (either width of bracket) as its name and its 3–12 digit code; nil for any other
    /// text. By hand, not a regex literal: Swift parses a literal's pattern each time it is evaluated, which was
    /// a third of a large import's time.
    static func nameAndCode(_ text: String) -> (name: String, code: String)? {
        guard let last = text.last, last == "）" || last == ")",
            let open = text.lastIndex(where: { $0 == "（" || $0 == "(" })
        else { return nil }
        let code = String(text[text.index(after: open)..<text.index(before: text.endIndex)]).trimmed
        let name = String(text[..<open]).trimmed
        guard !name.isEmpty, (3...12).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return (name, code)
    }

    /// The refusal of a name that names only a province or a prefecture where a county is needed.
    static func tooCoarse(_ text: String, _ place: Place, field: Field) -> RegistryError {
        let gazetteer = Gazetteer.shared
        let level = place.level == .province ? "省级" : "地市级"
        let counties = gazetteer.codes.compactMap { gazetteer.place(code: $0) }
            .filter { $0.parent == place.code && $0.successor == nil && $0.level == .county }.prefix(3)
            .map(\.name)
        let example = counties.isEmpty ? "" : "，如 \(gazetteer.path(place))\(counties.joined(separator: "、"))"
        return RegistryError(
            field,
            zh:
                "“\(text.trimmed)”只认出\(level)地名 \(gazetteer.path(place))（\(place.code)）：请写到区县\(example)，或填 6 位区县代码（registry places 查询）",
            en:
                "\"\(text.trimmed)\" names only \(gazetteer.path(place)) (\(place.code)), a \(place.level == .province ? "province" : "prefecture"); give the county or district, or its 6-digit code (see registry places)"
        )
    }
}
