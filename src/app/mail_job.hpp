#pragma once
// E-mail goes out through the job queue: a request only enqueues `mail.send`, and an SMTP
// outage is retried with back-off instead of failing the user's request.
#include "accounts/service.hpp"
#include "jobs/runner.hpp"
#include "jobs/service.hpp"
#include "mail/mailer.hpp"

namespace govhub::app {

void RegisterMailJob(jobs::JobRunner& runner, mail::Mailer& mailer);
accounts::MailSender QueueMail(jobs::JobService& jobs);

}  // namespace govhub::app
