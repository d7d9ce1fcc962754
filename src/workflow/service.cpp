#include "workflow/service.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "core/citizen_id.hpp"
#include "core/clean_text.hpp"
#include "core/clock.hpp"
#include "core/crash_point.hpp"
#include "core/crypto.hpp"
#include "core/durable_file.hpp"
#include "core/error.hpp"
#include "core/file_type.hpp"
#include "core/i18n.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "mail/body.hpp"
#include "workflow/store.hpp"

namespace govhub::workflow {
namespace {

using Json = nlohmann::json;
constexpr const char* kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int64_t kCalendarSeconds = 60;  // other nodes' holiday edits show within a minute

int64_t Seconds(const std::string& iso) {
    int64_t micros = core::ParseIsoMicros(iso);
    return micros < 0 ? 0 : micros / 1000000;
}

std::string Iso(int64_t epoch_seconds) {
    return core::IsoUtc(epoch_seconds * 1000000);
}

Json ParseObject(const std::string& text) {
    Json j = Json::parse(text.empty() ? "{}" : text, nullptr, false);
    return j.is_object() ? j : Json::object();
}

// The step's declared inputs (DecisionInput) in `data`: one not given starts from its
// prefill field (a number whose prefill field is absent or empty too starts at its minimum: a
// change that asked no accounts is approved with none); a number is stored as an integer within
// its bounds, a text trimmed within its length; what does not fit is a field error.
void ApplyInputs(const TransitionDef& d, Json& data, std::vector<FieldError>& errors) {
    for (const auto& input : d.inputs) {
        auto it = data.find(input.field);
        if (it == data.end() || it->is_null()) {
            auto from = input.prefill_from.empty() ? data.end() : data.find(input.prefill_from);
            bool absent = from == data.end() || from->is_null() ||
                          (from->is_string() && core::Trim(from->get<std::string>()).empty());
            if (input.kind == "number" && !input.prefill_from.empty() && absent)
                data[input.field] = input.min;
            else
                data[input.field] = from != data.end() ? *from : Json("");
            it = data.find(input.field);
        }
        if (input.kind == "number") {
            std::optional<int64_t> n;
            if (it->is_number_integer())
                n = it->get<int64_t>();
            else if (it->is_string())
                n = core::ParseInt(core::Trim(it->get<std::string>()));
            if (!n) {
                errors.push_back({input.field, "workflow.input_number"});
            } else if (*n < input.min || *n > input.max) {
                errors.push_back({input.field, "workflow.input_range"});
            } else {
                *it = *n;
            }
        } else {
            // The platform's clean-text rule: a text empty once the characters it refuses are
            // removed is missing ("\u0007" is no reason); one holding them besides is refused.
            std::string typed = it->is_string() ? it->get<std::string>() : "";
            auto clean = core::CleanUserText(typed, true);
            std::string text = clean ? *clean : core::StripToCleanText(typed, true);
            if (static_cast<int64_t>(text.size()) > input.max)
                errors.push_back({input.field, "workflow.input_too_long"});
            else if (text.empty() && input.required)
                errors.push_back({input.field, "form.required"});
            else if (!clean && !text.empty())
                errors.push_back({input.field, "workflow.bad_text"});
            *it = text;
        }
    }
}

bool Filled(const Json& data, const std::string& key) {
    auto it = data.find(key);
    if (it == data.end() || it->is_null()) return false;
    if (it->is_string()) return !core::Trim(it->get<std::string>()).empty();
    return true;
}

// The content type by the file's first bytes (what a browser would believe, not the name), if
// it is one a request may carry: PDF, JPEG or PNG; else "".
std::string SniffDocument(const std::string& path) {
    std::string type = core::SniffFileType(path);
    if (type == "application/pdf" || type == "image/jpeg" || type == "image/png") return type;
    return "";
}

std::string ExtensionFor(const std::string& content_type) {
    if (content_type == "application/pdf") return ".pdf";
    if (content_type == "image/jpeg") return ".jpg";
    return ".png";
}

// When a clock that started at `since`, with `used` seconds banked before, runs out.
int64_t DueAt(const RequestType& t, const core::WorkingCalendar& cal, int64_t since, int64_t used) {
    int64_t left =
        std::max<int64_t>(0, core::WorkingCalendar::Budget(t.sla_unit, t.sla_amount) - used);
    return cal.Add(t.sla_unit, since, left);
}

// When a file of a request closed at `closed` is purged, kept `days` days.
std::string PurgeTime(int64_t closed, int days) {
    return Iso(closed + int64_t{days} * 86400);
}

// A request by id or reference (in any spelling a person types: NormalizeReference).
std::optional<Request> FindByKey(db::Connection& c, const std::string& key) {
    auto found = store::FindRequest(c, key);
    if (!found) found = store::FindRequest(c, WorkflowService::NormalizeReference(key));
    return found;
}

// Sends a mail; a failure is logged (with the request's reference), never thrown: the step it
// tells of has happened already.
void SendOrLog(const accounts::MailSender& send, const mail::Message& m, const char* what,
               const std::string& reference) {
    try {
        send(m);
    } catch (const std::exception& e) {
        core::LogError(what, e.what(), "\"reference\":\"" + reference + "\"");
    }
}

// What every workflow mail may say about a request to `u` (the step's mail adds its own).
std::vector<std::pair<std::string, std::string>> MailVars(
    const RequestType& t, const Request& r, const accounts::User& u, const std::string& locale,
    const std::string& due, const std::string& link, const std::string& site) {
    return {{"name", u.DisplayName(locale)},
            {"reference", r.reference},
            {"type", "@workflow." + t.id + ".title"},
            {"subject", r.subject},
            {"due", due},
            {"link", link},
            {"site", site}};
}

}  // namespace

const char* ToString(Clock c) {
    switch (c) {
        case Clock::kRuns:
            return "running";
        case Clock::kPaused:
            return "paused";
        case Clock::kStopped:
            break;
    }
    return "stopped";
}

WorkflowService::WorkflowService(db::Database& db, accounts::AccountService& accounts,
                                 accounts::MailSender send_mail, const core::I18n& i18n,
                                 WorkflowConfig config)
    : db_(db),
      accounts_(accounts),
      send_mail_(std::move(send_mail)),
      i18n_(i18n),
      config_(std::move(config)) {}

void WorkflowService::Register(RequestType type) {
    if (!type.State(type.initial_state))
        throw std::logic_error("request type " + type.id + ": no initial state");
    for (const auto& t : type.transitions) {
        if (!type.State(t.to))
            throw std::logic_error("request type " + type.id + ": transition " + t.id +
                                   " goes to an unknown state");
        for (const auto& f : t.from)
            if (!type.State(f))
                throw std::logic_error("request type " + type.id + ": transition " + t.id +
                                       " leaves an unknown state");
    }
    std::string id = type.id;
    types_[id] = std::move(type);
}

const RequestType& WorkflowService::Type(const std::string& id) const {
    auto it = types_.find(id);
    if (it == types_.end()) throw HttpError::NotFound("workflow.no_such_type");
    return it->second;
}

std::vector<std::string> WorkflowService::TypeIds() const {
    std::vector<std::string> out;
    for (const auto& [id, t] : types_) out.push_back(id);
    return out;
}

std::string WorkflowService::NewReference(const std::string& prefix, int64_t epoch_seconds) {
    std::string year = core::IsoDay(core::BangkokDay(epoch_seconds)).substr(0, 4);
    std::string random = core::RandomToken(6);  // 8 base64url characters, 6 used
    std::string code;
    static const std::string kBase64Url =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (size_t i = 0; i < 6; ++i) code += kCrockford[kBase64Url.find(random[i]) % 32];
    return prefix + "-" + std::to_string(core::BuddhistYear(std::stoi(year))) + "-" + code;
}

std::string WorkflowService::NormalizeReference(const std::string& typed) {
    std::string compact;
    for (char ch : typed) {
        if (ch == '-' || ch == ' ' || ch == '\t') continue;
        char u = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        compact += u;
    }
    // PREFIX (letters) + 4-digit year + 6 code characters.
    size_t letters = 0;
    while (letters < compact.size() && std::isalpha(static_cast<unsigned char>(compact[letters])))
        ++letters;
    if (letters == 0 || compact.size() != letters + 10) return core::Trim(typed);
    std::string code = compact.substr(letters + 4);
    for (char& ch : code) {
        if (ch == 'O') ch = '0';
        if (ch == 'I' || ch == 'L') ch = '1';
    }
    return compact.substr(0, letters) + "-" + compact.substr(letters, 4) + "-" + code;
}

core::WorkingCalendar WorkflowService::Calendar() const {
    std::lock_guard lock(calendar_mu_);
    int64_t now = core::NowEpochSeconds();
    if (!calendar_ || now - calendar_loaded_ > kCalendarSeconds) {
        std::set<int64_t> days;
        for (const auto& h : db_.Read([&](db::Connection& c) { return store::Holidays(c); }))
            if (int64_t d = core::DayFromIso(h.day); d >= 0) days.insert(d);
        calendar_ = core::WorkingCalendar(std::move(days));
        calendar_loaded_ = now;
    }
    return *calendar_;
}

SlaStatus WorkflowService::Sla(const Request& r) const {
    return Sla(r, core::NowEpochSeconds());
}

SlaStatus WorkflowService::Sla(const Request& r, int64_t now) const {
    const RequestType& t = Type(r.type);
    SlaStatus s;
    const StateDef* state = t.State(r.state);
    s.clock = state ? state->clock : Clock::kStopped;
    s.budget_seconds = core::WorkingCalendar::Budget(t.sla_unit, t.sla_amount);
    s.used_seconds = r.sla_used;
    core::WorkingCalendar cal = Calendar();
    if (!r.clock_since.empty()) {
        int64_t since = Seconds(r.clock_since);
        s.used_seconds += cal.Elapsed(t.sla_unit, since, now);
        s.due_epoch = DueAt(t, cal, since, r.sla_used);
    }
    s.remaining_seconds = s.budget_seconds - s.used_seconds;
    s.overdue = s.due_epoch ? now > *s.due_epoch : s.remaining_seconds < 0;
    return s;
}

std::string WorkflowService::SearchText(const Request& r) const {
    std::string compact;
    for (char ch : r.reference)
        if (ch != '-') compact += ch;
    return core::ToLower(r.reference + " " + compact + " " + r.subject);
}

void WorkflowService::RecordSensitiveView(const accounts::Principal& p, const Request& r,
                                          const std::string& ip) {
    const RequestType& t = Type(r.type);
    if (t.sensitive_fields.empty()) return;
    db_.Write([&](db::Connection& c) {
        audit::Record(c, {p.user_id, ip}, "workflow.view_sensitive", "workflow_request", r.id,
                      Json{{"reference", r.reference}, {"fields", t.sensitive_fields}});
    });
}

std::string WorkflowService::SensitivePurpose(const std::string& type, const std::string& field) {
    return "workflow." + type + "." + field;
}

std::string WorkflowService::MaskSensitive(const std::string& plain) {
    if (core::ParseCitizenId(plain)) return core::MaskCitizenId(*core::ParseCitizenId(plain));
    return std::string(plain.size(), 'X');
}

void WorkflowService::SealFields(const RequestType& t, Json& data) const {
    if (!config_.vault || !data.is_object()) return;
    for (const auto& f : t.sensitive_fields) {
        auto it = data.find(f);
        if (it == data.end() || it->is_null()) continue;
        std::string plain = it->is_string() ? it->get<std::string>() : it->dump();
        // Nothing to hide, and a required field left empty must still read as empty.
        if (core::Trim(plain).empty()) continue;
        if (plain.size() > core::kVaultMaxValue)
            throw HttpError::Validation({{f, "form.too_long"}});
        *it = config_.vault->Seal(SensitivePurpose(t.id, f), plain);
    }
}

Json WorkflowService::OpenData(const Request& r) const {
    Json data = ParseObject(r.data_json);
    auto type = types_.find(r.type);
    if (type == types_.end() || !config_.vault) return data;
    for (const auto& f : type->second.sensitive_fields) {
        auto it = data.find(f);
        // A value that is not sealed yet (stored before the vault, waiting for the start-up
        // pass) is shown as it is.
        if (it == data.end() || !it->is_string() ||
            !core::Vault::LooksSealed(it->get_ref<const std::string&>()))
            continue;
        auto plain = config_.vault->Open(SensitivePurpose(r.type, f), it->get<std::string>());
        if (!plain)
            core::LogError("workflow.unseal", "a sensitive field no vault key opens",
                           "\"reference\":\"" + r.reference + "\",\"field\":\"" + f + "\"");
        *it = plain.value_or("");
    }
    return data;
}

accounts::ResealCounts WorkflowService::SealSensitiveFields(int batch) {
    accounts::ResealCounts counts;
    if (!config_.vault) return counts;
    const core::Vault& vault = *config_.vault;
    batch = std::max(1, batch);
    for (const auto& [id, t] : types_) {
        if (t.sensitive_fields.empty()) continue;
        std::string after;
        for (;;) {
            auto page = db_.Read(
                [&](db::Connection& c) { return store::RequestsOfType(c, id, after, batch); });
            if (page.empty()) break;
            after = page.back().id;
            std::vector<std::pair<const Request*, std::string>> changed;
            for (const auto& r : page) {
                Json data = ParseObject(r.data_json);
                bool dirty = false;
                for (const auto& f : t.sensitive_fields) {
                    auto it = data.find(f);
                    if (it == data.end() || !it->is_string()) continue;
                    std::string value = it->get<std::string>();
                    if (core::Trim(value).empty() || vault.IsCurrent(value)) continue;
                    std::string purpose = SensitivePurpose(id, f);
                    std::optional<std::string> plain = value;
                    if (core::Vault::LooksSealed(value)) plain = vault.Open(purpose, value);
                    if (!plain || plain->size() > core::kVaultMaxValue) {
                        ++counts.unreadable;
                        core::LogError("vault.reseal", "a sensitive field no vault key opens",
                                       "\"reference\":\"" + r.reference + "\"");
                        continue;
                    }
                    *it = vault.Seal(purpose, *plain);
                    dirty = true;
                    ++counts.resealed;
                }
                if (dirty) changed.emplace_back(&r, data.dump());
            }
            if (changed.empty()) continue;
            db_.Write([&](db::Connection& c) {
                // A step taken meanwhile stored sealed data of its own: it wins.
                for (const auto& [r, json] : changed)
                    store::ReplaceData(c, r->id, r->data_json, json);
            });
        }
    }
    return counts;
}

std::optional<std::string> WorkflowService::ApplicantName(const std::string& user_id,
                                                          const std::string& locale) {
    auto u = accounts_.FindUserById(user_id);
    if (!u) return std::nullopt;
    return u->DisplayName(locale);
}

std::optional<std::string> WorkflowService::AgencyTitle(const std::string& agency_id,
                                                        const std::string& locale) {
    if (agency_id.empty()) return std::nullopt;
    auto a = db_.Read([&](db::Connection& c) { return agencies::store::Find(c, agency_id); });
    if (!a) return std::nullopt;
    return a->Title(locale);
}

std::vector<accounts::User> WorkflowService::Staff(const std::string& type,
                                                   accounts::Capacity min) {
    Type(type);
    return accounts_.Holders(kStaffObjectType, type, min);
}

void WorkflowService::SetStaff(const accounts::Principal& admin, const std::string& user_key,
                               const std::string& type, std::optional<accounts::Capacity> capacity,
                               const accounts::Caller& caller) {
    if (!types_.count(type)) throw HttpError::Validation({{"type", "workflow.no_such_type"}});
    if (core::Trim(user_key).empty()) throw HttpError::Validation({{"user", "form.required"}});
    try {
        accounts_.SetRole(admin, user_key, kStaffObjectType, type, capacity, caller);
    } catch (const HttpError& e) {
        if (e.status() == 404) throw HttpError::Validation({{"user", "admin.no_such_user"}});
        throw;
    }
    // No role, no scope: a later grant starts with every agency again.
    if (!capacity)
        db_.Write([&](db::Connection& c) {
            if (auto u = accounts::store::FindUser(c, core::Trim(user_key)))
                store::SetReviewerAgencies(c, u->id, type, {});
        });
}

bool WorkflowService::IsReviewer(const accounts::Principal* p, const std::string& type) {
    return accounts_.HasCapacity(p, kStaffObjectType, type, accounts::Capacity::kEditor);
}

bool WorkflowService::ReviewsAgency(db::Connection& c, const std::string& user_id,
                                    const std::string& type, const std::string& organization_id) {
    auto scope = store::ReviewerAgencies(c, user_id, type);
    return scope.empty() || std::find(scope.begin(), scope.end(), organization_id) != scope.end();
}

bool WorkflowService::CanReview(const accounts::Principal* p, const Request& r) {
    if (!p || !IsReviewer(p, r.type)) return false;
    if (p->sysadmin) return true;
    return db_.Read(
        [&](db::Connection& c) { return ReviewsAgency(c, p->user_id, r.type, r.organization_id); });
}

std::vector<std::string> WorkflowService::ReviewerAgencies(const std::string& user_id,
                                                           const std::string& type) {
    return db_.Read([&](db::Connection& c) { return store::ReviewerAgencies(c, user_id, type); });
}

std::vector<std::string> WorkflowService::ReviewerAgencyNames(const std::string& user_id,
                                                              const std::string& type) {
    return db_.Read([&](db::Connection& c) {
        std::vector<std::string> out;
        for (const auto& id : store::ReviewerAgencies(c, user_id, type))
            if (auto a = agencies::store::Find(c, id)) out.push_back(a->name);
        return out;
    });
}

std::vector<std::string> WorkflowService::AgencyIdsOf(db::Connection& c,
                                                      const std::vector<std::string>& keys) {
    std::vector<std::string> ids;
    for (const auto& key : keys) {
        auto a = agencies::store::Find(c, core::Trim(key));
        if (!a || a->state == agencies::AgencyState::kDeleted)
            throw HttpError::Validation(
                {{"agencies", core::Message("workflow.no_such_agency",
                                            {{"name", std::string(core::Trim(key))}})}});
        if (std::find(ids.begin(), ids.end(), a->id) == ids.end()) ids.push_back(a->id);
    }
    return ids;
}

void WorkflowService::CheckAgencies(const std::vector<std::string>& keys) {
    if (keys.size() > kMaxReviewerAgencies)
        throw HttpError::Validation({{"agencies", "workflow.too_many_agencies"}});
    db_.Read([&](db::Connection& c) { AgencyIdsOf(c, keys); });
}

void WorkflowService::SetReviewerAgencies(const accounts::Principal& admin,
                                          const std::string& user_key, const std::string& type,
                                          const std::vector<std::string>& agencies,
                                          const accounts::Caller& caller) {
    if (!CanSetScopes(&admin)) throw HttpError::Forbidden();
    if (!types_.count(type)) throw HttpError::Validation({{"type", "workflow.no_such_type"}});
    if (agencies.size() > kMaxReviewerAgencies)
        throw HttpError::Validation({{"agencies", "workflow.too_many_agencies"}});
    auto u = db_.Read(
        [&](db::Connection& c) { return accounts::store::FindUser(c, core::Trim(user_key)); });
    if (!u) throw HttpError::Validation({{"user", "admin.no_such_user"}});
    accounts::Principal who{.user_id = u->id};
    if (!IsReviewer(&who, type)) throw HttpError::Validation({{"user", "workflow.not_staff"}});
    db_.Write([&](db::Connection& c) {
        std::vector<std::string> ids = AgencyIdsOf(c, agencies);
        store::SetReviewerAgencies(c, u->id, type, ids);
        audit::Record(c, caller.actor(), "workflow.reviewer_scope", "user", u->id,
                      Json{{"type", type}, {"agencies", ids}});
    });
}

bool WorkflowService::CanSetScopes(const accounts::Principal* p) {
    return p && p->sysadmin;
}

bool WorkflowService::CanReadScopes(const accounts::Principal* p, const std::string& user_id) {
    return p && (p->sysadmin || (!user_id.empty() && p->user_id == user_id));
}

StaffScopes WorkflowService::ScopesOf(const accounts::Principal& reader,
                                      const std::string& user_key) {
    auto u = db_.Read(
        [&](db::Connection& c) { return accounts::store::FindUser(c, core::Trim(user_key)); });
    // Whether the person exists is for sysadmins to learn.
    if (!CanReadScopes(&reader, u ? u->id : std::string())) throw HttpError::Forbidden();
    if (!u) throw HttpError::NotFound("admin.no_such_user");
    StaffScopes out{.user_id = u->id, .user_name = u->name};
    accounts::Principal who{.user_id = u->id, .sysadmin = u->sysadmin};
    for (const auto& type : TypeIds()) {
        if (!IsReviewer(&who, type)) continue;
        ReviewerScope scope{.type = type,
                            .role = IsAdministrator(&who, type) ? "administrator" : "reviewer"};
        if (!u->sysadmin)  // sysadmins are never scoped
            db_.Read([&](db::Connection& c) {
                for (const auto& id : store::ReviewerAgencies(c, u->id, type))
                    if (auto a = agencies::store::Find(c, id))
                        scope.agencies.push_back({a->id, a->name, a->title, a->title_en});
            });
        out.types.push_back(std::move(scope));
    }
    return out;
}

std::vector<ScopeAgency> WorkflowService::AgenciesReviewed(const accounts::Principal& p) {
    std::vector<ScopeAgency> out;
    if (p.sysadmin) return out;
    db_.Read([&](db::Connection& c) {
        for (const auto& id : store::AgenciesReviewedBy(c, p.user_id))
            if (auto a = agencies::store::Find(c, id))
                out.push_back({a->id, a->name, a->title, a->title_en});
    });
    return out;
}

std::vector<Request> WorkflowService::Children(const accounts::Principal* p, const Request& r) {
    std::vector<Request> out;
    if (!p) return out;
    for (auto& child : db_.Read([&](db::Connection& c) { return store::ChildrenOf(c, r.id); }))
        if (child.applicant_id == p->user_id || (!child.submitted.empty() && CanReview(p, child)))
            out.push_back(std::move(child));
    return out;
}

bool WorkflowService::IsAdministrator(const accounts::Principal* p, const std::string& type) {
    return accounts_.HasCapacity(p, kStaffObjectType, type, accounts::Capacity::kAdmin);
}

Request WorkflowService::Create(const accounts::Principal& applicant, const NewRequest& in,
                                const std::string& ip) {
    const RequestType& t = Type(in.type);
    Json data = ParseObject(in.data_json);
    SealFields(t, data);
    int64_t now = core::NowEpochSeconds();
    Request r;
    r.id = core::NewUuid();
    r.type = t.id;
    r.state = t.initial_state;
    r.applicant_id = applicant.user_id;
    r.organization_id = in.organization_id;
    if (!in.parent.empty()) {
        // The system (workD's hand-over) opens a child in the applicant's name whoever they
        // are now; a person files one only as ParentFor allows.
        Request parent = ParentOf(in.by_system ? nullptr : &applicant, t, in.parent);
        r.parent_id = parent.id;
        if (r.organization_id.empty()) r.organization_id = parent.organization_id;
    }
    r.subject = in.subject;
    r.data_json = data.dump();
    r.created = r.updated = Iso(now);
    const StateDef* initial = t.State(t.initial_state);
    core::WorkingCalendar cal = Calendar();
    if (initial->clock == Clock::kRuns) {
        r.submitted = r.clock_since = r.created;
        r.due = Iso(DueAt(t, cal, now, 0));
    }
    for (int attempt = 0;; ++attempt) {
        r.reference = NewReference(t.prefix, now);
        try {
            db_.Write([&](db::Connection& c) {
                store::InsertRequest(c, r, SearchText(r));
                core::CrashPoint("workflow.create.request_written");  // before its audit record
                audit::Record(c, {in.by_system ? std::string() : applicant.user_id, ip},
                              "workflow.create", "workflow_request", r.id,
                              Json{{"type", t.id}, {"reference", r.reference}, {"state", r.state}});
            });
            return r;
        } catch (const db::Error& e) {
            // 32^6 references a year per type: a clash is rare, and a second one rarer still.
            if (e.kind() != db::Error::Kind::kUniqueViolation || attempt >= 5) throw;
        }
    }
}

Request WorkflowService::UpdateDraft(const accounts::Principal& applicant,
                                     const std::string& id_or_reference, const DraftUpdate& in,
                                     const std::string& ip) {
    auto found = db_.Read([&](db::Connection& c) { return FindByKey(c, id_or_reference); });
    if (!found || found->applicant_id != applicant.user_id)
        throw HttpError::NotFound("workflow.not_found");
    Request r = *found;
    const RequestType& t = Type(r.type);
    const StateDef* s = t.State(r.state);
    if (!s || s->final || (r.state != t.initial_state && s->clock != Clock::kPaused))
        throw HttpError(409, "conflict", "workflow.not_editable");
    Json data = ParseObject(in.data_json);
    const std::string state = r.state;
    if (in.organization_id) r.organization_id = *in.organization_id;
    if (in.subject) r.subject = *in.subject;
    r.updated = Iso(core::NowEpochSeconds());
    db_.Write([&](db::Connection& c) {
        if (in.effect) in.effect(c, r, data);
        SealFields(t, data);
        r.data_json = data.dump();
        if (!store::UpdateRequest(c, r, state, SearchText(r)))
            throw HttpError(409, "conflict", "workflow.moved_meanwhile");
        audit::Record(c, {applicant.user_id, ip}, "workflow.update", "workflow_request", r.id,
                      Json{{"type", t.id}, {"reference", r.reference}, {"state", r.state}});
    });
    return r;
}

Request WorkflowService::ParentFor(const accounts::Principal& applicant, const RequestType& t,
                                   const std::string& key) {
    return ParentOf(&applicant, t, key);
}

Request WorkflowService::ParentOf(const accounts::Principal* filer, const RequestType& t,
                                  const std::string& key) {
    // A child (a change) of a request made for an agency is filed by a current administrator
    // of that agency (who may file a change to what a former colleague asked for), not by
    // its applicant as such: one removed from the agency changes nothing of it any more. The
    // applicant files alone only when the parent names no agency. A reviewer who may read the
    // parent does not file for the agency.
    auto parent = db_.Read([&](db::Connection& c) -> std::optional<Request> {
        auto found = FindByKey(c, key);
        if (!found || !types_.count(found->type)) return std::nullopt;
        if (!filer) return found;
        if (found->organization_id.empty())
            return found->applicant_id == filer->user_id ? found : std::nullopt;
        if (agencies::store::RoleOf(c, filer->user_id, found->organization_id) ==
            agencies::Role::kAdmin)
            return found;
        return std::nullopt;
    });
    if (!parent) throw HttpError::Validation({{"parent", "workflow.no_such_parent"}});
    for (const auto& rule : t.parents)
        if (rule.type == parent->type &&
            std::find(rule.states.begin(), rule.states.end(), parent->state) != rule.states.end())
            return *parent;
    throw HttpError::Validation({{"parent", "workflow.parent_not_changeable"}});
}

std::vector<const TransitionDef*> WorkflowService::Available(const accounts::Principal* p,
                                                             const Request& r) {
    std::vector<const TransitionDef*> out;
    const RequestType& t = Type(r.type);
    if (!p) return out;
    for (const auto& d : t.transitions) {
        if (std::find(d.from.begin(), d.from.end(), r.state) == d.from.end()) continue;
        if (MayTake(p, d, r)) out.push_back(&d);
    }
    return out;
}

bool WorkflowService::MayTake(const accounts::Principal* actor, const TransitionDef& d,
                              const Request& r) {
    if (!actor) return d.actor == Actor::kSystem;
    switch (d.actor) {
        case Actor::kApplicant:
            return actor->user_id == r.applicant_id;
        // Nobody decides their own request, whatever their roles (separation of duties: a
        // reviewer who asked for their own certificate, a sysadmin who applied as an officer).
        case Actor::kReviewer:
            return actor->user_id != r.applicant_id && CanReview(actor, r);
        case Actor::kAdministrator:
            return actor->user_id != r.applicant_id && IsAdministrator(actor, r.type);
        case Actor::kSystem:
            break;
    }
    return false;
}

Request WorkflowService::Transition(const accounts::Principal& actor, const std::string& request_id,
                                    const TransitionInput& in) {
    return Apply(&actor, request_id, in);
}

Request WorkflowService::TransitionAsSystem(const std::string& request_id,
                                            const TransitionInput& in) {
    return Apply(nullptr, request_id, in);
}

std::vector<BulkOutcome> WorkflowService::Decide(const accounts::Principal& actor,
                                                 const std::vector<std::string>& requests,
                                                 const TransitionInput& in) {
    // Who before what: someone who reviews no kind of request has nothing to decide.
    auto ids = TypeIds();
    if (std::none_of(ids.begin(), ids.end(),
                     [&](const auto& id) { return IsReviewer(&actor, id); }))
        throw HttpError::Forbidden("workflow.not_staff");
    if (requests.empty()) throw HttpError::Validation({{"requests", "form.required"}});
    if (requests.size() > kMaxBulkDecision)
        throw HttpError::Validation({{"requests", "workflow.bulk_too_many"}});
    if (in.transition.empty()) throw HttpError::Validation({{"transition", "form.required"}});
    std::vector<BulkOutcome> out;
    out.reserve(requests.size());
    for (const auto& key : requests) {
        BulkOutcome o;
        o.request = key;
        try {
            std::optional<Request> r = Find(&actor, core::Trim(key));
            if (!r) throw HttpError::NotFound("workflow.not_found");
            o.reference = r->reference;
            const TransitionDef* d = nullptr;
            for (const auto& x : Type(r->type).transitions)
                if (x.id == in.transition) d = &x;
            // Only staff steps: a bulk action never acts as the applicant or the system.
            if (!d || (d->actor != Actor::kReviewer && d->actor != Actor::kAdministrator))
                throw HttpError::Validation({{"transition", "workflow.unknown_transition"}});
            TransitionInput one = in;
            one.data_json.clear();  // a decision, not an edit of each request's data
            Request done = Apply(&actor, r->id, one);
            o.ok = true;
            o.state = done.state;
        } catch (const HttpError& e) {
            o.status = e.status();
            o.error = e.fields().empty() ? e.message() : e.fields().front().message;
        }
        out.push_back(std::move(o));
    }
    return out;
}

Request WorkflowService::Apply(const accounts::Principal* actor, const std::string& request_id,
                               const TransitionInput& in) {
    auto found = db_.Read([&](db::Connection& c) { return store::FindRequest(c, request_id); });
    if (!found) throw HttpError::NotFound("workflow.not_found");
    Request r = *found;
    const RequestType& t = Type(r.type);
    const TransitionDef* d = nullptr;
    for (const auto& x : t.transitions)
        if (x.id == in.transition) d = &x;
    if (!d) throw HttpError::Validation({{"transition", "workflow.unknown_transition"}});
    // Who may act is checked before where the request stands, so strangers learn nothing.
    if (!MayTake(actor, *d, r))
        throw HttpError::Forbidden(actor && d->actor != Actor::kApplicant &&
                                           actor->user_id == r.applicant_id &&
                                           (CanReview(actor, r) || IsAdministrator(actor, r.type))
                                       ? "workflow.own_request"
                                       : "workflow.not_yours");
    if (std::find(d->from.begin(), d->from.end(), r.state) == d->from.end())
        throw HttpError(409, "conflict", "workflow.not_from_this_state");

    Json data = ParseObject(r.data_json);
    if (!in.data_json.empty()) {
        Json patch = Json::parse(in.data_json, nullptr, false);
        if (!patch.is_object()) throw HttpError::Validation({{"data", "workflow.bad_data"}});
        SealFields(t, patch);
        data.merge_patch(patch);
    }
    std::vector<FieldError> errors;
    ApplyInputs(*d, data, errors);
    auto clean_note = core::CleanUserText(in.note, true);
    std::string note = clean_note ? *clean_note : core::StripToCleanText(in.note, true);
    if (d->note_required && note.empty())
        errors.push_back(
            {"note", d->note_error_key.empty() ? "workflow.note_required" : d->note_error_key});
    if (!clean_note && !note.empty()) errors.push_back({"note", "workflow.bad_text"});
    if (note.size() > 4000) errors.push_back({"note", "workflow.note_too_long"});
    for (const auto& f : d->required_fields)
        if (!Filled(data, f)) errors.push_back({f, "form.required"});
    if (!d->required_attachments.empty()) {
        auto have = db_.Read([&](db::Connection& c) { return store::AttachmentsOf(c, r.id); });
        for (const auto& kind : d->required_attachments)
            if (std::none_of(have.begin(), have.end(),
                             [&](const Attachment& a) { return a.kind == kind; }))
                errors.push_back({kind, "workflow.attachment_required"});
    }
    if (!errors.empty()) throw HttpError::Validation(std::move(errors));

    // The clock: what ran until now is banked; the new state decides whether it runs on.
    int64_t now = core::NowEpochSeconds();
    core::WorkingCalendar cal = Calendar();
    if (!r.clock_since.empty()) r.sla_used += cal.Elapsed(t.sla_unit, Seconds(r.clock_since), now);
    const std::string from = r.state;
    const StateDef* to = t.State(d->to);
    r.state = d->to;
    r.data_json = data.dump();
    r.updated = Iso(now);
    r.clock_since.clear();
    r.due.clear();
    if (to->clock == Clock::kRuns) {
        if (r.submitted.empty()) r.submitted = r.updated;
        r.clock_since = r.updated;
        r.due = Iso(DueAt(t, cal, now, r.sla_used));
    }
    r.closed = to->final ? r.updated : std::string();
    std::optional<int> retention = to->final ? Settings(t.id).retention_days : std::nullopt;
    // Read before the step: its effect may close the applicant's account, and they are still
    // told what became of their request.
    std::optional<accounts::User> applicant =
        d->notify_applicant ? accounts_.FindUserById(r.applicant_id) : std::nullopt;
    db_.Write([&](db::Connection& c) {
        if (!store::UpdateRequest(c, r, from, SearchText(r)))
            throw HttpError(409, "conflict", "workflow.moved_meanwhile");
        core::CrashPoint("workflow.transition.state_written");  // before effect and audit record
        if (retention) store::SetPurgeAfter(c, r.id, PurgeTime(now, *retention));
        if (d->effect) {
            accounts::Principal system;
            r.step_note = note;
            d->effect(c, r, actor ? *actor : system);
        }
        audit::Record(c, {actor ? actor->user_id : "", in.ip}, "workflow.transition",
                      "workflow_request", r.id,
                      Json{{"type", t.id},
                           {"reference", r.reference},
                           {"transition", d->id},
                           {"from", from},
                           {"to", r.state},
                           {"note", note}});
    });
    Notify(t, *d, r, from, note, applicant);
    return r;
}

std::vector<accounts::User> WorkflowService::ReviewersOf(const RequestType& t, const Request& r) {
    std::vector<accounts::User> out;
    auto scopes = db_.Read([&](db::Connection& c) { return store::ReviewerScopesOf(c, t.id); });
    for (auto& u : accounts_.PeopleToNotify(kStaffObjectType, t.id, accounts::Capacity::kEditor)) {
        auto scope = scopes.find(u.id);
        if (scope == scopes.end() || std::find(scope->second.begin(), scope->second.end(),
                                               r.organization_id) != scope->second.end())
            out.push_back(std::move(u));
    }
    return out;
}

std::string WorkflowService::SiteTitle(const std::string& locale) const {
    return i18n_.SiteTitle(config_.site_title, locale);
}

void WorkflowService::Notify(const RequestType& t, const TransitionDef& d, const Request& r,
                             const std::string& from, const std::string& note,
                             const std::optional<accounts::User>& applicant) {
    std::vector<accounts::User> people;
    if (d.notify_applicant && applicant) people.push_back(*applicant);
    if (d.notify_reviewers)
        for (auto& u : ReviewersOf(t, r))
            if (u.id != r.applicant_id) people.push_back(std::move(u));
    SlaStatus sla = Sla(r);
    for (const auto& u : people) {
        if (u.email.empty() || u.state != accounts::UserState::kActive) continue;
        const std::string locale = u.locale == "en" ? "en" : "th";
        bool staff = u.id != r.applicant_id;
        std::string path = staff ? (t.staff_path ? t.staff_path(r.reference) : "")
                                 : (t.applicant_path ? t.applicant_path(r.reference) : "");
        std::string base = "workflow." + t.id + ".";
        // Said as it is: a due time while the clock runs, paused while it waits on the
        // applicant, decided once final, not yet submitted in the draft.
        const StateDef* state = t.State(r.state);
        std::string due = sla.due_epoch ? core::FormatDeadline(*sla.due_epoch * 1000000, locale)
                          : sla.clock == Clock::kPaused ? i18n_.Get(locale, "workflow.no_due")
                          : state && state->final ? i18n_.Get(locale, "workflow.no_due_decided")
                                                  : i18n_.Get(locale, "workflow.no_due_draft");
        auto vars = MailVars(t, r, u, locale, due, config_.site_url + path, SiteTitle(locale));
        vars.insert(vars.end(),
                    {{"from", "@" + base + "state." + from},
                     {"to", "@" + base + "state." + r.state},
                     {"transition", "@" + base + "transition." + d.id},
                     {"note", note.empty() ? "-" : note},
                     // "Note: …" when there is one; an optional note's line goes.
                     {"note_line",
                      note.empty() ? std::string()
                                   : core::Message("workflow.mail.note_line", {{"note", note}})}});
        // The request's own fields, for a type's wording ("{field_action}"); sensitive ones
        // masked (an e-mail is no place for them).
        Json data = OpenData(r);
        for (const auto& f : t.sensitive_fields)
            if (auto it = data.find(f); it != data.end() && it->is_string())
                *it = MaskSensitive(it->get<std::string>());
        // Every field but the process's hidden ones; a number as digits, an empty one as "-".
        for (auto it = data.begin(); data.is_object() && it != data.end(); ++it) {
            const std::string& f = it.key();
            if (std::find(t.hidden_fields.begin(), t.hidden_fields.end(), f) !=
                t.hidden_fields.end())
                continue;
            if (it->is_number_integer()) {
                vars.emplace_back("field_" + f, std::to_string(it->get<int64_t>()));
                continue;
            }
            if (!it->is_string()) continue;
            std::string value = it->get<std::string>();
            std::string label = base + "value." + f + "." + value;
            vars.emplace_back("field_" + f, i18n_.Has(locale, label) ? "@" + label
                                            : value.empty()          ? std::string("-")
                                                                     : value);
        }
        // A shown field the request does not hold reads "-" (never a raw "{field_x}").
        for (const auto& f : t.display_fields)
            if (!data.is_object() || !data.contains(f)) vars.emplace_back("field_" + f, "-");
        // A type may word a transition's mail itself; the generic one serves the rest.
        std::string key = base + "mail." + d.id;
        if (!i18n_.Has(locale, key + ".subject")) key = "workflow.mail";
        const std::string body_key = key + (staff ? ".body_staff" : ".body");
        // What the applicant may do now (the process's next steps), as links.
        std::string next;
        if (!staff && t.next_steps && state && state->final) {
            std::string lines;
            for (const auto& step : t.next_steps(r))
                lines += "- " + i18n_.Get(locale, step.label_key) + ": " + config_.site_url +
                         step.href + "\n";
            if (!lines.empty()) next = i18n_.Get(locale, "workflow.next_steps") + "\n" + lines;
        }
        // The process's own variables (a line said only when it applies, its own next steps).
        if (!staff && t.mail_vars)
            for (auto& [name, value] : t.mail_vars(r, d.id, locale)) {
                if (name == "next_steps")
                    next = std::move(value);
                else
                    vars.emplace_back(name, std::move(value));
            }
        const bool placed = i18n_.Get(locale, body_key).find("{next_steps}") != std::string::npos;
        vars.emplace_back("next_steps", placed ? next : std::string());
        mail::Message m;
        m.to = u.email;
        m.subject = i18n_.Localize(locale, core::Message(key + ".subject", vars));
        m.text = i18n_.Localize(locale, core::Message(body_key, vars));
        if (!placed && !next.empty()) m.text += "\n" + next;
        m.text = mail::TidyBlankLines(m.text);
        SendOrLog(send_mail_, m, "workflow.notify", r.reference);
    }
}

int WorkflowService::RemindReviewers(int64_t now) {
    int reminded = 0;
    for (const auto& id : TypeIds()) {
        const RequestType& t = Type(id);
        if (t.remind_before_hours <= 0) continue;
        auto due = db_.Read([&](db::Connection& c) {
            return store::DueForReminder(c, t.id, Iso(now + t.remind_before_hours * 3600), 200);
        });
        for (const auto& r : due) {
            SlaStatus sla = Sla(r, now);
            for (const auto& u : ReviewersOf(t, r)) {
                if (u.email.empty() || u.state != accounts::UserState::kActive ||
                    u.id == r.applicant_id)
                    continue;
                const std::string locale = u.locale == "en" ? "en" : "th";
                std::string when =
                    sla.due_epoch ? core::FormatDeadline(*sla.due_epoch * 1000000, locale) : "";
                auto vars =
                    MailVars(t, r, u, locale, when,
                             config_.site_url + (t.staff_path ? t.staff_path(r.reference) : ""),
                             SiteTitle(locale));
                mail::Message m;
                m.to = u.email;
                m.subject =
                    i18n_.Localize(locale, core::Message("workflow.mail.reminder.subject", vars));
                m.text = i18n_.Localize(locale, core::Message("workflow.mail.reminder.body", vars));
                SendOrLog(send_mail_, m, "workflow.remind", r.reference);
            }
            db_.Write([&](db::Connection& c) {
                store::MarkReminded(c, r.id, r.due);
                audit::Record(c, {}, "workflow.reminder", "workflow_request", r.id,
                              Json{{"reference", r.reference}, {"due", r.due}});
            });
            ++reminded;
        }
    }
    return reminded;
}

std::optional<Request> WorkflowService::Find(const accounts::Principal* p,
                                             const std::string& id_or_reference) {
    if (!p) return std::nullopt;
    auto r = db_.Read([&](db::Connection& c) { return FindByKey(c, id_or_reference); });
    if (!r || !types_.count(r->type)) return std::nullopt;
    // A request never submitted (a draft, or one withdrawn as a draft) is its applicant's alone.
    if (r->applicant_id != p->user_id && (r->submitted.empty() || !CanReview(p, *r)))
        return std::nullopt;
    return r;
}

std::vector<Request> WorkflowService::Mine(const accounts::Principal& p, const std::string& type) {
    return db_.Read([&](db::Connection& c) { return store::RequestsOf(c, p.user_id, type); });
}

QueuePage WorkflowService::Queue(const accounts::Principal& staff, const QueueFilter& in) {
    QueueFilter f = in;
    f.limit = std::clamp(f.limit, 1, 200);
    f.offset = std::max(0, f.offset);
    f.q = core::ToLower(core::Trim(f.q));
    if (f.q.size() > 200) f.q.resize(200);
    std::vector<std::string> all = f.type.empty() ? TypeIds() : std::vector<std::string>{f.type};
    if (!f.type.empty()) Type(f.type);  // 404 for an unknown type
    std::vector<std::string> types =
        accounts_.ObjectsHeld(staff, kStaffObjectType, accounts::Capacity::kEditor, all);
    if (types.empty() && !(staff.sysadmin && all.empty()))
        throw HttpError::Forbidden("workflow.not_staff");
    if (types.empty()) return {};  // no kind of request is registered yet
    // A typed reference matches in any spelling: "om 2569 7kq4px", o for 0 ...
    std::string normalized = core::ToLower(NormalizeReference(f.q));
    if (normalized != f.q) f.q = normalized;
    const std::string scoped = staff.sysadmin ? "" : staff.user_id;
    return db_.Read(
        [&](db::Connection& c) { return store::Queue(c, types, f, core::NowIso(), scoped); });
}

std::vector<HistoryEntry> WorkflowService::History(const Request& r) {
    auto entries = db_.Read(
        [&](db::Connection& c) { return audit::ForObject(c, "workflow_request", r.id, 500); });
    std::vector<HistoryEntry> out;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        Json d = ParseObject(it->details_json);
        HistoryEntry h;
        h.at = it->at;
        h.actor_id = it->actor_id;
        if (it->action == "workflow.create") {
            h.to = d.value("state", "");
        } else if (it->action == "workflow.transition") {
            h.transition = d.value("transition", "");
            h.from = d.value("from", "");
            h.to = d.value("to", "");
            h.note = d.value("note", "");
        } else {
            continue;
        }
        out.push_back(std::move(h));
    }
    return out;
}

