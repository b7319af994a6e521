#include "serve/json_errors.h"

#include <nlohmann/json.hpp>

namespace lmrec {

std::string error_body(int status, const std::string& message) {
  return nlohmann::json{{"error", {{"status", status}, {"message", message}}}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ErrorAnswer current_error() {
  int status = 500;
  std::string message;
  try {
    throw;
  } catch (const ApiError& e) {
    status = e.status();
    message = e.what();
  } catch (const ConfigError& e) {
    status = 400;
    message = e.what();
  } catch (const InputError& e) {
    status = 400;
    message = e.what();
  } catch (const nlohmann::json::exception& e) {
    status = 400;
    message = std::string("malformed JSON: ") + e.what();
  } catch (const std::exception& e) {
    message = std::string("internal error: ") + e.what();
  } catch (...) {
    message = "internal error";
  }
  return {status, error_body(status, message)};
}

}  // namespace lmrec
