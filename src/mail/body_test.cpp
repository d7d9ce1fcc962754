#include "mail/body.hpp"

#include <gtest/gtest.h>

namespace govhub::mail {
namespace {

TEST(TidyBlankLines, AnEmptyLineLeavesNoGap) {
    // "Note: {note_line}" left empty between two paragraphs.
    EXPECT_EQ(TidyBlankLines("Dear A,\n\nApproved.\n\n\n\nThe request: x\n\nSite\n"),
              "Dear A,\n\nApproved.\n\nThe request: x\n\nSite\n");
    EXPECT_EQ(TidyBlankLines("a\n\n  \n\t\nb"), "a\n\nb");
}

TEST(TidyBlankLines, KeepsTextAndItsIndentation) {
    EXPECT_EQ(TidyBlankLines("a\nb\n\n  - c\n"), "a\nb\n\n  - c\n");
    EXPECT_EQ(TidyBlankLines("no newline"), "no newline");
}

}  // namespace
}  // namespace govhub::mail
