"""The world of the 2021 Cao Bằng letter, as data: the tree and the demo people. Its unit kinds
are the standard ones (`loa.units.kinds`).

Names follow the agencies, schools and hospitals of Cao Bằng in 2021 (before the 2025
restructuring). Figures, contacts and phone numbers are invented; e-mail addresses use the
reserved example.com domain so that a demo never writes to a real mailbox.
"""

CITY = "thành phố Cao Bằng, tỉnh Cao Bằng"

PROVINCE = {
    "code": "LDLD-CB",
    "kind": "ldld-tinh",
    "name": "Liên đoàn Lao động tỉnh Cao Bằng",
    "short_name": "LĐLĐ tỉnh",
    "address": f"Số 062 Hoàng Đình Giong, phường Hợp Giang, {CITY}",
    "phone": "0206 3852 440",
    "contact_name": "Nông Thị Thu Hà",
}

# Upper-level unions under the province: (code, kind, name, short name, address, phone)
# fmt: off
UPPERS = [
    ("CDVC", "cd-cap-tren", "Công đoàn Viên chức tỉnh Cao Bằng", "CĐVC tỉnh", f"Số 011 Hoàng Đình Giong, phường Hợp Giang, {CITY}", "0206 3853 211"),
    ("CDN-GD", "cd-nganh", "Công đoàn ngành Giáo dục tỉnh Cao Bằng", "CĐ ngành Giáo dục", f"Số 016 Hoàng Đình Giong, phường Hợp Giang, {CITY}", "0206 3852 716"),
    ("CDN-YT", "cd-nganh", "Công đoàn ngành Y tế tỉnh Cao Bằng", "CĐ ngành Y tế", f"Số 031 Hiến Giang, phường Hợp Giang, {CITY}", "0206 3852 537"),
    ("LDLD-TPCB", "cd-cap-tren", "Liên đoàn Lao động thành phố Cao Bằng", "LĐLĐ thành phố", f"Số 128 Bế Văn Đàn, phường Hợp Giang, {CITY}", "0206 3852 329"),
    ("LDLD-HA", "cd-cap-tren", "Liên đoàn Lao động huyện Hòa An", "LĐLĐ huyện Hòa An", "Tổ 5, thị trấn Nước Hai, huyện Hòa An, tỉnh Cao Bằng", "0206 3860 144"),
]
# fmt: on

