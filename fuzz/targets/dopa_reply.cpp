// The replies of the two laser-code identity services (learning/identity.hpp): DOPA's SOAP
// CheckCardByLaserResponse, and GDX's JSON check and token replies. The same bytes go to all
// three; for GDX the first byte picks the HTTP status (200, 500 or another) and the rest is the
// body, since the status decides how the body is read. A reply must never verify a card without
// DOPA's code 0.
#include "fuzz_target.hpp"
#include "learning/identity.hpp"

GOVHUB_FUZZ_TARGET(dopa_reply) {
    using govhub::learning::VerifyOutcome;
    auto text = govhub::fuzz::AsText(data, size);
    auto soap = govhub::learning::ParseDopaSoapReply(text);
    if (soap.outcome == VerifyOutcome::kVerified && soap.code != 0) __builtin_trap();
    int status = 200;
    std::string_view body = text;
    if (!text.empty()) {
        unsigned char first = static_cast<unsigned char>(text[0]);
        status = first % 3 == 0 ? 200 : first % 3 == 1 ? 500 : 400 + first;
        body.remove_prefix(1);
    }
    auto gdx = govhub::learning::ParseGdxCheckReply(status, body);
    if (gdx.outcome == VerifyOutcome::kVerified && (status != 200 || gdx.code != 0))
        __builtin_trap();
    auto token = govhub::learning::ParseGdxTokenReply(200, text);
    if (token)
        for (unsigned char c : *token)
            if (c < 0x21 || c > 0x7e) __builtin_trap();  // it goes into a header
}
