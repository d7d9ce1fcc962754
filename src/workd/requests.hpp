#pragma once
// workD's request desk (issue 18, step 1): saving the request form as a workflow draft, the new
// agency it names added to the directory as pending with its filer as admin, one open request per
// agency, and the full check that submitting runs. Pages and the JSON API call it; the submit
// step itself stays the workflow's (/requests/{reference}).
#include <optional>
#include <string>
#include <vector>

#include "accounts/service.hpp"
#include "db/database.hpp"
#include "workd/form.hpp"
#include "workflow/service.hpp"

namespace govhub::core {
class ThaiAddressBook;
}

namespace govhub::workd {

// What saving the form gave.
struct DeskResult {
    bool saved = false;
    workflow::Request request;  // when saved
    RequestForm form;           // as stored (normalised where valid)
    FormCheck check;            // the errors of the mode asked for
    // Nothing was saved: the agency already has a service or an open request (`blocked`, with
    // the message key); its reference only for someone who may see that request (its applicant,
    // the agency's admins), else "".
    bool blocked = false;
    std::string block_message;
    std::string open_reference;
};

// Why a new-service request for `agency_id` may not be saved or submitted by `user_id` (a
// service exists: workd.form.error.agency_has_service; an open submitted request, or the user's
// own draft: workd.form.error.agency_has_open); nullopt when nothing blocks it.
struct ServiceBlock {
    std::string message;    // i18n key
    std::string reference;  // "" unless `user_id` may see that request
};
std::optional<ServiceBlock> BlockOf(db::Connection& c, const std::string& agency_id,
                                    const std::string& except_id, const std::string& user_id,
                                    bool count_own_drafts);

class RequestDesk {
  public:
    RequestDesk(db::Database& db, workflow::WorkflowService& workflow,
                const core::ThaiAddressBook& addresses, std::string zone);

    // A new draft with what was typed (kept even when invalid; `mode` says which errors are
    // reported: kComplete for "continue").
    DeskResult Create(const accounts::Principal& p, RequestForm form, FormMode mode,
                      const std::string& ip);
    // The same on the applicant's draft or needs-info request. 404 / 409 workflow.not_editable.
    DeskResult Update(const accounts::Principal& p, const std::string& reference, RequestForm form,
                      FormMode mode, const std::string& ip);
    // The applicant's own request and its form (sensitive fields opened); nullopt when `p` did
    // not file it or it is not a workD service request.
    std::optional<std::pair<workflow::Request, RequestForm>> Load(const accounts::Principal& p,
                                                                  const std::string& reference);
    // Checks a stored form as submitting needs it; for the current state's display too.
    FormCheck Check(RequestForm& form, FormMode mode);

    // The directory's active agencies and its ministries, for the form's choices.
    std::vector<DirectoryAgency> Agencies();
    std::vector<DirectoryAgency> Ministries();
    // The active agencies where `user_id` holds a role (the form's first guess).
    std::vector<DirectoryAgency> AgenciesOf(const std::string& user_id);
    // Any agency of the directory by id or short name, whatever its state (pending, active):
    // its titles for the printed form.
    std::optional<DirectoryAgency> FindAgency(const std::string& id_or_name);
    // Its title in `locale` (the English one on English pages when it has one); "" when unknown.
    std::string AgencyTitle(const std::string& id_or_name, const std::string& locale);

    const std::string& zone() const { return zone_; }
    const core::ThaiAddressBook& addresses() const { return addresses_; }

  private:
    DeskResult Save(const accounts::Principal& p, const std::optional<workflow::Request>& existing,
                    RequestForm form, FormMode mode, const std::string& ip);

    db::Database& db_;
    workflow::WorkflowService& workflow_;
    const core::ThaiAddressBook& addresses_;
    std::string zone_;
};

// The context validation needs, read over one connection (inside the submit's transaction too).
FormContext MakeFormContext(db::Connection& c, const core::ThaiAddressBook& addresses,
                            const std::string& zone);
// Bangkok's date today, YYYY-MM-DD.
std::string BangkokToday();

// The form's hooks on the workd_service type: its submit and resubmit steps refuse an incomplete
// or invalid form (HttpError::Validation with the per-field keys) and a second open request of
// the agency; the request page offers "edit the form" while it is a draft or needs information
// (before the type's own next steps), and "ask for a change" once it is approved.
void AddFormHooks(workflow::RequestType& type, const workflow::WorkflowService& workflow,
                  const core::ThaiAddressBook& addresses, std::string zone);

}  // namespace govhub::workd
