#pragma once
// SCORM lessons (issue 16): an author attaches a package to a lesson of kind scorm (unpacked and
// checked by scorm_package.hpp, kept under <data dir>/learning/scorm/<lesson>-<random>/); an
// enrolled learner launches one of its SCOs (a short-lived per-attempt token, the data model
// handed back as it was left); the runtime page on the PACKAGE origin commits cross-origin with
// that token (scorm_runtime.hpp checks and merges it); the SCOs roll up into the lesson's
// progress, recorded through LearningService::RecordResult in the commit's own transaction, so
// the commit's answer carries the course standing.
//
// Roll-up: the lesson is done when every launchable item of the package's organization is done
// (ScoDone; an asset, which has no runtime API, is done once launched); its percent is the
// share of items done, its score the average of the SCOs' scores (ScoScorePercent).
//
// Tokens: 192 random bits, only their SHA-256 stored, bound to (lesson, learner, SCO), valid
// token_seconds from the launch; each launch makes a new one and sweeps the expired.
//
// Bounds: the zip ≤ max_zip_bytes and PackageLimits (scorm_package.hpp); a commit per
// CmiLimits (scorm_runtime.hpp); a package file path ≤ 2048 bytes, no "..", hidden or empty
// segments; a SCO id ≤ 255 bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/principal.hpp"
#include "learning/scorm_package.hpp"
#include "learning/scorm_runtime.hpp"
#include "learning/service.hpp"
#include "learning/store.hpp"

namespace govhub::learning {

struct ScormConfig {
    std::string packages_dir;  // <data dir>/learning/scorm
    std::string site_url;      // the site (its origin is the one commits go to)
    // The package site's public URL: another registrable domain in production (never a
    // subdomain of the site). Set by app once the package listener is bound.
    std::string package_url;
    uint64_t max_zip_bytes = uint64_t{1} << 30;
    PackageLimits limits;
    CmiLimits cmi;
    int64_t token_seconds = 4 * 3600;
};

// "scheme://host[:port]" of a URL (its path dropped).
std::string OriginOf(const std::string& url);

// One launchable item of the package (a SCO or an asset), with what the runtime is fed.
struct ScoInfo {
    std::string id, title, href;
    bool is_sco = true;
    ScoRules rules;
};

// A node of the lesson menu (the organization's item tree).
struct ScormMenuItem {
    std::string id, title;
    bool launchable = false;
    std::vector<ScormMenuItem> children;
};

struct ScormPackageInfo {
    std::string lesson_id, dir, uploaded;
    int64_t bytes = 0;
    ScormVersion version = ScormVersion::k2004;
    std::string title;
    bool declares_sequencing = false;
    std::vector<std::string> warnings;  // i18n keys
    std::vector<ScormMenuItem> items;
    std::vector<ScoInfo> scos;  // menu order
};

// A learner's standing in one SCO.
struct ScoStatus {
    ScoInfo sco;
    bool started = false, done = false;
    std::optional<int> score;
};

// What the runtime page needs (scorm-runtime.js's data-* settings).
struct ScormLaunch {
    std::string token;  // only given to the learner who launched
    std::string lesson_id, sco_id, sco_title;
    ScormVersion version = ScormVersion::k2004;
    std::string run_url;      // the runtime page on the package origin
    std::string launch_path;  // the SCO's page on the package origin ("/pkg/<dir>/<href>")
    std::string commit_url;
    int64_t seq_start = 1;
    int64_t expires = 0;      // epoch seconds
    std::string initial_cmi;  // InitialCmiJson()
};

// A commit's outcome: `update` when it was applied (the lesson and course standing, or nullopt
// for an author previewing without enrolment); `stale` for a repeated or late one; `errors`
// when refused (nothing changed).
struct ScormCommitOutcome {
    bool applied = false, stale = false;
    ScormVersion version = ScormVersion::k2004;
    std::vector<CmiError> errors;
    std::optional<LearningService::LessonUpdate> update;
    bool sco_done = false;
    int parts_done = 0, parts_total = 0;  // the lesson's SCOs (with `update`)
};

class ScormLessons {
  public:
    ScormLessons(LearningService& learning, ScormConfig config);

    const ScormConfig& config() const { return config_; }
    void SetPackageUrl(std::string url) { config_.package_url = std::move(url); }
    std::string PackageOrigin() const { return OriginOf(config_.package_url); }
    std::string SiteOrigin() const { return OriginOf(config_.site_url); }

    // ---- authoring: the package of a scorm lesson (its authors only). Field errors on
    // "upload" with the package's learning.scorm.* messages. A replaced package's folder is
    // deleted and every learner's SCO data of the lesson with it.
    ScormPackageInfo Attach(const std::string& lesson_id, MediaUpload upload,
                            const api::Caller& caller);
    std::optional<ScormPackageInfo> Package(const std::string& lesson_id);

    // ---- learners
    // The menu with the learner's standing per item.
    std::vector<ScoStatus> Menu(const std::string& lesson_id, const std::string& user_id);
    // An enrolled learner (or an author, previewing) launches `sco_id` ("" = the first item
    // not done). NotFound for an unknown lesson, SCO, or a lesson without a package.
    ScormLaunch Launch(const std::string& lesson_id, const std::string& sco_id,
                       const api::Caller& caller);
    // The runtime page's settings for a token (GET /run/<token>?sco=): a new session of the
    // same attempt. Throws HttpError 404 for an unknown or expired token or another SCO.
    ScormLaunch Resume(const std::string& token, const std::string& sco_id);
    // POST /api/learning/scorm/commit. Throws HttpError 401 (no, unknown or expired token),
    // 404 (the package is gone), and ParseCommit's errors (400, 413).
    ScormCommitOutcome Commit(std::string_view token, std::string_view body);

    // ---- the package origin: a file of an extracted package, or HttpError 404.
    std::string PackageFile(const std::string& dir, const std::string& path) const;

  private:
    ScormLaunch Session(db::Connection& c, const store::ScormTokenRow& token,
                        const ScormPackageInfo& pkg, const std::string& raw_token);

    LearningService& learning_;
    ScormConfig config_;
};

}  // namespace govhub::learning
