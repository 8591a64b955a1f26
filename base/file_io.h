// file_io.h: whole-file reads and atomic writes, with errors that name the file. Used by
// the loaders (vectors, waivers, transcripts, results) and the writers (results, reports).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace parity {

// FileErrc says why a file operation failed.
enum class FileErrc {
  cannot_open,   // missing, a folder, or no permission
  read_failed,   // opened, but reading stopped with an error
  write_failed,  // writing, flushing or renaming into place failed
};

// FileError names the file in its detail ("PATH: cannot read").
struct FileError {
  FileErrc code = FileErrc::cannot_open;
  std::string detail;
};

template <class T>
using FileResult = BasicResult<T, FileError>;

// read_file returns the whole content of path.
FileResult<std::string> read_file(const std::string& path);

// write_file_atomic writes content to PATH.tmp and renames it over path, so a reader
// never sees half a file.
FileResult<void> write_file_atomic(const std::string& path, std::string_view content);

}  // namespace parity
