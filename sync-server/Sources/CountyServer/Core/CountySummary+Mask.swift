import RegistryCore

extension CountySummary {
    /// The summary with every person in it masked (`Mask`: 张*伟, 420102********1232): what goes up to the city or
    /// into a group chat. Village-level figures are not personal and stay. A duplicate is still recognisable as
    /// one: its registrations stay together under the masked number.
    public var masked: CountySummary {
        var copy = self
        copy.duplicates = duplicates.map { d in
            var d = d
            d.id_number = Mask.idNumber(d.id_number)
            d.registrations = d.registrations.map {
                var r = $0
                r.name = Mask.name(r.name)
                return r
            }
            return d
        }
        copy.open_leads = open_leads.map {
            var l = $0
            l.name = Mask.name(l.name)
            return l
        }
        for clocks in [\CountySummary.lead_clocks, \.positive_clocks] {
            copy[keyPath: clocks]?.overdue = (self[keyPath: clocks]?.overdue ?? []).map {
                var o = $0
                o.name = Mask.name(o.name)
                return o
            }
        }
        copy.deletions = deletions.map(\.masked)
        copy.positives = positives.map { p in
            var p = p
            p.name = Mask.name(p.name)
            p.id_number = Mask.idNumber(p.id_number)
            p.contacts = p.contacts.map {
                var c = $0
                c.name = c.name.map(Mask.name)
                c.id_number = Mask.idNumber(c.id_number)
                return c
            }
            return p
        }
        return copy
    }
}

extension CountySummary.Deletion {
    /// The deletion with the person masked.
    public var masked: Self {
        var copy = self
        copy.name = Mask.name(name)
        copy.id_number = Mask.idNumber(id_number)
        return copy
    }
}
