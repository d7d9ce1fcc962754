#pragma once
// The file an agency's administrator uploads to enrol their staff in a course (issue 17): one
// person per row, named by citizen ID or e-mail. Any encoding people save (UTF-8 with or
// without BOM, cp874/TIS-620 from Thai Excel, UTF-16) and any delimiter (core/csv.hpp); a
// header row is recognised and skipped; in each row the first cell that is a citizen ID (check
// digit, dashes, spaces and Thai digits allowed) or an e-mail address names the person.
//
// Pure: the service looks the people up and enrols them in a job. Bounds: kMaxEnrolmentBytes
// of file, kMaxEnrolmentRows rows (past them: the file is refused, nothing enrolled), a row's
// cells capped by CsvParser's record cap (64 KiB here).
#include <string>
#include <string_view>
#include <vector>

namespace govhub::learning {

inline constexpr size_t kMaxEnrolmentBytes = 2 * 1024 * 1024;
inline constexpr size_t kMaxEnrolmentRows = 10000;

struct EnrolmentRow {
    enum class Kind { kCitizenId, kEmail, kInvalid, kDuplicate };
    int line = 0;  // the record's number (1-based; the header counts, blank lines do not)
    Kind kind = Kind::kInvalid;
    std::string value;      // the 13 digits, or the e-mail in lower case
    std::string error_key;  // i18n key for kInvalid / kDuplicate
    std::string shown;      // the row's first cell as typed (trimmed, ≤ 100 bytes), for reports
};

struct EnrolmentFile {
    std::vector<EnrolmentRow> rows;  // blank rows left out
    std::string encoding;            // as detected ("UTF-8", "CP874", ...)
    bool header = false;             // a header row was skipped
    std::string error_key;           // non-empty: the whole file is refused
};

EnrolmentFile ParseEnrolmentCsv(std::string_view bytes);

}  // namespace govhub::learning
