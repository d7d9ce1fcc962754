#include "app/mail_job.hpp"

#include <nlohmann/json.hpp>

namespace govhub::app {

void RegisterMailJob(jobs::JobRunner& runner, mail::Mailer& mailer) {
    runner.Register("mail.send", [&mailer](jobs::JobContext& ctx) {
        auto p = nlohmann::json::parse(ctx.payload(), nullptr, false);
        if (p.is_discarded() || !p.contains("to") || !p["to"].is_string())
            throw jobs::PermanentJobError("mail.send payload needs a \"to\" address");
        mail::Message m{p["to"].get<std::string>(), p.value("subject", ""), p.value("text", "")};
        mailer.Send(m);  // throws on SMTP failure: the runner retries with back-off
        return std::string();
    });
}

accounts::MailSender QueueMail(jobs::JobService& jobs) {
    return [&jobs](const mail::Message& m) {
        nlohmann::json payload = {{"to", m.to}, {"subject", m.subject}, {"text", m.text}};
        jobs.Enqueue("mail.send", payload.dump(), {.max_attempts = 8});
    };
}

}  // namespace govhub::app
