#include "mail/mailer.hpp"

#include <curl/curl.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"

namespace govhub::mail {
namespace {

std::string EncodeHeader(const std::string& value) {
    bool ascii = true;
    for (unsigned char c : value) ascii &= c < 0x80;
    return ascii ? value : "=?UTF-8?B?" + core::Base64Encode(value) + "?=";
}

std::string AddressOnly(const std::string& from) {
    auto lt = from.find('<'), gt = from.find('>');
    if (lt != std::string::npos && gt != std::string::npos && gt > lt)
        return from.substr(lt + 1, gt - lt - 1);
    return from;
}

void CheckAddress(const std::string& addr) {
    if (addr.empty() || addr.find_first_of("\r\n<>") != std::string::npos)
        throw std::runtime_error("invalid e-mail address");
}

class OutboxMailer : public Mailer {
  public:
    OutboxMailer(std::string dir, std::string from) : dir_(std::move(dir)), from_(std::move(from)) {
        std::filesystem::create_directories(dir_);
    }
    void Send(const Message& m) override {
        CheckAddress(m.to);
        std::string id = core::NewUuid();
        std::string path =
            dir_ + "/" + core::NowIso().substr(0, 19) + "-" + id.substr(0, 8) + ".eml";
        for (auto& c : path)
            if (c == ':') c = '-';
        std::ofstream out(path, std::ios::binary);
        out << FormatMessage(m, from_, id + "@govhub");
        if (!out) throw std::runtime_error("cannot write " + path);
        // Without SMTP the developer follows the link from the log.
        std::string links;
        for (size_t pos = m.text.find("http"); pos != std::string::npos;
             pos = m.text.find("http", pos + 1)) {
            if (m.text.compare(pos, 7, "http://") != 0 && m.text.compare(pos, 8, "https://") != 0)
                continue;
            size_t end = m.text.find_first_of(" \r\n\t", pos);
            std::string link =
                m.text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
            if (links.find(link) == std::string::npos) links += (links.empty() ? "" : " ") + link;
            if (end == std::string::npos) break;
            pos = end;
        }
        core::LogInfo("mail.outbox", "message written to outbox",
                      "\"to\":\"" + core::JsonEscape(m.to) + "\",\"file\":\"" +
                          core::JsonEscape(path) + "\",\"subject\":\"" +
                          core::JsonEscape(m.subject) + "\",\"links\":\"" +
                          core::JsonEscape(links) + "\"");
    }

  private:
    std::string dir_, from_;
};

struct Upload {
    std::string data;
    size_t pos = 0;
};

size_t ReadCallback(char* buffer, size_t size, size_t nitems, void* userp) {
    auto* u = static_cast<Upload*>(userp);
    size_t n = std::min(size * nitems, u->data.size() - u->pos);
    std::memcpy(buffer, u->data.data() + u->pos, n);
    u->pos += n;
    return n;
}

class SmtpMailer : public Mailer {
  public:
    SmtpMailer(MailConfig config) : cfg_(std::move(config)) {
        static bool init = (curl_global_init(CURL_GLOBAL_DEFAULT), true);
        (void)init;
    }
    void Send(const Message& m) override {
        CheckAddress(m.to);
        std::string from_addr = AddressOnly(cfg_.from);
        Upload upload{FormatMessage(m, cfg_.from, core::NewUuid() + "@govhub")};
        CURL* curl = curl_easy_init();
        if (!curl) throw std::runtime_error("curl init failed");
        curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.to + ">").c_str());
        curl_easy_setopt(curl, CURLOPT_URL, cfg_.smtp_url.c_str());
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + from_addr + ">").c_str());
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadCallback);
        curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(cfg_.timeout_seconds));
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        // Upgrade to TLS when the server offers STARTTLS.
        curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
        CURLcode rc = curl_easy_perform(curl);
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(curl);
        if (rc != CURLE_OK)
            throw std::runtime_error(std::string("smtp: ") + curl_easy_strerror(rc));
        core::LogInfo("mail.smtp", "message sent", "\"to\":\"" + core::JsonEscape(m.to) + "\"");
    }

  private:
    MailConfig cfg_;
};

std::string RfcDate() {
    std::string d = core::HttpDate(core::NowEpochSeconds());
    return d.substr(0, d.size() - 3) + "+0000";  // "GMT" -> numeric zone (RFC 5322)
}

}  // namespace

std::string FormatMessage(const Message& m, const std::string& from,
                          const std::string& message_id) {
    std::string body64 = core::Base64Encode(m.text);
    std::string wrapped;
    for (size_t i = 0; i < body64.size(); i += 76) wrapped += body64.substr(i, 76) + "\r\n";
    return "From: " + from + "\r\nTo: " + m.to + "\r\nSubject: " + EncodeHeader(m.subject) +
           "\r\nDate: " + RfcDate() + "\r\nMessage-ID: <" + message_id +
           ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" +
           wrapped;
}

std::unique_ptr<Mailer> MakeMailer(const MailConfig& config) {
    if (config.smtp_url.empty())
        return std::make_unique<OutboxMailer>(config.outbox_dir, config.from);
    return std::make_unique<SmtpMailer>(config);
}

}  // namespace govhub::mail
