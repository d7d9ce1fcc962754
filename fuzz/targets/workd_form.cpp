// workD's request form reads typed phones, e-mail addresses, account counts and text from pages
// and JSON bodies (workd/form.hpp). The input is values, one per line. A phone that reads is
// digits (and " ต่อ " with 1–6 digits); an address that reads has one '@' and a lower-case
// domain; a count is 0..100000; cleaned text is valid UTF-8 without control characters; and a
// JSON body of these values round-trips through the request's data.
#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "fuzz_target.hpp"
#include "workd/form.hpp"

GOVHUB_FUZZ_TARGET(workd_form) {
    using namespace govhub::workd;
    static constexpr std::string_view kExt = " ต่อ ";
    auto text = govhub::fuzz::AsText(data, size);
    if (text.size() > 64 << 10) return;
    auto fields = govhub::fuzz::Fields(text, 16);
    nlohmann::json body = nlohmann::json::object();
    size_t i = 0;
    for (const auto& v : fields) {
        std::string value(v);
        for (bool mobile : {false, true}) {
            auto p = ParseThaiPhone(value, mobile);
            if (!p) continue;
            std::string digits = p->substr(0, p->find(' '));
            if (digits.size() < 9 || digits.size() > 10 || digits[0] != '0' ||
                digits.find_first_not_of("0123456789") != std::string::npos)
                __builtin_trap();
            if (mobile && digits.size() != 10) __builtin_trap();
            if (p->size() > digits.size() && p->compare(digits.size(), kExt.size(), kExt) != 0)
                __builtin_trap();
            if (ParseThaiPhone(*p, mobile) != p) __builtin_trap();  // normalised is a fixed point
        }
        if (auto e = ParseEmail(value)) {
            auto at = e->find('@');
            if (at == std::string::npos || at != e->rfind('@') || e->size() > 254) __builtin_trap();
            if (govhub::core::ToLower(e->substr(at)) != e->substr(at)) __builtin_trap();
            if (ParseEmail(*e) != e) __builtin_trap();
        }
        if (auto n = ParseAccountCount(value))
            if (*n < 0 || *n > kMaxAccounts) __builtin_trap();
        for (bool multiline : {false, true})
            if (auto c = CleanText(value, multiline)) {
                if (!govhub::core::IsValidUtf8(*c) || govhub::core::HasStrayControls(*c, multiline))
                    __builtin_trap();
                if (CleanText(*c, multiline) != c) __builtin_trap();
            }
        const auto& all = RequestForm::Fields();
        body[all[i++ % all.size()].key] = value;
    }
    try {
        RequestForm f = RequestForm::FromJson(body);
        RequestForm back = RequestForm::FromData(f.ToData());
        for (const auto& d : RequestForm::Fields())
            if (std::string_view(d.key) != "mail_accounts" &&
                std::string_view(d.key) != "conference_accounts" && back.*d.member != f.*d.member)
                __builtin_trap();
        FormContext ctx;  // no directory, no address data: the checks that need none
        ctx.today = "2026-12-07";
        Validate(f, ctx, FormMode::kComplete, nullptr, "2026-12-07T00:00:00Z");
    } catch (const govhub::HttpError&) {
    }
}
