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

namespace {

// Canonical combining classes of the Thai marks that have one (UnicodeData.txt): sara u and
// sara uu 103, phinthu 9, the four tone marks 107. Every other Thai character is 0.
int ThaiCombiningClass(char32_t c) {
    if (c == 0x0E38 || c == 0x0E39) return 103;
    if (c == 0x0E3A) return 9;
    if (c >= 0x0E48 && c <= 0x0E4B) return 107;
    return 0;
}

// NFKC_Casefold of a word made only of ASCII and Thai-block characters whose marks are already
// in canonical order is the word with ASCII letters lowered (the Thai block has no case and its
// one compatibility decomposition, ำ, is put back as typed anyway). Most words of a Thai
// catalog are such words, and this skips ICU's UTF-16 round trip for them. Returns false when
// the word needs the full normalizer.
bool NormalizeSimpleWord(std::string_view word, std::string& out) {
    out.clear();
    out.reserve(word.size());
    int previous_class = 0;
    for (size_t i = 0; i < word.size();) {
        auto b = static_cast<unsigned char>(word[i]);
        if (b < 0x80) {
            out += static_cast<char>(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
            previous_class = 0;
            ++i;
            continue;
        }
        // Thai is U+0E00..U+0E7F: E0 B8 80..E0 B9 BF in UTF-8.
        if (b != 0xE0 || i + 2 >= word.size()) return false;
        auto b1 = static_cast<unsigned char>(word[i + 1]);
        auto b2 = static_cast<unsigned char>(word[i + 2]);
        if ((b1 != 0xB8 && b1 != 0xB9) || (b2 & 0xC0) != 0x80) return false;
        char32_t c = 0x0E00 + ((b1 - 0xB8) << 6) + (b2 & 0x3F);
        int cls = ThaiCombiningClass(c);
        if (cls != 0 && previous_class > cls) return false;  // NFKC would reorder the marks
        previous_class = cls;
        // ํ followed by า is written as ำ, as the full path does.
        if (c == 0x0E32 && out.size() >= 3 && out.compare(out.size() - 3, 3, "\xE0\xB9\x8D") == 0) {
            out.replace(out.size() - 3, 3, "\xE0\xB8\xB3");
            previous_class = 0;
        } else {
            out.append(word.substr(i, 3));
        }
        i += 3;
    }
    return true;
}

}  // namespace

std::string NormalizeWord(std::string_view word) {
    std::string simple;
    if (NormalizeSimpleWord(word, simple)) return simple;
    return NormalizeWordWithIcu(word);
}

std::string NormalizeWordWithIcu(std::string_view word) {
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
