#include "reference/stanza/pugixml_memory.h"

#include <cstddef>
#include <cstdlib>
#include <utility>

#include <pugixml.hpp>

namespace parity::stanza {

namespace {

// Header precedes every block pugixml gets, so deallocate knows its size; 16 bytes keep
// malloc's alignment for what follows.
struct alignas(16) Header {
  size_t size;
};

// Pages are what pugixml allocates per document (PUGIXML_MEMORY_PAGE_SIZE, 32 KiB, plus
// its page header); only blocks of about that size are cached.
constexpr size_t kMinCached = size_t{32} << 10;
constexpr size_t kMaxCached = size_t{40} << 10;

// PageCache holds one freed page of this thread.
struct PageCache {
  Header* page = nullptr;
  PageCache() = default;
  PageCache(const PageCache&) = delete;
  PageCache& operator=(const PageCache&) = delete;
  ~PageCache() {
    std::free(page);
    page = nullptr;  // a page freed later on this thread is then only leaked, never freed twice
  }
};
thread_local PageCache t_cache;

void* allocate(size_t size) {
  if (Header* h = t_cache.page; h != nullptr && h->size == size) {
    t_cache.page = nullptr;
    return h + 1;
  }
  auto* h = static_cast<Header*>(std::malloc(sizeof(Header) + size));
  if (h == nullptr) return nullptr;  // pugixml reports out_of_memory
  h->size = size;
  return h + 1;
}

void deallocate(void* p) {
  if (p == nullptr) return;
  Header* h = static_cast<Header*>(p) - 1;
  if (h->size >= kMinCached && h->size <= kMaxCached) {
    std::swap(h, t_cache.page);  // keep the newest page; free the one it replaces
  }
  std::free(h);
}

}  // namespace

void install_pugixml_memory() {
  static const bool installed = [] {
    pugi::set_memory_management_functions(allocate, deallocate);
    return true;
  }();
  (void)installed;
}

}  // namespace parity::stanza
