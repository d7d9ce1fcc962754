#include "workd/requests.hpp"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "agencies/store.hpp"
#include "core/citizen_id.hpp"
#include "core/clean_text.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_address.hpp"
#include "workd/model.hpp"
#include "workd/store.hpp"
#include "workflow/store.hpp"

namespace govhub::workd {
namespace {

using Json = nlohmann::json;

DirectoryAgency ToDirectory(const agencies::Agency& a) {
    return {.id = a.id,
            .name = a.name,
            .title = a.title,
            .title_en = a.title_en,
            .ministry = a.kind == agencies::AgencyKind::kMinistry,
            .parent_id = a.parent_id};
}

// The staff queue's subject: the agency's title (not its short name) and the domain.
std::string Subject(const RequestForm& f, const std::string& zone,
                    const std::string& directory_title) {
    std::string agency = f.agency_choice == "new"  ? f.agency_name_th
                         : directory_title.empty() ? f.agency
                                                   : directory_title;
    std::string domain = f.DomainName(zone);
    if (agency.empty()) agency = "-";
    return domain.empty() ? agency : agency + " · " + domain;
}

// The pending directory entry of a form that names a new agency: created on the first save that
// has its Thai name, kept in step with the form, and deleted when the form turns to an agency of
// the directory. Its filer is its admin (the contact the guide asks for). A name the form refuses
// (taken by an agency of the directory, say) makes no entry and changes none.
void KeepPendingAgency(db::Connection& c, RequestForm& f, const RequestForm* before,
                       const std::string& user_id, bool name_refused) {
    std::optional<agencies::Agency> mine;
    if (before && before->agency_choice == "new" && !before->agency_id.empty()) {
        mine = agencies::store::Find(c, before->agency_id);
        if (mine && mine->state != agencies::AgencyState::kPending) mine.reset();
    }
    if (f.agency_choice != "new") {
        if (mine) {
            mine->state = agencies::AgencyState::kDeleted;
            mine->modified = core::NowIso();
            agencies::store::Update(c, *mine);
        }
        return;
    }
    if (name_refused || f.agency_name_th.empty() || f.agency_name_th.size() > kMaxNameBytes) {
        f.agency_id = mine ? mine->id : "";
        return;
    }
    agencies::Agency a = mine ? *mine : agencies::Agency{};
    a.title = f.agency_name_th;
    a.title_en = f.agency_name_en.size() <= kMaxNameBytes ? f.agency_name_en : "";
    a.parent_id.clear();
    a.kind = agencies::AgencyKind::kOther;
    if (!f.ministry.empty() && f.ministry != "other") {
        auto m = agencies::store::Find(c, f.ministry);
        if (m && m->kind == agencies::AgencyKind::kMinistry &&
            m->state == agencies::AgencyState::kActive) {
            a.parent_id = m->id;
            a.kind = agencies::AgencyKind::kDepartment;
        }
    }
    a.state = agencies::AgencyState::kPending;
    a.modified = core::NowIso();
    if (mine) {
        agencies::store::Update(c, a);
    } else {
        a.id = core::NewUuid();
        a.name = "workd-" + a.id.substr(0, 8);
        a.created = a.modified;
        agencies::store::Insert(c, a);
        agencies::store::SetMember(c, a.id, {user_id, agencies::Role::kAdmin});
    }
    f.agency_id = a.id;
}

// Whether `user_id` may be told of the agency's request filed by `applicant_id`.
bool MaySeeRequest(db::Connection& c, const std::string& agency_id, const std::string& applicant_id,
                   const std::string& user_id) {
    if (user_id.empty()) return false;
    if (applicant_id == user_id) return true;
    auto role = agencies::store::RoleOf(c, user_id, agency_id);
    return role && *role == agencies::Role::kAdmin;
}

}  // namespace

std::optional<ServiceBlock> BlockOf(db::Connection& c, const std::string& agency_id,
                                    const std::string& except_id, const std::string& user_id,
                                    bool count_own_drafts) {
    if (agency_id.empty()) return std::nullopt;
    if (auto s = store::FindService(c, agency_id); s && s->request_id != except_id) {
        ServiceBlock b{.message = "workd.form.error.agency_has_service"};
        if (auto r = workflow::store::FindRequest(c, s->request_id);
            r && MaySeeRequest(c, agency_id, r->applicant_id, user_id))
            b.reference = r->reference;
        return b;
    }
    if (auto open =
            store::OpenServiceRequest(c, agency_id, except_id, count_own_drafts ? user_id : "")) {
        ServiceBlock b{.message = "workd.form.error.agency_has_open"};
        if (MaySeeRequest(c, agency_id, open->applicant_id, user_id)) b.reference = open->reference;
        return b;
    }
    return std::nullopt;
}

std::string BangkokToday() {
    std::time_t t = core::NowEpochSeconds() + 7 * 3600;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

FormContext MakeFormContext(db::Connection& c, const core::ThaiAddressBook& addresses,
                            const std::string& zone) {
    FormContext ctx;
    ctx.find_agency = [&c](const std::string& name) -> std::optional<DirectoryAgency> {
        if (name.empty()) return std::nullopt;
        auto a = agencies::store::Find(c, name);
        if (!a || a->state != agencies::AgencyState::kActive || a->name != name)
            return std::nullopt;
        return ToDirectory(*a);
    };
    ctx.domain_taken = [&c](const std::string& fqdn) { return store::DomainTaken(c, fqdn); };
    ctx.agency_title_taken = [&c](const std::string& title, const std::string& except_id) {
        // Compared as Thai names are (core/thai_address.hpp): without spaces and invisible
        // characters, so "กรม\u200bอุตุนิยมวิทยา" is not a second กรมอุตุนิยมวิทยา.
        auto key = [](const std::string& t) {
            return core::ToLower(core::NormalizeThaiAddressName(t));
        };
        std::string wanted = key(title);
        if (wanted.empty()) return false;
        for (const auto& a : agencies::store::List(c))
            if (a.id != except_id && a.state == agencies::AgencyState::kActive &&
                (key(a.title) == wanted || (!a.title_en.empty() && key(a.title_en) == wanted)))
                return true;
        return false;
    };
    ctx.addresses = &addresses;
    ctx.zone = zone;
    ctx.today = BangkokToday();
    return ctx;
}

RequestDesk::RequestDesk(db::Database& db, workflow::WorkflowService& workflow,
                         const core::ThaiAddressBook& addresses, std::string zone)
    : db_(db), workflow_(workflow), addresses_(addresses), zone_(std::move(zone)) {}

std::vector<DirectoryAgency> RequestDesk::Agencies() {
    return db_.Read([&](db::Connection& c) {
        std::vector<DirectoryAgency> out;
        for (const auto& a : agencies::store::List(c)) out.push_back(ToDirectory(a));
        return out;
    });
}

std::vector<DirectoryAgency> RequestDesk::Ministries() {
    return db_.Read([&](db::Connection& c) {
        std::vector<DirectoryAgency> out;
        for (const auto& a : agencies::store::List(c, {.kind = agencies::AgencyKind::kMinistry}))
            out.push_back(ToDirectory(a));
        return out;
    });
}

std::vector<DirectoryAgency> RequestDesk::AgenciesOf(const std::string& user_id) {
    return db_.Read([&](db::Connection& c) {
        std::vector<DirectoryAgency> out;
        for (const auto& [a, role] : agencies::store::OfUser(c, user_id))
            out.push_back(ToDirectory(a));
        return out;
    });
}

std::optional<DirectoryAgency> RequestDesk::FindAgency(const std::string& id_or_name) {
    if (id_or_name.empty()) return std::nullopt;
    return db_.Read([&](db::Connection& c) -> std::optional<DirectoryAgency> {
        auto a = agencies::store::Find(c, id_or_name);
        if (!a) return std::nullopt;
        return ToDirectory(*a);
    });
}

std::string RequestDesk::AgencyTitle(const std::string& id_or_name, const std::string& locale) {
    auto a = FindAgency(id_or_name);
    if (!a) return "";
    return locale == "en" && !a->title_en.empty() ? a->title_en : a->title;
}

FormCheck RequestDesk::Check(RequestForm& form, FormMode mode) {
    return db_.Read([&](db::Connection& c) {
        RequestForm before = form;
        return Validate(form, MakeFormContext(c, addresses_, zone_), mode, &before, core::NowIso());
    });
}

DeskResult RequestDesk::Create(const accounts::Principal& p, RequestForm form, FormMode mode,
                               const std::string& ip) {
    return Save(p, std::nullopt, std::move(form), mode, ip);
}

DeskResult RequestDesk::Update(const accounts::Principal& p, const std::string& reference,
                               RequestForm form, FormMode mode, const std::string& ip) {
    auto found = Load(p, reference);
    if (!found) throw HttpError::NotFound("workflow.not_found");
    return Save(p, found->first, std::move(form), mode, ip);
}

DeskResult RequestDesk::Save(const accounts::Principal& p,
                             const std::optional<workflow::Request>& existing, RequestForm form,
                             FormMode mode, const std::string& ip) {
    DeskResult out;
    std::optional<RequestForm> before;
    if (existing) {
        before = RequestForm::FromData(workflow_.OpenData(*existing));
        const auto& t = workflow_.Type(existing->type);
        const auto* s = t.State(existing->state);
        if (!s || s->final ||
            (existing->state != t.initial_state && s->clock != workflow::Clock::kPaused))
            throw HttpError(409, "conflict", "workflow.not_editable");
    }
    // The masked citizen ID an API reader got back means "unchanged".
    if (before && !before->contact_citizen_id.empty() &&
        form.contact_citizen_id == core::MaskCitizenId(before->contact_citizen_id))
        form.contact_citizen_id = before->contact_citizen_id;
    std::string now = core::NowIso();
    out.check = db_.Read([&](db::Connection& c) {
        return Validate(form, MakeFormContext(c, addresses_, zone_), mode,
                        before ? &*before : nullptr, now);
    });
    // The agency chosen one way leaves nothing of the other behind (names of a new agency once
    // the directory is chosen, and the directory's agency once a new one is named).
    if (form.agency_choice == "directory") {
        for (auto* v : {&form.agency_name_th, &form.agency_name_en, &form.ministry,
                        &form.ministry_other_th, &form.ministry_other_en})
            v->clear();
    } else if (form.agency_choice == "new") {
        form.agency.clear();
    }
    // Text that cannot be taken (control characters, broken UTF-8) is not stored.
    for (const auto& e : out.check.errors)
        if (e.message == "workd.form.error.bad_text")
            for (const auto& d : RequestForm::Fields())
                if (e.field == d.key) form.*d.member = "";
    // One service, and one open (submitted) request, per agency of the directory; one draft per
    // filer and agency. A stranger's draft blocks nobody.
    if (form.agency_choice == "directory" && !out.check.directory_agency_id.empty()) {
        form.agency_id = out.check.directory_agency_id;
        auto block = db_.Read([&](db::Connection& c) {
            return BlockOf(c, form.agency_id, existing ? existing->id : "", p.user_id, true);
        });
        if (block) {
            out.blocked = true;
            out.block_message = block->message;
            out.open_reference = block->reference;
            out.form = std::move(form);
            return out;
        }
    } else if (form.agency_choice != "new") {
        form.agency_id.clear();
    }
    bool name_refused =
        std::any_of(out.check.errors.begin(), out.check.errors.end(), [](const auto& e) {
            return e.field == field::kAgencyNameTh || e.field == field::kAgencyNameEn;
        });
    // The directory agency's title for the subject.
    std::string directory_title;
    if (form.agency_choice == "directory" && !form.agency.empty())
        directory_title = db_.Read([&](db::Connection& c) {
            auto a = agencies::store::Find(c, form.agency);
            return a && a->name == form.agency ? a->title : std::string();
        });
    if (!existing) {
        std::string agency_created;
        if (form.agency_choice == "new") {
            db_.Write([&](db::Connection& c) {
                KeepPendingAgency(c, form, nullptr, p.user_id, name_refused);
            });
            agency_created = form.agency_id;
        }
        try {
            out.request = workflow_.Create(p,
                                           {.type = kServiceType,
                                            .organization_id = form.agency_id,
                                            .subject = Subject(form, zone_, directory_title),
                                            .data_json = form.ToData().dump()},
                                           ip);
        } catch (...) {
            if (!agency_created.empty())
                db_.Write([&](db::Connection& c) {
                    auto a = agencies::store::Find(c, agency_created);
                    if (a) {
                        a->state = agencies::AgencyState::kDeleted;
                        agencies::store::Update(c, *a);
                    }
                });
            throw;
        }
    } else {
        workflow::WorkflowService::DraftUpdate update;
        update.subject = Subject(form, zone_, directory_title);
        // The pending agency's id is known only inside the transaction: the data is set there.
        update.effect = [&](db::Connection& c, workflow::Request& r, Json& data) {
            KeepPendingAgency(c, form, &*before, p.user_id, name_refused);
            if (form.agency_choice == "directory") form.agency_id = out.check.directory_agency_id;
            r.organization_id = form.agency_id;
            data = form.ToData();
        };
        out.request = workflow_.UpdateDraft(p, existing->id, update, ip);
    }
    out.saved = true;
    out.form = std::move(form);
    return out;
}

std::optional<std::pair<workflow::Request, RequestForm>> RequestDesk::Load(
    const accounts::Principal& p, const std::string& reference) {
    auto r = workflow_.Find(&p, reference);
    if (!r || r->applicant_id != p.user_id || r->type != kServiceType) return std::nullopt;
    return std::make_pair(*r, RequestForm::FromData(workflow_.OpenData(*r)));
}

void AddFormHooks(workflow::RequestType& type, const workflow::WorkflowService& workflow,
                  const core::ThaiAddressBook& addresses, std::string zone) {
    for (auto& d : type.transitions) {
        if (d.id != "submit" && d.id != "resubmit") continue;
        auto previous = d.effect;
        d.effect = [&workflow, &addresses, zone, previous](db::Connection& c,
                                                           const workflow::Request& r,
                                                           const accounts::Principal& actor) {
            RequestForm form = RequestForm::FromData(workflow.OpenData(r));
            RequestForm before = form;
            FormCheck check = Validate(form, MakeFormContext(c, addresses, zone),
                                       FormMode::kComplete, &before, before.pdpa_at);
            if (!check.ok())
                throw HttpError::Validation(check.errors, "workd.form.error.incomplete");
            if (auto block = BlockOf(c, r.organization_id, r.id, actor.user_id, false))
                throw HttpError::Validation(
                    {{field::kAgency, block->reference.empty()
                                          ? core::Message(block->message)
                                          : core::Message(block->message + "_ref",
                                                          {{"reference", block->reference}})}});
            if (previous) previous(c, r, actor);
        };
    }
    // The agency and the ministry are stored by short name; the pages show their titles.
    type.agency_fields = {field::kAgency, field::kMinistry};
    auto next = type.next_steps;
    type.next_steps = [next](const workflow::Request& r) {
        std::vector<workflow::NextStep> steps;
        if (r.state == "draft" || r.state == "needs_info")
            steps.push_back({"workd.form.edit", "/workd/requests/" + r.reference + "/edit"});
        // A change to the approved service (member list, more accounts, Mail Relay): its page.
        if (r.state == "approved")
            steps.push_back(
                {"workd.change.next_step", "/workd/requests/" + r.reference + "/change"});
        if (next)
            for (auto& s : next(r)) steps.push_back(std::move(s));
        return steps;
    };
}

}  // namespace govhub::workd