Attachment WorkflowService::Attach(const accounts::Principal& p, const std::string& request_id,
                                   const std::string& kind, const std::string& temp_path,
                                   const std::string& filename) {
    auto r = Find(&p, request_id);
    if (!r) throw HttpError::NotFound("workflow.not_found");
    if (r->applicant_id != p.user_id) throw HttpError::Forbidden("workflow.not_yours");
    if (!r->closed.empty()) throw HttpError(409, "conflict", "workflow.closed");
    // A document is taken when the applicant owes one: the scans a step of theirs from this
    // state needs (the signed form, in the draft), or, while the reviewer waits on them (a
    // paused clock: more information asked), those again or further documents (kMoreInfoKind).
    const RequestType& t = Type(r->type);
    const StateDef* state = t.State(r->state);
    bool waiting = state && state->clock == Clock::kPaused;
    bool wanted = waiting && kind == kMoreInfoKind;
    bool owed = false;
    for (const auto& d : t.transitions)
        if (d.actor == Actor::kApplicant &&
            std::find(d.from.begin(), d.from.end(), r->state) != d.from.end() &&
            !d.required_attachments.empty())
            owed = true;
    for (const auto& d : t.transitions)
        if (d.actor == Actor::kApplicant &&
            std::find(d.required_attachments.begin(), d.required_attachments.end(), kind) !=
                d.required_attachments.end() &&
            (waiting || std::find(d.from.begin(), d.from.end(), r->state) != d.from.end()))
            wanted = true;
    if (!wanted) {
        if (!waiting && !owed) throw HttpError(409, "conflict", "workflow.upload_not_now");
        throw HttpError::Validation({{"document", "workflow.bad_document_kind"}});
    }
    auto full = [&](db::Connection& c) {
        return store::AttachmentsOf(c, r->id).size() >= kMaxDocumentsPerRequest;
    };
    if (db_.Read(full)) throw HttpError::Validation({{"document", "workflow.too_many_documents"}});
    std::error_code ec;
    auto size = std::filesystem::file_size(temp_path, ec);
    if (ec || size == 0) throw HttpError::Validation({{kind, "workflow.file_empty"}});
    if (static_cast<int64_t>(size) > config_.max_attachment_bytes)
        throw HttpError::Validation({{kind, "workflow.file_too_large"}});
    std::string type = SniffDocument(temp_path);
    if (type.empty()) throw HttpError::Validation({{kind, "workflow.file_type"}});
    Attachment a;
    a.id = core::NewUuid();
    a.request_id = r->id;
    a.kind = kind;
    a.filename = core::SafeFileName(filename);  // no controls or direction marks
    a.content_type = type;
    a.size = static_cast<int64_t>(size);
    a.sha256 = core::Sha256FileHex(temp_path);
    a.uploaded_by = p.user_id;
    a.uploaded = core::NowIso();
    std::filesystem::path dir = std::filesystem::path(config_.files_dir) / r->id;
    std::filesystem::create_directories(dir);
    a.path = (dir / (a.id + ExtensionFor(type))).string();
    // On disk before it has its final name: a crash never leaves a short file there.
    if (!core::DurableRename(temp_path, a.path)) {  // another file system: copy, then remove
        std::filesystem::copy_file(temp_path, a.path, ec);
        if (ec) throw HttpError(500, "internal", "error.storage");
        std::filesystem::remove(temp_path, ec);
    }
    bool stored = db_.Write([&](db::Connection& c) {
        if (full(c)) return false;  // filled by an upload that ran alongside this one
        store::InsertAttachment(c, a);
        audit::Record(
            c, {p.user_id}, "workflow.attach", "workflow_request", r->id,
            Json{{"kind", kind}, {"attachment", a.id}, {"sha256", a.sha256}, {"size", a.size}});
        return true;
    });
    if (!stored) {
        std::filesystem::remove(a.path, ec);
        throw HttpError::Validation({{"document", "workflow.too_many_documents"}});
    }
    // The applicant answered a request for more information: the reviewers hear of it.
    if (waiting) NotifyDocument(t, *r, a);
    return a;
}

