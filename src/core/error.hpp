#pragma once
// The one error type handlers throw (DESIGN.md §5). A single top-level catch renders it as
// the CKAN envelope, JSON or an HTML page. `message` is an i18n key when one exists for it,
// otherwise plain English text.
#include <stdexcept>
#include <string>
#include <vector>

namespace govhub {

struct FieldError {
    std::string field;
    std::string message;  // i18n key or text
};

class HttpError : public std::runtime_error {
  public:
    HttpError(int status, std::string code, std::string message,
              std::vector<FieldError> fields = {})
        : std::runtime_error(message),
          status_(status),
          code_(std::move(code)),
          message_(std::move(message)),
          fields_(std::move(fields)) {}

    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const std::string& message() const { return message_; }
    const std::vector<FieldError>& fields() const { return fields_; }

    // Extra response headers (Retry-After, Allow ...).
    std::vector<std::pair<std::string, std::string>> headers;

    static HttpError BadRequest(std::string message) {
        return {400, "bad_request", std::move(message)};
    }
    static HttpError NotFound(std::string message = "error.not_found") {
        return {404, "not_found", std::move(message)};
    }
    static HttpError Forbidden(std::string message = "error.forbidden") {
        return {403, "forbidden", std::move(message)};
    }
    static HttpError Unauthorized(std::string message = "error.unauthorized") {
        return {401, "unauthorized", std::move(message)};
    }
    static HttpError Validation(std::vector<FieldError> fields,
                                std::string message = "error.validation") {
        return {409, "validation", std::move(message), std::move(fields)};
    }

  private:
    int status_;
    std::string code_;
    std::string message_;
    std::vector<FieldError> fields_;
};

}  // namespace govhub
