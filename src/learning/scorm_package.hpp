#pragma once
// SCORM package import for Learning (issue 16): an uploaded zip is unpacked with every entry
// checked before a byte is written (zip-slip, links, devices, sizes, bombs), then its
// imsmanifest.xml is read into the lesson menu (the default organization's item tree) and the
// values the runtime is fed from it (mastery score, scaled passing score, completion threshold,
// launch data). Pure library: no SQL, no HTTP. Facts: ../shared/reference/learning.md §3.1.
//
// Bounds on outside input:
//   manifest: 4 MiB of XML, element depth 64, 10,000 items + resources, no DOCTYPE, text fields
//             cut at 4096 bytes (titles 1000);
//   zip:      PackageLimits (bytes actually inflated per entry and in all, entries, ratio),
//             entry names ≤ 1024 bytes, ≤ 255 per component, ≤ 64 components, UTF-8.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "learning/scorm_version.hpp"

namespace govhub::learning {

// Why a package was refused. `key` is an i18n key (learning.scorm.<reason>, in web/i18n) for the
// person who uploaded it; `name` is the offending file, identifier or value when there is one
// (at most 200 bytes) and fills the message's {name}; `detail` is English for logs.
class ScormPackageError : public std::runtime_error {
  public:
    ScormPackageError(std::string key, std::string detail, std::string name = "");
    // core::Message(key, {{"name", name}}): what to show, localized later by core::I18n.
    std::string UserMessage() const;

    std::string key;
    std::string detail;
    std::string name;
};

struct ScormItem {
    std::string identifier;
    std::string title;        // the item's title, or its identifier when it has none
    std::string resource_id;  // identifierref; empty for a menu folder
    // Launch URL relative to the package root: the resources' xml:base, the resource's href and
    // the item's `parameters`, percent-encoding kept as written. Empty for a folder.
    std::string href;
    bool is_sco = false;  // adlcp:scormtype / scormType "sco" (else an asset: no runtime API)
    std::optional<double> mastery_score;         // 1.2 adlcp:masteryscore, 0..100
    std::optional<double> scaled_passing_score;  // 2004 primaryObjective by measure, -1..1
    std::optional<double> completion_threshold;  // 2004 adlcp:completionThreshold, 0..1
    std::string data_from_lms;  // adlcp:datafromlms / dataFromLMS → cmi.launch_data
    std::vector<ScormItem> children;
};

struct ScormManifest {
    ScormVersion version = ScormVersion::k12;
    std::string identifier;        // <manifest identifier>
    std::string title;             // the chosen organization's title
    std::vector<ScormItem> items;  // the chosen organization's top-level items
    // imsss:sequencing beyond a primary objective's passing score (and delivery controls that
    // leave status to the content), or an imsss:sequencingCollection: rules this LMS does not
    // run. The lesson menu is the item tree; the warnings then hold
    // learning.scorm.sequencing_ignored.
    bool declares_sequencing = false;
    std::vector<std::string> warnings;  // i18n keys, each at most once
    // Depth first, the items a learner can open (those with an href), in menu order.
    std::vector<const ScormItem*> Launchable() const;
};

inline constexpr size_t kMaxManifestBytes = 4u << 20;
inline constexpr int kMaxManifestDepth = 64;
inline constexpr size_t kMaxManifestNodes = 10000;  // items + resources

// Reads an imsmanifest.xml (SCORM 1.2 or 2004 2nd–4th edition). The organization is the one
// `organizations/@default` names; when that names none (or one without items) the first
// organization with an item is used and the warnings say
// learning.scorm.default_organization_missing. Throws ScormPackageError; the keys are listed in
// README.md ("SCORM packages").
ScormManifest ParseManifest(std::string_view xml);

struct PackageLimits {
    uint64_t max_total_bytes = 1ull << 30;    // inflated, all entries
    uint64_t max_entry_bytes = 512ull << 20;  // inflated, one entry
    size_t max_entries = 10000;               // files and folders
    // Inflated ÷ compressed, per entry and for the whole file, only checked past 1 MiB written.
    double max_ratio = 200;
};

// Unpacks the zip at `zip_path` into `dest_dir` (which must not exist; its parent must) and
// returns its manifest, after checking that every launch href names a file in the package.
// Everything is written into `dest_dir + ".partial"` (files 0644, folders 0755, nothing
// followed through a link) and renamed at the end; on any error nothing is left behind.
// Throws ScormPackageError (learning.scorm.storage_error for a failure of this machine's disk).
ScormManifest ExtractPackage(const std::string& zip_path, const std::string& dest_dir,
                             const PackageLimits& limits = {});

}  // namespace govhub::learning