void WorkflowService::NotifyDocument(const RequestType& t, const Request& r, const Attachment& a) {
    for (const auto& u : ReviewersOf(t, r)) {
        if (u.email.empty() || u.state != accounts::UserState::kActive || u.id == r.applicant_id)
            continue;
        const std::string locale = u.locale == "en" ? "en" : "th";
        auto vars = MailVars(t, r, u, locale, "",
                             config_.site_url + (t.staff_path ? t.staff_path(r.reference) : ""),
                             SiteTitle(locale));
        vars.emplace_back("document", a.filename);
        mail::Message m;
        m.to = u.email;
        m.subject = i18n_.Localize(locale, core::Message("workflow.mail.document.subject", vars));
        m.text = i18n_.Localize(locale, core::Message("workflow.mail.document.body_staff", vars));
        SendOrLog(send_mail_, m, "workflow.notify", r.reference);
    }
}

std::vector<Attachment> WorkflowService::Attachments(const accounts::Principal* p,
                                                     const Request& r) {
    if (!Find(p, r.id)) return {};
    auto files = db_.Read([&](db::Connection& c) { return store::AttachmentsOf(c, r.id); });
    for (auto& a : files) Locate(a);
    return files;
}

std::optional<Attachment> WorkflowService::FindAttachment(const accounts::Principal* p,
                                                          const std::string& attachment_id) {
    auto a = db_.Read([&](db::Connection& c) { return store::FindAttachment(c, attachment_id); });
    if (!a || !Find(p, a->request_id)) return std::nullopt;
    Locate(*a);
    return a;
}

