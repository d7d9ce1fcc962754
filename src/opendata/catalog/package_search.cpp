// package_search: CKAN's search over the catalog. Words go to the Thai full-text index (FTS5 on
// SQLite, tsvector on PostgreSQL); filters, ranking and facet counts run over an in-memory
// snapshot of the catalog that each node rebuilds when the catalog's version changes.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "accounts/store.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/catalog/store.hpp"
#include "search/analyzer.hpp"
#include "search/index.hpp"

namespace govhub::catalog {

struct SearchSnapshot {
    struct Doc {
        store::DatasetSummary s;
        std::string org_name;
        std::vector<std::string> group_names;
        std::string data_category;
        std::vector<std::vector<uint32_t>> facet_ids;  // per facet field: ids into `facet_values`
        // Analyzed title and tag terms, for ranking, as ids into the sorted `vocabulary`: the
        // terms a prefix starts are one range of ids.
        std::vector<uint32_t> title_ids, tag_ids;
        // Position in each sort order, so sorting a query's matches compares integers.
        uint32_t rank_modified = 0, rank_created = 0, rank_name = 0, rank_title = 0;
    };
    int64_t version = -1;
    std::vector<Doc> docs;
    std::unordered_map<std::string, size_t> by_id;
    std::unordered_map<int64_t, uint32_t> by_index_id;  // search_documents.id -> slot
    std::map<std::string, std::string> titles;  // "organization:<name>" / "groups:<name>" -> title
    // Facet values interned per field (kFacetFields order), so counting is array increments.
    std::vector<std::vector<std::string>> facet_values;
    std::vector<std::string> vocabulary;  // every title and tag term, sorted
};

namespace {

const std::set<std::string> kFilterFields = {
    "name",       "id",         "owner_org", "organization",  "groups", "tags",
    "res_format", "license_id", "data_type", "data_category", "state"};
const std::vector<std::string> kFacetFields = {
    "organization", "groups", "tags", "res_format", "license_id", "data_type", "data_category"};

HttpError QueryError(const std::string& why) {
    return HttpError(400, "search_query", "Search Query Error: " + why);
}

// A parsed q/fq: Solr's syntax as CKAN clients send it. Words and phrases go to the full-text
// index; field:value compares a dataset's values; field:[a TO b] compares ranges (ISO dates sort
// as text); AND (also implicit), OR, NOT/-, and parentheses combine them.
struct Node {
    enum class Kind { kWord, kField, kRange, kAnd, kOr, kNot, kAll } kind = Kind::kAll;
    std::string field, value, low, high;
    bool low_inclusive = true, high_inclusive = true;
    std::vector<Node> children;
    int word = -1;  // for kWord: its index in the query's word table, set before evaluation
};

class QueryParser {
  public:
    QueryParser(const std::string& text, bool allow_words)
        : text_(text), allow_words_(allow_words) {
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

    Node Unary() {
        if (pos_ >= tokens_.size()) throw QueryError("the query ends too early");
        if (Peek("NOT") || Peek("!")) {
            ++pos_;
            Node n{Node::Kind::kNot};
            n.children.push_back(Unary());
            return n;
        }
        Token& t = tokens_[pos_];
        if (!t.quoted && t.text.size() > 1 && t.text[0] == '-') {
            t.text.erase(0, 1);
            Node n{Node::Kind::kNot};
            n.children.push_back(Unary());
            return n;
        }
        if (!t.quoted && t.text.size() > 1 && t.text[0] == '+') t.text.erase(0, 1);
        if (Peek("(")) {
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

std::vector<std::string> DocValues(const SearchSnapshot::Doc& d, const std::string& field) {
    const auto& s = d.s;
    if (field == "name") return {s.name};
    if (field == "id") return {s.id};
    if (field == "owner_org") return {s.owner_org};
    if (field == "organization") return {d.org_name};
    if (field == "tags") return s.tags;
    if (field == "res_format") return s.formats;
    if (field == "license_id") return {s.license_id};
    if (field == "data_type") return {s.data_type};
    if (field == "data_category") return {d.data_category};
    if (field == "state") return {s.state};
    if (field == "groups") return d.group_names;
    return {};
}

}  // namespace

std::shared_ptr<const SearchSnapshot> CatalogService::Snapshot() {
    int64_t version = db_.Read([](db::Connection& c) { return store::Version(c); });
    {
        std::lock_guard lock(snapshot_mutex_);
        if (snapshot_ && snapshot_->version == version) return snapshot_;
    }
    // One rebuild at a time; readers keep the previous snapshot meanwhile.
    static std::mutex rebuild_mutex;
    std::lock_guard rebuild(rebuild_mutex);
    {
        std::lock_guard lock(snapshot_mutex_);
        if (snapshot_ && snapshot_->version == version) return snapshot_;
    }
    auto snap = std::make_shared<SearchSnapshot>();
    snap->version = version;
    std::map<std::string, std::string> org_names, group_names;
    std::vector<store::DatasetSummary> all;
    std::vector<std::pair<int64_t, std::string>> index_ids;
    db_.Read([&](db::Connection& c) {
        all = store::DatasetSummaries(c, true, false);
        index_ids = search::DocumentIds(c, "dataset");
        for (const auto& o : store::ListOrganizations(c, true)) {
            org_names[o.id] = o.name;
            snap->titles["organization:" + o.name] = o.title;
        }
        for (const auto& g : store::ListGroups(c)) {
            group_names[g.id] = g.name;
            snap->titles["groups:" + g.name] = g.title;
        }
    });
    snap->docs.reserve(all.size());
    std::vector<std::vector<std::string>> title_terms, tag_terms;  // per doc, until interned
    for (auto& s : all) {
        SearchSnapshot::Doc d;
        d.org_name = org_names[s.owner_org];
        for (const auto& g : s.group_ids) d.group_names.push_back(group_names[g]);
        auto extras = Json::parse(s.extras, nullptr, false);
        if (extras.is_object() && extras.contains("data_category") &&
            extras["data_category"].is_string())
            d.data_category = extras["data_category"].get<std::string>();
        title_terms.push_back(search::Terms(s.title));
        tag_terms.emplace_back();
        for (const auto& t : s.tags)
            for (auto& term : search::Terms(t)) tag_terms.back().push_back(std::move(term));
        s.extras.clear();
        d.s = std::move(s);
        snap->docs.push_back(std::move(d));
        snap->by_id[snap->docs.back().s.id] = snap->docs.size() - 1;
    }
    for (const auto& [index_id, object_id] : index_ids) {
        auto it = snap->by_id.find(object_id);
        if (it != snap->by_id.end())
            snap->by_index_id[index_id] = static_cast<uint32_t>(it->second);
    }
    // Intern every facet value once.
    snap->facet_values.assign(kFacetFields.size(), {});
    for (size_t f = 0; f < kFacetFields.size(); ++f) {
        std::unordered_map<std::string, uint32_t> ids;
        for (auto& d : snap->docs) {
            d.facet_ids.resize(kFacetFields.size());
            for (const auto& v : DocValues(d, kFacetFields[f])) {
                if (v.empty()) continue;
                auto [it, fresh] =
                    ids.emplace(v, static_cast<uint32_t>(snap->facet_values[f].size()));
                if (fresh) snap->facet_values[f].push_back(v);
                d.facet_ids[f].push_back(it->second);
            }
        }
    }
    // Terms become ids in sorted order, so the terms that start with a prefix are one id range.
    for (size_t i = 0; i < snap->docs.size(); ++i) {
        snap->vocabulary.insert(snap->vocabulary.end(), title_terms[i].begin(),
                                title_terms[i].end());
        snap->vocabulary.insert(snap->vocabulary.end(), tag_terms[i].begin(), tag_terms[i].end());
    }
    std::sort(snap->vocabulary.begin(), snap->vocabulary.end());
    snap->vocabulary.erase(std::unique(snap->vocabulary.begin(), snap->vocabulary.end()),
                           snap->vocabulary.end());
    auto term_id = [&](const std::string& t) {
        return static_cast<uint32_t>(
            std::lower_bound(snap->vocabulary.begin(), snap->vocabulary.end(), t) -
            snap->vocabulary.begin());
    };
    for (size_t i = 0; i < snap->docs.size(); ++i) {
        for (const auto& t : title_terms[i]) snap->docs[i].title_ids.push_back(term_id(t));
        for (const auto& t : tag_terms[i]) snap->docs[i].tag_ids.push_back(term_id(t));
    }
    auto rank_by = [&](auto key, uint32_t SearchSnapshot::Doc::*rank) {
        std::vector<uint32_t> order(snap->docs.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
            return key(snap->docs[a]) < key(snap->docs[b]);
        });
        // Equal keys share a rank, so ties fall through to the next sort key.
        for (size_t i = 0; i < order.size(); ++i) {
            bool tie = i > 0 && !(key(snap->docs[order[i - 1]]) < key(snap->docs[order[i]]));
            snap->docs[order[i]].*rank =
                tie ? snap->docs[order[i - 1]].*rank : static_cast<uint32_t>(i);
        }
    };
    using Doc = SearchSnapshot::Doc;
    rank_by([](const Doc& d) -> const std::string& { return d.s.metadata_modified; },
            &Doc::rank_modified);
    rank_by([](const Doc& d) -> const std::string& { return d.s.metadata_created; },
            &Doc::rank_created);
    rank_by([](const Doc& d) -> const std::string& { return d.s.name; }, &Doc::rank_name);
    rank_by([](const Doc& d) -> const std::string& { return d.s.title; }, &Doc::rank_title);
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = snap;
    return snap;
}

Json CatalogService::PackageSearch(const accounts::Principal* p, const SearchParams& params) {
    if (params.rows < 0 || params.rows > 1000) throw QueryError("rows must be between 0 and 1000");
    if (params.start < 0) throw QueryError("start must not be negative");
    // q and every fq must all hold.
    Node query{Node::Kind::kAnd};
    query.children.push_back(QueryParser(params.q, true).Parse());
    for (const auto& fq : params.fq) query.children.push_back(QueryParser(fq, true).Parse());
    std::vector<std::string> rank_words;
    PositiveWords(query, false, rank_words);
    std::string words;
    for (const auto& w : rank_words) words += (words.empty() ? "" : " ") + w;
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

    auto snap = Snapshot();
    std::set<std::string> member_of, editor_of;
    std::vector<std::string> terms = search::Terms(words);
    std::set<std::string> word_texts;
    AllWords(query, word_texts);
    // word -> (slots of matching datasets, membership by slot)
    std::map<std::string, std::pair<std::vector<uint32_t>, std::vector<char>>> hits;
    db_.Read([&](db::Connection& c) {
        if (p && !p->sysadmin)
            for (const auto& [o, cap] : store::OrganizationsOfUser(c, p->user_id)) {
                member_of.insert(o.id);
                if (cap != "member") editor_of.insert(o.id);
            }
        for (const auto& w : word_texts) {
            auto& [slots, member] = hits[w];
            member.assign(snap->docs.size(), 0);
            for (int64_t id : search::MatchRowIds(c, "dataset", w)) {
                auto it = snap->by_index_id.find(id);
                if (it == snap->by_index_id.end() || member[it->second]) continue;
                member[it->second] = 1;
                slots.push_back(it->second);
            }
        }
    });
    // word -> (its hits, whether it has no searchable terms at all), computed once per query;
    // each word node points into this table so evaluation does no string lookups.
    std::map<std::string, int> word_index;
    std::vector<std::pair<const std::vector<char>*, bool>> word_info;
    for (const auto& w : word_texts) {
        word_index[w] = static_cast<int>(word_info.size());
        word_info.emplace_back(&hits[w].second, search::Terms(w).empty());
    }
    std::function<void(Node&)> resolve = [&](Node& n) {
        if (n.kind == Node::Kind::kWord) n.word = word_index.at(n.value);
        for (auto& c : n.children) resolve(c);
    };
    resolve(query);
    auto slot_of = [&](const SearchSnapshot::Doc& d) {
        return static_cast<size_t>(&d - snap->docs.data());
    };
    bool sysadmin = p && p->sysadmin;
    auto visible = [&](const store::DatasetSummary& s) {
        if (s.state == "draft")
            return params.include_drafts && (sysadmin || editor_of.count(s.owner_org) > 0);
        if (!s.private_ || sysadmin) return true;
        return params.include_private && member_of.count(s.owner_org) > 0;
    };
    const auto& values_of = DocValues;
    std::function<bool(const Node&, const SearchSnapshot::Doc&)> eval =
        [&](const Node& n, const SearchSnapshot::Doc& d) {
            switch (n.kind) {
                case Node::Kind::kAll:
                    return true;
                case Node::Kind::kWord: {
                    // A "word" without letters or digits (punctuation) matches everything.
                    const auto& info = word_info[static_cast<size_t>(n.word)];
                    return info.second || (*info.first)[slot_of(d)] != 0;
                }
                case Node::Kind::kField: {
                    auto vals = values_of(d, n.field);
                    if (n.value == "*") return !vals.empty() && !vals[0].empty();
                    return std::find(vals.begin(), vals.end(), n.value) != vals.end();
                }
                case Node::Kind::kRange: {
                    const std::string& v = n.field == "name"               ? d.s.name
                                           : n.field == "metadata_created" ? d.s.metadata_created
                                                                           : d.s.metadata_modified;
                    if (n.low != "*" && (n.low_inclusive ? v < n.low : v <= n.low)) return false;
                    if (n.high == "*") return true;
                    // An inclusive date-only bound (2025-12-31) takes that whole day.
                    bool same_prefix = v.compare(0, n.high.size(), n.high) == 0;
                    return n.high_inclusive ? (v <= n.high || same_prefix)
                                            : (v < n.high && !same_prefix);
                }
                case Node::Kind::kNot:
                    return !eval(n.children[0], d);
                case Node::Kind::kAnd:
                    for (const auto& c : n.children)
                        if (!eval(c, d)) return false;
                    return true;
                case Node::Kind::kOr:
                    for (const auto& c : n.children)
                        if (eval(c, d)) return true;
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
            if (x->kind == Node::Kind::kWord && !word_info[static_cast<size_t>(x->word)].second) {
                const auto& slots = hits[x->value].first;
                if (!narrow || slots.size() < narrow->size()) narrow = &slots;
            }
    }

    // Each rank term's prefix matches one range of vocabulary ids.
    std::vector<std::pair<uint32_t, uint32_t>> term_ranges;
    for (const auto& t : terms) {
        auto lo = std::lower_bound(snap->vocabulary.begin(), snap->vocabulary.end(), t);
        // No UTF-8 string contains 0xFF, so every term with prefix t sorts before t + "\xff".
        auto hi = std::lower_bound(lo, snap->vocabulary.end(), t + "\xff");
        term_ranges.emplace_back(static_cast<uint32_t>(lo - snap->vocabulary.begin()),
                                 static_cast<uint32_t>(hi - snap->vocabulary.begin()));
    }
    auto any_in = [](const std::vector<uint32_t>& ids, std::pair<uint32_t, uint32_t> range) {
        for (uint32_t id : ids)
            if (id >= range.first && id < range.second) return true;
        return false;
    };
    struct Hit {
        const SearchSnapshot::Doc* d;
        double score;
    };
    std::vector<Hit> matched;
    auto consider = [&](const SearchSnapshot::Doc& d) {
        if (!visible(d.s) || !eval(query, d)) return;
        // Relevance as the index weighs fields: a word in the title counts 10, in the tags 5,
        // elsewhere 1.
        double score = 0;
        for (const auto& range : term_ranges)
            score += any_in(d.title_ids, range) ? 10 : any_in(d.tag_ids, range) ? 5 : 0.5;
        matched.push_back({&d, score});
    };
    if (narrow) {
        for (uint32_t slot : *narrow) consider(snap->docs[slot]);
    } else {
        for (const auto& d : snap->docs) consider(d);
    }

    auto three_way = [](auto x, auto y) { return x < y ? -1 : x > y ? 1 : 0; };
    auto cmp = [&](const Hit& ha, const Hit& hb) {
        const auto *a = ha.d, *b = hb.d;
        for (const auto& [key, desc] : keys) {
            int c = 0;
            switch (key) {
                case Key::kScore:
                    c = three_way(ha.score, hb.score);
                    break;
                case Key::kModified:
                    c = three_way(a->rank_modified, b->rank_modified);
                    break;
                case Key::kCreated:
                    c = three_way(a->rank_created, b->rank_created);
                    break;
                case Key::kName:
                    c = three_way(a->rank_name, b->rank_name);
                    break;
                case Key::kTitle:
                    c = three_way(a->rank_title, b->rank_title);
                    break;
                case Key::kViews:
                    c = three_way(a->s.views, b->s.views);
                    break;
            }
            if (c != 0) return desc ? c > 0 : c < 0;
        }
        return a->rank_name < b->rank_name;
    };
    // Only the requested page needs to be in order.
    size_t need = std::min(matched.size(),
                           static_cast<size_t>(params.start) + static_cast<size_t>(params.rows));
    std::partial_sort(matched.begin(), matched.begin() + static_cast<std::ptrdiff_t>(need),
                      matched.end(), cmp);

    Json facets = Json::object(), search_facets = Json::object();
    for (const auto& field : params.facet_fields) {
        size_t fi =
            std::find(kFacetFields.begin(), kFacetFields.end(), field) - kFacetFields.begin();
        std::vector<int64_t> tally(snap->facet_values[fi].size(), 0);
        for (const auto& h : matched)
            for (uint32_t id : h.d->facet_ids[fi]) ++tally[id];
        std::vector<std::pair<std::string, int64_t>> items;
        for (size_t i = 0; i < tally.size(); ++i)
            if (tally[i] > 0) items.emplace_back(snap->facet_values[fi][i], tally[i]);
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
            auto title = snap->titles.find(field + ":" + name);
            list.push_back({{"name", name},
                            {"display_name", title != snap->titles.end() ? title->second : name},
                            {"count", count}});
        }
        facets[field] = f;
        search_facets[field] = {{"title", field}, {"items", list}};
    }

    Json results = Json::array();
    for (size_t i = static_cast<size_t>(params.start); i < need; ++i) {
        auto d =
            db_.Read([&](db::Connection& c) { return store::FindDataset(c, matched[i].d->s.id); });
        if (d) results.push_back(DatasetDict(*d, p));
    }
    return {{"count", matched.size()},
            {"sort", sort},
            {"facets", facets},
            {"search_facets", search_facets},
            {"results", results}};
}

}  // namespace govhub::catalog
