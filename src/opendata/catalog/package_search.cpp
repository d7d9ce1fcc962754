// package_search: CKAN's search over the catalog. Words go to the Thai full-text index (FTS5 on
// SQLite, tsvector on PostgreSQL); filters, ranking and facet counts run over an in-memory
// snapshot of the catalog that each node rebuilds when the catalog's version changes.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/package_search.hpp"
#include "opendata/catalog/search_snapshot.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/catalog/store.hpp"
#include "search/analyzer.hpp"

namespace govhub::catalog {

namespace {

const std::set<std::string> kFilterFields = {
    "name",       "id",         "owner_org", "organization",  "groups", "tags",
    "res_format", "license_id", "data_type", "data_category", "state"};

HttpError QueryError(const std::string& why) {
    return HttpError(400, "search_query", "Search Query Error: " + why);
}

// Bounds (package_search.hpp; issue #12 finding 1: 5,000 '(' overflowed the stack). The parser
// and every walk over its tree recurse once per level, so the nesting bound is what keeps them
// safe; the length and clause bounds keep one query's work small. Past a bound the answer is a
// 400 (an error page on /dataset, not the inline message a typo gets).
HttpError QueryLimitError(std::string_view key, size_t limit) {
    return HttpError(400, "search_query_limit",
                     core::Message(key, {{"limit", std::to_string(limit)}}));
}

using Node = SearchNode;

class QueryParser {
  public:
    QueryParser(const std::string& text, bool allow_words)
        : text_(text), allow_words_(allow_words) {
        if (core::Utf8Length(text_) > kMaxQueryChars)
            throw QueryLimitError("catalog.search_query_too_long", kMaxQueryChars);
        Lex();
    }

    Node Parse() {
        if (tokens_.empty()) return Node{};
        Node n = Or();
        if (pos_ < tokens_.size()) throw QueryError("unexpected '" + tokens_[pos_].text + "'");
        return n;
    }

  private:
    struct Token {
        std::string text;
        bool quoted = false;
    };

    void Lex() {
        size_t i = 0;
        while (i < text_.size()) {
            char c = text_[i];
            if (c == ' ' || c == '\t' || c == '\n') {
                ++i;
                continue;
            }
            if (c == '(' || c == ')') {
                tokens_.push_back({std::string(1, c)});
                ++i;
                continue;
            }
            std::string token;
            bool quoted = false;
            int depth = 0;  // inside [ ... ] or { ... }
            while (i < text_.size()) {
                char ch = text_[i];
                if (depth == 0 && (ch == ' ' || ch == '\t' || ch == '\n' || ch == ')')) break;
                if (depth == 0 && ch == '(' && !token.empty()) break;
                if (ch == '"') {
                    size_t end = text_.find('"', i + 1);
                    if (end == std::string::npos) throw QueryError("unbalanced quotes");
                    token += text_.substr(i + 1, end - i - 1);
                    quoted = true;
                    i = end + 1;
                    continue;
                }
                if (ch == '[' || ch == '{') ++depth;
                if (ch == ']' || ch == '}') {
                    if (depth == 0) throw QueryError("unbalanced range brackets");
                    --depth;
                }
                token += ch;
                ++i;
            }
            if (depth != 0) throw QueryError("unbalanced range brackets");
            tokens_.push_back({token, quoted});
        }
    }

    bool Peek(const char* t) const {
        return pos_ < tokens_.size() && !tokens_[pos_].quoted && tokens_[pos_].text == t;
    }

    Node Or() {
        Node left = And();
        if (!Peek("OR") && !Peek("||")) return left;
        Node n{Node::Kind::kOr};
        n.children.push_back(std::move(left));
        while (Peek("OR") || Peek("||")) {
            ++pos_;
            n.children.push_back(And());
        }
        return n;
    }

    Node And() {
        Node n{Node::Kind::kAnd};
        n.children.push_back(Unary());
        while (pos_ < tokens_.size() && !Peek(")") && !Peek("OR") && !Peek("||")) {
            if (Peek("AND") || Peek("&&")) ++pos_;
            n.children.push_back(Unary());
        }
        return n.children.size() == 1 ? std::move(n.children[0]) : n;
    }

    // Counts one level of nesting for as long as it lives.
    struct Nest {
        explicit Nest(size_t& depth) : depth_(depth) {
            if (++depth_ > kMaxQueryDepth)
                throw QueryLimitError("catalog.search_query_too_deep", kMaxQueryDepth);
        }
        ~Nest() { --depth_; }
        Nest(const Nest&) = delete;
        Nest& operator=(const Nest&) = delete;
        size_t& depth_;
    };

