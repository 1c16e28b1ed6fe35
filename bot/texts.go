package bot

import (
	"html"

	nhacviec "github.com/nhacviec/nhacviec"
)

// The bot's words. HTML parse mode: user text is passed through esc.
const (
	textInternalError  = "Xin lỗi, hệ thống đang gặp sự cố nên chưa làm được việc này. Vui lòng thử lại sau ít phút."
	textUnknownCommand = "Không có lệnh /%s. Gõ /huongdan để xem các lệnh, ví dụ: /viec để xem việc của bạn."
	textNotUnderstood  = "Tôi chưa hiểu ý bạn. Gõ /huongdan để xem các lệnh, ví dụ: /viec để xem việc của bạn."

	textWelcomePrivate = "Chào %s! Tôi là trợ lý nhắc việc. Từ giờ tôi sẽ nhắn riêng cho bạn khi được giao việc, trước hạn và khi quá hạn."
	textYourID         = "Mã người dùng của bạn: <code>%s</code> (quản trị viên dùng mã này trong NHACVIEC_ADMINS)."
	textWelcomeGroup   = "Chào cả nhóm! Tôi là trợ lý nhắc việc. Giao việc bằng: /giao @người nội dung hạn 20/12. Mỗi người hãy nhắn /start cho tôi trong chat riêng để nhận nhắc việc."
	textHelp           = `<b>Hướng dẫn</b>
/giao @người nội dung hạn THỜI_HẠN — giao việc
   Ví dụ: /giao @an Báo cáo CCHC quý IV hạn 20/12
   Thời hạn: 20/12, 17h 20/12, hôm nay, mai, thứ 6, thứ 2 tuần sau, cuối tháng, 3 ngày nữa, 5 ngày làm việc
   Việc định kỳ: hạn trước ngày 20 hàng tháng, hàng tuần thứ 2, hàng quý
   Ghi thêm, mỗi mục một dòng sau dòng /giao:
   kết quả: Kế hoạch trình Giám đốc ký
   văn bản: 1365/VP-NL ngày 22/4/2020 của Văn phòng UBND tỉnh
   trọng tâm
   khẩn
   duyệt — báo xong thì người giao duyệt rồi mới hoàn thành
   phối hợp: @binh hạn 15/12, Phòng Kế hoạch - Tài chính
   (hoặc bấm ⭐ ⚡ 🔍 Cần duyệt ➕ 📄 🎯 dưới tin giao việc)
   Hoặc một dòng: /giao @an chủ trì, @binh phối hợp: Xây dựng kế hoạch hạn 20/12
   Phối hợp không ghi hạn: 2 ngày làm việc trước hạn chủ trì
/giao (chat riêng) — tôi hỏi từng bước: giao ai, việc gì, hạn nào
/viec — việc của tôi đang mở; /viec trongtam — chỉ việc trọng tâm; /viec 1365/VP-NL — theo văn bản
/tim 1365/VP-NL — tìm việc theo số văn bản hoặc chữ trong tên việc
/xong 12 — báo xong việc #12 (hoặc trả lời "xong" vào tin nhắn về việc đó, hoặc bấm ✅)
   Kèm ghi chú: trả lời "xong, đã gửi dự thảo qua email"
   Việc cần duyệt: báo xong là gửi người giao duyệt (chờ duyệt)
   Người phối hợp: /xong 12 báo xong phần phối hợp của mình; người chủ trì được báo
/duyet 12 — duyệt việc đã báo xong (hoặc bấm ✅ Duyệt); /duyet — các việc chờ bạn duyệt
/tralai 12 LÝ_DO — trả lại để làm tiếp (hoặc trả lời: "trả lại vì …")
/tiendo 12 60% đã xong phần khảo sát — báo tiến độ (hoặc trả lời tin về việc đó)
/giahan 12 25/12 chờ số liệu — xin gia hạn, có lý do (hoặc trả lời: "xin gia hạn đến 25/12 vì …")
   Người giao trả lời bằng nút ✅ Đồng ý / ❌ Không đồng ý, hoặc gõ: /giahan 12 dongy — /giahan 12 khong LÝ_DO
/quahan — việc quá hạn; /quahan trongtam — chỉ việc trọng tâm
/sapden — việc đến hạn trong 7 ngày
/chitiet 12 — chi tiết và lịch sử việc #12
⭐ việc trọng tâm, ⚡ việc khẩn
/huy 12 — hủy việc mình đã giao
/sua 12 hạn 25/12, /chuyen 12 @binh — sửa, chuyển việc đã giao
/ngaynghi — lịch ngày nghỉ, ngày làm bù trong năm
/thanhvien — thành viên đơn vị của tôi; /roi Phòng Tổng hợp — rời đơn vị đó
/thongke, /xuat — thống kê

Lệnh tiếng Anh cũng dùng được: /assign, /tasks, /search, /done, /progress, /extend, /approve, /return, /overdue, /upcoming, /task, /cancel, /holidays, /members, /leave, /help.`

	textHelpHead = `<b>Trưởng đơn vị</b>
/giao @người ... — giao việc cho người trong đơn vị mình
/quahan, /sapden, /tim — việc của cả đơn vị, theo từng người
⭐, ⚡ — đánh dấu việc trọng tâm, khẩn: bấm nút dưới tin giao việc hoặc dưới /chitiet 12
➕, 📄, 🎯 — ghi thêm phối hợp, văn bản, kết quả: bấm nút dưới tin giao việc hoặc /chitiet 12, rồi gõ
/moi — link mời vào đơn vị (hết hạn sau 7 ngày); /moi huy MÃ — hủy link
/ganhom Phòng Tổng hợp — gắn nhóm này với đơn vị: điểm việc sáng gồm việc của đơn vị
/bonhiem @binh thanhvien Phòng Tổng hợp — thêm thành viên; /roi @binh Phòng Tổng hợp — cho rời đơn vị
/huy 12 — hủy việc trong đơn vị mình
/phoihop 12 @binh — giao phần phối hợp của đơn vị cho một người (hoặc bấm 👤 Giao cho… dưới tin báo)
/giahan 12 dongy — trả lời yêu cầu gia hạn việc mình giao, hoặc việc trong đơn vị khi người giao không còn ở đơn vị
/duyet 12, /tralai 12 LÝ_DO — duyệt, trả lại việc trong đơn vị khi người giao không còn ở đơn vị
/caidat duyet bat|tat — việc trong đơn vị cần duyệt hay không; /caidat leothang 2 5 — báo việc quá hạn 2, 5 ngày lên trưởng đơn vị, lãnh đạo; /caidat — xem`

	textHelpAdmin = `<b>Quản trị viên</b>
/donvi — cây đơn vị, số trong [ ] là mã; /donvi them Tổ Văn thư trong Phòng Tổng hợp; /donvi doiten 2 Tổ Hành chính; /donvi chuyen 2 vao goc; /donvi xoa 2
/bonhiem @an truong Phòng Tổng hợp — vai trò: lanhdao, truong, thanhvien, theodoi; /bonhiem bo @an truong Phòng Tổng hợp — bỏ
/ngaynghi them 12/02/2027 nghỉ Lý do; /ngaynghi xoa 12/02/2027 — lịch nghỉ bù, làm bù`

	textAssignUsage       = "Cách giao việc: /giao @người nội dung hạn THỜI_HẠN\nVí dụ: /giao @an Báo cáo CCHC quý IV hạn 20/12"
	textAssignNoPerson    = "Thiếu người nhận việc: sau /giao hãy ghi @tên_người_dùng, hoặc họ tên như /thanhvien ghi.\nVí dụ: /giao @an Báo cáo CCHC quý IV hạn 20/12 — /giao Nguyễn Văn An Báo cáo CCHC quý IV hạn 20/12"
	textAssignNoDeadline  = "Thiếu thời hạn: hãy thêm chữ \"hạn\" và thời hạn ở cuối.\nVí dụ: /giao @an Báo cáo CCHC quý IV hạn 20/12 (hoặc hạn mai, hạn 17h 20/12)"
	textAssignNoTitle     = "Thiếu nội dung công việc.\nVí dụ: /giao @an Báo cáo CCHC quý IV hạn 20/12"
	textTitleTooLong      = "Nội dung công việc dài quá: tối đa %d ký tự (bạn gõ %d). Hãy tóm tắt lại, chi tiết gửi kèm sau.\nVí dụ: /giao @an Báo cáo CCHC quý IV hạn 20/12"
	textUnknownPerson     = "Tôi chưa biết %s. Người đó cần nhắn /start cho %s hoặc nhắn một lệnh trong nhóm này trước.\nVí dụ sau đó: /giao @an Báo cáo CCHC quý IV hạn 20/12"
	textPersonAmbiguous   = "Có nhiều người tên \"%s\":%s\nHãy ghi họ tên đầy đủ hoặc @tên_người_dùng (xem /thanhvien).\n%s"
	textNamedExample      = "Ví dụ: /bonhiem Nguyễn Văn An thanhvien Phòng Tổng hợp"
	textAmbiguousDeadline = "Thời hạn \"%s\" có thể hiểu theo nhiều cách. Bạn chọn ngày nào?"
	textWhoAssign         = "Giao việc <b>%s</b> (hạn %s) cho ai? Chọn một người:"
	textChoicePast        = "Thời hạn bạn chọn đã qua. Hãy giao lại với thời hạn mới, ví dụ: /giao @an Báo cáo hạn 20/12"
	textRecurs            = " (lặp lại: %s)"
	textMoved             = " (%s)" // why a deadline left the day named: "20/12 là Chủ nhật"
	textNextOccurrence    = "🔁 Kỳ tiếp theo: việc #%d, hạn %s"
	textAssigned          = "📌 Đã giao việc #%d cho %s\n%s<b>%s</b>\nHạn: %s"
	textAssignedToYou     = "📌 %s giao cho bạn việc #%d\n%s<b>%s</b>\nHạn: %s%s\n\nXong thì bấm ✅ hoặc trả lời \"xong\" vào tin nhắn này."
	textMustStart         = "Lưu ý: %s chưa mở chat riêng với bot nên chưa nhận được nhắc riêng. Nhờ người đó nhắn /start cho %s."

	textBadID               = "Mã việc \"%s\" không hợp lệ. Ví dụ: %s"
	textNeedID              = "Thiếu mã việc. Ví dụ: %s (gõ /viec để xem mã các việc của bạn)."
	textNoSuchTask          = "Không tìm thấy việc #%d trong số việc của bạn. Gõ /viec để xem mã các việc của bạn (ví dụ: #12)."
	textDoneUsage           = "Bạn muốn báo xong việc nào? Ghi mã việc, ví dụ: /xong 12 (gõ /viec để xem mã), hoặc trả lời \"xong\" vào tin nhắn về việc đó."
	textAlreadyClosed       = "Việc #%d đã %s rồi."
	textDone                = "✅ Đã xong việc #%d: %s%s"
	textDoneNoTitle         = "✅ Đã xong việc #%d."
	textDoneNotice          = "✅ %s đã báo xong việc #%d: %s%s"
	textOnlyAssignerCancels = "Chỉ người giao việc, trưởng đơn vị phụ trách hoặc lãnh đạo mới hủy được việc #%d. Người thực hiện báo xong bằng: /xong mã_việc"
	textCannotFinish        = "Bạn chỉ được xem việc #%d, không báo xong thay người thực hiện được. Người thực hiện báo xong bằng: /xong mã_việc"
	textCannotAssign        = "Bạn chưa giao việc cho %s được: trưởng đơn vị giao trong đơn vị mình, lãnh đạo giao cho mọi người, ai cũng tự giao việc cho mình được. Ví dụ, tự giao cho mình: /giao %s Soạn báo cáo hạn mai"
	textCancelled           = "🗑 Đã hủy việc #%d: %s"
	textCancelledNoTitle    = "🗑 Đã hủy việc #%d."
	textCancelledNotice     = "🗑 %s đã hủy việc #%d: %s"
	textStaleButton         = "Nút này không còn dùng được."
	textWhichDone           = "Tin này nói về %d việc của bạn. Bạn đã xong việc nào? Bấm ✅ dưới đây, hoặc gõ /xong mã_việc."
	textNoneToFinish        = "Các việc trong tin này đều đã đóng hoặc không do bạn thực hiện. Gõ /viec để xem việc của bạn."
	textAskPrivately        = "Việc này không giao trong nhóm này. Hãy xem trong chat riêng với %s."
	textDetail              = "<b>#%d %s</b>\nNgười giao: %s\nNgười thực hiện: %s\nHạn: %s\nTình trạng: %s"
	textHistory             = "<b>Lịch sử</b>"
	textEarlierNotes        = "• … %d ghi chú tiến độ trước đó"

	textNoUnit         = "Chưa thuộc đơn vị"
	textNoOpenTasks    = "Bạn không có việc nào đang mở. 🎉"
	textMyTasksHeader  = "<b>Việc của bạn</b> (%d)"
	textHiddenTasks    = "Còn %d việc khác được giao riêng: xem trong chat riêng với %s."
	textMoreTasks      = "… và %d việc khác."
	textOverdueHeader  = "⚠️ <b>Việc quá hạn</b> (%d)"
	textNoOverdue      = "Không có việc nào quá hạn. 👍"
	textUpcomingHeader = "⏳ <b>Việc đến hạn trong 7 ngày</b> (%d)"
	textNoUpcoming     = "Không có việc nào đến hạn trong 7 ngày tới."
)

