#pragma once
// Outbound e-mail: SMTP through libcurl (GOVHUB_SMTP_URL), or .eml files in var/outbox/ when
// no SMTP server is configured (development).
#include <memory>
#include <string>

namespace govhub::mail {

struct Message {
    std::string to;
    std::string subject;
    std::string text;  // UTF-8 plain text
};

class Mailer {
  public:
    virtual ~Mailer() = default;
    // Throws std::runtime_error when the message could not be handed over.
    virtual void Send(const Message& message) = 0;
};

struct MailConfig {
    std::string smtp_url;  // smtp://host:port, smtps://user:pass@host:465; empty -> outbox
    std::string from = "govhub <no-reply@localhost>";
    std::string outbox_dir = "var/outbox";
    int timeout_seconds = 30;
};

std::unique_ptr<Mailer> MakeMailer(const MailConfig& config);

// RFC 5322 message with a UTF-8 subject (RFC 2047) and a base64 body.
std::string FormatMessage(const Message& m, const std::string& from, const std::string& message_id);

}  // namespace govhub::mail
