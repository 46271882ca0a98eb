// i18n: the words of the interface, Vietnamese first, English as a switch.
const WORDS = {
  app_title: ['Sổ đảng viên', 'Party registry'],
  skip: ['Bỏ qua, đến nội dung chính', 'Skip to main content'],
  nav_main: ['Điều hướng chính', 'Main navigation'],
  loading: ['Đang tải…', 'Loading…'],
  lang_switch: ['English', 'Tiếng Việt'],
  logout: ['Đăng xuất', 'Log out'],
  login_title: ['Đăng nhập', 'Log in'],
  login_intro: ['Nhập tên người dùng và mật khẩu được cấp.', 'Enter the user name and password you were given.'],
  user: ['Tên người dùng', 'User name'],
  password: ['Mật khẩu', 'Password'],
  login_btn: ['Đăng nhập', 'Log in'],
  login_bad: ['Sai tên người dùng hoặc mật khẩu.', 'Wrong user name or password.'],
  home: ['Trang chủ', 'Home'],
  tree: ['Cây tổ chức', 'Organisation tree'],
  members: ['Đảng viên', 'Members'],
  report: ['Báo cáo', 'Report'],
  party_work: ['Công tác đảng', 'Party work'],
  my_units: ['Đơn vị của tôi', 'My units'],
  role_admin: ['Quản trị', 'Administrator'],
  role_organiser: ['Cán bộ tổ chức', 'Organiser'],
  role_secretary: ['Bí thư', 'Secretary'],
  role_viewer: ['Xem số liệu', 'Viewer'],
  role_inspector: ['Kiểm tra', 'Inspector'],
  hello: ['Xin chào', 'Hello'],
  as_of: ['Xem theo ngày', 'As of'],
  show: ['Xem', 'Show'],
  today: ['Hôm nay', 'Today'],
  headcount: ['Số đảng viên', 'Members'],
  members_n: ['đảng viên', 'members'],
  children: ['Đơn vị trực thuộc', 'Units under it'],
  no_children: ['Không có đơn vị trực thuộc.', 'No units under it.'],
  history: ['Lịch sử đơn vị', 'History of the unit'],
  from: ['Từ ngày', 'From'],
  to: ['Đến ngày', 'To'],
  name: ['Tên', 'Name'],
  code: ['Mã', 'Code'],
  kind: ['Loại', 'Kind'],
  parent: ['Trực thuộc', 'Under'],
  since_ever: ['(từ đầu)', '(since ever)'],
  still: ['nay', 'now'],
  breakdown: ['Cơ cấu đảng viên', 'Breakdown of members'],
  changes: ['Biến động trong kỳ', 'Changes over a period'],
  period: ['Kỳ', 'Period'],
  period_note: ['tính ngày đầu, không tính ngày cuối', 'first day included, last day excluded'],
  count: ['Số lượng', 'Count'],
  percent: ['Tỷ lệ', 'Share'],
  total: ['Tổng số', 'Total'],
  sex: ['Giới tính', 'Sex'], 'sex.M': ['Nam', 'Male'], 'sex.F': ['Nữ', 'Female'],
  age: ['Độ tuổi', 'Age'],
  'age.le30': ['≤ 30', '≤ 30'], 'age.31_40': ['31–40', '31–40'], 'age.41_50': ['41–50', '41–50'],
  'age.51_60': ['51–60', '51–60'], 'age.gt60': ['> 60', '> 60'],
  ethnicity: ['Dân tộc', 'Ethnicity'], 'ethnicity.kinh': ['Kinh', 'Kinh'], 'ethnicity.minority': ['Thiểu số', 'Minority'],
  religion: ['Tôn giáo', 'Religion'], 'religion.none': ['Không', 'None'], 'religion.some': ['Có đạo', 'Religious'],
  theory_level: ['Lý luận chính trị', 'Political theory'],
  'theory_level.none': ['Chưa qua', 'None'], 'theory_level.elementary': ['Sơ cấp', 'Elementary'],
  'theory_level.intermediate': ['Trung cấp', 'Intermediate'], 'theory_level.advanced': ['Cao cấp', 'Advanced'],
  'theory_level.bachelor': ['Cử nhân', 'Bachelor'],
  expertise: ['Chuyên môn', 'Expertise'],
  'expertise.none': ['Chưa qua', 'None'], 'expertise.intermediate': ['Trung cấp', 'Intermediate'],
  'expertise.college': ['Cao đẳng', 'College'], 'expertise.bachelor': ['Đại học', 'Bachelor'],
  'expertise.master': ['Thạc sĩ', 'Master'], 'expertise.doctor': ['Tiến sĩ', 'Doctor'],
  membership_years: ['Tuổi đảng', 'Years of membership'],
  'membership_years.lt10': ['< 10 năm', '< 10 years'], 'membership_years.10_29': ['10–29 năm', '10–29 years'],
  'membership_years.ge30': ['≥ 30 năm', '≥ 30 years'],
  status: ['Tình trạng', 'Status'], 'status.probationary': ['Dự bị', 'Probationary'], 'status.official': ['Chính thức', 'Official'],
  'status.left': ['Đã ra khỏi Đảng', 'Left'], 'status.expelled': ['Bị khai trừ', 'Expelled'], 'status.deceased': ['Đã từ trần', 'Deceased'],
  admitted: ['Kết nạp', 'Admitted'], made_official: ['Công nhận chính thức', 'Made official'],
  moved_in: ['Chuyển đến', 'Moved in'], moved_out: ['Chuyển đi', 'Moved out'],
  left: ['Xóa tên, ra khỏi Đảng', 'Left'], expelled: ['Khai trừ', 'Expelled'], died: ['Từ trần', 'Died'],
  search: ['Tìm đảng viên', 'Find a member'],
  search_hint: ['Gõ họ tên, có dấu hoặc không dấu, ví dụ: nguyen thi h', 'Type a name, with or without marks, e.g. nguyen thi h'],
  results: ['Kết quả', 'Results'],
  no_results: ['Không tìm thấy đảng viên nào.', 'No member found.'],
  full_name: ['Họ và tên', 'Full name'], card_no: ['Số thẻ', 'Card no.'], birth_date: ['Ngày sinh', 'Born'],
  org: ['Chi bộ', 'Cell'], all: ['Tất cả', 'All'],
  filter: ['Lọc', 'Filter'], sort: ['Sắp xếp', 'Sort'],
  sort_name: ['Theo tên (thứ tự tiếng Việt)', 'By name (Vietnamese order)'],
  sort_birth: ['Theo ngày sinh', 'By birth date'], sort_id: ['Theo số hồ sơ', 'By record number'],
  page: ['Trang', 'Page'], prev: ['Trang trước', 'Previous page'], next: ['Trang sau', 'Next page'],
  of: ['trên', 'of'],
  dossier: ['Hồ sơ đảng viên', 'Member dossier'],
  timeline: ['Quá trình', 'History'],
  placements: ['Nơi sinh hoạt', 'Placements'],
  hometown: ['Quê quán', 'Home town'], education: ['Giáo dục phổ thông', 'General education'],
  admitted_on: ['Ngày vào Đảng', 'Admitted on'], official_on: ['Ngày chính thức', 'Official on'],
  ended_on: ['Ngày thôi', 'Ended on'],
  actions: ['Thao tác', 'Actions'],
  op_transfer: ['Chuyển sinh hoạt', 'Transfer'],
  review: ['Xem lại trước khi lưu', 'Review before saving'],
  confirm: ['Xác nhận và lưu', 'Confirm and save'],
  edit_again: ['Sửa lại', 'Edit again'],
  cancel: ['Hủy', 'Cancel'],
  will_change: ['Sẽ thay đổi như sau:', 'This will change:'],
  saved: ['Đã lưu.', 'Saved.'],
  undo: ['Hoàn tác', 'Undo'],
  undone: ['Đã hoàn tác.', 'Undone.'],
  required: ['Cần nhập mục này.', 'This field is required.'],
  bad_date: ['Ngày phải có dạng ngày/tháng/năm, ví dụ 02/03/2025.', 'A date is day/month/year, e.g. 02/03/2025.'],
  day_placeholder: ['ngày/tháng/năm', 'dd/mm/yyyy'],
  day_hint: ['Gõ ngày/tháng/năm, ví dụ 02/03/2025.', 'Type day/month/year, e.g. 02/03/2025.'],
  form_errors: ['Chưa lưu: hãy sửa các mục được đánh dấu.', 'Not saved: please correct the marked fields.'],
  nothing_written: ['Không có gì được ghi vào sổ.', 'Nothing was written.'],
  org_unknown: ['Không tìm thấy đơn vị này vào ngày đã chọn.', 'No such unit on that day.'],
  reason: ['Lý do', 'Reason'], effective: ['Ngày có hiệu lực', 'Effective from'],
  to_org: ['Đơn vị nhận (mã hoặc số)', 'Receiving unit (code or number)'],
  due_recognition: ['Đến hạn xét công nhận chính thức', 'Due for recognition'],
  badges: ['Đủ điều kiện tặng Huy hiệu Đảng', 'Eligible for the Party badge'],
  overdue_transfers: ['Chuyển sinh hoạt quá hạn', 'Overdue transfers'],
  more_lists: ['Danh sách khác', 'Other lists'],
  report_title: ['BÁO CÁO THỐNG KÊ ĐẢNG VIÊN VÀ TỔ CHỨC ĐẢNG', 'STATISTICAL REPORT OF MEMBERS AND ORGANISATIONS'],
  report_of: ['Báo cáo thống kê', 'Statistical report'],
  download_xlsx: ['Tải tệp Excel (XLSX)', 'Download Excel (XLSX)'],
  print: ['In báo cáo', 'Print'],
  item: ['Chỉ tiêu', 'Item'],
  no: ['STT', 'No.'],
  reporter: ['NGƯỜI LẬP BÁO CÁO', 'PREPARED BY'],
  not_found: ['Không tìm thấy.', 'Not found.'],
  forbidden: ['Bạn không có quyền xem mục này.', 'You may not see this.'],
  error: ['Có lỗi', 'Error'],
  network: ['Không kết nối được máy chủ. Hãy thử lại.', 'Cannot reach the server. Please try again.'],
  open: ['Mở', 'Open'], expand: ['Mở rộng', 'Expand'], collapse: ['Thu gọn', 'Collapse'],
  unit_page: ['Trang đơn vị', 'Unit page'],
  versions_none: ['Đơn vị chưa đổi tên, chưa chuyển.', 'No renames or moves.'],
  renamed: ['đổi tên', 'renamed'], moved: ['chuyển trực thuộc', 'moved'], created: ['thành lập', 'created'],
  ended: ['kết thúc', 'ended'], kind_changed: ['đổi loại', 'kind changed'],
  operations: ['Nghiệp vụ', 'Operations'],
  start: ['Bắt đầu', 'Start'],
  party_age: ['Tuổi đảng', 'Party age'], years: ['năm', 'years'],
  cards: ['Thẻ đảng', 'Party card'], transfers: ['Chuyển sinh hoạt', 'Transfer'], exemptions: ['Miễn sinh hoạt', 'Exemption'],
  discipline: ['Kỷ luật', 'Discipline'], gaps: ['Gián đoạn', 'Gap'], rankings: ['Xếp loại', 'Ranking'],
  form: ['Hình thức', 'Form'], card: ['Số thẻ', 'Card'], kind_: ['Loại', 'Kind'],
  state: ['Tình trạng', 'State'], probation_from: ['Dự bị từ', 'Probation from'], probation_ends: ['Hết dự bị', 'Probation ends'],
  consider_by: ['Xét trước ngày', 'Consider by'], reached_on: ['Đủ tuổi đảng ngày', 'Reached on'], early: ['Trao sớm', 'Early'],
  member_id: ['Số hồ sơ', 'Record no.'],
  'state.due': ['Đến hạn', 'Due'], 'state.overdue': ['Quá hạn', 'Overdue'], org_id: ['Đơn vị', 'Unit'],
};
const KIND = {
  party: ['Đảng', 'Party'], province: ['Đảng bộ tỉnh', 'Provincial committee'],
  bloc: ['Đảng bộ khối', 'Bloc committee'], upper: ['Đảng bộ cấp trên cơ sở', 'Upper committee'],
  grassroots: ['Đảng bộ cơ sở', 'Grassroots committee'], grassroots_cell: ['Chi bộ cơ sở', 'Grassroots cell'],
  sub_committee: ['Đảng bộ bộ phận', 'Sub-committee'], cell: ['Chi bộ', 'Cell'],
};

export let lang = localStorage.getItem('hoso.lang') === 'en' ? 'en' : 'vi';
const idx = () => (lang === 'en' ? 1 : 0);

export function setLang(l) {
  lang = l === 'en' ? 'en' : 'vi';
  localStorage.setItem('hoso.lang', lang);
  document.documentElement.lang = lang;
}

// The word for key; unknown keys show as themselves (never blank).
export function t(key) {
  const w = WORDS[key];
  return w ? w[idx()] : key;
}

export function has(key) { return key in WORDS; }

export function kindLabel(k) { return KIND[k] ? KIND[k][idx()] : k; }

// Days are ISO text; shown as dd/mm/yyyy, the Vietnamese way.
export function fmtDay(d) {
  if (!d) return '';
  const [y, m, dd] = d.split('-');
  return `${dd}/${m}/${y}`;
}

export function fmtNum(n) {
  return Number(n).toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN');
}
