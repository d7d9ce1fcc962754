#include "search/analyzer.hpp"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/utext.h>

#include <memory>
#include <stdexcept>

namespace govhub::search {

namespace {

// One break iterator per thread (they are not thread-safe), cloned from a shared prototype.
icu::BreakIterator& ThreadBreakIterator() {
    thread_local std::unique_ptr<icu::BreakIterator> it = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::BreakIterator> bi(
            icu::BreakIterator::createWordInstance(icu::Locale("th"), status));
        if (U_FAILURE(status) || !bi)
            throw std::runtime_error("ICU word break iterator unavailable");
        return bi;
    }();
    return *it;
}

const icu::Normalizer2& NfkcCasefold() {
    static const icu::Normalizer2* n = [] {
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2* inst = icu::Normalizer2::getNFKCCasefoldInstance(status);
        if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC_Casefold unavailable");
        return inst;
    }();
    return *n;
}

}  // namespace

std::string NormalizeWord(std::string_view word) {
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(
        icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
    icu::UnicodeString folded = NfkcCasefold().normalize(s, status);
    if (U_FAILURE(status)) folded = s;
    // NFKC decomposes SARA AM (U+0E33) into NIKHAHIT + SARA AA; put it back as typed.
    folded.findAndReplace(icu::UnicodeString(u"\u0E4D\u0E32"), icu::UnicodeString(u"\u0E33"));
    std::string out;
    folded.toUTF8String(out);
    return out;
}

std::vector<Token> Analyze(std::string_view text) {
    std::vector<Token> tokens;
    if (text.empty()) return tokens;
    UErrorCode status = U_ZERO_ERROR;
    UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
    if (U_FAILURE(status)) return tokens;
    icu::BreakIterator& bi = ThreadBreakIterator();
    bi.setText(ut, status);
    if (U_FAILURE(status)) {
        utext_close(ut);
        return tokens;
    }
    // Over a UTF-8 UText, boundaries are byte offsets.
    int32_t start = bi.first();
    for (int32_t end = bi.next(); end != icu::BreakIterator::DONE; start = end, end = bi.next()) {
        if (bi.getRuleStatus() == UBRK_WORD_NONE) continue;  // spaces, punctuation
        std::string_view word =
            text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
        std::string term = NormalizeWord(word);
        if (term.empty()) continue;
        tokens.push_back({std::move(term), static_cast<size_t>(start), static_cast<size_t>(end)});
    }
    // Detach the iterator from the text before the text goes away.
    bi.setText(icu::UnicodeString());
    utext_close(ut);
    return tokens;
}

std::vector<std::string> Terms(std::string_view text) {
    std::vector<std::string> out;
    for (auto& t : Analyze(text)) out.push_back(std::move(t.term));
    return out;
}

}  // namespace govhub::search