func statusText(s nhacviec.Status) string {
	switch s {
	case nhacviec.StatusDone:
		return "xong"
	case nhacviec.StatusCancelled:
		return "bị hủy"
	}
	return "đang làm"
}

func eventText(k nhacviec.EventKind) string {
	switch k {
	case nhacviec.EventCreated:
		return "giao việc"
	case nhacviec.EventDone:
		return "báo xong"
	case nhacviec.EventCancelled:
		return "hủy việc"
	case nhacviec.EventFlagged:
		return "đánh dấu"
	case nhacviec.EventUnflagged:
		return "bỏ dấu"
	case nhacviec.EventFieldSet:
		return "ghi thêm"
	case nhacviec.EventExtensionAsked:
		return "xin gia hạn"
	case nhacviec.EventExtensionApproved:
		return "đồng ý gia hạn"
	case nhacviec.EventExtensionRefused:
		return "không đồng ý gia hạn"
	case nhacviec.EventProgress:
		return "báo tiến độ"
	case nhacviec.EventDeadlineChanged:
		return "sửa hạn"
	case nhacviec.EventEdited:
		return "sửa việc"
	case nhacviec.EventHandedOver:
		return "chuyển người chủ trì"
	case nhacviec.EventOverdueCause:
		return "nêu nguyên nhân quá hạn"
	case nhacviec.EventSubmitted:
		return "báo xong, gửi duyệt"
	case nhacviec.EventApproved:
		return "duyệt, hoàn thành"
	case nhacviec.EventReturned:
		return "trả lại"
	case nhacviec.EventCoordinatorAdded:
		return "giao phối hợp"
	case nhacviec.EventCoordinatorHanded:
		return "giao lại phần phối hợp"
	case nhacviec.EventCoordinatorDone:
		return "xong phần phối hợp"
	}
	return string(k)
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }

// maxEcho bounds how much of a person's input a reply quotes back.
const maxEcho = 40

// clip shortens s to at most n characters, marking the cut with "…", so
// that quoting what someone pasted never makes a reply too long.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
