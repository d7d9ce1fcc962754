// package_search's q and fq (catalog::ParseSearch, what CatalogService::PackageSearch runs before
// it reads the snapshot), then what the snapshot's term index is asked for that query: each
// distinct word matched (TermIndex::MatchWord) and each ranking term looked up as a prefix in the
// title and tags, over a small index built the way the snapshot builds it.
// Input: line 1 is q, every further line one fq (fq_list entry).
#include <algorithm>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "fuzz_target.hpp"
#include "opendata/catalog/package_search.hpp"
#include "opendata/catalog/search_snapshot.hpp"
#include "search/analyzer.hpp"
#include "search/term_index.hpp"

namespace {

using govhub::catalog::SearchNode;

// A few datasets' words, indexed as SearchSnapshots::MakeDoc indexes them (per SearchField).
const govhub::search::TermIndex& Index() {
    static const std::shared_ptr<const govhub::search::TermIndex> index = [] {
        struct Doc {
            const char *title, *tags, *body;
        };
        const Doc docs[] = {
            {"งบประมาณรายจ่ายประจำปี 2567", "งบประมาณ การคลัง", "ข้อมูลงบประมาณของกรุงเทพมหานคร"},
            {"Air quality PM2.5 Bangkok", "air pm25 สิ่งแวดล้อม", "hourly readings, µg/m³"},
            {"สถิติประชากร", "ประชากร population", "จำนวนประชากรแยกตามจังหวัด ลำปาง เชียงใหม่"},
            {"", "", ""},
        };
        govhub::search::TermIndex empty(3);
        govhub::search::TermIndexWriter w(empty);
        uint32_t slot = 0;
        for (const auto& d : docs) {
            int field = 0;
            for (const char* text : {d.title, d.tags, d.body})
                w.Add(slot, field++, w.Intern(govhub::search::Terms(text)));
            ++slot;
        }
        return w.Finish();
    }();
    return *index;
}
constexpr size_t kSlots = 4;

// The tree's depth and size, without recursion (a deep tree must not overflow this check).
void CheckShape(const SearchNode& root, size_t fq_count) {
    struct Item {
        const SearchNode* n;
        size_t depth;
    };
    std::vector<Item> stack = {{&root, 0}};
    size_t nodes = 0, terms = 0;
    while (!stack.empty()) {
        Item it = stack.back();
        stack.pop_back();
        ++nodes;
        // Each nesting level (a parenthesis or a NOT) adds at most an OR and an AND node; the
        // root joins q and the fq.
        if (it.depth > 2 * govhub::catalog::kMaxQueryDepth + 3) __builtin_trap();
        using K = SearchNode::Kind;
        if (it.n->kind == K::kWord || it.n->kind == K::kField || it.n->kind == K::kRange) {
            ++terms;
            if (!it.n->children.empty()) __builtin_trap();
        }
        if (it.n->kind == K::kNot && it.n->children.size() != 1) __builtin_trap();
        for (const auto& c : it.n->children) stack.push_back({&c, it.depth + 1});
    }
    if (terms > govhub::catalog::kMaxQueryClauses * (fq_count + 1)) __builtin_trap();
    (void)nodes;
}

}  // namespace

GOVHUB_FUZZ_TARGET(search_query) {
    auto text = govhub::fuzz::AsText(data, size);
    // One field per line: q, then the fq (a few past the bound, so that refusal is reached).
    size_t lines = 1 + static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    auto fields =
        govhub::fuzz::Fields(text, std::min(lines, govhub::catalog::kMaxFilterQueries + 2));
    std::string q(fields[0]);
    std::vector<std::string> fq;
    for (size_t i = 1; i < fields.size(); ++i) fq.emplace_back(fields[i]);

    try {
        govhub::catalog::CheckSearchQuery(q);
    } catch (const govhub::HttpError& e) {
        if (e.status() != 400) __builtin_trap();
    }
    govhub::catalog::ParsedSearch parsed;
    try {
        parsed = govhub::catalog::ParseSearch(q, fq);
    } catch (const govhub::HttpError& e) {
        if (e.status() != 400) __builtin_trap();  // a refused query is a 400, nothing else
        return;
    }
    if (parsed.query.kind != SearchNode::Kind::kAnd ||
        parsed.query.children.size() != fq.size() + 1)
        __builtin_trap();
    CheckShape(parsed.query, fq.size());

    // What the term index is asked (PackageSearch: word_info and rank_bits).
    const auto& index = Index();
    for (const auto& w : parsed.words) {
        auto member = index.MatchWord(w, kSlots);
        if (member && member->size() != kSlots) __builtin_trap();
    }
    for (const auto& t : govhub::search::Terms(parsed.rank_words)) {
        std::vector<char> title(kSlots, 0), tags(kSlots, 0);
        index.MarkPrefix(t, govhub::catalog::kTitleField, title);
        index.MarkPrefix(t, govhub::catalog::kTagsField, tags);
    }
}
