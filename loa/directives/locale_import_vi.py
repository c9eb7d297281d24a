"""Vietnamese for the import of returned forms; merged into the directives catalogue with
`scripts/po_fill.py loa/directives/locale/vi/LC_MESSAGES/django.po loa/directives/locale_import_vi.py`."""

T = {
    # imports.py
    "This task has no Fanpage report form to import.": "Nhiệm vụ này không có biểu mẫu báo cáo Trang Fanpage để nhập.",
    "Choose one or more returned forms (.xlsx or .docx).": "Chọn một hoặc nhiều biểu mẫu đơn vị gửi lại (.xlsx hoặc .docx).",
    "That unit is not a recipient of this task.": "Đơn vị đó không thuộc nơi nhận của nhiệm vụ này.",
    "This same file was already imported on %(at)s.": "Chính tệp này đã được nhập lúc %(at)s.",
    "Another file of this upload is for the same unit: %(names)s.": "Một tệp khác trong lần tải lên này cũng của đơn vị này: %(names)s.",
    "The file was refused.": "Tệp bị từ chối.",
    "“%(name)s” could not be read as an Excel (.xlsx) or Word (.docx) form. Ask the unit to send the form again.":
        "Không đọc được “%(name)s” như một biểu mẫu Excel (.xlsx) hoặc Word (.docx). Đề nghị đơn vị gửi lại biểu mẫu.",
    "No report table was found in “%(name)s”: no row has the form's column titles (Tên Trang Fanpage, Người quản trị, "
    "Số điện thoại…). Enter the values below or ask the unit for the form.":
        "Không tìm thấy bảng báo cáo trong “%(name)s”: không có dòng nào mang tên các cột của biểu mẫu (Tên Trang Fanpage, "
        "Người quản trị, Số điện thoại…). Hãy nhập các giá trị bên dưới hoặc đề nghị đơn vị gửi đúng biểu mẫu.",
    "The table in “%(name)s” has no filled row.": "Bảng trong “%(name)s” không có dòng nào được điền.",
    "No filled table was found in the file: the values were entered by hand.":
        "Không tìm thấy bảng đã điền trong tệp: các giá trị được nhập tay.",
    "The file lists %(n)s Pages (rows %(rows)s) for one unit, but each CĐCS sets up only one Page: choose the row to record.":
        "Tệp kê %(n)s Trang (dòng %(rows)s) cho một đơn vị, nhưng mỗi CĐCS chỉ lập 01 Trang: hãy chọn dòng cần ghi nhận.",
    "The file could be from several units: choose the right one.": "Tệp có thể là của nhiều đơn vị: hãy chọn đúng đơn vị.",
    "No recipient of this task was recognised in the file: choose the unit.":
        "Không nhận ra đơn vị nhận nào của nhiệm vụ này trong tệp: hãy chọn đơn vị.",
    " (row %(row)s)": " (dòng %(row)s)",
    "This Page is already registered by “%(unit)s”. Each CĐCS reports its own Page.":
        "Trang này đã được “%(unit)s” đăng ký. Mỗi CĐCS báo cáo Trang của chính mình.",
    "%(unit)s already has the Page “%(name)s” (%(url)s); this form reports a second one. Each CĐCS sets up only one Page: "
    "tick “Replace the registered Page” to record the new one.":
        "%(unit)s đã có Trang “%(name)s” (%(url)s); biểu mẫu này báo cáo Trang thứ hai. Mỗi CĐCS chỉ lập 01 Trang: "
        "đánh dấu “Thay Trang đã đăng ký” để ghi nhận Trang mới.",
    "The registered Page will be replaced; the old one stays in the history.":
        "Trang đã đăng ký sẽ được thay; Trang cũ vẫn được lưu trong lịch sử.",
    "This unit already reported at %(at)s; the form will be kept as a new version.":
        "Đơn vị này đã báo cáo lúc %(at)s; biểu mẫu sẽ được lưu thành một phiên bản mới.",
    "Arrived after the deadline: it will be recorded as late.": "Đến sau hạn: sẽ được ghi nhận là báo cáo muộn.",
    "Not recorded: fix the problems first.": "Chưa ghi nhận: hãy sửa các lỗi trước.",
    "on time": "đúng hạn",
    "late": "muộn",
    "Already recorded with the same values: nothing changed.": "Đã ghi nhận với cùng nội dung: không có gì thay đổi.",
    "Recorded as version %(v)s of %(unit)s's report (%(state)s).":
        "Đã ghi nhận thành phiên bản %(v)s của báo cáo của %(unit)s (%(state)s).",
    # models.py
    "Not imported yet": "Chưa nhập",
    "Recorded": "Đã ghi nhận",
    "Already recorded": "Đã ghi nhận trước đó",
    "Not recorded": "Chưa ghi nhận",
    "arrived at": "thời điểm đến",
    # templates
    "Import returned forms": "Nhập biểu mẫu đơn vị gửi lại",
    "Preview of returned forms": "Xem trước biểu mẫu đơn vị gửi lại",
    ("%(n)s file; %(ready)s ready to record.", "%(n)s files; %(ready)s ready to record."):
        ["%(n)s tệp; %(ready)s tệp sẵn sàng ghi nhận."],
    "Fix what is marked, tick “Accept” on the files to record, then press “Record the accepted files”.":
        "Sửa các chỗ được đánh dấu, đánh dấu “Chấp nhận” ở các tệp cần ghi nhận, rồi bấm “Ghi nhận các tệp đã chấp nhận”.",
    ("%(n)s problem", "%(n)s problems"): ["%(n)s lỗi"],
    "Ready": "Sẵn sàng",
    "Arrived at": "Thời điểm đến",
    "choose the unit": "chọn đơn vị",
    "Found in the file": "Tìm thấy trong tệp",
    "All recipients": "Tất cả đơn vị nhận",
    "Found by the unit's code in the file.": "Nhận ra nhờ mã đơn vị trong tệp.",
    "Found by the unit's name in the file.": "Nhận ra nhờ tên đơn vị trong tệp.",
    "Found by the file's name.": "Nhận ra nhờ tên tệp.",
    "Several units are named in the file.": "Tệp nêu tên nhiều đơn vị.",
    "No unit recognised.": "Không nhận ra đơn vị nào.",
    "or the unit's code": "hoặc mã đơn vị",
    "E-mail arrived at": "Thời điểm thư đến",
    "Recorded as the report's time: it decides on time or late.":
        "Được ghi làm thời điểm báo cáo: quyết định đúng hạn hay muộn.",
    "Row to record": "Dòng cần ghi nhận",
    "Row %(n)s: %(name)s": "Dòng %(n)s: %(name)s",
    "Accept: record this file": "Chấp nhận: ghi nhận tệp này",
    "Fix the problems above and save before accepting.": "Sửa các lỗi ở trên và lưu trước khi chấp nhận.",
    "Save changes": "Lưu thay đổi",
    "Record the accepted files": "Ghi nhận các tệp đã chấp nhận",
    "Upload the forms units sent back by e-mail (.xlsx or .docx), many at once. Loa reads each file, finds its unit and "
    "shows a preview: nothing is recorded until you accept it.":
        "Tải lên các biểu mẫu đơn vị gửi lại qua thư điện tử (.xlsx hoặc .docx), nhiều tệp một lần. Loa đọc từng tệp, "
        "tìm đơn vị của tệp và cho xem trước: chưa ghi nhận gì cho đến khi bạn chấp nhận.",
    "Returned forms": "Biểu mẫu đơn vị gửi lại",
    "Excel (.xlsx) or Word (.docx) files; choose several at once.": "Tệp Excel (.xlsx) hoặc Word (.docx); có thể chọn nhiều tệp cùng lúc.",
    "Read the files": "Đọc các tệp",
    "Earlier uploads": "Các lần tải lên trước",
    "Uploaded at": "Thời điểm tải lên",
    "By": "Người tải",
    # views_import.py
    "E-mails arrived at": "Thời điểm thư đến",
    "Leave empty to use the upload time; you can set each file's time in the preview.":
        "Để trống thì lấy thời điểm tải lên; có thể đặt thời điểm cho từng tệp khi xem trước.",
    "%(file)s: no recipient has the code “%(code)s”.": "%(file)s: không có đơn vị nhận nào có mã “%(code)s”.",
    "%(file)s: the arrival time “%(value)s” is not a date and time.": "%(file)s: thời điểm đến “%(value)s” không phải ngày giờ hợp lệ.",
    "%(n)s of %(total)s accepted files recorded; see each file's outcome below.":
        "Đã ghi nhận %(n)s trên %(total)s tệp được chấp nhận; xem kết quả của từng tệp bên dưới.",
    "No file was accepted: tick “Accept” on the files to record.": "Chưa tệp nào được chấp nhận: đánh dấu “Chấp nhận” ở các tệp cần ghi nhận.",
    "Changes saved.": "Đã lưu thay đổi.",
}
