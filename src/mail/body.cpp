#include "mail/body.hpp"

namespace govhub::mail {

std::string TidyBlankLines(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    int newlines = 0;     // in a row (spaces and tabs between them not counted)
    std::string pending;  // spaces and tabs after a newline, kept once the line has text
    for (char c : text) {
        if (c == '\n') {
            pending.clear();  // a blank line's spaces go with it
            if (++newlines <= 2) out += c;
        } else if ((c == ' ' || c == '\t') && newlines > 0) {
            pending += c;
        } else {
            out += pending;
            pending.clear();
            newlines = 0;
            out += c;
        }
    }
    return out + pending;
}

}  // namespace govhub::mail
