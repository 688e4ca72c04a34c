"""Load errors for every data file under `criteria/` (award criteria, law, risk, columns, provinces, derivations), in
the manner of pyxform's ErrorCode: every message names the file, the row and the column, and says what was expected,
in Vietnamese and English. Loaders collect every issue and raise them together as one `CriteriaLoadError`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Detail:
    vi: str
    en: str


class ErrorCode(Enum):
    FILE_MISSING = Detail("thiếu tệp (cần có tệp này)", "the file is missing (it is required)")
    FILE_UNREADABLE = Detail("không đọc được tệp: {reason}", "cannot read the file: {reason}")
    COLUMN_MISSING = Detail("thiếu cột bắt buộc `{column}`", "required column `{column}` is missing")
    COLUMN_UNKNOWN = Detail("cột không xác định `{column}`{hint_vi}", "unknown column `{column}`{hint_en}")
    VALUE_REQUIRED = Detail("ô trống, cần có giá trị", "the cell is empty; a value is required")
    TEXT_MISSING = Detail("thiếu bản dịch {language}", "the {language} text is missing")
    DUPLICATE_ID = Detail("mã `{value}` bị trùng (đã có ở dòng {first_row})",
                          "id `{value}` is duplicated (first used on row {first_row})")
    BAD_ID = Detail("mã `{value}` không hợp lệ: chỉ dùng chữ, số, `-` hoặc `_`, bắt đầu bằng chữ",
                    "id `{value}` is not valid: use letters, digits, `-` or `_`, starting with a letter")
    UNKNOWN_REFERENCE = Detail("`{value}` không có trong {target}", "`{value}` is not defined in {target}")
    BAD_NUMBER = Detail("`{value}` không phải là số", "`{value}` is not a number")
    BAD_INTEGER = Detail("`{value}` không phải là số nguyên", "`{value}` is not a whole number")
    OUT_OF_RANGE = Detail("`{value}` nằm ngoài khoảng cho phép ({low} đến {high})",
                          "`{value}` is outside the allowed range ({low} to {high})")
    BAD_OPTION = Detail("`{value}` không hợp lệ, cần một trong: {options}",
                        "`{value}` is not valid; expected one of: {options}")
    BAD_DATE = Detail("`{value}` không phải là ngày dạng YYYY-MM-DD", "`{value}` is not a date in YYYY-MM-DD form")
    BAD_TYPE = Detail("kiểu câu hỏi `{value}` không hợp lệ, cần `select_one DANH_SÁCH`, `select_multiple DANH_SÁCH`, "
                      "`integer` hoặc `text`",
                      "question type `{value}` is not valid; expected `select_one LIST`, `select_multiple LIST`, "
                      "`integer` or `text`")
    WEIGHT_TOTAL = Detail("tổng trọng số {scope} là {total}, nhưng phải bằng {expected}",
                          "the weights of {scope} add up to {total}, but must add up to {expected}")
    CONDITION_SYNTAX = Detail("điều kiện không đúng cú pháp tại ký tự {position}: {reason}",
                              "the condition has a syntax error at character {position}: {reason}")
    CONDITION_UNKNOWN_ID = Detail("điều kiện nhắc tới câu hỏi không tồn tại `${{{value}}}`",
                                  "the condition refers to an unknown question `${{{value}}}`")
    CONDITION_FORWARD = Detail("điều kiện nhắc tới `${{{value}}}`, câu hỏi này phải đứng trước",
                               "the condition refers to `${{{value}}}`, which must come before this question")
    CONDITION_SCORED = Detail("điều kiện chỉ được nhắc tới câu hỏi không tính điểm (trọng số 0), "
                              "nhưng `${{{value}}}` có tính điểm",
                              "a condition may only refer to unscored questions (weight 0), but `${{{value}}}` "
                              "is scored")
    SCORED_NEEDS_CHOICES = Detail("câu hỏi có trọng số > 0 phải là select_one/select_multiple với danh sách có điểm",
                                  "a question with weight > 0 must be select_one/select_multiple on a list with "
                                  "scores")
    CRITICAL_NEEDS_KNOCKOUT = Detail("câu hỏi trọng yếu phải dùng danh sách có ít nhất một lựa chọn `knockout`",
                                     "a critical question must use a list with at least one `knockout` choice")
    LIST_MIXED_SCORES = Detail("danh sách `{value}` có lựa chọn có điểm và lựa chọn để trống điểm; hoặc tất cả có "
                               "điểm (trừ lựa chọn na), hoặc không lựa chọn nào có điểm",
                               "list `{value}` mixes scored and unscored choices; either every choice but `na` "
                               "has a score, or none has")
    LIST_EMPTY = Detail("danh sách `{value}` không có lựa chọn nào", "list `{value}` has no choices")
    DERIVED_UNKNOWN = Detail("`{value}` không phải là nguồn suy ra đã biết; cần một trong: {options}",
                             "`{value}` is not a known derivation; expected one of: {options}")
    DERIVED_CHOICE = Detail("phép kiểm tra `{derivation}` có thể trả lời `{value}`, nhưng danh sách `{list}` "
                            "không có lựa chọn này",
                            "the `{derivation}` check can answer `{value}`, but list `{list}` has no such choice")
    SETTING_MISSING = Detail("thiếu thiết lập `{value}`", "setting `{value}` is missing")
    VALUE_INVALID = Detail("giá trị không hợp lệ: {reason}", "invalid value: {reason}")
    BAD_NAME = Detail("tên `{value}` không hợp lệ: chỉ dùng chữ thường không dấu, số hoặc `_`, bắt đầu bằng chữ",
                      "name `{value}` is not valid: use lower-case letters, digits or `_`, starting with a letter")
    NA_SCORED = Detail("lựa chọn `na` không có điểm", "the `na` choice carries no score")
    ALIAS_TAKEN = Detail("tên gọi `{value}` đã dùng cho `{other}`", "the name `{value}` is already used for `{other}`")
    ROWS_MISSING = Detail("thiếu dòng cho: {values}", "rows are missing for: {values}")
    BAD_ORDER = Detail("các dòng phải đúng thứ tự: {options}", "the rows must come in this order: {options}")
    BAD_PARAM = Detail("`{value}` không đúng dạng `tên=số`", "`{value}` is not in the form `name=number`")
    BAD_BOUNDS = Detail("`{low}` lớn hơn `{high}`", "`{low}` is greater than `{high}`")
    KEYWORDS_MISSING = Detail("cần ít nhất một từ khóa (keywords::vi hoặc keywords::en)",
                              "at least one keyword is needed (keywords::vi or keywords::en)")


LANGS = ("vi", "en")
_ROW_WORD = {"vi": "dòng", "en": "row"}
_COLUMN_WORD = {"vi": "cột", "en": "column"}


@dataclass(frozen=True)
class LoadIssue:
    code: ErrorCode
    file: str
    row: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "vi") -> str:
        lang = lang if lang in LANGS else "vi"
        where = [self.file]
        if self.row is not None:
            where.append(f"{_ROW_WORD[lang]} {self.row}")
        if self.column:
            where.append(f"{_COLUMN_WORD[lang]} `{self.column}`")
        template = getattr(self.code.value, lang)
        return f"[{', '.join(where)}] {template.format(**self.params)}"


class CriteriaLoadError(Exception):
    """All problems found in the data files (a criteria set, or every file under `criteria/`), so that a scheme
    officer can fix them in one pass."""

    def __init__(self, issues: list[LoadIssue], source: str = ""):
        self.issues = issues
        self.source = source
        super().__init__("\n".join(i.message("en") for i in issues))

    def messages(self, lang: str = "vi") -> list[str]:
        return [i.message(lang) for i in self.issues]