    Node Unary() {
        if (pos_ >= tokens_.size()) throw QueryError("the query ends too early");
        if (Peek("NOT") || Peek("!")) {
            Nest nest(depth_);
            ++pos_;
            Node n{Node::Kind::kNot};
            n.children.push_back(Unary());
            return n;
        }
        Token& t = tokens_[pos_];
        if (!t.quoted && t.text.size() > 1 && t.text[0] == '-') {
            Nest nest(depth_);
            t.text.erase(0, 1);
            Node n{Node::Kind::kNot};
            n.children.push_back(Unary());
            return n;
        }
        if (!t.quoted && t.text.size() > 1 && t.text[0] == '+') t.text.erase(0, 1);
        if (Peek("(")) {
            Nest nest(depth_);
            ++pos_;
            Node n = Or();
            if (!Peek(")")) throw QueryError("missing ')'");
            ++pos_;
            return n;
        }
        if (Peek(")")) throw QueryError("unexpected ')'");
        return Term(tokens_[pos_++]);
    }

    Node Term(const Token& t) {
        if (++clauses_ > kMaxQueryClauses)
            throw QueryLimitError("catalog.search_query_too_many_clauses", kMaxQueryClauses);
        if (!t.quoted && (t.text == "*:*" || t.text == "*")) return Node{};
        size_t colon = t.text.find(':');
        if (colon != std::string::npos && colon > 0 && t.text.find("://") == std::string::npos) {
            std::string field = t.text.substr(0, colon), value = t.text.substr(colon + 1);
            if (!value.empty() && (value[0] == '[' || value[0] == '{')) {
                if (!kRangeFields.count(field))
                    throw QueryError("ranges are supported on " + RangeFieldList());
                char close = value.back();
                size_t to = value.find(" TO ");
                if (to == std::string::npos || (close != ']' && close != '}'))
                    throw QueryError("ranges look like field:[low TO high]");
                Node n{Node::Kind::kRange, field};
                n.low = core::Trim(value.substr(1, to - 1));
                n.high = core::Trim(value.substr(to + 4, value.size() - to - 5));
                n.low_inclusive = value[0] == '[';
                n.high_inclusive = close == ']';
                if (n.low.find("NOW") != std::string::npos ||
                    n.high.find("NOW") != std::string::npos)
                    throw QueryError("date math (NOW) is not supported; give ISO dates");
                return n;
            }
            if (kFilterFields.count(field)) {
                if (value.empty()) throw QueryError("empty value for " + field);
                if (value.find('*') != std::string::npos && value != "*")
                    throw QueryError("wildcards inside field values are not supported");
                return Node{Node::Kind::kField, field, value};
            }
            if (!t.quoted) throw QueryError("unknown field " + field);
        }
        if (!allow_words_) throw QueryError("fq takes field:value filters");
        return Node{Node::Kind::kWord, "", t.text};
    }

    static std::string RangeFieldList() {
        std::string out;
        for (const auto& f : kRangeFields) out += (out.empty() ? "" : ", ") + f;
        return out;
    }