void WorkflowService::Locate(Attachment& a) const {
    // The stored path names the data directory of when it was written; the site may have moved
    // since (a restore into a new data directory), and the layout under files_dir is fixed.
    a.path = (std::filesystem::path(config_.files_dir) / a.request_id /
              std::filesystem::path(a.path).filename())
                 .string();
}

TypeSettings WorkflowService::Settings(const std::string& type) {
    return db_.Read([&](db::Connection& c) { return Settings(c, type); });
}

TypeSettings WorkflowService::Settings(db::Connection& c, const std::string& type) const {
    const RequestType& t = Type(type);
    if (auto s = store::FindTypeSettings(c, type)) return *s;
    return {.retention_days = t.retention_days};
}

void WorkflowService::SetRetention(const accounts::Principal& p, const std::string& type,
                                   std::optional<int> days, const std::string& ip) {
    if (!p.sysadmin) throw HttpError::Forbidden("workflow.settings_sysadmin");
    Type(type);
    if (days && (*days < 0 || *days > kMaxRetentionDays))
        throw HttpError::Validation({{"retention_days", "workflow.bad_retention"}});
    TypeSettings before = Settings(type);
    db_.Write([&](db::Connection& c) {
        store::SaveTypeSettings(
            c, type, {.retention_days = days, .updated = core::NowIso(), .updated_by = p.user_id});
        // Requests closed already follow the new period, counted from when they closed.
        for (const auto& r : store::ClosedRequestsWithFiles(c, type))
            store::SetPurgeAfter(c, r.id,
                                 days ? PurgeTime(Seconds(r.closed), *days) : std::string());
        auto value = [](std::optional<int> d) { return d ? Json(*d) : Json(nullptr); };
        audit::Record(
            c, {p.user_id, ip}, "workflow.retention", "workflow_type", type,
            Json{{"retention_days", value(days)}, {"before", value(before.retention_days)}});
    });
}

