#include "opendata/catalog/search_snapshot.hpp"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "agencies/store.hpp"
#include "core/log.hpp"
#include "core/string_pool.hpp"
#include "search/analyzer.hpp"

namespace govhub::catalog {

const std::vector<std::string> kFacetFields = {
    "organization", "groups", "tags", "res_format", "license_id", "data_type", "data_category"};

// Facet values interned per field, append-only (a deque never moves its strings, so older
// generations keep pointing at them while the refresher adds values).
struct FacetPools {
    std::vector<core::StringPool> fields{kFacetFields.size()};
};

search::Document DatasetSearchDocument(const std::string& id, const DatasetText& t) {
    std::string tag_text;
    for (const auto& tag : t.tags) tag_text += tag + " ";
    return {
        "dataset", id, t.title + "\n" + t.title_en, tag_text,
        t.notes + "\n" + t.notes_en + "\n" + t.org_title + "\n" + t.org_title_en + "\n" + t.name};
}

std::vector<std::string> DocValues(const SearchDoc& d, const std::string& field) {
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
    if (field == "state") return {std::string(ToString(s.state))};
    if (field == "groups") return d.group_names;
    return {};
}

namespace {
constexpr int kBatch = 500;
}  // namespace

SearchSnapshots::SearchSnapshots(db::Database& db) : db_(db) {}
SearchSnapshots::~SearchSnapshots() = default;

std::shared_ptr<const SearchSnapshot> SearchSnapshots::Current() {
    auto versions = db_.Read([](db::Connection& c) { return store::Versions(c); });
    auto now = std::chrono::steady_clock::now();
    std::shared_ptr<const SearchSnapshot> current;
    bool views_due;
    {
        std::lock_guard lock(current_mutex_);
        current = current_;
        views_due = now - views_read_ > kViewsRefresh;
    }
    if (current && current->version >= versions.version) {
        // Fresh enough; view counts are re-read by whoever finds the refresher idle.
        if (!views_due) return current;
        std::unique_lock refresh(refresh_mutex_, std::try_to_lock);
        if (!refresh.owns_lock()) return current;
        {
            std::lock_guard lock(current_mutex_);
            if (current_ != current) return current_;
        }
        auto next = RefreshViews(*current);
        std::lock_guard lock(current_mutex_);
        current_ = next;
        views_read_ = now;
        return next;
    }
    // Behind the database: wait for the refresher, so a writer's next search sees its change.
    std::lock_guard refresh(refresh_mutex_);
    {
        std::lock_guard lock(current_mutex_);
        current = current_;
    }
    if (current && current->version >= versions.version) return current;
    std::shared_ptr<const SearchSnapshot> next;
    // Datasets that left keep their slot until a rebuild; rebuild when they are many.
    size_t dead = current ? current->size() - current->live : 0;
    if (!current || dead > std::max<size_t>(1000, current->live / 4)) {
        next = Build();
        std::lock_guard lock(current_mutex_);
        views_read_ = now;
    } else {
        next = Refresh(*current);
    }
    std::lock_guard lock(current_mutex_);
    current_ = next;
    return next;
}

void SearchSnapshots::SetFacets(SearchDoc& d) {
    d.facet_ids.assign(kFacetFields.size(), {});
    for (size_t f = 0; f < kFacetFields.size(); ++f) {
        for (const auto& v : DocValues(d, kFacetFields[f]))
            if (!v.empty()) d.facet_ids[f].push_back(pools_->fields[f].Intern(v));
    }
}

int64_t TimeKey(const std::string& iso) {
    int64_t key = 0;
    int digits = 0;
    for (char c : iso) {
        if (c < '0' || c > '9') continue;
        key = key * 10 + (c - '0');
        if (++digits == 18) break;
    }
    for (; digits < 18; ++digits) key *= 10;
    return key;
}

SearchSnapshot::Slot MakeSlot(std::shared_ptr<const SearchDoc> doc) {
    SearchSnapshot::Slot k;
    if (!doc) return k;
    const SearchDoc& d = *doc;
    k.modified = TimeKey(d.s.metadata_modified);
    k.created = TimeKey(d.s.metadata_created);
    k.views = d.s.views;
    if (!d.facet_ids.empty() && !d.facet_ids[0].empty()) k.org = d.facet_ids[0][0];
    k.flags = SearchSnapshot::kLive |
              (d.s.state == DatasetState::kDraft ? SearchSnapshot::kDraft : 0) |
              (d.s.private_ ? SearchSnapshot::kPrivate : 0);
    size_t total = 0;
    for (const auto& ids : d.facet_ids) total += ids.size();
    if (total <= SearchSnapshot::Slot::kInline && d.facet_ids.size() <= 8) {
        k.flags |= SearchSnapshot::kInlineFacets;
        size_t n = 0;
        for (size_t f = 0; f < d.facet_ids.size(); ++f) {
            for (uint32_t id : d.facet_ids[f]) k.ids[n++] = id;
            k.facet_end[f] = static_cast<uint8_t>(n);
        }
    }
    k.doc = std::move(doc);
    return k;
}

void SearchSnapshots::Publish(SearchSnapshot& next) const {
    next.pools = pools_;
    next.facet_values.assign(kFacetFields.size(), {});
    for (size_t f = 0; f < kFacetFields.size(); ++f)
        for (const auto& v : pools_->fields[f].texts()) next.facet_values[f].push_back(&v);
}

std::shared_ptr<SearchDoc> SearchSnapshots::MakeDoc(store::DatasetSummary row, uint32_t slot,
                                                    search::TermIndexWriter& writer) {
    auto d = std::make_shared<SearchDoc>();
    const OrgInfo* org = nullptr;
    if (auto it = orgs_.find(row.owner_org); it != orgs_.end()) org = &it->second;
    d->org_name = org ? org->name : "";
    for (const auto& g : row.group_ids)
        if (auto it = group_names_.find(g); it != group_names_.end())
            d->group_names.push_back(it->second);
    auto extras = nlohmann::json::parse(row.extras, nullptr, false);
    if (extras.is_object() && extras.contains("data_category") &&
        extras["data_category"].is_string())
        d->data_category = extras["data_category"].get<std::string>();
    static const std::string kNone;
    search::Document text = DatasetSearchDocument(
        row.id, {row.title, row.title_en, row.tags, row.notes, row.notes_en,
                 org ? org->title : kNone, org ? org->title_en : kNone, row.name});
    const std::string* fields[] = {&text.title, &text.tags, &text.body};
    for (int f = 0; f < 3; ++f) {
        d->term_ids[static_cast<size_t>(f)] = writer.Intern(search::Terms(*fields[f]));
        writer.Add(slot, f, d->term_ids[static_cast<size_t>(f)]);
    }
    row.notes.clear();
    row.notes.shrink_to_fit();
    row.notes_en.clear();
    row.notes_en.shrink_to_fit();
    row.extras.clear();
    row.extras.shrink_to_fit();
    d->s = std::move(row);
    SetFacets(*d);
    return d;
}

void SearchSnapshots::LoadStructure(db::Connection& c, SearchSnapshot& next) {
    orgs_.clear();
    group_names_.clear();
    auto titles = std::make_shared<std::map<std::string, std::string>>();
    auto titles_en = std::make_shared<std::map<std::string, std::string>>();
    for (const auto& o :
         agencies::store::List(c, {.include_pending = true, .include_deleted = true})) {
        orgs_[o.id] = {o.name, o.title, o.title_en};
        (*titles)["organization:" + o.name] = o.title;
        if (!o.title_en.empty()) (*titles_en)["organization:" + o.name] = o.title_en;
    }
    for (const auto& g : store::ListGroups(c)) {
        group_names_[g.id] = g.name;
        (*titles)["groups:" + g.name] = g.title;
        if (!g.title_en.empty()) (*titles_en)["groups:" + g.name] = g.title_en;
    }
    next.titles = std::move(titles);
    next.titles_en = std::move(titles_en);
}

std::shared_ptr<const SearchSnapshot> SearchSnapshots::Build() {
    auto started = std::chrono::steady_clock::now();
    auto next = std::make_shared<SearchSnapshot>();
    std::vector<store::DatasetSummary> rows;
    db_.Read([&](db::Connection& c) {
        // The version first: anything committed after it is read again by the next refresh.
        auto v = store::Versions(c);
        next->version = v.version;
        next->structure_version = v.structure;
        LoadStructure(c, *next);
        rows = store::SearchRows(c, -1);
    });
    slot_of_.clear();
    pools_ = std::make_shared<FacetPools>();
    search::TermIndex empty(3);
    search::TermIndexWriter writer(empty);
    for (auto& row : rows) {
        auto slot = static_cast<uint32_t>(next->slots.size());
        slot_of_[row.id] = slot;
        next->slots.push_back(MakeSlot(MakeDoc(std::move(row), slot, writer)));
    }
    next->live = next->slots.size();
    next->terms = writer.Finish();
    Publish(*next);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    core::LogInfo("search.snapshot", "built",
                  "\"datasets\":" + std::to_string(next->live) + ",\"terms\":" +
                      std::to_string(next->terms->terms()) + ",\"ms\":" + std::to_string(ms));
    return next;
}

std::shared_ptr<const SearchSnapshot> SearchSnapshots::Refresh(const SearchSnapshot& current) {
    auto next = std::make_shared<SearchSnapshot>(current);
    std::vector<store::DatasetSummary> rows;
    bool structure = false;
    std::unordered_set<std::string> live_ids;
    db_.Read([&](db::Connection& c) {
        auto v = store::Versions(c);
        next->version = v.version;
        next->structure_version = v.structure;
        if (v.structure != current.structure_version) {
            structure = true;
            LoadStructure(c, *next);
            for (auto& id : store::LiveDatasetIds(c)) live_ids.insert(std::move(id));
        }
        // In bounded batches, each one range scan of the search_version index.
        for (int64_t since = current.version;;) {
            auto batch = store::SearchRows(c, since, kBatch);
            if (batch.empty()) break;
            since = batch.back().search_version;
            bool last = batch.size() < static_cast<size_t>(kBatch);
            for (auto& r : batch) rows.push_back(std::move(r));
            if (last) break;
        }
    });
    search::TermIndexWriter writer(*current.terms);
    auto unlist = [&](uint32_t slot) {
        const auto& old = *next->doc(slot);
        for (int f = 0; f < 3; ++f) writer.Remove(slot, f, old.term_ids[static_cast<size_t>(f)]);
    };
    auto remove = [&](uint32_t slot) {
        unlist(slot);
        slot_of_.erase(next->doc(slot)->s.id);
        next->slots.Mutable(slot) = MakeSlot(nullptr);
        --next->live;
    };
    if (structure) {
        // Purged datasets are gone from the table; renamed or removed organizations and
        // groups change the names documents are filtered and faceted by.
        for (uint32_t slot = 0; slot < next->size(); ++slot) {
            const SearchDoc* d = next->doc(slot);
            if (!d) continue;
            if (!live_ids.count(d->s.id)) {
                remove(slot);
                continue;
            }
            auto copy = std::make_shared<SearchDoc>(*d);
            auto org = orgs_.find(d->s.owner_org);
            copy->org_name = org != orgs_.end() ? org->second.name : "";
            copy->group_names.clear();
            for (const auto& g : d->s.group_ids)
                if (auto it = group_names_.find(g); it != group_names_.end())
                    copy->group_names.push_back(it->second);
            if (copy->org_name == d->org_name && copy->group_names == d->group_names) continue;
            SetFacets(*copy);
            next->slots.Mutable(slot) = MakeSlot(std::move(copy));
        }
    }
    for (auto& row : rows) {
        auto it = slot_of_.find(row.id);
        if (it == slot_of_.end()) {
            if (row.state == DatasetState::kDeleted) continue;
            auto slot = static_cast<uint32_t>(next->size());
            slot_of_[row.id] = slot;
            next->slots.push_back(MakeSlot(MakeDoc(std::move(row), slot, writer)));
            ++next->live;
        } else if (row.state == DatasetState::kDeleted) {
            remove(it->second);
        } else {
            // Edited in place: same slot, its terms listed anew.
            uint32_t slot = it->second;
            unlist(slot);
            next->slots.Mutable(slot) = MakeSlot(MakeDoc(std::move(row), slot, writer));
        }
    }
    next->terms = writer.Finish();
    Publish(*next);
    return next;
}

std::shared_ptr<const SearchSnapshot> SearchSnapshots::RefreshViews(const SearchSnapshot& current) {
    auto views = db_.Read([](db::Connection& c) { return store::DatasetViews(c); });
    auto next = std::make_shared<SearchSnapshot>(current);
    for (const auto& [id, count] : views) {
        auto it = slot_of_.find(id);
        if (it == slot_of_.end()) continue;
        const SearchDoc* d = next->doc(it->second);
        if (!d || d->s.views == count) continue;
        auto copy = std::make_shared<SearchDoc>(*d);
        copy->s.views = count;
        next->slots.Mutable(it->second) = MakeSlot(std::move(copy));
    }
    Publish(*next);
    return next;
}

}  // namespace govhub::catalog
