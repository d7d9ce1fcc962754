#include "learning/scorm_service.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "accounts/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"

namespace govhub::learning {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string OriginOf(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    auto end = url.find_first_of("/?#", scheme + 3);
    return end == std::string::npos ? url : url.substr(0, end);
}

namespace {

constexpr size_t kMaxScoId = 255;
constexpr size_t kMaxPackagePath = 2048;

Json OptNumber(const std::optional<double>& d) {
    return d ? Json(*d) : Json(nullptr);
}
std::optional<double> NumberOpt(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}
std::string StrOf(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

Json ItemJson(const ScormItem& item) {
    Json children = Json::array();
    for (const auto& c : item.children) children.push_back(ItemJson(c));
    return {{"id", item.identifier},
            {"title", item.title},
            {"launchable", !item.href.empty()},
            {"children", std::move(children)}};
}

ScormMenuItem MenuItemOf(const Json& j, int depth) {
    ScormMenuItem m{StrOf(j, "id"), StrOf(j, "title"), j.value("launchable", false), {}};
    // Written by govhub, bounded all the same (the manifest's own depth limit is 64).
    if (depth < 64 && j.contains("children") && j["children"].is_array())
        for (const auto& c : j["children"]) m.children.push_back(MenuItemOf(c, depth + 1));
    return m;
}

ScormPackageInfo InfoOf(const store::ScormPackageRow& row) {
    ScormPackageInfo info;
    info.lesson_id = row.lesson_id;
    info.dir = row.dir;
    info.uploaded = row.uploaded;
    info.bytes = row.bytes;
    info.version = row.version == "1.2" ? ScormVersion::k12 : ScormVersion::k2004;
    Json m = Json::parse(row.manifest, nullptr, false);
    if (m.is_object()) {
        info.title = StrOf(m, "title");
        info.declares_sequencing = m.value("declares_sequencing", false);
        if (m.contains("warnings") && m["warnings"].is_array())
            for (const auto& w : m["warnings"])
                if (w.is_string()) info.warnings.push_back(w.get<std::string>());
        if (m.contains("items") && m["items"].is_array())
            for (const auto& i : m["items"]) info.items.push_back(MenuItemOf(i, 0));
    }
    Json scos = Json::parse(row.scos, nullptr, false);
    if (scos.is_array()) {
        for (const auto& s : scos) {
            ScoInfo sco{
                StrOf(s, "id"), StrOf(s, "title"), StrOf(s, "href"), s.value("is_sco", true), {}};
            sco.rules.mastery_score = NumberOpt(s, "mastery_score");
            sco.rules.scaled_passing_score = NumberOpt(s, "scaled_passing_score");
            sco.rules.completion_threshold = NumberOpt(s, "completion_threshold");
            sco.rules.launch_data = StrOf(s, "launch_data");
            info.scos.push_back(std::move(sco));
        }
    }
    return info;
}

const ScoInfo* FindSco(const ScormPackageInfo& pkg, const std::string& id) {
    for (const auto& s : pkg.scos)
        if (s.id == id) return &s;
    return nullptr;
}

CmiState LoadState(const std::optional<store::ScoStateRow>& row, ScormVersion version) {
    if (!row) return CmiState{.version = version};
    try {
        return CmiState::FromJson(row->state, version);
    } catch (const std::exception& e) {
        // govhub wrote it; a damaged row starts the SCO afresh rather than locking it.
        core::LogWarn("learning.scorm.state", e.what());
        return CmiState{.version = version};
    }
}

std::optional<int> RoundedScore(const CmiState& s) {
    auto p = ScoScorePercent(s);
    if (!p) return std::nullopt;
    return static_cast<int>(std::lround(*p));
}

// The lesson's roll-up over the package's launchable items.
struct RollUp {
    bool done = false;
    int percent = 0;
    int parts_done = 0;
    std::optional<int> score;
};
RollUp RollUpOf(const ScormPackageInfo& pkg, const std::vector<store::ScoStateRow>& states) {
    RollUp r;
    if (pkg.scos.empty()) return r;
    size_t done = 0, scored = 0;
    int64_t score_sum = 0;
    for (const auto& sco : pkg.scos) {
        for (const auto& st : states) {
            if (st.sco_id != sco.id) continue;
            if (st.done) ++done;
            if (st.score) {
                ++scored;
                score_sum += *st.score;
            }
        }
    }
    r.done = done == pkg.scos.size();
    r.parts_done = static_cast<int>(done);
    r.percent = static_cast<int>(done * 100 / pkg.scos.size());
    if (scored) r.score = static_cast<int>(std::lround(static_cast<double>(score_sum) / scored));
    return r;
}

std::string LearnerName(db::Connection& c, const std::string& user_id, ScormVersion v) {
    auto u = accounts::store::FindUserById(c, user_id);
    if (!u) return "";
    std::string name = !u->fullname_en.empty() && v == ScormVersion::k12 ? u->fullname_en
                       : !u->fullname_th.empty()                         ? u->fullname_th
                                                                         : u->name;
    // SCORM 1.2's student_name is "Last, First".
    if (v == ScormVersion::k12) {
        auto space = name.rfind(' ');
        if (space != std::string::npos)
            name = name.substr(space + 1) + ", " + name.substr(0, space);
    }
    return name;
}

void Fail(const std::string& message) {
    throw HttpError::Validation({{"upload", message}});
}

}  // namespace

ScormLessons::ScormLessons(LearningService& learning, ScormConfig config)
    : learning_(learning), config_(std::move(config)) {}

// ---- authoring

ScormPackageInfo ScormLessons::Attach(const std::string& lesson_id, MediaUpload upload,
                                      const api::Caller& caller) {
    const api::Principal* p = caller.principal;
    auto lv = learning_.OpenLesson(lesson_id, p);
    if (!lv.outline.can_author) throw HttpError::Forbidden();
    if (lv.lesson.kind != LessonKind::kScorm) Fail("learning.error.no_media_for_kind");
    if (upload.size == 0 || upload.path.empty()) Fail("learning.error.upload_missing");
    if (upload.size > config_.max_zip_bytes) Fail("learning.error.too_big");
    fs::create_directories(config_.packages_dir);
    // A new folder per upload: a cached file of the old package is never served for the new.
    std::string dir = lesson_id + "-" + core::RandomToken(9);
    std::string dest = config_.packages_dir + "/" + dir;
    ScormManifest manifest;
    try {
        manifest = ExtractPackage(upload.path, dest, config_.limits);
    } catch (const ScormPackageError& e) {
        core::LogInfo("learning.scorm.refused", e.detail,
                      "\"lesson\":\"" + lesson_id + "\",\"key\":\"" + e.key + "\"");
        Fail(e.UserMessage());
    }
    Json items = Json::array();
    for (const auto& i : manifest.items) items.push_back(ItemJson(i));
    Json scos = Json::array();
    for (const ScormItem* i : manifest.Launchable()) {
        if (i->identifier.size() > kMaxScoId) continue;
        scos.push_back({{"id", i->identifier},
                        {"title", i->title},
                        {"href", i->href},
                        {"is_sco", i->is_sco},
                        {"mastery_score", OptNumber(i->mastery_score)},
                        {"scaled_passing_score", OptNumber(i->scaled_passing_score)},
                        {"completion_threshold", OptNumber(i->completion_threshold)},
                        {"launch_data", i->data_from_lms}});
    }
    store::ScormPackageRow row{
        .lesson_id = lesson_id,
        .dir = dir,
        .version = std::string(ScormVersionText(manifest.version)),
        .manifest = Json{{"identifier", manifest.identifier},
                         {"title", manifest.title},
                         {"declares_sequencing", manifest.declares_sequencing},
                         {"warnings", manifest.warnings},
                         {"items", items}}
                        .dump(-1, ' ', false, Json::error_handler_t::replace),
        .scos = scos.dump(-1, ' ', false, Json::error_handler_t::replace),
        .uploaded = core::NowIso(),
        .uploaded_by = p ? p->user_id : "",
        .bytes = static_cast<int64_t>(upload.size)};
    std::string old_dir;
    try {
        learning_.db().Write([&](db::Connection& c) {
            auto old = store::FindScormPackage(c, lesson_id);
            if (old) {
                old_dir = old->dir;
                store::DeleteScoStates(c, lesson_id);
            }
            store::UpsertScormPackage(c, row);
            audit::Record(c, caller.actor(), "learning.lesson.scorm", "course", lv.lesson.course_id,
                          {{"lesson", lesson_id},
                           {"version", row.version},
                           {"items", scos.size()},
                           {"bytes", row.bytes},
                           {"sequencing_ignored", manifest.declares_sequencing}});
        });
    } catch (...) {
        std::error_code ec;
        fs::remove_all(dest, ec);
        throw;
    }
    if (!old_dir.empty()) {
        std::error_code ec;
        fs::remove_all(config_.packages_dir + "/" + old_dir, ec);
    }
    return InfoOf(row);
}

std::optional<ScormPackageInfo> ScormLessons::Package(const std::string& lesson_id) {
    auto row = learning_.db().Read(
        [&](db::Connection& c) { return store::FindScormPackage(c, lesson_id); });
    if (!row) return std::nullopt;
    return InfoOf(*row);
}

// ---- learners

std::vector<ScoStatus> ScormLessons::Menu(const std::string& lesson_id,
                                          const std::string& user_id) {
    std::vector<ScoStatus> out;
    auto pkg = Package(lesson_id);
    if (!pkg) return out;
    auto states = learning_.db().Read(
        [&](db::Connection& c) { return store::ScoStatesOf(c, lesson_id, user_id); });
    for (const auto& sco : pkg->scos) {
        ScoStatus s{.sco = sco};
        for (const auto& st : states) {
            if (st.sco_id != sco.id) continue;
            s.started = true;
            s.done = st.done;
            s.score = st.score;
        }
        out.push_back(std::move(s));
    }
    return out;
}

ScormLaunch ScormLessons::Session(db::Connection& c, const store::ScormTokenRow& token,
                                  const ScormPackageInfo& pkg, const std::string& raw_token) {
    const ScoInfo* sco = FindSco(pkg, token.sco_id);
    if (!sco) throw HttpError::NotFound("learning.scorm.sco_not_found");
    auto row = store::FindScoState(c, token.lesson_id, token.user_id, sco->id);
    CmiState state = LoadState(row, pkg.version);
    int64_t seq_start = BeginSession(state, core::NowEpochMicros() / 1000);
    store::ScoStateRow saved{.lesson_id = token.lesson_id,
                             .user_id = token.user_id,
                             .sco_id = sco->id,
                             .state = state.ToJson(),
                             .last_seq = state.last_seq,
                             // An asset has no runtime to report with: opening it is doing it.
                             .done = (row && row->done) || !sco->is_sco,
                             .score = row ? row->score : std::nullopt,
                             .updated = core::NowIso()};
    store::SaveScoState(c, saved);
    ScormLaunch l;
    l.token = raw_token;
    l.lesson_id = token.lesson_id;
    l.sco_id = sco->id;
    l.sco_title = sco->title;
    l.version = pkg.version;
    l.run_url = config_.package_url + "/run/" + raw_token + "?sco=" + core::UrlEncode(sco->id);
    l.launch_path = "/pkg/" + pkg.dir + "/" + sco->href;
    l.commit_url = config_.site_url + "/api/learning/scorm/commit";
    l.seq_start = seq_start;
    l.expires = token.expires;
    l.initial_cmi = InitialCmiJson(state, sco->rules, token.user_id,
                                   LearnerName(c, token.user_id, pkg.version));
    return l;
}

ScormLaunch ScormLessons::Launch(const std::string& lesson_id, const std::string& sco_id,
                                 const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    auto lv = learning_.OpenLesson(lesson_id, &p);  // enrolled, or an author
    if (lv.lesson.kind != LessonKind::kScorm)
        throw HttpError::NotFound("learning.scorm.no_package");
    auto pkg = Package(lesson_id);
    if (!pkg || pkg->scos.empty()) throw HttpError::NotFound("learning.scorm.no_package");
    std::string chosen = sco_id;
    if (chosen.empty()) {
        chosen = pkg->scos.front().id;
        for (const auto& s : Menu(lesson_id, p.user_id))
            if (!s.done) {
                chosen = s.sco.id;
                break;
            }
    }
    if (!FindSco(*pkg, chosen)) throw HttpError::NotFound("learning.scorm.sco_not_found");
    std::string raw = core::RandomToken(24);
    int64_t now = core::NowEpochSeconds();
    store::ScormTokenRow token{.token_hash = core::Sha256Hex(raw),
                               .lesson_id = lesson_id,
                               .user_id = p.user_id,
                               .sco_id = chosen,
                               .created = now,
                               .expires = now + config_.token_seconds};
    return learning_.db().Write([&](db::Connection& c) {
        store::DeleteExpiredScormTokens(c, now);
        store::InsertScormToken(c, token);
        return Session(c, token, *pkg, raw);
    });
}

ScormLaunch ScormLessons::Resume(const std::string& raw, const std::string& sco_id) {
    if (raw.empty() || raw.size() > 128) throw HttpError::NotFound();
    return learning_.db().Write([&](db::Connection& c) {
        auto token = store::FindScormToken(c, core::Sha256Hex(raw));
        if (!token || token->expires < core::NowEpochSeconds() ||
            (!sco_id.empty() && sco_id != token->sco_id))
            throw HttpError::NotFound();
        auto row = store::FindScormPackage(c, token->lesson_id);
        if (!row) throw HttpError::NotFound();
        return Session(c, *token, InfoOf(*row), raw);
    });
}

ScormCommitOutcome ScormLessons::Commit(std::string_view raw, std::string_view body) {
    if (raw.empty() || raw.size() > 128)
        throw HttpError(401, "unauthorized", "learning.scorm.bad_token");
    std::string hash = core::Sha256Hex(raw);
    auto found = learning_.db().Read([&](db::Connection& c) {
        std::optional<std::pair<store::ScormTokenRow, store::ScormPackageRow>> out;
        auto token = store::FindScormToken(c, hash);
        if (!token) return out;
        auto pkg = store::FindScormPackage(c, token->lesson_id);
        if (pkg) out.emplace(*token, *pkg);
        return out;
    });
    int64_t now = core::NowEpochSeconds();
    if (!found || found->first.expires < now)
        throw HttpError(401, "unauthorized", "learning.scorm.bad_token");
    const store::ScormTokenRow& token = found->first;
    ScormPackageInfo pkg = InfoOf(found->second);
    const ScoInfo* sco = FindSco(pkg, token.sco_id);
    if (!sco) throw HttpError(401, "unauthorized", "learning.scorm.bad_token");
    // Parsed before the transaction: the body is bounded, and a bad one never takes the writer.
    CommitRequest request = ParseCommit(body, pkg.version, config_.cmi);
    // A session's seqs start near the clock in microseconds (BeginSession) and go up by one a
    // commit: one far beyond that would make every later commit of the SCO stale.
    if (request.seq > core::NowEpochMicros() + kMaxSeqAhead)
        throw HttpError::BadRequest("seq out of range");

    return learning_.db().Write([&](db::Connection& c) {
        ScormCommitOutcome out;
        out.version = pkg.version;
        // The package may have been replaced since the token was read.
        auto current = store::FindScormPackage(c, token.lesson_id);
        if (!current || current->dir != pkg.dir)
            throw HttpError(401, "unauthorized", "learning.scorm.bad_token");
        auto row = store::FindScoState(c, token.lesson_id, token.user_id, sco->id);
        CmiState state = LoadState(row, pkg.version);
        double before = TotalSeconds(state);
        CommitResult result = ApplyCommit(state, request, sco->rules, config_.cmi);
        if (result.stale) {
            out.stale = true;
            return out;
        }
        if (!result.applied) {
            out.errors = std::move(result.errors);
            return out;
        }
        // A SCO with a passing score is done when passed, not when merely completed: a package
        // that says "completed" on reaching its last page, before its check, is not yet done.
        bool has_pass_mark =
            sco->rules.scaled_passing_score.has_value() || sco->rules.mastery_score.has_value();
        bool passed = state.success_status == "passed" || state.lesson_status == "passed";
        out.sco_done = (has_pass_mark ? passed : ScoDone(state)) || (row && row->done);
        store::ScoStateRow saved{.lesson_id = token.lesson_id,
                                 .user_id = token.user_id,
                                 .sco_id = sco->id,
                                 .state = state.ToJson(),
                                 .last_seq = state.last_seq,
                                 // Done stays done: a later attempt's "incomplete" is not undone.
                                 .done = out.sco_done,
                                 .score = RoundedScore(state),
                                 .updated = core::NowIso()};
        if (row && row->score && (!saved.score || *row->score > *saved.score))
            saved.score = row->score;
        if (!store::SaveScoState(c, saved)) {
            out.stale = true;  // another node stored a later commit first
            return out;
        }
        out.applied = true;
        // Study time: what the session time grew by, never more than the wall time since the
        // later of the launch and this SCO's previous applied commit, so a package (or a script
        // with the token) cannot credit hours in a minute, once per commit or in total.
        // Measured in microseconds with no grace per commit: commits sent back to back would
        // add their graces up (300 commits in a second crediting ten minutes).
        double grown = std::max(0.0, TotalSeconds(state) - before);
        int64_t since_us = token.created * 1000000;
        if (row && !row->updated.empty())
            since_us = std::max(since_us, core::ParseIsoMicros(row->updated));
        double wall =
            static_cast<double>(std::max<int64_t>(0, core::NowEpochMicros() - since_us)) / 1e6;
        auto credited = static_cast<int64_t>(std::llround(std::min(grown, wall)));
        auto lesson = store::FindLesson(c, token.lesson_id);
        auto enrolment =
            lesson ? store::FindEnrolment(c, lesson->course_id, token.user_id) : std::nullopt;
        // An author previewing without enrolment keeps the SCO's data but earns no progress.
        if (lesson && enrolment && enrolment->state == EnrolmentState::kActive) {
            RollUp r = RollUpOf(pkg, store::ScoStatesOf(c, token.lesson_id, token.user_id));
            out.parts_done = r.parts_done;
            out.parts_total = static_cast<int>(pkg.scos.size());
            out.update = learning_.RecordResult(c, *lesson, token.user_id, r.done, r.score,
                                                r.percent, credited);
        }
        return out;
    });
}

// ---- the package origin

std::string ScormLessons::PackageFile(const std::string& dir, const std::string& path) const {
    // The folder is one a package was extracted to: <lesson uuid>-<token>, nothing else.
    bool dir_ok =
        !dir.empty() && dir.size() <= 100 && std::all_of(dir.begin(), dir.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
        });
    if (!dir_ok || path.empty() || path.size() > kMaxPackagePath) throw HttpError::NotFound();
    for (const auto& seg : core::Split(path, '/'))
        if (seg.empty() || seg == "." || seg == ".." || seg[0] == '.' ||
            seg.find('\0') != std::string::npos || seg.find('\\') != std::string::npos)
            throw HttpError::NotFound();
    fs::path root = fs::path(config_.packages_dir) / dir;
    fs::path full = root / path;
    // ExtractPackage writes no links, but the check is cheap: what is served stays inside.
    std::error_code ec;
    fs::path real = fs::weakly_canonical(full, ec);
    fs::path real_root = fs::weakly_canonical(root, ec);
    if (ec) throw HttpError::NotFound();
    auto rel = real.lexically_relative(real_root);
    if (rel.empty() || *rel.begin() == "..") throw HttpError::NotFound();
    if (!fs::is_regular_file(fs::symlink_status(real, ec))) throw HttpError::NotFound();
    return real.string();
}

}  // namespace govhub::learning