int WorkflowService::PurgeDueDocuments(int limit) {
    auto due = db_.Read(
        [&](db::Connection& c) { return store::AttachmentsToPurge(c, core::NowIso(), limit); });
    int purged = 0;
    for (auto& a : due) {
        Locate(a);
        std::error_code ec;
        std::filesystem::remove(a.path, ec);
        if (ec && std::filesystem::exists(a.path)) {
            core::LogError("workflow.purge", ec.message(), "\"attachment\":\"" + a.id + "\"");
            continue;
        }
        db_.Write([&](db::Connection& c) {
            store::MarkPurged(c, a.id, core::NowIso());
            audit::Record(c, {}, "workflow.purge", "workflow_request", a.request_id,
                          Json{{"attachment", a.id},
                               {"kind", a.kind},
                               {"sha256", a.sha256},
                               {"purge_after", a.purge_after}});
        });
        ++purged;
    }
    return purged;
}

void WorkflowService::ForgetApplicant(db::Connection& c, const std::string& user_id,
                                      const std::string& pseudonym,
                                      std::optional<std::string> purge_by) {
    for (Request r : store::AllRequestsOf(c, user_id)) {
        auto it = types_.find(r.type);
        Json data = ParseObject(r.data_json);
        if (it != types_.end())
            for (const auto& f : it->second.personal_fields) data.erase(f);
        r.subject = pseudonym;
        r.data_json = data.dump();
        store::RewriteRequest(c, r.id, r.subject, r.data_json, SearchText(r));
    }
    if (purge_by) store::PurgeApplicantFilesBy(c, user_id, *purge_by);
}