# CĐCS: (code, parent code, name after "Công đoàn cơ sở ", short name, members, staff, address)
_W = {
    "HG": f"phường Hợp Giang, {CITY}",
    "SH": f"phường Sông Hiến, {CITY}",
    "DT": f"phường Đề Thám, {CITY}",
    "TG": f"phường Tân Giang, {CITY}",
    "SB": f"phường Sông Bằng, {CITY}",
    "NX": f"phường Ngọc Xuân, {CITY}",
    "HC": f"phường Hòa Chung, {CITY}",
}
# fmt: off
GRASSROOTS = [
    # The Public Employees' union's own units: the letter's addressees.
    ("CDVC-01", "CDVC", "Văn phòng Tỉnh ủy Cao Bằng", "VP Tỉnh ủy", 58, 62, f"Số 035 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-02", "CDVC", "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", 72, 78, f"Số 036 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-03", "CDVC", "Văn phòng Đoàn ĐBQH và HĐND tỉnh", "VP Đoàn ĐBQH và HĐND", 30, 32, f"Số 013 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-04", "CDVC", "Sở Tài chính", "Sở Tài chính", 54, 56, f"Số 042 Kim Đồng, {_W['HG']}"),
    ("CDVC-05", "CDVC", "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", 48, 50, f"Số 008 Xuân Trường, {_W['HG']}"),
    ("CDVC-06", "CDVC", "Sở Nội vụ", "Sở Nội vụ", 45, 47, f"Số 020 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-07", "CDVC", "Sở Tư pháp", "Sở Tư pháp", 36, 38, f"Số 004 Xuân Trường, {_W['HG']}"),
    ("CDVC-08", "CDVC", "Sở Công Thương", "Sở Công Thương", 70, 74, f"Số 027 Xuân Trường, {_W['HG']}"),
    ("CDVC-09", "CDVC", "Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT", 95, 101, f"Số 018 Hoàng Như, {_W['HG']}"),
    ("CDVC-10", "CDVC", "Sở Tài nguyên và Môi trường", "Sở TN&MT", 62, 65, f"Số 022 Kim Đồng, {_W['HG']}"),
    ("CDVC-11", "CDVC", "Sở Xây dựng", "Sở Xây dựng", 40, 41, f"Số 002 Vườn Cam, {_W['HG']}"),
    ("CDVC-12", "CDVC", "Sở Giao thông vận tải", "Sở GTVT", 56, 60, f"Số 107 Võ Nguyên Giáp, {_W['DT']}"),
    ("CDVC-13", "CDVC", "Sở Lao động – Thương binh và Xã hội", "Sở LĐTB&XH", 64, 68, f"Số 019 Vườn Cam, {_W['HG']}"),
    ("CDVC-14", "CDVC", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL", 85, 90, f"Số 081 Kim Đồng, {_W['HG']}"),
    ("CDVC-15", "CDVC", "Sở Khoa học và Công nghệ", "Sở KH&CN", 38, 40, f"Số 055 Kim Đồng, {_W['HG']}"),
    ("CDVC-16", "CDVC", "Sở Thông tin và Truyền thông", "Sở TT&TT", 32, 33, f"Số 003 Hoàng Như, {_W['HG']}"),
    ("CDVC-17", "CDVC", "Sở Ngoại vụ", "Sở Ngoại vụ", 21, 22, f"Số 014 Hoàng Như, {_W['HG']}"),
    ("CDVC-18", "CDVC", "Thanh tra tỉnh", "Thanh tra tỉnh", 30, 31, f"Số 009 Xuân Trường, {_W['HG']}"),
    ("CDVC-19", "CDVC", "Ban Dân tộc tỉnh", "Ban Dân tộc", 25, 26, f"Số 017 Hoàng Như, {_W['HG']}"),
    ("CDVC-20", "CDVC", "Ban Quản lý Khu kinh tế tỉnh", "BQL Khu kinh tế", 34, 36, f"Số 092 Võ Nguyên Giáp, {_W['DT']}"),
    ("CDVC-21", "CDVC", "Ban Tổ chức Tỉnh ủy", "Ban Tổ chức TU", 28, 30, f"Số 035 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-22", "CDVC", "Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo TU", 22, 24, f"Số 035 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-23", "CDVC", "Ban Dân vận Tỉnh ủy", "Ban Dân vận TU", 18, 19, f"Số 035 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-24", "CDVC", "Ủy ban Kiểm tra Tỉnh ủy", "UBKT Tỉnh ủy", 20, 21, f"Số 035 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-25", "CDVC", "Cơ quan Ủy ban MTTQ Việt Nam tỉnh", "UB MTTQ tỉnh", 26, 28, f"Số 026 Kim Đồng, {_W['HG']}"),
    ("CDVC-26", "CDVC", "Đài Phát thanh – Truyền hình Cao Bằng", "Đài PT-TH", 110, 118, f"Số 088 Kim Đồng, {_W['HG']}"),
    ("CDVC-27", "CDVC", "Báo Cao Bằng", "Báo Cao Bằng", 52, 55, f"Số 054 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-28", "CDVC", "Trường Cao đẳng Sư phạm Cao Bằng", "CĐ Sư phạm", 96, 104, f"Tổ 6, {_W['DT']}"),
    ("CDVC-29", "CDVC", "Trường Chính trị Hoàng Đình Giong", "Trường Chính trị", 45, 47, f"Tổ 3, {_W['SH']}"),
    ("CDVC-30", "CDVC", "Trường Cao đẳng Nghề Cao Bằng", "CĐ Nghề", 70, 76, f"Tổ 10, {_W['DT']}"),
    ("CDVC-31", "CDVC", "Trường Trung cấp Y tế Cao Bằng", "TC Y tế", 42, 45, f"Tổ 2, {_W['SB']}"),
    ("CDVC-32", "CDVC", "Cơ quan Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh", 24, 25, f"Số 030 Kim Đồng, {_W['HG']}"),
    ("CDVC-33", "CDVC", "Cơ quan Tỉnh đoàn Cao Bằng", "Tỉnh đoàn", 27, 29, f"Số 015 Xuân Trường, {_W['HG']}"),
    ("CDVC-34", "CDVC", "Cơ quan Hội Nông dân tỉnh", "Hội Nông dân tỉnh", 22, 23, f"Số 012 Kim Đồng, {_W['HG']}"),
    ("CDVC-35", "CDVC", "Liên minh Hợp tác xã tỉnh", "Liên minh HTX", 18, 20, f"Số 040 Vườn Cam, {_W['HG']}"),
    ("CDVC-36", "CDVC", "Bảo tàng tỉnh Cao Bằng", "Bảo tàng tỉnh", 26, 28, f"Số 017 Hoàng Đình Giong, {_W['HG']}"),
    ("CDVC-37", "CDVC", "Thư viện tỉnh Cao Bằng", "Thư viện tỉnh", 19, 20, f"Số 035 Vườn Cam, {_W['HG']}"),
    ("CDVC-38", "CDVC", "Trung tâm Phục vụ hành chính công tỉnh", "TT Hành chính công", 24, 26, f"Số 003 Pác Bó, {_W['DT']}"),
    ("CDVC-39", "CDVC", "Ban Quản lý Công viên địa chất non nước Cao Bằng", "BQL Công viên địa chất", 30, 33, f"Số 111 Võ Nguyên Giáp, {_W['DT']}"),
    ("CDVC-40", "CDVC", "Văn phòng Đăng ký đất đai tỉnh", "VP Đăng ký đất đai", 78, 84, f"Số 022 Kim Đồng, {_W['HG']}"),
    ("CDVC-41", "CDVC", "Trung tâm Dịch vụ việc làm tỉnh", "TT Dịch vụ việc làm", 28, 30, f"Số 140 Bế Văn Đàn, {_W['HG']}"),
    ("CDVC-42", "CDVC", "Chi cục Kiểm lâm tỉnh", "Chi cục Kiểm lâm", 140, 152, f"Số 027 Hoàng Như, {_W['HG']}"),
    ("CDVC-43", "CDVC", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", "TT Xúc tiến", 17, 18, f"Số 005 Vườn Cam, {_W['HG']}"),
    # Schools: the Education union.
    ("GD-01", "CDN-GD", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", 68, 72, f"Số 016 Hoàng Đình Giong, {_W['HG']}"),
    ("GD-02", "CDN-GD", "Trường THPT Chuyên Cao Bằng", "THPT Chuyên", 82, 86, f"Tổ 11, {_W['SB']}"),
    ("GD-03", "CDN-GD", "Trường THPT Thành phố Cao Bằng", "THPT Thành phố", 65, 70, f"Số 060 Vườn Cam, {_W['HG']}"),
    ("GD-04", "CDN-GD", "Trường THPT Cao Bình", "THPT Cao Bình", 55, 58, "Xóm Bó Tờ, xã Hưng Đạo, thành phố Cao Bằng, tỉnh Cao Bằng"),
    ("GD-05", "CDN-GD", "Trường PTDT Nội trú tỉnh Cao Bằng", "PTDT Nội trú tỉnh", 60, 66, f"Tổ 4, {_W['DT']}"),
    ("GD-06", "CDN-GD", "Trường THPT Hòa An", "THPT Hòa An", 58, 61, "Thị trấn Nước Hai, huyện Hòa An, tỉnh Cao Bằng"),
    ("GD-07", "CDN-GD", "Trường THPT Bế Văn Đàn", "THPT Bế Văn Đàn", 46, 49, f"Tổ 7, {_W['SH']}"),
    ("GD-08", "CDN-GD", "Trường THPT Trùng Khánh", "THPT Trùng Khánh", 62, 64, "Thị trấn Trùng Khánh, huyện Trùng Khánh, tỉnh Cao Bằng"),
    ("GD-09", "CDN-GD", "Trường THPT Quảng Uyên", "THPT Quảng Uyên", 50, 54, "Thị trấn Quảng Uyên, huyện Quảng Hòa, tỉnh Cao Bằng"),
    ("GD-10", "CDN-GD", "Trường THPT Bảo Lạc", "THPT Bảo Lạc", 48, 52, "Thị trấn Bảo Lạc, huyện Bảo Lạc, tỉnh Cao Bằng"),
    ("GD-11", "CDN-GD", "Trường THPT Nà Giàng", "THPT Nà Giàng", 44, 47, "Xã Phù Ngọc, huyện Hà Quảng, tỉnh Cao Bằng"),
    ("GD-12", "CDN-GD", "Trường THPT Nguyên Bình", "THPT Nguyên Bình", 45, 48, "Thị trấn Nguyên Bình, huyện Nguyên Bình, tỉnh Cao Bằng"),
    ("GD-13", "CDN-GD", "Trung tâm Giáo dục thường xuyên tỉnh", "TT GDTX tỉnh", 28, 30, f"Tổ 9, {_W['NX']}"),
    # Hospitals and health centres: the Health union.
    ("YT-01", "CDN-YT", "Sở Y tế", "Sở Y tế", 52, 55, f"Số 031 Hiến Giang, {_W['HG']}"),
    ("YT-02", "CDN-YT", "Bệnh viện Đa khoa tỉnh Cao Bằng", "BVĐK tỉnh", 610, 650, f"Tổ 8, {_W['HC']}"),
    ("YT-03", "CDN-YT", "Bệnh viện Y dược cổ truyền và Phục hồi chức năng", "BV YDCT&PHCN", 120, 128, f"Tổ 12, {_W['SH']}"),
    ("YT-04", "CDN-YT", "Trung tâm Kiểm soát bệnh tật tỉnh", "CDC Cao Bằng", 150, 162, f"Số 066 Hoàng Như, {_W['HG']}"),
    ("YT-05", "CDN-YT", "Trung tâm Y tế thành phố Cao Bằng", "TTYT thành phố", 140, 150, f"Tổ 5, {_W['TG']}"),
    ("YT-06", "CDN-YT", "Trung tâm Y tế huyện Hòa An", "TTYT Hòa An", 160, 172, "Thị trấn Nước Hai, huyện Hòa An, tỉnh Cao Bằng"),
    ("YT-07", "CDN-YT", "Trung tâm Y tế huyện Trùng Khánh", "TTYT Trùng Khánh", 175, 190, "Thị trấn Trùng Khánh, huyện Trùng Khánh, tỉnh Cao Bằng"),
    ("YT-08", "CDN-YT", "Trung tâm Pháp y tỉnh", "TT Pháp y", 15, 16, f"Tổ 8, {_W['HC']}"),
    ("YT-09", "CDN-YT", "Trung tâm Kiểm nghiệm Thuốc, Mỹ phẩm, Thực phẩm", "TT Kiểm nghiệm", 22, 23, f"Số 020 Hiến Giang, {_W['HG']}"),
    # The city and a district.
    ("TP-01", "LDLD-TPCB", "Cơ quan Ủy ban nhân dân thành phố Cao Bằng", "UBND thành phố", 75, 80, f"Số 001 Kim Đồng, {_W['HG']}"),
    ("TP-02", "LDLD-TPCB", "Trường THCS Hợp Giang", "THCS Hợp Giang", 40, 42, f"Số 045 Bế Văn Đàn, {_W['HG']}"),
    ("TP-03", "LDLD-TPCB", "Trường Tiểu học Sông Bằng", "TH Sông Bằng", 38, 40, f"Tổ 3, {_W['SB']}"),
    ("TP-04", "LDLD-TPCB", "Công ty Cổ phần Cấp nước Cao Bằng", "Cấp nước Cao Bằng", 135, 150, f"Số 070 Bế Văn Đàn, {_W['HG']}"),
    ("HA-01", "LDLD-HA", "Cơ quan Ủy ban nhân dân huyện Hòa An", "UBND huyện Hòa An", 70, 74, "Thị trấn Nước Hai, huyện Hòa An, tỉnh Cao Bằng"),
    ("HA-02", "LDLD-HA", "Trường THCS Nước Hai", "THCS Nước Hai", 35, 37, "Thị trấn Nước Hai, huyện Hòa An, tỉnh Cao Bằng"),
    ("HA-03", "LDLD-HA", "Trường Tiểu học Hồng Việt", "TH Hồng Việt", 30, 31, "Xã Hồng Việt, huyện Hòa An, tỉnh Cao Bằng"),
]
# fmt: on

# A unit opened and one closed in the middle of the year (2021, or last year in the live demo):
# expected only for their span. (month, day), the year from the demo's calendar.
ACTIVE_SPANS = {
    "CDVC-38": ((7, 1), None),  # the one-stop public service centre opened in July
    "CDVC-31": (None, (8, 31)),  # the secondary medical school merged into the college
}

# Công đoàn bộ phận of the provincial hospital: the tree goes one level deeper there.
SECTIONS = [
    ("YT-02-01", "YT-02", "Công đoàn bộ phận Khối Nội", "CĐBP Khối Nội", 160, 168),
    ("YT-02-02", "YT-02", "Công đoàn bộ phận Khối Ngoại", "CĐBP Khối Ngoại", 145, 152),
    ("YT-02-03", "YT-02", "Công đoàn bộ phận Khoa Hồi sức tích cực – Chống độc", "CĐBP Hồi sức", 48, 52),
    ("YT-02-04", "YT-02", "Công đoàn bộ phận Cận lâm sàng", "CĐBP Cận lâm sàng", 96, 102),
    ("YT-02-05", "YT-02", "Công đoàn bộ phận Phòng ban chức năng", "CĐBP Phòng ban", 70, 76),
]

# Contact people of the units: Cao Bằng's Tày and Nùng family names, and others.
FAMILY_NAMES = [
    "Nông",
    "Hoàng",
    "Bế",
    "Lương",
    "Đàm",
    "Lục",
    "Ma",
    "Triệu",
    "Hà",
    "Nguyễn",
    "Lý",
    "Vi",
    "Lãnh",
    "Mạc",
    "Sầm",
    "Đinh",
    "Phùng",
    "Lưu",
    "Chu",
    "La",
]
MIDDLE_NAMES = {
    "m": ["Văn", "Đức", "Minh", "Quang", "Thanh", "Ngọc", "Hữu"],
    "f": ["Thị", "Thu", "Hồng", "Ngọc", "Thanh", "Thị Thu", "Thị Hồng"],
}
GIVEN_NAMES = {
    "m": [
        "Hải",
        "Tuấn",
        "Hùng",
        "Dũng",
        "Cường",
        "Quân",
        "Thắng",
        "Long",
        "Sơn",
        "Trung",
        "Khánh",
        "Bình",
        "Toàn",
        "Việt",
    ],
    "f": ["Hương", "Lan", "Thủy", "Dung", "Hạnh", "Linh", "Mai", "Huyền", "Nga", "Thảo", "Yến", "Vân", "Phương", "Hà"],
}
# Mobile prefixes of the three big networks (all valid for phonenumbers' is_valid_number).
MOBILE_PREFIXES = ["091", "094", "088", "083", "098", "097", "096", "086", "035", "036", "039", "090", "093", "077"]

# The demo logins: (username, full name, role, unit code, phone, e-mail local part)
STAFF_LOGINS = [
    ("admin", "Nông Thị Thu Hà", "admin", "LDLD-CB", "0912 486 205", "thuha.nong"),
    ("bientap", "Đàm Thị Thanh Huyền", "editor", "CDVC", "0986 312 774", "huyen.dam"),
    ("lanhdao", "Hoàng Văn Thắng", "leader", "CDVC", "0915 207 338", "thang.hoang"),
]
# Officers, one per CĐCS, the first twelve of the Public Employees' union's units.
OFFICERS = [
    ("Bế Thị Hồng Nhung", "CDVC-01"),
    ("Lương Văn Cường", "CDVC-02"),
    ("Hà Thị Mai", "CDVC-03"),
    ("Triệu Thị Lan", "CDVC-04"),
    ("Nông Đức Anh", "CDVC-05"),
    ("Lục Thị Thảo", "CDVC-06"),
    ("Ma Văn Hùng", "CDVC-07"),
    ("Lý Thị Vân", "CDVC-08"),
    ("Hoàng Minh Tuấn", "CDVC-09"),
    ("Đàm Thị Yến", "CDVC-10"),
    ("Vi Văn Khánh", "CDVC-26"),
    ("Sầm Thị Phương", "CDVC-28"),
]
