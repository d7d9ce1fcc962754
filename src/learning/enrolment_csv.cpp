#include "learning/enrolment_csv.hpp"

#include <stdexcept>
#include <unordered_set>

#include "core/citizen_id.hpp"
#include "core/csv.hpp"
#include "core/email_address.hpp"
#include "core/strings.hpp"
#include "core/text_encoding.hpp"

namespace govhub::learning {

namespace {

constexpr size_t kMaxRowBytes = 64 * 1024;
constexpr size_t kMaxShown = 100;

// Words a header row's cells hold (lower case): the column names people write.
bool IsHeaderWord(const std::string& cell) {
    static const char* const kWords[] = {
        "citizen_id",    "citizen id", "id",   "id_card", "national_id",
        "email",         "e-mail",     "mail", "name",    "เลขประจำตัวประชาชน",
        "เลขบัตรประชาชน", "เลขบัตร",     "อีเมล", "อีเมล์",    "ชื่อ",
        "ชื่อ-นามสกุล",     "ลำดับ",       "no",   "no."};
    for (const char* w : kWords)
        if (cell == w) return true;
    return false;
}

std::string Shown(const std::string& cell) {
    if (cell.size() <= kMaxShown) return cell;
    size_t cut = kMaxShown;
    while (cut > 0 && (static_cast<unsigned char>(cell[cut]) & 0xC0) == 0x80) --cut;
    return cell.substr(0, cut) + "…";
}

}  // namespace

EnrolmentFile ParseEnrolmentCsv(std::string_view bytes) {
    EnrolmentFile f;
    if (bytes.size() > kMaxEnrolmentBytes) {
        f.error_key = "learning.bulk.file_too_large";
        return f;
    }
    std::string text;
    try {
        // Detection refuses NUL bytes without a UTF-16 BOM (a binary file) by throwing too.
        core::Encoding enc = core::DetectEncodingOf(bytes);
        f.encoding = enc.name;
        text = core::ToUtf8(bytes, enc);  // drops the BOM itself
    } catch (const std::exception&) {
        f.error_key = "learning.bulk.not_text";
        return f;
    }
    if (text.find('\0') != std::string::npos) {
        f.error_key = "learning.bulk.not_text";
        return f;
    }
    core::Dialect dialect = core::SniffDialect(std::string_view(text).substr(0, 64 << 10));
    dialect.preamble = 0;  // a header is recognised below, not skipped blind
    core::CsvParser parser(dialect, kMaxRowBytes);
    std::unordered_set<std::string> seen;
    int line = 0;
    bool too_many = false;
    auto record = [&](std::vector<std::string>& cells) {
        ++line;
        if (too_many) return;
        std::vector<std::string> trimmed;
        bool blank = true;
        for (auto& c : cells) {
            trimmed.push_back(core::Trim(c));
            if (!trimmed.back().empty()) blank = false;
        }
        if (blank) return;
        if (f.rows.empty() && !f.header && line <= 2) {
            bool header = false;
            for (const auto& c : trimmed)
                if (IsHeaderWord(core::ToLower(c))) header = true;
            if (header) {
                f.header = true;
                return;
            }
        }
        if (f.rows.size() >= kMaxEnrolmentRows) {
            too_many = true;
            return;
        }
        EnrolmentRow row;
        row.line = line;
        for (const auto& c : trimmed)
            if (!c.empty()) {
                row.shown = Shown(c);
                break;
            }
        for (const auto& c : trimmed) {
            if (auto id = core::ParseCitizenId(c)) {
                row.kind = EnrolmentRow::Kind::kCitizenId;
                row.value = *id;
                break;
            }
            std::string email = core::ToLower(c);
            if (core::IsValidEmail(email)) {
                row.kind = EnrolmentRow::Kind::kEmail;
                row.value = email;
                break;
            }
        }
        if (row.kind == EnrolmentRow::Kind::kInvalid) {
            // Thirteen digits that fail the check digit are a mistyped ID, not "no person".
            std::string digits;
            for (char ch : row.shown)
                if (ch >= '0' && ch <= '9') digits += ch;
            row.error_key = digits.size() == 13 ? "learning.bulk.bad_check_digit"
                                                : "learning.bulk.no_id_or_email";
        } else if (!seen.insert(row.value).second) {
            row.kind = EnrolmentRow::Kind::kDuplicate;
            row.error_key = "learning.bulk.duplicate_row";
        }
        f.rows.push_back(std::move(row));
    };
    try {
        parser.Feed(text, record);
        parser.Finish(record);
    } catch (const std::runtime_error&) {
        f.rows.clear();
        f.error_key = "learning.bulk.row_too_long";
        return f;
    }
    if (too_many) {
        f.rows.clear();
        f.error_key = "learning.bulk.too_many_rows";
    } else if (f.rows.empty()) {
        f.error_key = "learning.bulk.empty";
    }
    return f;
}

}  // namespace govhub::learning