std::vector<Request> WorkflowService::AllRequestsOf(const accounts::Principal& p) {
    auto all = db_.Read([&](db::Connection& c) { return store::AllRequestsOf(c, p.user_id); });
    for (auto& r : all) r.data_json = OpenData(r).dump();
    return all;
}

std::vector<Holiday> WorkflowService::Holidays(int year) {
    return db_.Read([&](db::Connection& c) { return store::Holidays(c, year); });
}

void WorkflowService::RequireHolidayEditor(const accounts::Principal& p) {
    if (!p.sysadmin) throw HttpError::Forbidden("workflow.holidays_sysadmin");
}

void WorkflowService::SaveHoliday(const accounts::Principal& p, Holiday h, const std::string& ip) {
    RequireHolidayEditor(p);
    h.name_th = core::Trim(h.name_th);
    h.name_en = core::Trim(h.name_en);
    std::vector<FieldError> errors;
    if (core::DayFromIso(h.day) < 0) errors.push_back({"day", "workflow.bad_day"});
    if (h.name_th.empty()) errors.push_back({"name_th", "form.required"});
    if (h.name_th.size() > 300) errors.push_back({"name_th", "form.too_long"});
    if (h.name_en.size() > 300) errors.push_back({"name_en", "form.too_long"});
    if (h.kind != "fixed" && h.kind != "lunar" && h.kind != "substitution" && h.kind != "special")
        errors.push_back({"kind", "workflow.bad_kind"});
    if (!errors.empty()) throw HttpError::Validation(std::move(errors));
    if (h.name_en.empty()) h.name_en = h.name_th;
    h.updated = core::NowIso();
    h.updated_by = p.user_id;
    db_.Write([&](db::Connection& c) {
        auto before = store::FindHoliday(c, h.day);
        store::SaveHoliday(c, h);
        Json details = {{"day", h.day},
                        {"name_th", h.name_th},
                        {"name_en", h.name_en},
                        {"kind", h.kind},
                        {"confirmed", h.confirmed}};
        if (before)
            details["before"] = {{"name_th", before->name_th},
                                 {"name_en", before->name_en},
                                 {"kind", before->kind},
                                 {"confirmed", before->confirmed}};
        audit::Record(c, {p.user_id, ip}, before ? "holiday.update" : "holiday.create", "holiday",
                      h.day, details);
    });
    RefreshDueTimes();
}

void WorkflowService::DeleteHoliday(const accounts::Principal& p, const std::string& day,
                                    const std::string& ip) {
    RequireHolidayEditor(p);
    db_.Write([&](db::Connection& c) {
        auto before = store::FindHoliday(c, day);
        if (!before || !store::DeleteHoliday(c, day))
            throw HttpError::NotFound("workflow.no_such_holiday");
        audit::Record(c, {p.user_id, ip}, "holiday.delete", "holiday", day,
                      Json{{"name_th", before->name_th}, {"name_en", before->name_en}});
    });
    RefreshDueTimes();
}

void WorkflowService::RefreshDueTimes() {
    {
        std::lock_guard lock(calendar_mu_);
        calendar_.reset();
    }
    core::WorkingCalendar cal = Calendar();
    db_.Write([&](db::Connection& c) {
        for (const auto& r : store::RunningRequests(c)) {
            auto it = types_.find(r.type);
            if (it == types_.end() || it->second.sla_unit != core::SlaUnit::kWorkingDays) continue;
            store::SetDue(c, r.id, Iso(DueAt(it->second, cal, Seconds(r.clock_since), r.sla_used)));
        }
    });
}

}  // namespace govhub::workflow
