#pragma once
// What package_search filters, ranks and facets: an in-memory snapshot of the catalog on each
// node, with its own inverted index of the datasets' words (the same analyzer and text as the
// database's full-text index). The snapshot follows the database's catalog version: a change to
// a few datasets is applied to the next generation in milliseconds (only those datasets are
// read and analyzed); only the first build and compactions read everything.
//
// Generations are immutable: a query holds one for its whole run without locks, while the next
// generation shares every document and posting list that did not change.
#include <array>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/paged_vector.hpp"
#include "db/database.hpp"
#include "opendata/catalog/store.hpp"
#include "search/index.hpp"
#include "search/term_index.hpp"

namespace govhub::catalog {

// The text a dataset is indexed by, in the database's index and in the snapshots alike: its
// Thai and English titles (the title field), tags, and its notes in both languages with its
// organization's titles and its name (the body).
struct DatasetText {
    const std::string &title, &title_en;
    const std::vector<std::string>& tags;
    const std::string &notes, &notes_en, &org_title, &org_title_en, &name;
};
search::Document DatasetSearchDocument(const std::string& id, const DatasetText& t);

enum SearchField { kTitleField = 0, kTagsField = 1, kBodyField = 2 };

// The facet fields of package_search, in the order the snapshot keeps them.
extern const std::vector<std::string> kFacetFields;

struct SearchDoc {
    store::DatasetSummary s;  // notes and extras are dropped once analyzed
    std::string org_name, data_category;
    std::vector<std::string> group_names;
    std::vector<std::vector<uint32_t>> facet_ids;   // per kFacetFields entry: value ids
    std::array<std::vector<uint32_t>, 3> term_ids;  // per SearchField: term ids in `terms`
};

// A dataset's values for a field of a filter (`organization:...`) or a facet.
std::vector<std::string> DocValues(const SearchDoc& d, const std::string& field);

struct FacetPools;

// A sortable integer for an ISO 8601 timestamp (digits of YYYYMMDDhhmmss and 4 fraction
// digits): ordered as the text is, to a tenth of a millisecond (callers compare the text on a
// tie).
int64_t TimeKey(const std::string& iso);

struct SearchSnapshot {
    // What a query reads for a candidate, one record per slot. Records live in pages shared
    // between generations, so a generation costs the pages its changes touch.
    struct Slot {
        std::shared_ptr<const SearchDoc> doc;  // null: no dataset (left, or never)
        int64_t modified = 0, created = 0, views = 0;
        uint32_t org = UINT32_MAX;  // owner's value id in the organization facet
        uint8_t flags = 0;
        // Facet value ids inline when they fit (most datasets): ids[facet_end[f-1] ..
        // facet_end[f]) are field f's; otherwise doc->facet_ids holds them.
        static constexpr size_t kInline = 14;
        uint8_t facet_end[8] = {};
        uint32_t ids[kInline] = {};
    };
    static constexpr uint8_t kLive = 1, kDraft = 2, kPrivate = 4, kInlineFacets = 8;

    // The value ids of facet field `f` (kFacetFields order) of a slot.
    std::pair<const uint32_t*, const uint32_t*> Facets(uint32_t slot, size_t f) const {
        const Slot& k = slots[slot];
        if (k.flags & kInlineFacets)
            return {k.ids + (f ? k.facet_end[f - 1] : 0), k.ids + k.facet_end[f]};
        if (!k.doc) return {nullptr, nullptr};
        const auto& ids = k.doc->facet_ids[f];
        return {ids.data(), ids.data() + ids.size()};
    }

    // The id of `value` in facet field `f`, or UINT32_MAX (a scan: facet fields have few values
    // next to the datasets, and the pools' maps belong to the refresher).
    uint32_t FacetId(size_t f, std::string_view value) const {
        const auto& values = facet_values[f];
        for (size_t i = 0; i < values.size(); ++i)
            if (*values[i] == value) return static_cast<uint32_t>(i);
        return UINT32_MAX;
    }

    size_t size() const { return slots.size(); }
    const SearchDoc* doc(uint32_t slot) const { return slots[slot].doc.get(); }

    int64_t version = -1, structure_version = -1;
    core::PagedVector<Slot> slots;
    size_t live = 0;  // slots with a dataset
    std::shared_ptr<const search::TermIndex> terms;
    // Facet values by id, per kFacetFields entry (the strings live in `pools`).
    std::vector<std::vector<const std::string*>> facet_values;
    std::shared_ptr<const std::map<std::string, std::string>> titles;     // "organization:<name>"
    std::shared_ptr<const std::map<std::string, std::string>> titles_en;  // English, when any
    std::shared_ptr<const FacetPools> pools;
};

// The slot record of a dataset (or of none).
SearchSnapshot::Slot MakeSlot(std::shared_ptr<const SearchDoc> doc);

// Keeps one node's current snapshot and moves it on with the database.
class SearchSnapshots {
  public:
    explicit SearchSnapshots(db::Database& db);
    ~SearchSnapshots();

    // The snapshot of the catalog as of (at least) the database's version now.
    std::shared_ptr<const SearchSnapshot> Current();

    // View counts do not move the catalog version (every page view would); they are re-read
    // when a snapshot is older than this.
    static constexpr std::chrono::seconds kViewsRefresh{60};

  private:
    struct OrgInfo {
        std::string name, title, title_en;
    };
    std::shared_ptr<const SearchSnapshot> Build();
    std::shared_ptr<const SearchSnapshot> Refresh(const SearchSnapshot& current);
    std::shared_ptr<const SearchSnapshot> RefreshViews(const SearchSnapshot& current);
    void LoadStructure(db::Connection& c, SearchSnapshot& next);
    std::shared_ptr<SearchDoc> MakeDoc(store::DatasetSummary row, uint32_t slot,
                                       search::TermIndexWriter& writer);
    void SetFacets(SearchDoc& d);
    // The facet values of a finished generation.
    void Publish(SearchSnapshot& next) const;

    db::Database& db_;
    std::mutex current_mutex_;
    std::shared_ptr<const SearchSnapshot> current_;
    std::chrono::steady_clock::time_point views_read_{};

    // The refresher's own state, touched only under refresh_mutex_.
    std::mutex refresh_mutex_;
    std::unordered_map<std::string, uint32_t> slot_of_;
    std::unordered_map<std::string, OrgInfo> orgs_;
    std::unordered_map<std::string, std::string> group_names_;
    std::shared_ptr<FacetPools> pools_;
};

}  // namespace govhub::catalog
