// Learning's bulk-enrolment file (learning/enrolment_csv.hpp): any bytes, any encoding. A row
// it accepts names a person by a check-digit-valid citizen ID or an e-mail address, never
// anything else; it never returns more rows than the cap, nor rows with a whole-file refusal.
#include "learning/enrolment_csv.hpp"
#include "core/citizen_id.hpp"
#include "core/email_address.hpp"
#include "fuzz_target.hpp"

GOVHUB_FUZZ_TARGET(enrolment_csv) {
    using namespace govhub::learning;
    auto f = ParseEnrolmentCsv(govhub::fuzz::AsText(data, size));
    if (!f.error_key.empty() && !f.rows.empty()) __builtin_trap();
    if (f.rows.size() > kMaxEnrolmentRows) __builtin_trap();
    for (const auto& r : f.rows) {
        if (r.kind == EnrolmentRow::Kind::kCitizenId &&
            govhub::core::ParseCitizenId(r.value) != r.value)
            __builtin_trap();
        if (r.kind == EnrolmentRow::Kind::kEmail && !govhub::core::IsValidEmail(r.value))
            __builtin_trap();
        if (r.shown.size() > 104) __builtin_trap();
    }
}
