// Errors as HTTP answers: an ApiError carries its status; every other exception maps to one
// (bad options and input to 400, anything unexpected to 500). Bodies are
// {"error": {"status": N, "message": "..."}}.
#pragma once

#include <exception>
#include <string>

#include "core/errors.h"

namespace lmrec {

class ApiError : public Error {
 public:
  ApiError(int status, const std::string& message, const char* src_file, int src_line)
      : Error(message, src_file, src_line), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

#define LMREC_API_ERROR(status, msg) throw ::lmrec::ApiError((status), (msg), __FILE__, __LINE__)

struct ErrorAnswer {
  int status;
  std::string body;
};

std::string error_body(int status, const std::string& message);
// Maps the exception in flight (call inside a catch block).
ErrorAnswer current_error();

}  // namespace lmrec
