#include "base/file_io.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace parity {

FileResult<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileError{FileErrc::cannot_open, path + ": cannot read"};
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return FileError{FileErrc::read_failed, path + ": read failed"};
  return buf.str();
}

FileResult<void> write_file_atomic(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return FileError{FileErrc::cannot_open, path + ": cannot write"};
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) return FileError{FileErrc::write_failed, path + ": write failed"};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return FileError{FileErrc::write_failed, path + ": rename failed"};
  return {};
}

}  // namespace parity