    static inline const std::set<std::string> kRangeFields = {"metadata_modified",
                                                              "metadata_created", "name"};
    std::string text_;
    bool allow_words_;
    std::vector<Token> tokens_;
    size_t pos_ = 0;
    size_t depth_ = 0;
    size_t clauses_ = 0;
};

// Every word under the node that is not negated (they rank the results).
void PositiveWords(const Node& n, bool negated, std::vector<std::string>& out) {
    if (n.kind == Node::Kind::kWord && !negated) out.push_back(n.value);
    for (const auto& c : n.children) PositiveWords(c, negated != (n.kind == Node::Kind::kNot), out);
}

void AllWords(const Node& n, std::set<std::string>& out) {
    if (n.kind == Node::Kind::kWord) out.insert(n.value);
    for (const auto& c : n.children) AllWords(c, out);
}

}  // namespace

void CheckSearchQuery(const std::string& text) {
    QueryParser(text, true).Parse();
}

ParsedSearch ParseSearch(const std::string& q, const std::vector<std::string>& fq) {
    if (fq.size() > kMaxFilterQueries)
        throw QueryLimitError("catalog.search_too_many_filters", kMaxFilterQueries);
    // q and every fq must all hold.
    ParsedSearch out;
    out.query.kind = Node::Kind::kAnd;
    out.query.children.push_back(QueryParser(q, true).Parse());
    for (const auto& f : fq) out.query.children.push_back(QueryParser(f, true).Parse());
    std::vector<std::string> rank_words;
    PositiveWords(out.query, false, rank_words);
    for (const auto& w : rank_words) out.rank_words += (out.rank_words.empty() ? "" : " ") + w;
    AllWords(out.query, out.words);
    return out;
}

void CatalogService::WarmSearch() {
    snapshots_->Current();
}

Json CatalogService::PackageSearch(const accounts::Principal* p, const SearchParams& params) {
    if (params.rows < 0 || params.rows > 1000) throw QueryError("rows must be between 0 and 1000");
    if (params.start < 0) throw QueryError("start must not be negative");
    ParsedSearch parsed = ParseSearch(params.q, params.fq);
    Node& query = parsed.query;
    const std::string& words = parsed.rank_words;
    for (const auto& f : params.facet_fields)
        if (std::find(kFacetFields.begin(), kFacetFields.end(), f) == kFacetFields.end())
            throw QueryError("unknown facet field " + f);
    // Sort keys are checked before any work is done.
    std::string sort = params.sort.empty() ? (words.empty() ? "metadata_modified desc"
                                                            : "score desc, metadata_modified desc")
                                           : params.sort;
    enum class Key { kScore, kModified, kCreated, kName, kTitle, kViews };
    std::vector<std::pair<Key, bool>> keys;  // field, descending
    for (const auto& part : core::Split(sort, ',')) {
        auto words_of = core::Split(core::Trim(part), ' ');
        std::string field = words_of[0];
        bool desc = words_of.size() > 1 && core::ToLower(words_of.back()) == "desc";
        static const std::map<std::string, Key> kSortable = {{"score", Key::kScore},
                                                             {"metadata_modified", Key::kModified},
                                                             {"metadata_created", Key::kCreated},
                                                             {"name", Key::kName},
                                                             {"title_string", Key::kTitle},
                                                             {"views_recent", Key::kViews},
                                                             {"views_total", Key::kViews}};
        auto key = kSortable.find(field);
        if (key == kSortable.end()) throw QueryError("cannot sort by " + field);
        keys.emplace_back(key->second, desc);
    }

    std::vector<std::string> terms = search::Terms(words);
    auto snap = snapshots_->Current();
    const size_t slots = snap->size();
    // The role the caller holds in each organization, by value id of the organization facet
    // (-1: none): what CanFindDataset is asked with.
    std::vector<signed char> role_of(snap->facet_values[0].size(), -1);
    if (p && !p->sysadmin)
        db_.Read([&](db::Connection& c) {
            for (const auto& [o, cap] : agencies::store::OfUser(c, p->user_id)) {
                uint32_t id = snap->FacetId(0, o.name);
                if (id == UINT32_MAX) continue;
                role_of[id] = static_cast<signed char>(cap);
            }
        });
    // Each distinct word is matched once, in the snapshot's own index; word nodes point into
    // this table so evaluation does no string lookups.
    struct WordHits {
        std::optional<std::vector<char>> member;  // by slot; none: a word without terms
        std::vector<uint32_t> slots;
    };
    std::map<std::string, int> word_index;
    std::vector<WordHits> word_info;
    for (const auto& w : parsed.words) {
        word_index[w] = static_cast<int>(word_info.size());
        WordHits h{snap->terms->MatchWord(w, slots), {}};
        if (h.member)
            for (uint32_t i = 0; i < slots; ++i)
                if ((*h.member)[i]) h.slots.push_back(i);
        word_info.push_back(std::move(h));
    }
    std::function<void(Node&)> resolve = [&](Node& n) {
        if (n.kind == Node::Kind::kWord) n.word = word_index.at(n.value);
        if (n.kind == Node::Kind::kField) {
            auto f = std::find(kFacetFields.begin(), kFacetFields.end(), n.field);
            if (f != kFacetFields.end()) {
                n.facet = static_cast<int>(f - kFacetFields.begin());
                n.value_id = snap->FacetId(static_cast<size_t>(n.facet), n.value);
            }
        }
        for (auto& c : n.children) resolve(c);
    };
    resolve(query);
    auto visible = [&](const SearchSnapshot::Slot& k) {
        if (!(k.flags & SearchSnapshot::kLive)) return false;
        DatasetFacts f;
        f.state = (k.flags & SearchSnapshot::kDraft) ? DatasetState::kDraft : DatasetState::kActive;
        f.private_ = (k.flags & SearchSnapshot::kPrivate) != 0;
        std::optional<agencies::Role> held;
        if (k.org != UINT32_MAX && role_of[k.org] >= 0)
            held = static_cast<agencies::Role>(role_of[k.org]);
        return CanFindDataset(p, f, held, params.include_private, params.include_drafts);
    };
    std::function<bool(const Node&, uint32_t)> eval = [&](const Node& n, uint32_t slot) {
        switch (n.kind) {
            case Node::Kind::kAll:
                return true;
            case Node::Kind::kWord: {
                // A "word" without letters or digits (punctuation) matches everything.
                const auto& info = word_info[static_cast<size_t>(n.word)];
                return !info.member || (*info.member)[slot] != 0;
            }
            case Node::Kind::kField: {
                if (n.facet >= 0) {
                    auto [first, last] = snap->Facets(slot, static_cast<size_t>(n.facet));
                    if (n.value == "*") return first != last;
                    return std::find(first, last, n.value_id) != last;
                }
                const auto& s = snap->doc(slot)->s;
                const std::string_view v = n.field == "name"        ? std::string_view(s.name)
                                           : n.field == "id"        ? std::string_view(s.id)
                                           : n.field == "owner_org" ? std::string_view(s.owner_org)
                                                                    : ToString(s.state);
                return n.value == "*" ? !v.empty() : v == n.value;
            }
            case Node::Kind::kRange: {
                const auto& s = snap->doc(slot)->s;
                const std::string& v = n.field == "name"               ? s.name
                                       : n.field == "metadata_created" ? s.metadata_created
                                                                       : s.metadata_modified;
                if (n.low != "*" && (n.low_inclusive ? v < n.low : v <= n.low)) return false;
                if (n.high == "*") return true;
                // An inclusive date-only bound (2025-12-31) takes that whole day.
                bool same_prefix = v.compare(0, n.high.size(), n.high) == 0;
                return n.high_inclusive ? (v <= n.high || same_prefix)
                                        : (v < n.high && !same_prefix);
            }
            case Node::Kind::kNot:
                return !eval(n.children[0], slot);
            case Node::Kind::kAnd:
                for (const auto& c : n.children)
                    if (!eval(c, slot)) return false;
                return true;
            case Node::Kind::kOr:
                for (const auto& c : n.children)
                    if (eval(c, slot)) return true;
                return false;
        }
        return false;
    };
    // Candidates: a word that every match must contain narrows the scan to its hits.
    const std::vector<uint32_t>* narrow = nullptr;
    for (const auto& c : query.children) {
        const Node* node = &c;
        std::vector<const Node*> conj = {node};
        if (node->kind == Node::Kind::kAnd) {
            conj.clear();
            for (const auto& cc : node->children) conj.push_back(&cc);
        }
        for (const Node* x : conj)
            if (x->kind == Node::Kind::kWord && word_info[static_cast<size_t>(x->word)].member) {
                const auto& hits = word_info[static_cast<size_t>(x->word)].slots;
                if (!narrow || hits.size() < narrow->size()) narrow = &hits;
            }
    }

    // Relevance as the database index weighs fields: a query term (as a prefix) in the title
    // counts 10, in the tags 5, elsewhere 0.5.
    std::vector<std::pair<std::vector<char>, std::vector<char>>> rank_bits;
    for (const auto& t : terms) {
        std::vector<char> title(slots, 0), tags(slots, 0);
        snap->terms->MarkPrefix(t, kTitleField, title);
        snap->terms->MarkPrefix(t, kTagsField, tags);
        rank_bits.emplace_back(std::move(title), std::move(tags));
    }
    struct Hit {
        uint32_t slot;
        double score;
        int64_t modified;  // the default sort's key, kept beside the score
    };
    std::vector<Hit> matched;
    auto consider = [&](uint32_t slot) {
        if (!visible(snap->slots[slot]) || !eval(query, slot)) return;
        double score = 0;
        for (const auto& [title, tags] : rank_bits)
            score += title[slot] ? 10 : tags[slot] ? 5 : 0.5;
        matched.push_back({slot, score, snap->slots[slot].modified});
    };
    if (narrow) {
        matched.reserve(narrow->size());
        for (uint32_t slot : *narrow) consider(slot);
    } else {
        matched.reserve(slots);
        for (uint32_t slot = 0; slot < slots; ++slot) consider(slot);
    }

    auto three_way = [](auto x, auto y) { return x < y ? -1 : x > y ? 1 : 0; };
    // Integer keys first; a dataset's strings are read only on a tie or for name and title.
    auto cmp = [&](const Hit& ha, const Hit& hb) {
        auto slot_keys = [&](const Hit& h) -> const SearchSnapshot::Slot& {
            return snap->slots[h.slot];
        };
        auto doc = [&](const Hit& h) -> const store::DatasetSummary& {
            return snap->doc(h.slot)->s;
        };
        for (const auto& [key, desc] : keys) {
            int c = 0;
            switch (key) {
                case Key::kScore:
                    c = three_way(ha.score, hb.score);
                    break;
                case Key::kModified:
                    c = three_way(ha.modified, hb.modified);
                    if (c == 0) c = doc(ha).metadata_modified.compare(doc(hb).metadata_modified);
                    break;
                case Key::kCreated:
                    c = three_way(slot_keys(ha).created, slot_keys(hb).created);
                    if (c == 0) c = doc(ha).metadata_created.compare(doc(hb).metadata_created);
                    break;
                case Key::kName:
                    c = doc(ha).name.compare(doc(hb).name);
                    break;
                case Key::kTitle:
                    c = doc(ha).title.compare(doc(hb).title);
                    break;
                case Key::kViews:
                    c = three_way(slot_keys(ha).views, slot_keys(hb).views);
                    break;
            }
            if (c != 0) return desc ? c > 0 : c < 0;
        }
        return doc(ha).name < doc(hb).name;
    };
    // Only the requested page needs to be in order.
    size_t need = std::min(matched.size(),
                           static_cast<size_t>(params.start) + static_cast<size_t>(params.rows));
    std::partial_sort(matched.begin(), matched.begin() + static_cast<std::ptrdiff_t>(need),
                      matched.end(), cmp);

    // Every requested facet is counted in one pass over the matches (a slot's facet lists lie
    // side by side).
    std::vector<size_t> facet_index;
    std::vector<std::vector<int64_t>> tallies;
    for (const auto& field : params.facet_fields) {
        size_t fi =
            std::find(kFacetFields.begin(), kFacetFields.end(), field) - kFacetFields.begin();
        facet_index.push_back(fi);
        tallies.emplace_back(snap->facet_values[fi].size(), 0);
    }
    if (!facet_index.empty())
        for (const auto& h : matched)
            for (size_t j = 0; j < facet_index.size(); ++j) {
                auto [first, last] = snap->Facets(h.slot, facet_index[j]);
                for (auto it = first; it != last; ++it) ++tallies[j][*it];
            }
    Json facets = Json::object(), search_facets = Json::object();
    for (size_t j = 0; j < facet_index.size(); ++j) {
        const std::string& field = params.facet_fields[j];
        size_t fi = facet_index[j];
        const auto& tally = tallies[j];
        std::vector<std::pair<std::string, int64_t>> items;
        for (size_t i = 0; i < tally.size(); ++i)
            if (tally[i] > 0) items.emplace_back(*snap->facet_values[fi][i], tally[i]);
        std::sort(items.begin(), items.end(), [](auto& a, auto& b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        Json f = Json::object();
        Json list = Json::array();
        int n = 0;
        for (const auto& [name, count] : items) {
            if (count < params.facet_mincount) continue;
            if (params.facet_limit >= 0 && n++ >= params.facet_limit) break;
            f[name] = count;
            auto title = snap->titles->find(field + ":" + name);
            Json item = {{"name", name},
                         {"display_name", title != snap->titles->end() ? title->second : name},
                         {"count", count}};
            // The display name in both languages where it has an English form (ckanext-fluent's
            // shape): organizations' and groups' English titles, the schema's choice labels.
            std::string th = item["display_name"].get<std::string>(), en;
            if (snap->titles_en)
                if (auto it = snap->titles_en->find(field + ":" + name);
                    it != snap->titles_en->end())
                    en = it->second;
            if (field == "license_id") {
                if (const License* l = schema_.FindLicense(name)) {
                    th = l->title.th;
                    en = l->title.en;
                }
            } else if (field == "data_type") {
                if (const DataType* t = schema_.FindDataType(name)) {
                    th = t->label.th;
                    en = t->label.en;
                }
            } else if (const FieldSpec* spec = schema_.DatasetField(field)) {
                if (const Choice* ch = spec->FindChoice(name)) {
                    th = ch->label.th;
                    en = ch->label.en;
                }
            }
            if (!en.empty()) item["title_translated"] = {{"th", th}, {"en", en}};
            list.push_back(std::move(item));
        }
        facets[field] = f;
        search_facets[field] = {{"title", field}, {"items", list}};
    }

    std::vector<std::string> page;
    for (size_t i = static_cast<size_t>(params.start); i < need; ++i)
        page.push_back(snap->doc(matched[i].slot)->s.id);
    Json results =
        DatasetDicts(db_.Read([&](db::Connection& c) { return store::FindDatasets(c, page); }), p);
    return {{"count", matched.size()},
            {"sort", sort},
            {"facets", facets},
            {"search_facets", search_facets},
            {"results", results}};
}

}  // namespace govhub::catalog
