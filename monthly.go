package nhacviec

// What the bot says on its own about the statistics: the monthly report
// and the monitors' list of the units late with a recurring duty.

// KindMonthly is the monthly report (Notice.To): on the first working
// day of a month, last month's figures to a leader or monitor (the
// organisation's) or a head (their unit's): the table, the chart and the
// .xlsx, made when sent (Message.Attach). The table's message has this
// kind; the chart and the file are KindPhoto and KindDocument.
const KindMonthly MessageKind = "monthly"

// KindChase is a monitor's list, on the morning of a recurring duty's
// deadline, of the units holding an occurrence of it not yet delivered
// (Notice.To; Notice.Escalated are those occurrences).
const KindChase MessageKind = "chase"

// SettingMonthlyReport is the person setting of the monthly report
// (/caidat baocao tat|bat): SettingOff stops it; no value, or SettingOn,
// is the default, on.
const SettingMonthlyReport = "monthly_report"

// PersonSettingsTx is a person's own settings: a value by person and
// name (few people set anything).
type PersonSettingsTx interface {
	// PersonSettings returns the people that have a value for name, by
	// person.
	PersonSettings(name string) (map[int64]string, error)
	// PersonSetting returns person's value for name, "" if none.
	PersonSetting(personID int64, name string) (string, error)
	// SetPersonSetting sets person's value for name.
	SetPersonSetting(personID int64, name, value string) error
}

// SlotBefore3 begins the slot of a recurring report duty's reminder
// three working days before its deadline ("before3:2026-12-16").
const SlotBefore3 = "before3"
